"""tieup_maintenance: daily housekeeping: reclassify after a classifier change, prune raw pages, VACUUM."""

from __future__ import annotations

from airflow.sdk import dag, task

from tieup_airflow import (classify_load_publish, dag_defaults, fail_run_if_a_task_failed, stage_call,
                           task_call, tieup_errors)

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
    **dag_defaults(),
    tags=["tieup", "maintenance"],
    doc_md=DOC,
)
def tieup_maintenance():
    @task
    @tieup_errors
    def reclassify_outdated() -> dict:
        return stage_call("reclassify_outdated")

    @task
    @tieup_errors
    def prune_raw_pages() -> dict:
        from pipeline import maintenance
        return task_call(maintenance.prune_raw_pages)

    @task(trigger_rule="all_done")
    @tieup_errors
    def vacuum_analyze() -> dict:
        from pipeline import maintenance
        return task_call(maintenance.vacuum_analyze)

    reset = reclassify_outdated()
    classified, loaded, published = classify_load_publish(reset)
    pruned = prune_raw_pages()
    vacuumed = vacuum_analyze()
    [loaded, pruned] >> vacuumed
    fail_run_if_a_task_failed(reset, classified, loaded, published, pruned, vacuumed)


tieup_maintenance()
