"""Glue shared by the tieup DAGs: defaults, error mapping, settings and the database inside a task.

Nothing here does I/O at import time; the settings and the connection are only
built from inside a running task.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from datetime import timedelta

DB_CONN_ID = "tieup_db"
SMTP_CONN_ID = "tieup_smtp"
WEBHOOK_CONN_PREFIX = "tieup_webhook_"
HTTP_POOL = "news_http"
OWNER = "tieup"
ALLIANCE_EVENTS_URI = "tieup://alliance_events"


def default_args() -> dict:
    """Task defaults of every tieup DAG: retries with exponential backoff.

    The delay is read from TIEUP_RETRY_DELAY_SECONDS (default 30 s) and doubles
    with each try up to ten minutes; only transient errors reach a retry (see
    `tieup_errors`).
    """
    return {
        "owner": OWNER,
        "retries": 3,
        "retry_delay": timedelta(seconds=float(os.environ.get("TIEUP_RETRY_DELAY_SECONDS", "30"))),
        "retry_exponential_backoff": True,  # Airflow 3.3 reads True as a multiplier of 2.0
        "max_retry_delay": timedelta(minutes=10),
    }


def is_retryable(exc: BaseException) -> bool:
    """True when a later try may succeed: transient errors, dropped or restarting databases.

    Configuration errors, failed migrations, terminal errors and other database
    errors (constraint violations, missing tables) fail for good. Anything else,
    a bug included, keeps Airflow's default and is retried.
    """
    import psycopg2

    from pipeline import db
    from pipeline.errors import ConfigError, MigrationError, NotFoundError, TerminalError, TransientError
    if isinstance(exc, TransientError) or db.is_transient_db_error(exc):
        return True
    return not isinstance(exc, (ConfigError, MigrationError, NotFoundError, TerminalError,
                                psycopg2.Error))


def tieup_errors(func):
    """Decorate a task body: non-retryable errors become AirflowFailException (no retries)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            from airflow.sdk.exceptions import AirflowException, AirflowFailException
            if isinstance(exc, AirflowException) or is_retryable(exc):
                raise
            raise AirflowFailException(f"{type(exc).__name__}: {exc} (not retried)") from exc
    return wrapper


def ingest_schedule() -> str:
    """news_ingest's schedule: Settings.schedule (TIEUP_SCHEDULE, default every 30 minutes)."""
    from pipeline.settings import load_settings
    return load_settings().schedule


def task_settings():
    """Settings from the environment, with the database taken from the tieup_db connection."""
    from pipeline.settings import load_settings
    settings = load_settings()
    dsn = _airflow_dsn()
    return settings.with_overrides(database_url=dsn) if dsn else settings


def _airflow_dsn() -> str | None:
    """libpq DSN of the Airflow connection `tieup_db`, or None when it is not defined."""
    from psycopg2.extensions import make_dsn
    conn = _airflow_connection(DB_CONN_ID)
    if conn is None:
        return None
    params = {"host": conn.host, "port": conn.port, "user": conn.login,
              "password": conn.password, "dbname": conn.schema}
    extra = conn.extra_dejson or {}
    params.update({k: v for k, v in extra.items() if k in ("sslmode", "options", "application_name")})
    return make_dsn(**{k: v for k, v in params.items() if v not in (None, "")})


