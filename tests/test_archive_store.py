"""insert_archived_batch: archive rows through COPY into a staging table, then one INSERT."""

import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline import db, fingerprint, stages, urls
from pipeline.store.articles import insert_archived_batch

PUBLISHED = datetime(2024, 3, 15, 8, 30, tzinfo=timezone.utc)
# Everything COPY text format treats specially, and SQL that must stay data.
HOSTILE = ("back\\slash \\N \\. \\x41 \\\\ tab\there new\nline cr\rlf\r\n end\\",
           "Honda'); DROP TABLE articles; -- $$; SELECT pg_sleep(10); $$ E'\\x00' \"quoted\"",
           "\\.", "\\N", "ホンダ “quotes” — ǰ 😀 \u2028 \x01\x1f\x7f")


def _row(url, title="Honda and Nissan", text="Honda and Nissan signed an MoU.", **extra):
    canonical = urls.canonical_url(url)
    return {"canonical": canonical, "url_hash": urls.url_hash(canonical), "url": url,
            "domain": "news.example", "title": title, "text": text,
            "text_hash": fingerprint.text_hash(text), "published": PUBLISHED, "language": "en", **extra}


def _stored(conn):
    with conn.cursor() as cur:
        cur.execute("""SELECT id, canonical_url, url_hash, url, source_domain, title, text, text_hash,
                              published_at, language, state, fetched_at IS NOT NULL
                       FROM articles ORDER BY id""")
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cur.fetchall()]


def test_rows_are_stored_with_every_column(conn):
    row = _row("https://news.example/a")
    ids = insert_archived_batch(conn, [row])
    conn.commit()
    assert _stored(conn) == [(ids[0], row["canonical"], row["url_hash"], row["url"], "news.example",
                              row["title"], row["text"], row["text_hash"], PUBLISHED, "en",
                              "extracted", True)]


def test_missing_values_are_null(conn):
    insert_archived_batch(conn, [_row("https://news.example/a", title=None, published=None, language=None)])
    assert [r[5] for r in _stored(conn)] == [None]
    assert [(r[8], r[9]) for r in _stored(conn)] == [(None, None)]


def test_hostile_strings_are_stored_verbatim(conn):
    rows = [_row(f"https://news.example/{i}?q=1'OR'1'='1\\", title=text, text=text)
            for i, text in enumerate(HOSTILE)]
    ids = insert_archived_batch(conn, rows)
    conn.commit()
    assert len(ids) == len(HOSTILE)
    assert [(r[3], r[5], r[6], r[7]) for r in _stored(conn)] == [
        (row["url"], row["title"], row["text"], row["text_hash"]) for row in rows]


def test_naive_published_time_is_in_the_session_time_zone_as_before(conn):
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'Asia/Tokyo'")
        naive = datetime(2024, 3, 15, 8, 30)
        insert_archived_batch(conn, [_row("https://news.example/a", published=naive)])
        cur.execute("SELECT published_at = %s::timestamptz FROM articles", (naive,))  # how a parameter is read
        assert cur.fetchone() == (True,)
    assert _stored(conn)[0][8] == datetime(2024, 3, 14, 23, 30, tzinfo=timezone.utc)


def test_text_is_sent_in_the_client_encoding(conn):
    conn.set_client_encoding("LATIN1")
    insert_archived_batch(conn, [_row("https://news.example/a", title="Citroën", text="Ça roule")])
    with pytest.raises(UnicodeEncodeError):  # as a query parameter would
        insert_archived_batch(conn, [_row("https://news.example/b", title="Škoda")])
    conn.rollback()
    insert_archived_batch(conn, [_row("https://news.example/a", title="Citroën", text="Ça roule")])
    conn.commit()
    conn.set_client_encoding("UTF8")
    assert [(r[5], r[6]) for r in _stored(conn)] == [("Citroën", "Ça roule")]


