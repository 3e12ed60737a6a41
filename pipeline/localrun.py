"""`make run`: the scheduled service on one machine with nothing preinstalled but Python.

Starts (or reuses) an embedded PostgreSQL under .data/ unless DATABASE_URL is set,
creates the `tieup` and `airflow` databases, applies tieup's migrations, prepares
Airflow (metadata migrated, pool and connection, DAGs unpaused) and runs
`airflow standalone` with the LocalExecutor. Ctrl-C stops everything it started;
the data stays in .data/ for the next `make run`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg2
from psycopg2 import sql

from . import db, stages
from .store.migrations import migrate

ROOT = Path.cwd()
DATA = ROOT / ".data"
DAGS = ROOT / "dags"
AIRFLOW = Path(sys.executable).parent / "airflow"
DAG_IDS = ("news_ingest", "alliance_digest", "tieup_maintenance")
UI = "http://localhost:8080"


def ensure_database(server_url: str, name: str) -> str:
    """Create database `name` on the server if missing; returns its URL."""
    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    return db.with_database(server_url, name)


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy psycopg2 URL (Airflow's metadata connection)."""
    parts = urlsplit(url)
    return f"postgresql+psycopg2://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def airflow_connection(url: str) -> str:
    """JSON form of the `tieup_db` Airflow connection for a libpq URL (socket hosts too)."""
    dsn = psycopg2.extensions.parse_dsn(url)
    return json.dumps({"conn_type": "postgres", "host": dsn.get("host", "localhost"),
                       "port": int(dsn["port"]) if dsn.get("port") else None,
                       "login": dsn.get("user"), "password": dsn.get("password"),
                       "schema": dsn.get("dbname")})


def airflow_env(news_url: str, metadata_url: str) -> dict[str, str]:
    """Environment for every Airflow process `make run` starts."""
    return {**os.environ,
            "PATH": f"{AIRFLOW.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(DATA / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata_url),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW_CONN_TIEUP_DB": airflow_connection(news_url),
            "DATABASE_URL": news_url}


def prepare_airflow(env: dict[str, str]) -> None:
    """Metadata migrated, pool created, DAGs serialized and unpaused."""
    def airflow(*args):
        subprocess.run([str(AIRFLOW), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    airflow("db", "migrate")
    airflow("pools", "set", "news_http", "8", "outbound HTTP to news sites")
    airflow("dags", "reserialize")
    for dag_id in DAG_IDS:
        subprocess.run([str(AIRFLOW), "dags", "unpause", dag_id], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ui_answers() -> bool:
    """True once the api-server serves its API (not merely once the process started)."""
    try:
        with urllib.request.urlopen(f"{UI}/api/v2/version", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def print_login(env: dict[str, str], standalone: subprocess.Popen) -> None:
    """Print the UI address and the admin password once the UI answers.

    The password file survives restarts, so its presence alone does not mean
    the UI is up.
    """
    passwords = Path(env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
    for _ in range(300):
        if standalone.poll() is not None:
            return
        if passwords.exists() and ui_answers():
            users = json.loads(passwords.read_text())
            for user, password in users.items():
                print(f"\n  tieup is running: {UI}  (login: {user} / {password})\n", flush=True)
            return
        time.sleep(1)
    print(f"\n  Airflow has not answered on {UI} yet; see the output above.\n", flush=True)


def main() -> int:
    server = None
    server_url = os.environ.get("DATABASE_URL")
    try:
        if not server_url:
            from .embedded_pg import start
            server = start(DATA / "pg")
            server_url = server.get_uri()
        return serve(server_url)
    except KeyboardInterrupt:  # Ctrl-C, also while preparing
        return 0
    finally:
        if server is not None:
            server.stop()  # make run owns this server, whatever other handles were left


def serve(server_url: str) -> int:
    """Prepare both databases and Airflow, then run standalone until it exits or Ctrl-C."""
    news_url = ensure_database(server_url, "tieup")
    metadata_url = ensure_database(server_url, "airflow")
    with db.connection(news_url) as conn:
        migrate(conn)
        stages.sync_companies(conn)
    env = airflow_env(news_url, metadata_url)
    prepare_airflow(env)
    print(f"tieup database: {quote(db.database_name(news_url))}; Airflow home: {env['AIRFLOW_HOME']}")
    standalone = subprocess.Popen([str(AIRFLOW), "standalone"], env=env, start_new_session=True)
    try:
        print_login(env, standalone)
        return standalone.wait()
    finally:
        _stop(standalone)


def _stop(process: subprocess.Popen) -> None:
    """Stop standalone and every process it started (its own process group)."""
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=grace)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
    # standalone's children may outlive it in the group; make sure none is left
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    sys.exit(main())
