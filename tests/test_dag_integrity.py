"""DAG integrity: the folder parses, every DAG carries docs, tags, owner, retries and pools,
importing it does no network or database work, and errors map to retry / fail-fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow  # imports and runs Airflow itself

ROOT = Path(__file__).resolve().parent.parent
DAGS = ROOT / "dags"
HTTP_POOL = "news_http"
UNREACHABLE_DB = "postgresql://tieup:secret@10.255.255.1:5432/tieup?connect_timeout=1"

# Runs in a fresh interpreter: parse the folder with Airflow's own DagBag and report facts.
DAGBAG_FACTS = r"""
import inspect, json, sys
from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag

dags = Path(sys.argv[1])
bag = BundleDagBag(dag_folder=dags, bundle_path=dags, bundle_name="dags-folder")

def backoff(value):
    return 2.0 if value is True else float(value or 0)

def uses_http(task):
    try:
        source = inspect.getsource(task.python_callable)
        return "HttpClient" in source or "http_client(" in source or "http=True" in source
    except (AttributeError, OSError, TypeError):
        return False

facts = {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    facts["dags"][dag_id] = {
        "doc_md": dag.doc_md or "", "tags": sorted(dag.tags), "fileloc": dag.fileloc,
        "max_active_runs": dag.max_active_runs,
        "tasks": {t.task_id: {"owner": t.owner, "retries": t.retries,
                              "backoff": backoff(t.retry_exponential_backoff),
                              "retry_delay": t.retry_delay.total_seconds(),
                              "max_retry_delay": t.max_retry_delay.total_seconds()
                                                 if t.max_retry_delay else None,
                              "pool": t.pool, "http": uses_http(t)}
                  for t in dag.tasks}}
print("FACTS" + json.dumps(facts))
"""

# Runs in a fresh interpreter: import every DAG file with the network and the database refused.
IMPORT_WITHOUT_IO = r"""
import importlib.util, json, socket, sys
from pathlib import Path
import airflow.sdk, psycopg2  # libraries may open nothing either, but are not under test here

attempts = []

def refuse(what):
    def refused(*args, **kwargs):
        attempts.append(what)
        raise OSError(f"{what} at DAG import time")
    return refused

class RefusedSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        refuse("socket.socket")()

socket.socket = RefusedSocket
socket.create_connection = refuse("socket.create_connection")
socket.getaddrinfo = refuse("socket.getaddrinfo")
psycopg2.connect = refuse("psycopg2.connect")

dags = Path(sys.argv[1])
sys.path.insert(0, str(dags))
loaded = []
for path in sorted(dags.glob("*.py")):
    spec = importlib.util.spec_from_file_location(f"dagfile_{path.stem}", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    loaded.append(path.name)
print("IMPORTED" + json.dumps({"files": loaded, "attempts": attempts}))
"""


def _python(script: str, tmp_path: Path, marker: str) -> dict:
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
           "DATABASE_URL": UNREACHABLE_DB}
    proc = subprocess.run([sys.executable, "-c", script, str(DAGS)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith(marker))
    return json.loads(line[len(marker):])


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    return _python(DAGBAG_FACTS, tmp_path_factory.mktemp("dagbag"), "FACTS")


def test_dag_folder_has_no_import_errors(dagbag):
    assert dagbag["import_errors"] == {}
    assert {"news_ingest", "tieup_maintenance"} <= set(dagbag["dags"])


def test_every_dag_has_docs_tags_and_owner(dagbag):
    for dag_id, dag in dagbag["dags"].items():
        assert len(dag["doc_md"].strip()) > 80, dag_id
        assert "tieup" in dag["tags"] and len(dag["tags"]) >= 2, dag_id
        assert dag["max_active_runs"] == 1, dag_id
        for task_id, task in dag["tasks"].items():
            assert task["owner"] not in (None, "", "airflow"), (dag_id, task_id)


# Data-quality checks fail on data; a retry cannot change the verdict.
NOT_RETRIED = {("alliance_digest", "check_data_quality")}


def test_every_task_retries_with_exponential_backoff(dagbag):
    for dag_id, dag in dagbag["dags"].items():
        for task_id, task in dag["tasks"].items():
            where = (dag_id, task_id)
            if where in NOT_RETRIED:
                assert task["retries"] == 0, where
                continue
            assert task["retries"] > 0, where
            assert task["backoff"] >= 2.0, where
            assert 0 < task["retry_delay"] <= task["max_retry_delay"], where


def test_http_tasks_run_in_the_news_http_pool(dagbag):
    http_tasks = {(d, t): task["pool"] for d, dag in dagbag["dags"].items()
                  for t, task in dag["tasks"].items() if task["http"]}
    assert {("news_ingest", "poll_feed"), ("news_ingest", "fetch_and_extract")} <= set(http_tasks)
    assert set(http_tasks.values()) == {HTTP_POOL}


def test_importing_the_dag_folder_does_no_network_or_database_work(tmp_path):
    result = _python(IMPORT_WITHOUT_IO, tmp_path, "IMPORTED")
    assert "news_ingest.py" in result["files"] and "tieup_maintenance.py" in result["files"]
    assert result["attempts"] == []


# --- errors: what Airflow retries and what fails at once ---------------------------------

@pytest.fixture(scope="module")
def glue(tmp_path_factory):
    """dags/tieup_airflow.py imported in this process, with Airflow's home in a temp dir."""
    if "airflow" not in sys.modules:
        os.environ["AIRFLOW_HOME"] = str(tmp_path_factory.mktemp("airflow_home"))
    sys.path.insert(0, str(DAGS))
    try:
        import tieup_airflow
        yield tieup_airflow
    finally:
        sys.path.remove(str(DAGS))


def _raising(exc):
    def task_body():
        raise exc
    return task_body


@pytest.mark.parametrize("exc_factory", [
    lambda: __import__("pipeline.errors").errors.TransientError("database restarting"),
    lambda: __import__("psycopg2").OperationalError("server closed the connection unexpectedly"),
    lambda: RuntimeError("a bug: retried like any unknown error"),
])
def test_transient_errors_propagate_for_airflow_to_retry(glue, exc_factory):
    exc = exc_factory()
    with pytest.raises(type(exc)) as raised:
        glue.tieup_errors(_raising(exc))()
    assert raised.value is exc


@pytest.mark.parametrize("exc_factory", [
    lambda: __import__("pipeline.errors").errors.ConfigError("feeds.yml: 'feeds' must be a list"),
    lambda: __import__("pipeline.errors").errors.MigrationError("0001_core.sql has changed"),
    lambda: __import__("psycopg2").errors.UndefinedTable("relation \"articles\" does not exist"),
])
def test_terminal_errors_fail_without_retries(glue, exc_factory):
    from airflow.sdk.exceptions import AirflowFailException
    with pytest.raises(AirflowFailException, match="not retried"):
        glue.tieup_errors(_raising(exc_factory()))()


def test_airflow_control_exceptions_pass_through(glue):
    from airflow.sdk.exceptions import AirflowSkipException
    with pytest.raises(AirflowSkipException):
        glue.events_changed({"events_created": 0})
    assert glue.events_changed({"events_created": 1, "events_updated": 2}) == 3


def test_wrapped_task_keeps_its_name_and_signature(glue):
    import inspect

    def poll_feed(feed_id: int) -> dict:
        return {"feed_id": feed_id}
    wrapped = glue.tieup_errors(poll_feed)
    assert wrapped.__name__ == "poll_feed" and wrapped(7) == {"feed_id": 7}
    assert list(inspect.signature(wrapped).parameters) == ["feed_id"]
