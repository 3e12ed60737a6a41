"""`tieup reclassify`: stored articles re-run from stored text, review values kept."""

from pipeline import stages
from pipeline.cli import main


def _one(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()


def test_reclassify_keeps_review_columns_and_changes_nothing_else(site_settings, conn, capsys):
    stages.run_once(site_settings)
    with conn.cursor() as cur:
        cur.execute("""UPDATE alliance_events SET review_state = 'corrected', reviewer = 'ana',
                              corrected_status = 'completed'
                       WHERE deal_type = 'joint_venture' RETURNING id""")
        event_id = cur.fetchone()[0]
    conn.commit()
    before = _one(conn, "SELECT count(*), array_agg(event_id ORDER BY event_id) FROM v_alliance_events")
    assert main(["--database-url", site_settings.database_url, "reclassify"]) == 0
    assert "reclassified 12 article(s)" in capsys.readouterr().out
    assert _one(conn, "SELECT count(*), array_agg(event_id ORDER BY event_id) FROM v_alliance_events") == before
    assert _one(conn, f"SELECT review_state, reviewer, status FROM v_alliance_events WHERE event_id = {event_id}") \
        == ("corrected", "ana", "completed")
    assert _one(conn, "SELECT count(*) FROM articles WHERE state <> 'loaded'") == (0,)


def test_reclassify_since_limits_the_articles(site_settings, conn, capsys):
    stages.run_once(site_settings)
    main(["--database-url", site_settings.database_url, "reclassify", "--since", "2025-01-01"])
    assert "reclassified 1 article(s)" in capsys.readouterr().out  # only the February 2025 story
