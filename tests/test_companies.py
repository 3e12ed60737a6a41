"""Unresolved parties end to end: ingested news names a company the gazetteer lacks, the
views show it apart, and a reviewer maps it or adds it (audited), so the gazetteer grows."""

import json

import pytest

from pipeline import stages
from pipeline.cli import main
from pipeline.store import companies as company_store

ARTICLES = [
    {"url": "https://news.example.com/toyota-acme", "published": "2026-03-02T08:00:00Z",
     "title": "Toyota and Acme Robotics to co-develop factory robots",
     "text": "Toyota Motor and Acme Robotics GmbH said on Monday they will co-develop robots for car "
             "factories under a strategic partnership, with the first units due in 2027.\n"
             "The partnership covers assembly and paint-shop robots for Toyota plants in Europe."},
    {"url": "https://wire.example.org/bank-hyundai", "published": "2026-03-03T08:00:00Z",
     "title": "Bank Mandiri and Hyundai form car-loan joint venture",
     "text": "PT Bank Mandiri Tbk and Hyundai Motor agreed on Tuesday to set up a 50-50 joint venture "
             "to offer car loans to Hyundai buyers in Indonesia, the companies announced."},
]


@pytest.fixture
def ingested(database_url, tmp_path, conn, monkeypatch):
    stages.sync_companies(conn)
    archive = tmp_path / "news.jsonl"
    archive.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    monkeypatch.setenv("TIEUP_REVIEWER", "alice")
    assert main(["--database-url", database_url, "ingest", str(archive), "--quiet"]) == 0
    return database_url


def _event_with(conn, name):
    with conn.cursor() as cur:
        cur.execute("SELECT event_id, parties, unresolved_parties FROM v_alliance_events "
                    "WHERE %s = ANY(pipeline_parties)", (name,))
        return cur.fetchone()


def test_unlisted_parties_are_stored_and_shown_apart(ingested, conn):
    _, parties, unresolved = _event_with(conn, "Acme Robotics")
    assert set(parties) == {"Toyota", "Acme Robotics"} and unresolved == ["Acme Robotics"]
    with conn.cursor() as cur:
        cur.execute("SELECT unresolved_parties FROM v_articles WHERE canonical_url LIKE '%%bank-hyundai'")
        assert cur.fetchone()[0] == ["Bank Mandiri"]
    names = {r["name"] for r in company_store.unresolved_parties(conn)}
    assert names == {"Acme Robotics", "Bank Mandiri"}


def test_mapping_a_name_resolves_it_everywhere_and_is_audited(ingested, conn, capsys):
    # a reviewer adds the robot maker, then maps the legal name the articles also use
    assert main(["--database-url", ingested, "companies", "add", "Acme Robotics", "--kind", "supplier",
                 "--country", "DE"]) == 0
    event_id, parties, unresolved = _event_with(conn, "Acme Robotics")
    assert set(parties) == {"Toyota", "Acme Robotics"} and unresolved == []
    assert main(["--database-url", ingested, "companies", "map", "Acme Robotics GmbH",
                 "--to", "acme robotics"]) == 0
    with conn.cursor() as cur:
        cur.execute("SELECT action, name, company, reviewer FROM v_company_audit ORDER BY audit_id")
        rows = cur.fetchall()
    assert ("add_company", "Acme Robotics", "Acme Robotics", "alice") in rows
    assert ("map_alias", "Acme Robotics GmbH", "Acme Robotics", "alice") in rows
    # the new company can now be used in a correction
    assert main(["--database-url", ingested, "review", "correct", str(event_id),
                 "--parties", "Toyota,Acme Robotics GmbH"]) == 0
    with conn.cursor() as cur:
        cur.execute("SELECT parties FROM v_alliance_events WHERE event_id = %s", (event_id,))
        assert cur.fetchone()[0] == ["Acme Robotics", "Toyota"]
    assert "Acme Robotics" not in {r["name"] for r in company_store.unresolved_parties(conn)}


def test_map_refuses_an_unknown_company_and_a_name_that_means_another(ingested, conn, capsys):
    assert main(["--database-url", ingested, "companies", "map", "Bank Mandiri", "--to", "No Such Co"]) != 0
    assert "unknown company" in capsys.readouterr().err
    assert main(["--database-url", ingested, "companies", "map", "Nissan", "--to", "Toyota"]) != 0
    assert "already means Nissan" in capsys.readouterr().err
    assert main(["--database-url", ingested, "companies", "add", "toyota"]) != 0
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM company_audit")
        assert cur.fetchone()[0] == 0


def test_reviewed_companies_survive_the_gazetteer_sync(ingested, conn):
    company_store.add_company(conn, "Bank Mandiri", "alice", "bank", "ID")
    company_store.map_alias(conn, "Mandiri", "Bank Mandiri", "alice")
    stages.sync_companies(conn)
    assert {r["name"] for r in company_store.find_companies(conn, "mandiri")} == {"Bank Mandiri"}
    assert company_store.find_companies(conn, "mandiri")[0]["aliases"] == ["Mandiri"]
