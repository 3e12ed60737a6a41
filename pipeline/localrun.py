"""`make run`: the scheduled service on one machine with nothing preinstalled but Python.

Starts (or reuses) an embedded PostgreSQL under .data/ unless DATABASE_URL is set,
creates the `tieup` and `airflow` databases, applies tieup's migrations, creates the
review roles and the review pages' login (tieup_review_app), prepares
Airflow (metadata migrated, settings written to airflow.cfg, pool and connection,
DAGs unpaused) and runs `airflow standalone` with the LocalExecutor, its output
in .data/airflow/logs/. Ctrl-C, SIGTERM and SIGHUP stop everything it started;
the data stays in .data/ for the next `make run`.

`python -m pipeline.localrun airflow ARGS...` (`make airflow ARGS=...`) runs the
airflow CLI against the running service, with the same environment.
"""

from __future__ import annotations

import configparser
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from . import db, runfile, stages
from .services import review as review_service
from .settings import redact_url
from .store.migrations import migrate

ROOT = Path.cwd()
DATA = ROOT / ".data"
DAGS = ROOT / "dags"
AIRFLOW_HOME = DATA / "airflow"
LOGS = AIRFLOW_HOME / "logs"
AIRFLOW = Path(sys.executable).parent / "airflow"
DAG_IDS = ("news_ingest", "alliance_digest", "tieup_maintenance")
UI = "http://localhost:8080"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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


def parallelism(cores: int | None = None) -> int:
    """LocalExecutor worker processes: two per core, 2 to 32.

    Airflow's default is 32 whatever the machine; each worker is a full Python
    process, and a task is partly network-bound, so two per core keeps the CPU
    busy without 32 idle processes on a laptop.
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, min(32, 2 * (cores or 1)))


Settings = dict[tuple[str, str], str]


def airflow_settings(metadata_url: str, overrides: Settings | None = None) -> Settings:
    """(section, key) -> value of the Airflow settings `make run` relies on; overrides win
    (`make run-celery` sets its executor, broker and worker count there)."""
    return {("core", "dags_folder"): str(DAGS),
            ("core", "load_examples"): "False",
            ("core", "executor"): "LocalExecutor",
            ("core", "parallelism"): str(parallelism()),
            ("core", "dags_are_paused_at_creation"): "True",
            ("database", "sql_alchemy_conn"): sqlalchemy_url(metadata_url),
            **(overrides or {})}


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as AIRFLOW__SECTION__KEY environment variables."""
    return {f"AIRFLOW__{section.upper()}__{key.upper()}": value for (section, key), value in settings.items()}


