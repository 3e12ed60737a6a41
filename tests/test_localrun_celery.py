"""`make run-celery`'s pieces: worker settings, the components it starts, the embedded Redis.

The whole cluster runs in `make test-distributed` (tests/distributed/); these check
the parts without Airflow.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from pipeline import localrun, localrun_celery
from pipeline.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_worker_count_and_concurrency_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("TIEUP_WORKERS", raising=False)
    monkeypatch.delenv("TIEUP_WORKER_CONCURRENCY", raising=False)
    assert (localrun_celery.worker_count(), localrun_celery.worker_concurrency()) == (2, 2)
    monkeypatch.setenv("TIEUP_WORKERS", "4")
    monkeypatch.setenv("TIEUP_WORKER_CONCURRENCY", "3")
    assert (localrun_celery.worker_count(), localrun_celery.worker_concurrency()) == (4, 3)


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_worker_count_is_a_config_error(monkeypatch, value):
    monkeypatch.setenv("TIEUP_WORKERS", value)
    with pytest.raises(ConfigError, match="TIEUP_WORKERS"):
        localrun_celery.worker_count()


def test_celery_settings_never_queue_more_than_the_workers_can_start():
    settings = localrun.airflow_settings("postgresql://postgres:@/airflow?host=/data/pg",
                                         localrun_celery.celery_settings("redis://broker:6379/0", 3, 2))
    assert settings[("core", "executor")] == "CeleryExecutor"
    assert settings[("core", "parallelism")] == "6"
    assert settings[("celery", "broker_url")] == "redis://broker:6379/0"
    assert settings[("celery", "worker_concurrency")] == "2"
    assert settings[("core", "dags_folder")] == str(localrun.DAGS)  # the rest of make run's settings stay


def test_components_are_the_airflow_services_and_named_workers():
    env = {"AIRFLOW_HOME": "/x"}
    components = localrun_celery.airflow_components(env, 3)
    assert [c.name for c in components] == ["scheduler", "dag-processor", "triggerer", "api-server",
                                            "worker-1", "worker-2", "worker-3"]
    worker = components[-1]
    assert worker.command[1:] == ["celery", "worker", "--celery-hostname", "worker-3@%h", "--skip-serve-logs"]
    assert worker.env["AIRFLOW_HOME"] == "/x" and worker.env["TIEUP_WORKER_NAME"] == "worker-3"
    # the dotted path Airflow imports in the worker's task processes must name this function
    module, _, name = worker.env["AIRFLOW__CORE__HOSTNAME_CALLABLE"].rpartition(".")
    assert getattr(__import__(module, fromlist=[name]), name) is localrun_celery.worker_hostname
    assert "TIEUP_WORKER_NAME" not in components[0].env


def test_worker_hostname_names_the_worker(monkeypatch):
    monkeypatch.setenv("TIEUP_WORKER_NAME", "worker-2")
    assert localrun_celery.worker_hostname() == f"worker-2@{socket.getfqdn()}"
    monkeypatch.delenv("TIEUP_WORKER_NAME")
    assert localrun_celery.worker_hostname() == socket.getfqdn()


def test_embedded_redis_serves_on_its_socket_and_stops(tmp_path):
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "redis.sock").write_text("left by a killed server")
    component, url = localrun_celery.redis_server(tmp_path / "redis")
    assert url == f"redis+socket://{tmp_path / 'redis' / 'redis.sock'}"
    process = localrun.start_process(component.command, component.env, tmp_path / "redis.log")
    try:
        client = redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"))
        deadline = time.monotonic() + 10
        while True:
            try:
                assert client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.lpush("default", "a task")
        assert client.llen("default") == 1
        client.close()
    finally:
        localrun.stop_all([process])
    assert process.returncode == 0  # SIGINT: a clean shutdown
    assert (tmp_path / "redis" / "dump.rdb").exists()  # the queue survives a restart


def test_makefile_and_ci_run_the_celery_targets():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun-celery: " in makefile and "-m pipeline.localrun_celery" in makefile
    assert "\ntest-distributed: " in makefile and "-m distributed tests/distributed" in makefile
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert steps.index("make test-distributed") > steps.index("make test")


def test_a_bad_worker_count_stops_make_run_celery_before_anything_starts(tmp_path):
    env = {**os.environ, "TIEUP_WORKERS": "none", "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)  # else it would not start a server anyway
    proc = subprocess.run([sys.executable, "-m", "pipeline.localrun_celery"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "TIEUP_WORKERS must be a whole number of at least 1, not 'none'" in proc.stderr
    assert not (tmp_path / ".data").exists()  # no PostgreSQL, no Redis, no Airflow
