"""v_feed_health lists each feed's state, failing ones first."""

from __future__ import annotations


def test_feed_health_view(conn):
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO feeds (url, name, enabled, last_polled_at, last_status, last_error,
                               consecutive_failures, next_poll_at)
            VALUES ('https://a.example/feed', 'A', true, now(), 200, NULL, 0, now()),
                   ('https://b.example/feed', 'B', true, now(), 503, 'HTTP 503', 3, now() + interval '8 hours'),
                   ('https://c.example/feed', 'C', true, NULL, NULL, NULL, 0, now()),
                   ('https://d.example/feed', 'D', false, NULL, NULL, NULL, 0, now()),
                   ('https://e.example/feed', 'E', true, now(), 200, 'malformed feed, 2 entries recovered', 0, now())
        """)
        cur.execute("SELECT name, health, consecutive_failures, last_error FROM v_feed_health")
        rows = cur.fetchall()
    assert rows[0] == ("B", "failing", 3, "HTTP 503")
    assert {r[0]: r[1] for r in rows} == {"A": "ok", "B": "failing", "C": "never_polled",
                                          "D": "disabled", "E": "degraded"}
