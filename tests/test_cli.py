"""The `tieup` command line as a user runs it."""

import json
import subprocess
import sys

from pipeline.cli import main


def tieup(*args, database_url=None, stdin=None):
    env_args = ["--database-url", database_url] if database_url else []
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *env_args, *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_db_migrate_is_idempotent(empty_database_url):
    first = tieup("db", "migrate", database_url=empty_database_url)
    assert first.returncode == 0 and "applied" in first.stdout and "none pending" not in first.stdout
    second = tieup("db", "migrate", database_url=empty_database_url)
    assert second.returncode == 0 and "none pending" in second.stdout


def test_feeds_add_list_disable(database_url, capsys):
    assert main(["--database-url", database_url, "feeds", "add", "https://news.example/feed.xml",
                 "--name", "Example"]) == 0
    assert main(["--database-url", database_url, "feeds", "disable", "https://news.example/feed.xml"]) == 0
    capsys.readouterr()
    main(["--database-url", database_url, "feeds", "list"])
    out = capsys.readouterr().out
    assert "disabled" in out and "Example" in out
    assert main(["--database-url", database_url, "feeds", "disable", "999"]) == 1
    assert "no feed" in capsys.readouterr().err


def test_run_once_prints_summary(site_settings, monkeypatch, capsys):
    monkeypatch.setenv("TIEUP_FEEDS_FILE", str(site_settings.feeds_file))
    monkeypatch.setenv("TIEUP_ALLOW_PRIVATE_HOSTS", "1")
    monkeypatch.setenv("TIEUP_HOST_INTERVAL_SECONDS", "0")
    assert main(["--database-url", site_settings.database_url, "run", "--once"]) == 0
    out = capsys.readouterr().out
    assert "feeds:" in out and "polled 3" in out and "stored 12" in out
    assert "alliance events:" in out


def test_missing_database_url_is_a_clear_error(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .data/tieup.env of a running `make run` here
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["feeds", "list"]) == 1
    assert "DATABASE_URL is not set" in capsys.readouterr().err


def test_classify_contract_keeps_order_and_reports_bad_lines():
    lines = [json.dumps({"id": "a", "text": "Honda and Nissan signed a memorandum of understanding."}),
             "{not json",
             json.dumps({"id": "c", "text": "Toyota sold more cars than Volkswagen."})]
    proc = tieup("classify", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and len(out) == 3
    assert out[0]["id"] == "a" and out[0]["is_alliance"] is True
    assert "error" in out[1]
    assert out[2]["id"] == "c" and out[2]["is_alliance"] is False and out[2]["deal_type"] is None
    keys = {"id", "is_auto", "is_alliance", "deal_type", "status", "parties", "focus_areas",
            "confidence", "evidence", "unresolved_parties", "stake_pct"}
    assert set(out[0]) == keys


def test_extract_contract_keeps_order():
    html = "<html lang='en'><head><title>T</title></head><body><p>Body text here.</p></body></html>"
    lines = [json.dumps({"id": 1, "html": html}), "[]", json.dumps({"id": 3, "html": html})]
    proc = tieup("extract", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out][::2] == [1, 3] and "error" in out[1]
    assert set(out[0]) == {"id", "text", "title", "published", "language"}
    assert "Body text here." in out[0]["text"]


def test_db_migrate_syncs_the_gazetteer(empty_database_url):
    assert tieup("db", "migrate", database_url=empty_database_url).returncode == 0
    import psycopg2
    with psycopg2.connect(empty_database_url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT c.name, p.name FROM companies c JOIN companies p ON p.id = c.parent_id
                       WHERE c.name IN ('Chevrolet', 'Infiniti')  ORDER BY 1""")
        assert cur.fetchall() == [("Chevrolet", "General Motors"), ("Infiniti", "Nissan")]
        cur.execute("""SELECT c.name FROM company_aliases a JOIN companies c ON c.id = a.company_id
                       WHERE a.alias = 'ホンダ'""")
        assert cur.fetchone() == ("Honda",)
        cur.execute("SELECT count(*) FROM companies")
        count = cur.fetchone()[0]
    assert count >= 250
    assert tieup("db", "migrate", database_url=empty_database_url).returncode == 0  # idempotent
    with psycopg2.connect(empty_database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM companies")
        assert cur.fetchone()[0] == count
