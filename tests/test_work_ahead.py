"""Work done ahead by a WARC backfill's extraction processes: the same values, only for the same inputs."""

from datetime import datetime, timedelta, timezone

from pipeline import classify, fingerprint
from pipeline.cli import main
from pipeline.stages import classify as classify_stage
from pipeline.stages import dedupe as dedupe_stage
from pipeline.stages.ahead import WorkedAhead, work_on

from .warcs import site_records, write_warc

TEXT = ("Honda and Nissan signed a memorandum of understanding on Tuesday to study a strategic "
        "partnership in electric vehicles, batteries and software, the two carmakers said in Tokyo.")
PUBLISHED = datetime(2026, 11, 2, 23, 30, tzinfo=timezone.utc)
ROW = {"text": TEXT, "title": "Honda and Nissan sign an MoU", "url": "https://a.example/1",
       "published": PUBLISHED}


def test_the_work_is_what_the_steps_compute():
    work = work_on(ROW)
    assert work.signature.to_bytes() == fingerprint.signature(TEXT).to_bytes()
    assert work.verdict == classify.classify_article(TEXT, ROW["title"], ROW["url"], PUBLISHED)
    assert work_on({**ROW, "text": "Too short to dedupe."}).signature is None


def test_work_is_found_only_for_the_exact_inputs():
    worked = WorkedAhead()
    work = work_on(ROW)
    worked.add(ROW, work)
    assert worked.signature(TEXT) is work.signature
    assert worked.verdict(TEXT, ROW["title"], ROW["url"], PUBLISHED) is work.verdict
    # the same instant read back in another time zone falls on another day: computed again
    tokyo = PUBLISHED.astimezone(timezone(timedelta(hours=9)))
    assert worked.verdict(TEXT, ROW["title"], ROW["url"], tokyo) is None
    assert worked.verdict(TEXT, "Another title", ROW["url"], PUBLISHED) is None
    assert worked.signature(TEXT + " More.") is None
    worked.clear()
    assert worked.signature(TEXT) is None


def _ingest(database_url, path, workers):
    return main(["--database-url", database_url, "ingest", "--quiet", str(path), "--workers", str(workers)])


def test_with_extraction_processes_this_process_computes_nothing_again(tmp_path, database_url, conn,
                                                                        monkeypatch):
    computed = []
    real_classify = classify_stage.classifier.classify_article
    real_signature = dedupe_stage.fingerprint.signature
    monkeypatch.setattr(classify_stage.classifier, "classify_article",
                        lambda *args: computed.append("verdict") or real_classify(*args))
    monkeypatch.setattr(dedupe_stage.fingerprint, "signature",
                        lambda *args: computed.append("signature") or real_signature(*args))
    assert _ingest(database_url, write_warc(tmp_path / "a.warc.gz", site_records()), 1) == 0
    assert computed == []  # both came from the extraction process
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE state = 'loaded' AND classifier_version IS NOT NULL")
        assert cur.fetchone()[0] == 12
        cur.execute("SELECT count(*) FROM article_signatures")
        assert cur.fetchone()[0] == 12
