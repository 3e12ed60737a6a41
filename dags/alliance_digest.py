"""alliance_digest: write the daily alliance digest, then run the data-quality checks."""

from __future__ import annotations

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from tieup_airflow import ALLIANCE_EVENTS_URI, channel_secrets, dag_defaults, task_call, task_settings, tieup_errors

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

Alongside, `send_alerts` records which events changed (created, new status or deal
type, corrected or rejected by a reviewer), queues one alert per change and
subscriber of a matching watchlist, and the morning digest once a day per email
subscriber, and sends what is due (SMTP from the `tieup_smtp` connection, chat URLs
from `tieup_webhook_<name>`). Each delivery is recorded in `alert_deliveries`, so a
retried or doubled task sends nothing twice; see `v_alert_channel_health`.
"""


@dag(
    dag_id="alliance_digest",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("@daily", timezone="UTC"),
                                 assets=[ALLIANCE_EVENTS]),
    **dag_defaults(),
    tags=["tieup", "report", "quality"],
    doc_md=DOC,
)
def alliance_digest():
    @task
    @tieup_errors
    def write_digest() -> dict:
        from pipeline.services import reports
        return task_call(reports.write_digest)

    @task(retries=0, trigger_rule="all_done")
    @tieup_errors
    def check_data_quality(_written) -> dict:
        from pipeline import quality
        return task_call(quality.check_data_quality)

    @task
    @tieup_errors
    def send_alerts() -> dict:
        from pipeline.services import alerts
        return task_call(alerts.send_alerts, channel_secrets(task_settings()))

    check_data_quality(write_digest())
    send_alerts()


alliance_digest()
