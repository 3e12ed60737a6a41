"""Class 2: keys longer than an index row holds (a long multibyte GUID, a long link without GUID)."""

import psycopg2

from pipeline import db

from .hostile import HostileSite, articles, assert_healthy_loaded, good_page, incompressible, item, run_pass


def test_long_guids_and_links_are_stored_by_their_hash(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    long_guid = incompressible(3000)  # 3,000 characters, 9,000 bytes
    url = news_site.add("/hostile/long-guid", good_page("long-guid"))
    site.items.append(item(url, "long-guid", guid=long_guid))
    news_site.add("/hostile/long-link-2", good_page("long-link"))
    url2 = news_site.url("/hostile/long-link-2?q=" + incompressible(4000, ord("a"), ord("z")))
    site.items.append(item(url2, "long-link"))
    site.publish()

    counts = run_pass(site_settings)
    assert counts["entries_new"] >= 2
    states = articles(site_settings.database_url)
    assert states["long-guid"][0] == states["long-link-2"][0] == "loaded", states
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT octet_length(entry_key) FROM feed_entries ORDER BY 1 DESC LIMIT 1")
        assert cur.fetchone()[0] > 2700  # longer than any B-tree row: only its hash is indexed
    assert_healthy_loaded(site_settings.database_url)
    # a second pass finds the same entries (same hashes): nothing new, nothing fails
    again = run_pass(site_settings)
    assert again.get("entries_new", 0) == 0 and not again.get("feeds_failed")


def test_a_value_the_database_refuses_is_not_an_outage(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE keyed (k text PRIMARY KEY)")
        try:
            cur.execute("INSERT INTO keyed VALUES (%s)", (incompressible(3000),))
        except Exception as exc:  # noqa: BLE001 - classified below
            refused = exc
    conn.rollback()
    assert isinstance(refused, psycopg2.OperationalError)  # what psycopg2 calls it...
    assert not db.is_transient_db_error(refused, conn)      # ...but it is the value's fault
    conn.close()
    assert db.is_transient_db_error(refused, conn)          # a closed connection is an outage
