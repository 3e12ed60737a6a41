"""Security: hostile text is stored verbatim and never executed; secrets stay out of repr and logs."""

import json
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from pipeline.settings import load_settings

HOSTILE_TITLE = "Honda'); DROP TABLE articles; -- <script>alert('t')</script>"
HOSTILE_TEXT = ("Honda and Nissan signed a memorandum of understanding on Robert'); DELETE FROM feeds;-- "
                "<img src=x onerror=alert(1)> and $$; SELECT pg_sleep(10); $$ to study a partnership "
                "on electric vehicles and software, the companies said in a joint statement.")


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.split("@")[-1]
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}", parts.path, parts.query, ""))


def test_settings_repr_never_shows_passwords():
    settings = load_settings({"DATABASE_URL": "postgresql://tieup:Sup3rSecret@db.example/news"})
    assert "Sup3rSecret" not in repr(settings) and "Sup3rSecret" not in str(settings)
    assert "tieup:***@db.example" in repr(settings)
    dsn = load_settings({"DATABASE_URL": "host=db dbname=news password=Sup3rSecret"})
    assert "Sup3rSecret" not in repr(dsn)


def test_hostile_strings_are_stored_verbatim(tmp_path, database_url, conn):
    archive = tmp_path / "hostile.jsonl"
    archive.write_text(json.dumps({"url": "https://news.example/a?q=1'OR'1'='1", "title": HOSTILE_TITLE,
                                   "text": HOSTILE_TEXT, "published": "2024-03-15"}) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "--database-url", database_url,
                           "ingest", "--quiet", str(archive)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with conn.cursor() as cur:
        cur.execute("SELECT v.title, a.text, v.url FROM v_articles v JOIN articles a ON a.id = v.article_id")
        assert cur.fetchone() == (HOSTILE_TITLE, HOSTILE_TEXT, "https://news.example/a?q=1'OR'1'='1")
        cur.execute("SELECT count(*) FROM feeds")  # nothing was executed
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT best_evidence FROM v_alliance_events")
        evidence = cur.fetchone()[0]
        assert evidence in HOSTILE_TEXT and "<img src=x" in evidence


def test_password_never_appears_in_output_or_logs(site_settings):
    secret = "N0tInLogs-7731"
    url = _with_password(site_settings.database_url, secret)  # trust auth ignores it
    env = {"PATH": "/usr/bin:/bin", "TIEUP_FEEDS_FILE": str(site_settings.feeds_file),
           "TIEUP_ALLOW_PRIVATE_HOSTS": "1", "TIEUP_HOST_INTERVAL_SECONDS": "0", "DATABASE_URL": url}
    ok = subprocess.run([sys.executable, "-m", "pipeline.cli", "-v", "run", "--once"],
                        capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    broken = subprocess.run([sys.executable, "-m", "pipeline.cli", "-v", "feeds", "list"],
                            capture_output=True, text=True, timeout=60,
                            env={**env, "DATABASE_URL": f"postgresql://u:{secret}@/none?host=/nonexistent"})
    assert broken.returncode != 0 and "database" in broken.stderr.lower()
    for proc in (ok, broken):
        assert secret not in proc.stdout + proc.stderr
