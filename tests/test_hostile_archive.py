"""The archive line as an error boundary: a record the database refuses is reported on its
line, and the rest of its batch is stored."""

from pipeline.stages import archive


def test_a_record_the_database_refuses_is_reported_and_its_batch_stored(conn, monkeypatch):
    real = archive.article_store.insert_archived_batch

    def insert(conn, rows):
        if any("refused" in row["url"] for row in rows):
            with conn.cursor() as cur:  # a real refusal: a value too long for an index
                cur.execute("CREATE TEMP TABLE IF NOT EXISTS k (v text PRIMARY KEY)")
                cur.execute("INSERT INTO k SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g")
        return real(conn, rows)
    monkeypatch.setattr(archive.article_store, "insert_archived_batch", insert)
    records = [(n, {"url": f"https://example.test/{'refused' if n == 2 else 'ok'}/{n}",
                    "text": f"Ford and Renault agreed on vans, record {n}."}) for n in range(1, 5)]
    reported = []

    counts = archive.store_archive_records(conn, records, lambda line, error: reported.append(line))

    assert counts == {"records_stored": 3, "records_invalid": 1}
    assert reported == [2]
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE url LIKE '%%/ok/%%'")
        assert cur.fetchone()[0] == 3
