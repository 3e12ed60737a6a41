"""news_ingest: poll sources (feeds, news sitemaps, GDELT queries), fetch and extract new articles, dedupe, classify, load alliance records."""

from __future__ import annotations

from airflow.sdk import dag, task

from tieup_airflow import (HTTP_POOL, classify_load_publish, dag_defaults, drain,
                           fail_run_if_a_task_failed, ingest_schedule, stage_call, tieup_errors)

MAX_FETCH_BATCHES = 16

DOC = """
### news_ingest
Every run: sync `feeds.yml` into the feeds table, poll each due source (an
RSS/Atom feed, a news sitemap or a GDELT query; one mapped task per source, pool
`news_http`), fetch and extract the new articles (one
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
    **dag_defaults(),
    tags=["tieup", "ingest"],
    doc_md=DOC,
)
def news_ingest():
    @task
    @tieup_errors
    def sync_feeds() -> dict:
        return stage_call("sync_feeds")

    @task
    @tieup_errors
    def due_feeds(_synced: dict) -> list[int]:
        return stage_call("due_feeds")

    @task(pool=HTTP_POOL)
    @tieup_errors
    def poll_feed(feed_id: int) -> dict:
        return stage_call("poll_feed", feed_id, http=True)

    @task(trigger_rule="all_done")
    @tieup_errors
    def claim_fetch_batches(_polled) -> list[str]:
        return stage_call("claim_batches", "discovered", MAX_FETCH_BATCHES)

    @task(pool=HTTP_POOL)
    @tieup_errors
    def fetch_and_extract(token: str) -> dict:
        return stage_call("fetch_claimed", token, http=True)

    @task(trigger_rule="all_done")
    @tieup_errors
    def dedupe(_fetched) -> dict:
        return drain("extracted")

    synced = sync_feeds()
    feed_ids = due_feeds(synced)
    polled = poll_feed.expand(feed_id=feed_ids)
    tokens = claim_fetch_batches(polled)
    fetched = fetch_and_extract.expand(token=tokens)
    deduped = dedupe(fetched)
    classified, loaded, published = classify_load_publish(deduped)
    fail_run_if_a_task_failed(synced, feed_ids, polled, tokens, fetched, deduped, classified,
                              loaded, published)


news_ingest()
