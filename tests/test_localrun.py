"""`make run`'s supervisor: stop signals, logs, the summary, airflow.cfg and worker count.

The signal tests run localrun's real run_service / supervise code in a child
process, with a stand-in process group (a Python process and its `sleep`
children) in place of `airflow standalone`.
"""

import configparser
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import localrun

ROOT = Path(__file__).resolve().parent.parent

SERVICE = r"""
import os, sys, time
from pathlib import Path
from pipeline import localrun, runfile

GROUP = ("import subprocess, time; print('chatty airflow output', flush=True); "
         "[subprocess.Popen(['sleep', '300']) for _ in range(3)]; time.sleep(300)")

def on_start(child):
    print("group", child.pid, flush=True)
    time.sleep(300)

def serve(server_url):
    runfile.write(server_url)
    return localrun.supervise([sys.executable, "-c", GROUP], dict(os.environ),
                              Path("logs/standalone.log"), on_start)

localrun.serve = serve
sys.exit(localrun.run_service())
"""


def _live_members(pgid: int) -> list[int]:
    """Processes of a process group that are still running (zombies do not count)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            live.append(int(stat.parent.name))
    return live


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_stop_signals_stop_the_whole_group(tmp_path, sig):
    env = {**os.environ, "DATABASE_URL": "postgresql://stand-in@/tieup", "PYTHONPATH": str(ROOT)}
    service = subprocess.Popen([sys.executable, "-c", SERVICE], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = service.stdout.readline()
    assert first.startswith("group "), first + service.stderr.read()
    pgid = int(first.split()[1])
    deadline = time.monotonic() + 10
    while len(_live_members(pgid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_live_members(pgid)) == 4  # the stand-in and its three children
    assert (tmp_path / ".data" / "tieup.env").exists()
    service.send_signal(sig)
    out, err = service.communicate(timeout=60)
    assert service.returncode == 0, err
    assert "Traceback" not in err
    assert "stopping Airflow" in out and "stopped; data kept" in out
    assert _live_members(pgid) == []
    assert not (tmp_path / ".data" / "tieup.env").exists()  # the CLI no longer points at it
    assert "chatty airflow output" in (tmp_path / "logs" / "standalone.log").read_text()
    assert "chatty" not in out


def test_parallelism_follows_the_cores():
    assert [localrun.parallelism(n) for n in (1, 2, 4, 64)] == [2, 4, 8, 32]
    assert 2 <= localrun.parallelism() <= 32


def test_settings_go_into_airflow_cfg_keeping_its_secrets(tmp_path):
    cfg = tmp_path / "airflow.cfg"
    cfg.write_text("[core]\n# a comment\nexecutor = SequentialExecutor\nfernet_key = k3y\n"
                   "[database]\nsql_alchemy_conn = sqlite:////tmp/airflow.db\n"
                   "[logging]\nlog_format = [%%(asctime)s] %%(message)s\n")
    settings = localrun.airflow_settings("postgresql://postgres:@/airflow?host=/data/pg")
    localrun.write_airflow_cfg(cfg, settings)
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read(cfg)
    assert parsed["database"]["sql_alchemy_conn"] == "postgresql+psycopg2://postgres:@/airflow?host=/data/pg"
    assert parsed["core"]["executor"] == "LocalExecutor"
    assert parsed["core"]["parallelism"] == str(localrun.parallelism())
    assert parsed["core"]["fernet_key"] == "k3y"
    assert parsed["logging"]["log_format"] == "[%%(asctime)s] %%(message)s"  # still escaped for Airflow
    assert cfg.stat().st_mode & 0o077 == 0


@pytest.mark.airflow
def test_the_airflow_cli_reads_the_written_cfg(tmp_path):
    home = tmp_path / "airflow"
    home.mkdir()
    url = "postgresql://postgres:@/airflow?host=/data/pg"
    localrun.write_airflow_cfg(home / "airflow.cfg", localrun.airflow_settings(url))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    proc = subprocess.run([str(localrun.AIRFLOW), "config", "get-value", "database", "sql_alchemy_conn"],
                          env={**env, "AIRFLOW_HOME": str(home)}, capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == localrun.sqlalchemy_url(url)
    assert not list(home.glob("*.db"))  # no stray SQLite


def test_summary_says_how_to_reach_use_and_stop_the_service():
    text = localrun.summary("admin / pw", "postgresql://postgres:s3cret@/tieup?host=/x/.data/pg")
    for needed in ("http://localhost:8080", "admin / pw", "DATABASE_URL", ".data/tieup.env",
                   "make airflow", "Ctrl-C", f"kill -TERM {os.getpid()}", ".data/airflow/logs"):
        assert needed in text, needed
    assert "s3cret" not in text


def test_airflow_cli_needs_the_running_service(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert localrun.main(["airflow", "dags", "list"]) == 2
    assert "make run" in capsys.readouterr().err


def test_makefile_has_the_airflow_and_fast_test_targets():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nairflow: " in makefile and "pipeline.localrun airflow $(ARGS)" in makefile
    assert "\ntest-fast: " in makefile and "-m 'not airflow'" in makefile


def test_fast_runs_leave_out_every_airflow_test():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not airflow",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-2000:]
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    assert collected
    airflow_tests = [t for t in collected if t.startswith(("tests/test_dag_", "tests/test_localrun.py::test_the_airflow"))
                     or "airflow_home" in t or "test_maintenance.py::test_dag" in t]
    assert airflow_tests == []


def test_embedded_server_starts_without_warnings(monkeypatch):
    """No XDG_RUNTIME_DIR (containers, CI) used to print a RuntimeDirWarning in every run."""
    import shutil
    import tempfile
    import warnings
    from pipeline import embedded_pg
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    data_dir = Path(tempfile.mkdtemp(prefix="tieup-test-pg-"))  # outside pytest's 0700 tmp tree
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            server = embedded_pg.start(data_dir / "data")
        embedded_pg.stop(server)
        assert [str(w.message) for w in caught] == []
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_supervise_all_stops_every_group_when_one_exits(tmp_path):
    sleeper = [sys.executable, "-c", "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"]
    quitter = [sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(3)"]
    started = []
    code = localrun.supervise_all([(sleeper, dict(os.environ), tmp_path / "a.log"),
                                   (quitter, dict(os.environ), tmp_path / "b.log")],
                                  lambda children: started.extend(children))
    assert code == 3
    assert len(started) == 2 and _live_members(started[0].pid) == []
