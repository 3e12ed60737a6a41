"""Stages commit a batch at a time; a bad article is parked alone, a database outage is not."""

from collections import Counter
from pathlib import Path

import psycopg2
import pytest

from pipeline import classify, stages, urls
from pipeline.store import articles as article_store

GOOD = ("Toyota said on Monday it would build a new battery plant in North Carolina, adding "
        "jobs and raising its planned investment in the state as demand for hybrids grows.")


def _add(conn, n, state, text=GOOD):
    ids = []
    with conn.cursor() as cur:
        for i in range(n):
            url = f"https://wire.example/a/{i}"
            cur.execute("""INSERT INTO articles (canonical_url, url_hash, url, source_domain, title,
                                                 text, state, published_at)
                           VALUES (%s, %s, %s, 'wire.example', %s, %s, %s, now()) RETURNING id""",
                        (url, urls.url_hash(url), url, f"Story {i}", f"{text} Item {i}.", state))
            ids.append(cur.fetchone()[0])
    conn.commit()
    return ids


def _states(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT id, state, failed_stage, last_error FROM articles ORDER BY id")
        return cur.fetchall()


def test_an_article_that_breaks_the_classifier_is_parked_and_the_batch_goes_on(
        conn, settings, monkeypatch):
    ids = _add(conn, 3, "deduped")
    real = classify.classify_article

    def breaks_on_second(text, title, url, published):
        if url.endswith("/1"):
            raise ValueError("unexpected input")
        return real(text, title, url, published)
    monkeypatch.setattr(classify, "classify_article", breaks_on_second)
    counts = stages.drain(conn, settings, "deduped", stages.classify_articles)
    assert counts["articles_classified"] == 2 and counts["articles_parked"] == 1
    states = {row[0]: row[1:] for row in _states(conn)}
    assert states[ids[0]][0] == states[ids[2]][0] == "classified"
    assert states[ids[1]][:2] == ("failed", "classify")
    assert "ValueError: unexpected input" in states[ids[1]][2]
    with conn.cursor() as cur:
        cur.execute("SELECT item_id, stage, transient FROM item_errors")
        assert cur.fetchall() == [(ids[1], "classify", False)]


def test_a_database_outage_is_not_blamed_on_an_article(conn, settings, monkeypatch):
    _add(conn, 2, "deduped")

    def outage(*args):
        raise psycopg2.OperationalError("server closed the connection unexpectedly")
    monkeypatch.setattr(classify, "classify_article", outage)
    with pytest.raises(psycopg2.OperationalError):
        stages.drain(conn, settings, "deduped", stages.classify_articles)
    assert {row[1:3] for row in _states(conn)} == {("deduped", None)}


def test_each_stage_moves_a_whole_batch(conn, settings):
    ids = _add(conn, 5, "extracted")
    assert stages.drain(conn, settings, "extracted", stages.dedupe_articles)["articles_deduped"] == 5
    assert stages.drain(conn, settings, "deduped", stages.classify_articles)["articles_classified"] == 5
    stages.drain(conn, settings, "classified", stages.load_records)
    assert [row[1] for row in _states(conn)] == ["loaded"] * len(ids)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE lease_owner IS NOT NULL OR story_id IS NULL")
        assert cur.fetchone()[0] == 0


def test_flow_takes_each_batch_through_every_step_before_the_next_is_claimed(conn, settings):
    """run --once interleaves the steps: the first batch is loaded while later ones wait to be fetched."""
    _add(conn, 3, "extracted")
    calls = []

    def step(name, after):
        def run(conn, settings, worker, ids, run_id):
            calls.append((name, len(ids)))
            article_store.advance_many(conn, ids, worker, after)
            conn.commit()
            return Counter({name: len(ids)})
        return run
    one_at_a_time = settings.with_overrides(batch_size=1)
    counts = stages.flow(conn, one_at_a_time, (("extracted", step("dedupe", "extracted")),
                                               ("deduped", step("classify", "deduped"))))
    assert calls == [("dedupe", 1), ("classify", 1)] * 3
    assert counts == Counter(dedupe=3, classify=3)
    assert {state for _, state, _, _ in _states(conn)} == {"classified"}


def _story_partition(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT story_id, array_agg(id ORDER BY id) FROM articles GROUP BY story_id")
        return {frozenset(ids) for _, ids in cur.fetchall()}


def test_a_classify_batch_forms_the_stories_one_by_one_classification_would(conn, settings):
    """Story matching reads a batch's signatures and group stories once; the stories come out the same."""
    from pipeline import dedupe_eval, quality_run
    records = dedupe_eval.fixture_records(Path(__file__).parent / "fixtures" / "dedupe" / "articles.yml")
    stages.store_archive_records(conn, ((n, quality_run.archive_record(r)) for n, r in enumerate(records, 1)))
    stages.drain(conn, settings, "extracted", stages.dedupe_articles)
    stages.drain(conn, settings.with_overrides(batch_size=50), "deduped", stages.classify_articles)
    batched = _story_partition(conn)
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET story_id = NULL, state = 'deduped'")
        cur.execute("DELETE FROM stories")
        cur.execute("DELETE FROM article_mentions")
    conn.commit()
    stages.drain(conn, settings.with_overrides(batch_size=1), "deduped", stages.classify_articles)
    assert _story_partition(conn) == batched
    assert any(len(story) >= 3 for story in batched)


ALLIANCE = ("Honda and Nissan signed a memorandum of understanding on Monday to study a merger "
            "under a joint holding company, the two carmakers said in Tokyo.")


def test_statements_run_once_per_article_are_prepared_on_the_connection(conn, settings):
    _add(conn, 3, "extracted", text=ALLIANCE)
    stages.drain(conn, settings, "extracted", stages.dedupe_articles)
    stages.drain(conn, settings, "deduped", stages.classify_articles)
    stages.drain(conn, settings, "classified", stages.load_records)
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM pg_prepared_statements")
        prepared = {row[0] for row in cur.fetchall()}
        cur.execute("SELECT count(*) FROM event_articles")
        assert cur.fetchone()[0] == 3
    assert {"tieup_story_candidates", "tieup_save_classification", "tieup_upsert_alliance",
            "tieup_insert_event", "tieup_link_article"} <= prepared
    # issue #17: a first load has no old links to remove, so it sends no unlink at all
    assert "tieup_unlink_article" not in prepared