def review_login_url(news_url: str) -> str:
    """The tieup database as the review pages' own login (member of tieup_reviewer only; no
    password: the embedded server trusts its Unix socket). $TIEUP_REVIEW_DATABASE_URL wins."""
    if os.environ.get("TIEUP_REVIEW_DATABASE_URL"):
        return os.environ["TIEUP_REVIEW_DATABASE_URL"]
    parts = urlsplit(news_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{review_service.APP_LOGIN}@{host}", parts.path, parts.query, ""))


def airflow_env(news_url: str, metadata_url: str, overrides: Settings | None = None) -> dict[str, str]:
    """Environment for every Airflow process `make run` starts."""
    return {**os.environ, **settings_env(airflow_settings(metadata_url, overrides)),
            "PATH": f"{AIRFLOW.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(AIRFLOW_HOME),
            "AIRFLOW_CONN_TIEUP_DB": airflow_connection(news_url),
            "DATABASE_URL": news_url,
            "TIEUP_REVIEW_DATABASE_URL": review_login_url(news_url)}


def write_airflow_cfg(path: Path, settings: Settings) -> None:
    """Write the settings into airflow.cfg, so a plain `airflow` command sees the real database.

    Keys are updated in place: the file Airflow generated keeps its secret keys
    (fernet, JWT), which every Airflow process must share. Values are read and
    written raw (no interpolation), so `%%` in log formats survives.
    """
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(path, encoding="utf-8")
    for (section, key), value in settings.items():
        if not cfg.has_section(section):
            cfg.add_section(section)
        cfg.set(section, key, value)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the DB URL
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        cfg.write(out)
    os.chmod(path, 0o600)  # O_CREAT's mode only applies to a new file


def prepare_airflow(env: dict[str, str], settings: Settings) -> None:
    """Metadata migrated, airflow.cfg written, pool created, DAGs serialized and unpaused."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / "prepare.log", "ab") as log:
        def airflow(*args, check=True):
            try:
                subprocess.run([str(AIRFLOW), *args], env=env, check=check, stdout=log,
                               stderr=subprocess.STDOUT)
            except subprocess.CalledProcessError as exc:
                raise SystemExit(f"`airflow {' '.join(args)}` failed (exit {exc.returncode}); "
                                 f"see {LOGS / 'prepare.log'}") from exc
        airflow("db", "migrate")  # also generates airflow.cfg (with its secret keys) if missing
        write_airflow_cfg(AIRFLOW_HOME / "airflow.cfg", settings)
        airflow("pools", "set", "news_http", "8", "outbound HTTP to news sites")
        airflow("dags", "reserialize")
        for dag_id in DAG_IDS:
            airflow("dags", "unpause", dag_id, check=False)


def ui_answers() -> bool:
    """True once the api-server serves its API (not merely once the process started)."""
    try:
        with urllib.request.urlopen(f"{UI}/api/v2/version", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


STANDALONE_LOGS = "standalone.log: Airflow's output"


def summary(login: str, news_url: str, logs: str = STANDALONE_LOGS) -> str:
    """The block printed once everything is up: how to reach, use and stop the service."""
    rel = os.path.relpath
    return "\n".join([
        "",
        "  tieup is running",
        f"    UI            {UI}  (login: {login})",
        f"    review        {UI}/tieup/  (or 'Review' in the Airflow UI's menu)",
        f"    DATABASE_URL  {redact_url(news_url)}",
        f"                  the tieup CLI in this folder finds it in {rel(runfile.RUN_ENV)};",
        f"                  elsewhere: . {runfile.RUN_ENV.resolve()}",
        "    tieup CLI     .venv/bin/tieup review list",
        f"    airflow CLI   make airflow ARGS='dags list'  (or AIRFLOW_HOME={rel(AIRFLOW_HOME)} .venv/bin/airflow ...)",
        f"    logs          {rel(LOGS)}/ ({logs})",
        f"    stop          Ctrl-C, or kill -TERM {os.getpid()}",
        ""])


def wait_for_ui(standalone: subprocess.Popen, news_url: str, logs: str = STANDALONE_LOGS) -> None:
    """Print the summary once the UI answers (the password file survives restarts,
    so its presence alone does not mean the UI is up)."""
    passwords = AIRFLOW_HOME / "simple_auth_manager_passwords.json.generated"
    for _ in range(300):
        if standalone.poll() is not None:
            return
        if passwords.exists() and ui_answers():
            users = json.loads(passwords.read_text())
            login = ", ".join(f"{user} / {password}" for user, password in users.items())
            print(summary(login, news_url, logs), flush=True)
            return
        time.sleep(1)
    print(f"\n  Airflow has not answered on {UI} yet; see {LOGS / 'standalone.log'}\n", flush=True)


@contextmanager
def stop_on_signals():
    """SIGTERM and SIGHUP stop the service exactly as Ctrl-C does (KeyboardInterrupt).

    kill, systemd and supervisors send SIGTERM, a closed terminal SIGHUP; without
    this they would end this process and orphan Airflow and PostgreSQL. After the
    first signal further ones are ignored, so they cannot cut the cleanup short.
    """
    def stop(signum, frame):
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt
    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def start_process(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start command in its own process group (so stopping it stops its children), output to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)


def supervise(command: list[str], env: dict[str, str], log_path: Path, on_start) -> int:
    """Run command in its own process group, output to log_path, until it exits or we are
    stopped; then stop the whole group. on_start(process) runs once it is started."""
    return supervise_all([(command, env, log_path)], lambda children: on_start(children[0]))


def supervise_all(commands: list[tuple[list[str], dict[str, str], Path]], on_start) -> int:
    """supervise for several (command, env, log_path): each in its own process group, until the
    first exits (its status is returned) or we are stopped; then every group is stopped.
    on_start(processes) runs once all are started."""
    children: list[subprocess.Popen] = []
    try:
        for command, env, log_path in commands:
            children.append(start_process(command, env, log_path))
        on_start(children)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return next(child.returncode for child in children if child.returncode is not None)
    finally:
        if any(child.poll() is None for child in children):
            print("stopping Airflow ...", flush=True)
        stop_all(children)


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Stop the processes and every process they started (their process groups), all at once:
    SIGINT, then SIGTERM, then SIGKILL for those still running after a grace period."""
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        alive = [process for process in processes if process.poll() is None]
        deadline = time.monotonic() + grace
        for process in alive:
            _signal_group(process, sig)
        for process in alive:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
    for process in processes:  # their children may outlive them in the group; none is left
        _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def prepare(server_url: str, overrides: Settings | None = None) -> tuple[str, dict[str, str]]:
    """Both databases migrated and Airflow prepared; returns tieup's URL and the Airflow environment."""
    news_url = ensure_database(server_url, "tieup")
    metadata_url = ensure_database(server_url, "airflow")
    with db.connection(news_url) as conn:
        migrate(conn)
        stages.sync_companies(conn)
        review_service.create_roles(conn)        # the review pages log in as a tieup_reviewer
        review_service.create_app_login(conn)
    runfile.write(news_url)
    env = airflow_env(news_url, metadata_url, overrides)
    print(f"preparing Airflow in {os.path.relpath(AIRFLOW_HOME)} ...", flush=True)
    prepare_airflow(env, airflow_settings(metadata_url, overrides))
    print("starting Airflow (the UI takes a minute) ...", flush=True)
    return news_url, env


def serve(server_url: str) -> int:
    """Prepare both databases and Airflow, then run standalone until it exits or is stopped."""
    news_url, env = prepare(server_url)
    code = supervise([str(AIRFLOW), "standalone"], env, LOGS / "standalone.log",
                     lambda child: wait_for_ui(child, news_url))
    print(f"Airflow exited with status {code}; see {os.path.relpath(LOGS / 'standalone.log')}")
    return code


def run_service(serve_with=None) -> int:
    """The whole of `make run`: database, Airflow, and a clean stop on any stop signal.

    serve_with(server_url) runs the service (default: `serve`, Airflow standalone)."""
    server = None
    with stop_on_signals():
        try:
            server_url = os.environ.get("DATABASE_URL")
            if not server_url:
                from .embedded_pg import start
                server = start(DATA / "pg")
                server_url = server.get_uri()
            return (serve_with or serve)(server_url)
        except KeyboardInterrupt:  # Ctrl-C, SIGTERM or SIGHUP, also while preparing
            return 0
        finally:
            runfile.remove()
            if server is not None:
                from .embedded_pg import stop
                stop(server)
            print("stopped; data kept in .data/", flush=True)


def airflow_cli(args: list[str]) -> int:
    """Run `airflow ARGS` with the running service's environment (connection included)."""
    news_url = runfile.read()
    if not news_url:
        print(f"tieup: the service is not running ({runfile.RUN_ENV} is missing): start it with `make run`",
              file=sys.stderr)
        return 2
    env = airflow_env(news_url, db.with_database(news_url, "airflow"))
    os.execve(str(AIRFLOW), [str(AIRFLOW), *args], env)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["airflow"]:
        return airflow_cli(argv[1:])
    return run_service()


if __name__ == "__main__":
    sys.exit(main())
