"""alliance_digest: write the daily alliance digest, then run the data-quality checks."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from tieup_airflow import ALLIANCE_EVENTS_URI, default_args, task_settings, tieup_connection, tieup_errors

# Published by news_ingest when alliance events were created or changed.
ALLIANCE_EVENTS = Asset(ALLIANCE_EVENTS_URI)

DOC = """
### alliance_digest
Runs when `news_ingest` updates the `tieup://alliance_events` asset, and daily
at midnight UTC as a fallback. Writes the digest of the last 24 hours
(`alliance-digest-YYYY-MM-DD.html`, self-contained with the company network
picture, and `.json`) to `TIEUP_DIGEST_DIR`; a later run the same day replaces
that day's files. Then runs the data-quality checks (articles stuck past their
lease, events without evidence, feeds failing for more than a day), which fail
the run and list the offending rows. The checks are not retried: a retry cannot
fix data.
"""


@dag(
    dag_id="alliance_digest",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("@daily", timezone="UTC"),
                                 assets=[ALLIANCE_EVENTS]),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["tieup", "report", "quality"],
    doc_md=DOC,
)
def alliance_digest():
    @task
    @tieup_errors
    def write_digest() -> dict:
        from pipeline.services import reports
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return reports.write_digest(conn, settings)

    @task(retries=0, trigger_rule="all_done")
    @tieup_errors
    def check_data_quality(_written) -> dict:
        from pipeline import quality
        settings = task_settings()
        with tieup_connection(settings) as conn:
            return quality.check_data_quality(conn, settings)

    check_data_quality(write_digest())


alliance_digest()
