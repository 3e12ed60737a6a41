"""Housekeeping: reclassification after a classifier change, raw page pruning, VACUUM (ANALYZE)."""

import pytest

from pipeline import classify, maintenance, stages
from pipeline.store import alliances as alliance_store

from .site import article_count

OLD_VERSION = "0.0.1-old"


def _scalar(conn, sql, params=()):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def _article_id(conn, slug):
    return _scalar(conn, "SELECT id FROM articles WHERE canonical_url LIKE %s", (f"%/{slug}.html",))


def _plant_old_verdict(conn, article_id, parties, review_state="pending"):
    """What an older classifier left behind: a wrong alliance verdict, linked to its own event."""
    with conn.cursor() as cur:
        cur.execute("""UPDATE articles SET classifier_version = %s, is_alliance = true,
                              deal_type = 'licensing', deal_status = 'announced', parties = %s
                       WHERE id = %s""", (OLD_VERSION, parties, article_id))
    alliance_id = alliance_store.upsert_alliance(conn, parties)
    event_id, _ = alliance_store.record_event(
        conn, alliance_id=alliance_id, deal_type="licensing", status="announced",
        event_date=None, focus_areas=[], confidence=0.5, story_id=None)
    alliance_store.link_article(conn, event_id=event_id, article_id=article_id, story_id=None,
                                evidence=["old evidence"], confidence=0.5,
                                classifier_version=OLD_VERSION)
    _review(conn, event_id, review_state)
    conn.commit()
    return event_id


def _review(conn, event_id, review_state):
    if review_state != "pending":
        with conn.cursor() as cur:
            cur.execute("""UPDATE alliance_events SET review_state = %s, reviewer = 'ana',
                                  review_note = 'checked by hand', reviewed_at = now()
                           WHERE id = %s""", (review_state, event_id))


def _review_columns(conn, event_id):
    with conn.cursor() as cur:
        cur.execute("""SELECT review_state, reviewer, review_note, reviewed_at, corrected_status
                       FROM alliance_events WHERE id = %s""", (event_id,))
        return cur.fetchone()


def _redo(conn, settings):
    counts = stages.reclassify_outdated(conn, settings)
    stages.drain(conn, settings, "deduped", stages.classify_articles)
    stages.drain(conn, settings, "classified", stages.load_records)
    return counts


def test_reclassify_outdated_redoes_only_other_versions(site_settings, conn):
    stages.run_once(site_settings)
    ford = _article_id(conn, "ford-recall")
    tesla = _article_id(conn, "tesla-deliveries")
    stale_pending = _plant_old_verdict(conn, ford, ["Ford", "BMW"])
    stale_rejected = _plant_old_verdict(conn, tesla, ["Tesla", "Toyota"], "rejected")
    rejected_review = _review_columns(conn, stale_rejected)

    counts = stages.reclassify_outdated(conn, site_settings)
    assert counts == {"articles_reclassify": 2}
    assert _scalar(conn, "SELECT array_agg(id ORDER BY id) FROM articles WHERE state = 'deduped'") \
        == sorted([ford, tesla])
    stages.drain(conn, site_settings, "deduped", stages.classify_articles)
    stages.drain(conn, site_settings, "classified", stages.load_records)

    assert _scalar(conn, "SELECT count(*) FROM articles WHERE state = 'loaded' AND classifier_version = %s",
                   (classify.CLASSIFIER_VERSION,)) == article_count()
    # the old false positives lost their evidence; the unreviewed event went with it
    assert _scalar(conn, "SELECT count(*) FROM event_articles WHERE article_id IN (%s, %s)",
                   (ford, tesla)) == 0
    assert _scalar(conn, "SELECT count(*) FROM alliance_events WHERE id = %s", (stale_pending,)) == 0
    # the reviewed one stays, its review untouched
    assert _review_columns(conn, stale_rejected) == rejected_review
    assert stages.reclassify_outdated(conn, site_settings) == {"articles_reclassify": 0}