def test_repeated_url_in_a_batch_is_stored_once_first_row_wins(conn):
    rows = [_row("https://news.example/a", title="first"), _row("https://news.example/b"),
            _row("https://news.example/a?utm_source=rss", title="second")]
    ids = insert_archived_batch(conn, rows)
    assert len(ids) == 2
    assert [(r[0], r[5]) for r in _stored(conn)] == [(ids[0], "first"), (ids[1], "Honda and Nissan")]


def test_already_stored_urls_are_skipped(conn):
    insert_archived_batch(conn, [_row("https://news.example/a", title="old")])
    conn.commit()
    ids = insert_archived_batch(conn, [_row("https://news.example/a", title="new"), _row("https://news.example/b")])
    conn.commit()
    assert [(r[0], r[3], r[5]) for r in _stored(conn)][1:] == [(ids[0], "https://news.example/b", "Honda and Nissan")]
    assert [r[5] for r in _stored(conn)][0] == "old"


def test_batches_in_one_transaction_do_not_see_each_others_rows(conn):
    first = insert_archived_batch(conn, [_row("https://news.example/a")])
    with conn.cursor() as cur:  # the INSERT consumed the staged rows
        cur.execute("SELECT count(*) FROM pg_temp.archive_staging")
        assert cur.fetchone()[0] == 0
    second = insert_archived_batch(conn, [_row("https://news.example/b")])
    conn.commit()
    assert len(first) == len(second) == 1 and first != second
    assert [r[0] for r in _stored(conn)] == first + second


def test_staging_survives_a_rolled_back_first_batch(conn):
    insert_archived_batch(conn, [_row("https://news.example/a")])
    conn.rollback()  # the staging table was created in this transaction and is gone again
    assert len(insert_archived_batch(conn, [_row("https://news.example/a")])) == 1
    conn.commit()
    assert len(_stored(conn)) == 1


def test_empty_batch_stores_nothing(conn):
    assert insert_archived_batch(conn, []) == []


def test_autocommit_connection_is_refused(database_url):
    conn = db.connect(database_url, autocommit=True)
    try:
        with pytest.raises(ValueError, match="autocommit"):
            insert_archived_batch(conn, [_row("https://news.example/a")])
    finally:
        conn.close()


def test_store_archive_records_counts_across_batches(conn):
    size = stages.ARCHIVE_BATCH_ROWS
    records = [(i + 1, {"url": f"https://news.example/{i % (size + 10)}", "text": f"article {i}"})
               for i in range(size * 2)]
    counts = stages.store_archive_records(conn, iter(records))
    assert counts == Counter(records_stored=size + 10, records_known=size - 10)
    assert len(_stored(conn)) == size + 10


def test_a_text_record_without_a_date_takes_its_urls_date(conn):
    records = [(1, {"url": "https://news.example/2024/06/26/acme-tie-up", "text": "a"}),
               (2, {"url": "https://news.example/2024/06/27/other", "text": "b", "published": "2024-06-01"}),
               (3, {"url": "https://news.example/no-date", "text": "c"})]
    stages.store_archive_records(conn, iter(records))
    dates = [row[8] for row in _stored(conn)]
    assert dates[0] == datetime(2024, 6, 26, tzinfo=timezone.utc)
    assert dates[1] == datetime(2024, 6, 1, tzinfo=timezone.utc)  # a stated date wins
    assert dates[2] is None


# Text PostgreSQL can hold: no NUL, no lone surrogates.
STORABLE = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(STORABLE, STORABLE), min_size=1, max_size=5))
def test_any_storable_text_round_trips(conn, pairs):
    rows = [_row(f"https://news.example/{uuid.uuid4().hex}/{title}", title=title, text=text)
            for title, text in pairs]
    ids = insert_archived_batch(conn, rows)
    conn.commit()
    with conn.cursor() as cur:
        cur.execute("SELECT url, title, text FROM articles WHERE id = ANY(%s) ORDER BY id", (ids,))
        assert cur.fetchall() == [(row["url"], row["title"], row["text"]) for row in rows]
