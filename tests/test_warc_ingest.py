"""`tieup ingest FILE.warc.gz`: WARC backfill through extraction, dedupe, classification and loading."""

import pytest
from fastwarc.warc import WarcRecordType

from pipeline.cli import main
from pipeline.stages import backfill

from .warcs import response, site_records, write_warc


def _count(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def _ingest(database_url, *args):
    return main(["--database-url", database_url, "ingest", "--quiet", *map(str, args)])


def test_a_warc_file_is_backfilled_and_a_rerun_adds_nothing(tmp_path, database_url, conn, capsys):
    path = write_warc(tmp_path / "CC-NEWS-20261102.warc.gz", [
        *site_records(),
        response("https://archive.example/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        response("https://archive.example/gone", b"<html></html>", status="404 Not Found"),
        response("https://archive.example/req", b"GET / HTTP/1.1\r\n\r\n", record_type=WarcRecordType.request),
    ])
    assert _ingest(database_url, path) == 0
    out = capsys.readouterr().out
    assert "records: read 14, not HTML 2, invalid 0, stored 12" in out
    assert _count(conn, "SELECT count(*) FROM articles WHERE state = 'loaded'") == 12
    assert _count(conn, "SELECT count(*) FROM v_alliance_events") > 0
    assert _count(conn, "SELECT count(*) FROM articles WHERE published_at IS NULL") == 0
    assert _ingest(database_url, path) == 0
    assert "already ingested 1" in capsys.readouterr().out
    assert _count(conn, "SELECT count(*) FROM articles") == 12


def test_a_rerun_resumes_after_the_last_stored_record(tmp_path, database_url, conn, capsys, monkeypatch):
    path = write_warc(tmp_path / "a.warc.gz", site_records())
    real, calls = backfill.store_archived_rows, []

    def dies_on_the_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args)
    monkeypatch.setattr(backfill, "WARC_BATCH_RECORDS", 5)
    monkeypatch.setattr(backfill, "store_archived_rows", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        _ingest(database_url, path)
    assert _count(conn, "SELECT count(*) FROM articles") == 5
    monkeypatch.setattr(backfill, "store_archived_rows", real)
    capsys.readouterr()
    assert _ingest(database_url, path) == 0
    out = capsys.readouterr().out
    assert "records: read 7, not HTML 0, invalid 0, stored 7, already known 0" in out  # from record 6 on
    assert _count(conn, "SELECT count(*) FROM articles WHERE state = 'loaded'") == 12
    assert _count(conn, "SELECT records_read FROM archive_files WHERE finished") == 12


def test_truncated_and_bad_records_are_reported_and_the_rest_kept(tmp_path, database_url, conn, capsys):
    whole = write_warc(tmp_path / "whole.warc.gz", site_records()[:4]).read_bytes()
    folder = tmp_path / "month"
    folder.mkdir()
    cut = folder / "cut.warc.gz"
    cut.write_bytes(whole[:-40])  # the download stopped inside the last record
    plain = write_warc(folder / "plain.warc", site_records("https://plain.example/")[:3], gzip=False)
    plain.write_bytes(plain.read_bytes()[:-500])
    assert _ingest(database_url, folder) == 0  # a folder of WARC files
    captured = capsys.readouterr()
    assert captured.err.count("truncated") == 2
    assert "stored 5" in captured.out and "invalid 2" in captured.out
    assert _count(conn, "SELECT count(*) FROM articles") == 5
    assert _count(conn, "SELECT count(*) FROM archive_files WHERE last_error LIKE '%truncated%'") == 2


def test_the_pre_filter_drops_records_before_extraction(tmp_path, database_url, conn, capsys):
    """(With pages extracted in another process, --workers 1.)"""
    german = b"<html lang='de'><body><article><p>" + b"Honda und Nissan unterzeichnen eine Absichtserklaerung. " * 20 + b"</p></article></body></html>"
    path = write_warc(tmp_path / "f.warc.gz", [*site_records(), response("https://de.example/a", german)])
    listing = tmp_path / "files.txt"
    listing.write_text("# the month's files\nf.warc.gz\n", encoding="utf-8")
    assert _ingest(database_url, listing, "--language", "en", "--keywords", "Nissan,Leapmotor", "--workers", "1") == 0
    out = capsys.readouterr().out
    assert "pre-filter: dropped" in out and "language 1" in out
    stored = _count(conn, "SELECT count(*) FROM articles")
    assert 0 < stored < 12
    assert _count(conn, "SELECT count(*) FROM articles WHERE url LIKE '%de.example%'") == 0
    assert path.exists()


def test_a_missing_warc_file_is_a_usage_error(tmp_path, database_url, capsys):
    assert _ingest(database_url, tmp_path / "missing.warc.gz") == 2
    assert "cannot read" in capsys.readouterr().err
