"""Glue shared by the tieup DAGs: settings and the database connection inside a task.

Nothing here runs at import time; every function is called from inside a task.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

DB_CONN_ID = "tieup_db"
HTTP_POOL = "news_http"


def task_settings():
    """Settings from the environment, with the database taken from the tieup_db connection."""
    from pipeline.settings import load_settings
    settings = load_settings()
    dsn = _airflow_dsn()
    return settings.with_overrides(database_url=dsn) if dsn else settings


def _airflow_dsn() -> str | None:
    """libpq DSN of the Airflow connection `tieup_db`, or None when it is not defined."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException
    from psycopg2.extensions import make_dsn
    try:
        conn = BaseHook.get_connection(DB_CONN_ID)
    except AirflowNotFoundException:
        return None
    params = {"host": conn.host, "port": conn.port, "user": conn.login,
              "password": conn.password, "dbname": conn.schema}
    extra = conn.extra_dejson or {}
    params.update({k: v for k, v in extra.items() if k in ("sslmode", "options", "application_name")})
    return make_dsn(**{k: v for k, v in params.items() if v not in (None, "")})


@contextmanager
def tieup_connection(settings):
    """An open psycopg2 connection for a task (DATABASE_URL is the fallback)."""
    from pipeline import db
    url = settings.database_url or os.environ.get("DATABASE_URL")
    with db.connection(url, application_name="tieup-airflow") as conn:
        yield conn
