"""tieup_maintenance: daily housekeeping: reclassify after a classifier change, prune raw pages, VACUUM."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task

from tieup_airflow import (ALLIANCE_EVENTS_URI, default_args, drain, events_changed,
                           fail_run_if_a_task_failed, task_settings, tieup_connection,
                           tieup_errors)

ALLIANCE_EVENTS = Asset(ALLIANCE_EVENTS_URI)

DOC = """
### tieup_maintenance
Daily housekeeping of the tieup database.

- **reclassify_outdated**: articles classified by another classifier version
  than the installed one go back to `deduped`; **classify** and **load_records**
  then redo them at once (the next `news_ingest` run would too). Loading an
  article first removes its old evidence links; an unreviewed event left
  without evidence is removed, a reviewed one stays with its review untouched.
  When events changed, the `tieup://alliance_events` asset is updated.
- **prune_raw_pages**: deletes raw HTML older than `TIEUP_RAW_HTML_RETENTION_DAYS`
  (90 by default); the extracted text stays.
- **vacuum_analyze**: `VACUUM (ANALYZE)` on the big tables, after the others
  (even when one of them failed).
- **a_task_failed**: fails the run when any task failed.
"""


@dag(
    dag_id="tieup_maintenance",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["tieup", "maintenance"],
    doc_md=DOC,
)
def tieup_maintenance():
    @task
    @tieup_errors
    def reclassify_outdated() -> dict:
        from pipeline import stages
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return stages.reclassify_outdated(conn, settings)

    @task
    @tieup_errors
    def classify(_reset: dict) -> dict:
        return drain("deduped", "classify_articles")

    @task
    @tieup_errors
    def load_records(_classified: dict) -> dict:
        return drain("classified", "load_records")

    @task(outlets=[ALLIANCE_EVENTS])
    @tieup_errors
    def publish_changes(loaded: dict) -> int:
        return events_changed(loaded)

    @task
    @tieup_errors
    def prune_raw_pages() -> dict:
        from pipeline import maintenance
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return maintenance.prune_raw_pages(conn, settings)

    @task(trigger_rule="all_done")
    @tieup_errors
    def vacuum_analyze() -> dict:
        from pipeline import maintenance
        with tieup_connection(task_settings()) as conn:
            return maintenance.vacuum_analyze(conn)

    reset = reclassify_outdated()
    classified = classify(reset)
    loaded = load_records(classified)
    published = publish_changes(loaded)
    pruned = prune_raw_pages()
    vacuumed = vacuum_analyze()
    [loaded, pruned] >> vacuumed
    fail_run_if_a_task_failed(reset, classified, loaded, published, pruned, vacuumed)


tieup_maintenance()