def _airflow_connection(conn_id: str):
    """The Airflow connection conn_id, or None when it is not defined."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException
    try:
        return BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None


def channel_secrets(settings):
    """Where alerts find their secrets: the Airflow connections tieup_smtp and tieup_webhook_<name>
    first, then the environment (TIEUP_SMTP_URL, TIEUP_WEBHOOK_<NAME>). Read when a message is sent,
    never stored: Airflow masks connection passwords in task logs."""
    from pipeline import channels
    fallback = channels.env_secrets(settings)

    def smtp():
        conn = _airflow_connection(SMTP_CONN_ID)
        if conn is None or not conn.host:
            return fallback.smtp()
        extra = conn.extra_dejson or {}
        implicit = str(extra.get("ssl", "false")).lower() in ("1", "true", "yes")
        return channels.SmtpConfig(
            host=conn.host, port=conn.port or (465 if implicit else 587), login=conn.login or None,
            password=conn.password or None, sender=extra.get("from_email") or extra.get("from"),
            ssl=implicit, starttls=not implicit and str(extra.get("starttls", "true")).lower() in ("1", "true", "yes"),
            ca_file=extra.get("ca_file"), timeout=settings.smtp_timeout)

    def webhook(name: str):
        conn = _airflow_connection(WEBHOOK_CONN_PREFIX + name)
        if conn is None:
            return fallback.webhook(name)
        host = conn.host or ""
        if not host.lower().startswith(("http://", "https://")):
            return (conn.extra_dejson or {}).get("url")
        # the secret part of the URL in the password field, so Airflow masks it in logs
        return host.rstrip("/") + ("/" + conn.password.lstrip("/") if conn.password else "")

    return channels.ChannelSecrets(smtp=smtp, webhook=webhook)


@contextmanager
def tieup_connection(settings):
    """An open psycopg2 connection for a task (DATABASE_URL is the fallback)."""
    from pipeline import db
    url = settings.database_url or os.environ.get("DATABASE_URL")
    with db.connection(url, application_name="tieup-airflow", pipeline=True) as conn:
        yield conn


def dag_defaults() -> dict:
    """The @dag arguments every tieup DAG shares: start date, no catch-up, one run at a time, task defaults."""
    import pendulum
    return {"start_date": pendulum.datetime(2026, 1, 1, tz="UTC"), "catchup": False,
            "max_active_runs": 1, "default_args": default_args()}


def task_call(fn, *args, http: bool = False):
    """fn(conn, settings, [an HTTP client,] *args) on the task's connection.

    Counts come back as a plain dict (XCom carries ids and counts only).
    """
    from collections import Counter
    from contextlib import nullcontext

    from pipeline import stages
    settings = task_settings()
    with tieup_connection(settings) as conn, \
            (stages.http_client(settings) if http else nullcontext()) as client:
        result = fn(conn, settings, *((client,) if http else ()), *args)
    return dict(result) if isinstance(result, Counter) else result


def stage_call(name: str, *args, http: bool = False):
    """task_call of pipeline.stages.<name> (a stage or a whole-pass entry point)."""
    from pipeline import stages
    return task_call(getattr(stages, name), *args, http=http)


def drain(state: str) -> dict:
    """Run the stage that takes articles out of `state` (pipeline.states.STEPS) until none is left."""
    from pipeline import stages
    from pipeline.states import STEPS
    return stage_call("drain", state, getattr(stages, STEPS[state]))


def classify_load_publish(upstream):
    """The tasks news_ingest and tieup_maintenance both end with: classify, load, and publish
    the alliance_events asset when events changed. Returns (classified, loaded, published)."""
    from airflow.sdk import Asset, task

    @task
    @tieup_errors
    def classify(_upstream) -> dict:
        return drain("deduped")

    @task
    @tieup_errors
    def load_records(_classified: dict) -> dict:
        return drain("classified")

    @task(outlets=[Asset(ALLIANCE_EVENTS_URI)])
    @tieup_errors
    def publish_changes(loaded: dict) -> int:
        return events_changed(loaded)

    classified = classify(upstream)
    loaded = load_records(classified)
    return classified, loaded, publish_changes(loaded)


def events_changed(loaded: dict) -> int:
    """How many events a load created or changed; skips the task (no asset event) when none."""
    from airflow.sdk.exceptions import AirflowSkipException
    changed = loaded.get("events_created", 0) + loaded.get("events_updated", 0)
    if not changed:
        raise AirflowSkipException("no alliance event was created or changed")
    return changed


def fail_run_if_a_task_failed(*upstream):
    """A leaf task that fails the run when any upstream task failed.

    Tasks with trigger_rule all_done run after a failure, so without it a run whose
    sync_feeds or prune task failed would still end as "success".
    """
    from airflow.sdk import task

    @task(trigger_rule="one_failed")
    def a_task_failed() -> None:
        from airflow.sdk.exceptions import AirflowFailException
        raise AirflowFailException("a task of this run failed; see the failed task's log")

    watcher = a_task_failed()
    list(upstream) >> watcher
    return watcher
