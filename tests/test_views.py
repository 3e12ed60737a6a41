"""The analyst views: every column documented, v_company_network and v_feed_health contents."""

from pipeline.store import review as review_store

from .report_data import plant_events


def test_every_view_and_column_has_a_comment(conn):
    with conn.cursor() as cur:
        cur.execute("""
            SELECT c.relname, a.attname
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
            WHERE c.relkind = 'v' AND c.relname LIKE 'v\\_%%'
              AND c.relnamespace = current_schema()::regnamespace
              AND col_description(c.oid, a.attnum) IS NULL""")
        assert cur.fetchall() == []
        cur.execute("""SELECT relname FROM pg_class WHERE relkind = 'v' AND relname LIKE 'v\\_%%'
                         AND obj_description(oid, 'pg_class') IS NULL""")
        assert cur.fetchall() == []
        cur.execute("SELECT count(*) FROM pg_class WHERE relkind = 'v' AND relname LIKE 'v\\_%%'")
        assert cur.fetchone()[0] >= 7


def _network(conn):
    with conn.cursor() as cur:
        cur.execute("""SELECT company_a, company_b, event_count, deal_type_counts, latest_status
                       FROM v_company_network ORDER BY 1, 2""")
        return {(a, b): (n, counts, status) for a, b, n, counts, status in cur.fetchall()}


def test_company_network_counts_pairs_by_deal_type(conn):
    ids = plant_events(conn)
    network = _network(conn)
    assert network[("Honda", "Nissan")] == (
        3, {"mou": 1, "merger": 1, "strategic_alliance": 1}, "rumored")
    assert network[("Honda", "Mitsubishi Motors")] == (1, {"merger": 1}, "rumored")
    assert ("Ford", "Tesla") not in network            # rejected
    assert all(a < b for a, b in network)
    review_store.review_event(conn, ids[6], "correct", "alice", status="terminated")
    assert _network(conn)[("Honda", "Nissan")][2] == "terminated"   # corrections win


def test_feed_health(conn):
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO feeds (url, name, consecutive_failures, last_status, last_error,
                                          created_at)
                       VALUES ('https://a.example/rss', 'a', 0, 200, NULL, now()),
                              ('https://b.example/rss', 'b', 4, 503, 'HTTP 503', now() - interval '2 days')""")
        cur.execute("""SELECT name, last_status, last_error, consecutive_failures, articles_discovered,
                              failing_over_a_day, enabled, next_poll_at IS NOT NULL
                       FROM v_feed_health ORDER BY feed_id""")
        assert cur.fetchall() == [("a", 200, None, 0, 0, False, True, True),
                                  ("b", 503, "HTTP 503", 4, 0, True, True, True)]
