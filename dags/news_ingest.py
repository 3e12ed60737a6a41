"""news_ingest: poll feeds, fetch and extract new articles, dedupe, classify, load alliance records."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task

from tieup_airflow import (ALLIANCE_EVENTS_URI, HTTP_POOL, default_args, drain, events_changed,
                           fail_run_if_a_task_failed, ingest_schedule, task_settings,
                           tieup_connection, tieup_errors)

ALLIANCE_EVENTS = Asset(ALLIANCE_EVENTS_URI)
MAX_FETCH_BATCHES = 16

DOC = """
### news_ingest
Every run: sync `feeds.yml` into the feeds table, poll each due feed (one mapped
task per feed, pool `news_http`), fetch and extract the new articles (one
mapped task per claimed batch), link duplicates, classify, and fold alliance
news into `alliance_events`. The database is the queue: any task can be retried
and a rerun adds nothing. XCom carries ids and counts only. When events were
created or changed, the `tieup://alliance_events` asset is updated, which
triggers `alliance_digest`.

Transient errors (timeouts, a dropped or restarting database) fail the task and
Airflow retries it with exponential backoff; configuration errors (a bad
`feeds.yml`) fail at once without retries. A failing article or feed is
recorded on its row and does not fail the run. Because fetching and the later
steps go on after a failed task (`all_done`), the leaf `a_task_failed` fails the
run whenever any task failed, so the run's state tells the truth.
"""


@dag(
    dag_id="news_ingest",
    schedule=ingest_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["tieup", "ingest"],
    doc_md=DOC,
)
def news_ingest():
    @task
    @tieup_errors
    def sync_feeds() -> dict:
        from pipeline import stages
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return stages.sync_feeds(conn, settings)

    @task
    @tieup_errors
    def due_feeds(_synced: dict) -> list[int]:
        from pipeline import stages
        with tieup_connection(task_settings()) as conn:
            return stages.due_feeds(conn)

    @task(pool=HTTP_POOL)
    @tieup_errors
    def poll_feed(feed_id: int) -> dict:
        from pipeline import stages
        settings = task_settings()
        with tieup_connection(settings) as conn, stages.http_client(settings) as client:
            return dict(stages.poll_feed(conn, settings, client, feed_id))

    @task(trigger_rule="all_done")
    @tieup_errors
    def claim_fetch_batches(_polled) -> list[str]:
        from pipeline import stages
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return stages.claim_batches(conn, settings, "discovered", MAX_FETCH_BATCHES)

    @task(pool=HTTP_POOL)
    @tieup_errors
    def fetch_and_extract(token: str) -> dict:
        from pipeline import stages
        settings = task_settings()
        with tieup_connection(settings) as conn, stages.http_client(settings) as client:
            return dict(stages.fetch_claimed(conn, settings, client, token))

    @task(trigger_rule="all_done")
    @tieup_errors
    def dedupe(_fetched) -> dict:
        return drain("extracted", "dedupe_articles")

    @task
    @tieup_errors
    def classify(_deduped: dict) -> dict:
        return drain("deduped", "classify_articles")

    @task
    @tieup_errors
    def load_records(_classified: dict) -> dict:
        return drain("classified", "load_records")

    @task(outlets=[ALLIANCE_EVENTS])
    @tieup_errors
    def publish_changes(loaded: dict) -> int:
        return events_changed(loaded)

    synced = sync_feeds()
    feed_ids = due_feeds(synced)
    polled = poll_feed.expand(feed_id=feed_ids)
    tokens = claim_fetch_batches(polled)
    fetched = fetch_and_extract.expand(token=tokens)
    deduped = dedupe(fetched)
    classified = classify(deduped)
    loaded = load_records(classified)
    published = publish_changes(loaded)
    fail_run_if_a_task_failed(synced, feed_ids, polled, tokens, fetched, deduped, classified,
                              loaded, published)


news_ingest()
