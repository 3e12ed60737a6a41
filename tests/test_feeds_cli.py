"""`tieup feeds`: URLs checked on add, a readable list with the last error, ids not burnt by syncs."""

import pytest

from pipeline.cli import main
from pipeline.feeds import FeedSpec
from pipeline.store import feeds as feed_store


@pytest.mark.parametrize("url", ["not-a-url", "ftp://news.example/feed.xml", "https://", "http:///feed",
                                 "https://news.example:99999/feed", "https://news example/feed"])
def test_add_refuses_what_cannot_be_polled(database_url, url, capsys):
    assert main(["feeds", "add", url, "--database-url", database_url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tieup: not a feed URL") and err.count("\n") == 1
    assert main(["feeds", "list", "--database-url", database_url]) == 0
    assert "no feeds yet" in capsys.readouterr().out


def test_list_has_a_header_aligned_columns_and_the_last_error(database_url, conn, capsys):
    url = ["--database-url", database_url]
    assert main(["feeds", "add", "https://news.example/feed.xml", "--name", "Example", *url]) == 0
    assert main(["feeds", "add", "https://a-much-longer-host.example/rss", "--name", "A much longer name", *url]) == 0
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM feeds WHERE name = 'Example'")
        feed_store.record_poll_failure(conn, cur.fetchone()[0], status=404, error="HTTP 404 Not Found",
                                       base_seconds=300, max_seconds=3600)
    conn.commit()
    capsys.readouterr()
    assert main(["feeds", "list", *url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["id", "health", "failures"] and lines[0].rstrip().endswith("last error")
    assert len(lines) == 3
    failing = next(line for line in lines if "Example" in line)
    assert "failing" in failing and failing.endswith("HTTP 404 Not Found")
    starts = {line.index("https://") for line in lines[1:]}
    assert len(starts) == 1 and lines[0].index("url") == starts.pop()  # one column


def _spec(url, name):
    return FeedSpec(name=name, url=url, enabled=True)


def test_sync_does_not_burn_ids(conn):
    specs = [_spec(f"https://site{i}.example/feed", f"Site {i}") for i in range(3)]
    for _ in range(3):
        feed_store.sync_feed_specs(conn, specs)
    assert feed_store.sync_feed_specs(conn, specs) == {"feeds_added": 0, "feeds_updated": 0}
    assert feed_store.add_feed(conn, "https://new.example/feed", "New") == 4
    assert feed_store.add_feed(conn, "https://new.example/feed", "New again") == 4
    assert feed_store.add_feed(conn, "https://newer.example/feed", "Newer") == 5
    renamed = [_spec(specs[0].url, "Renamed"), *specs[1:]]
    assert feed_store.sync_feed_specs(conn, renamed) == {"feeds_added": 0, "feeds_updated": 1}
