"""Run the real Airflow CLI against a temporary AIRFLOW_HOME (SQLite metadata) and our DAGs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parent.parent / "dags"
AIRFLOW = Path(sys.executable).parent / "airflow"


class AirflowHome:
    """A migrated Airflow metadata database with the project's DAGs serialized."""

    def __init__(self, home: Path):
        self.home = home
        self.env = {**os.environ, "AIRFLOW_HOME": str(home),
                    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
                    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING"}
        self.env.pop("DATABASE_URL", None)

    def run(self, *args: str, env: dict | None = None, check: bool = True,
            timeout: int = 240) -> subprocess.CompletedProcess:
        """Run `airflow ARGS...`; output is captured and shown when it fails."""
        proc = subprocess.run([str(AIRFLOW), *args], env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"airflow {' '.join(args)} exited {proc.returncode}\n"
                                 f"{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
        return proc

    def prepare(self) -> "AirflowHome":
        self.run("db", "migrate")
        self.run("pools", "set", "news_http", "4", "outbound HTTP to news sites")
        self.run("dags", "reserialize")
        return self