def test_reclassified_article_keeps_its_reviewed_event(site_settings, conn):
    stages.run_once(site_settings)
    vw = _article_id(conn, "vw-rivian-jv")
    event_id = _scalar(conn, "SELECT event_id FROM event_articles WHERE article_id = %s", (vw,))
    _review(conn, event_id, "confirmed")
    with conn.cursor() as cur:
        cur.execute("UPDATE alliance_events SET corrected_status = 'completed' WHERE id = %s", (event_id,))
        cur.execute("UPDATE articles SET classifier_version = %s WHERE id = %s", (OLD_VERSION, vw))
        cur.execute("UPDATE event_articles SET classifier_version = %s WHERE article_id = %s",
                    (OLD_VERSION, vw))
    conn.commit()
    review = _review_columns(conn, event_id)
    events_before = _scalar(conn, "SELECT count(*) FROM alliance_events")

    assert _redo(conn, site_settings) == {"articles_reclassify": 1}

    assert _scalar(conn, "SELECT event_id FROM event_articles WHERE article_id = %s", (vw,)) == event_id
    assert _scalar(conn, "SELECT classifier_version FROM event_articles WHERE article_id = %s",
                   (vw,)) == classify.CLASSIFIER_VERSION
    assert _review_columns(conn, event_id) == review
    assert _scalar(conn, "SELECT count(*) FROM alliance_events") == events_before


def test_leased_articles_are_left_to_their_worker(site_settings, conn):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET classifier_version = %s", (OLD_VERSION,))
        cur.execute("UPDATE articles SET leased_until = now() + interval '5 minutes', "
                    "lease_owner = 'someone' WHERE id = (SELECT min(id) FROM articles)")
    conn.commit()
    assert stages.reclassify_outdated(conn, site_settings) == \
        {"articles_reclassify": article_count() - 1}


def test_prune_raw_pages_past_retention(site_settings, conn, monkeypatch):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("""UPDATE raw_pages SET fetched_at = now() - interval '100 days'
                       WHERE article_id IN (SELECT article_id FROM raw_pages ORDER BY 1 LIMIT 3)""")
        cur.execute("""UPDATE raw_pages SET fetched_at = now() - interval '80 days'
                       WHERE article_id = (SELECT max(article_id) FROM raw_pages)""")
    conn.commit()
    monkeypatch.setattr(maintenance, "PRUNE_BATCH", 2)  # several slices
    settings = site_settings.with_overrides(raw_html_retention_days=90)

    assert maintenance.prune_raw_pages(conn, settings) == {"raw_pages_pruned": 3}
    assert _scalar(conn, "SELECT count(*) FROM raw_pages") == article_count() - 3
    assert _scalar(conn, "SELECT count(*) FROM articles WHERE text IS NOT NULL") == article_count()
    assert maintenance.prune_raw_pages(conn, settings) == {"raw_pages_pruned": 0}


def test_vacuum_analyze_the_big_tables(site_settings, conn):
    stages.run_once(site_settings)
    counts = maintenance.vacuum_analyze(conn)
    assert counts["tables_vacuumed"] >= 5
    assert conn.autocommit is False
    with conn.cursor() as cur:
        cur.execute("""SELECT relname FROM pg_stat_user_tables
                       WHERE relname IN ('articles', 'raw_pages', 'event_articles')
                         AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL""")
        assert {r[0] for r in cur.fetchall()} == {"articles", "raw_pages", "event_articles"}
    conn.rollback()


@pytest.mark.airflow
def test_dags_test_tieup_maintenance(airflow_home, site_settings, conn):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET classifier_version = %s", (OLD_VERSION,))
        cur.execute("UPDATE raw_pages SET fetched_at = now() - interval '400 days' "
                    "WHERE article_id = (SELECT min(article_id) FROM raw_pages)")
    conn.commit()
    airflow_home.run("dags", "test", "tieup_maintenance",
                     env={"DATABASE_URL": site_settings.database_url})
    assert _scalar(conn, "SELECT count(*) FROM articles WHERE state = 'loaded' AND classifier_version = %s",
                   (classify.CLASSIFIER_VERSION,)) == article_count()
    assert _scalar(conn, "SELECT count(*) FROM raw_pages") == article_count() - 1
    assert _scalar(conn, "SELECT count(*) FROM v_alliance_events WHERE article_count = 0") == 0
    assert _scalar(conn, "SELECT count(*) FROM pg_stat_user_tables "
                         "WHERE relname = 'articles' AND last_vacuum IS NOT NULL") == 1
