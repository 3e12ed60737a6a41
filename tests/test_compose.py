"""docker-compose.yml and the Dockerfile, checked without a Docker engine: services, pinned
images, files that exist, one environment for every Airflow service, profiles, healthchecks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = ("airflow-init", "airflow-apiserver", "airflow-scheduler",
                    "airflow-dag-processor", "airflow-triggerer", "airflow-worker")
LONG_RUNNING = [name for name, svc in SERVICES.items() if name != "airflow-init"]
CELERY_ONLY = {"redis", "airflow-worker"}


def _image_pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag not in ("", "latest") and "$" not in tag


def test_all_services_are_defined():
    assert {"postgres", "redis", *AIRFLOW_SERVICES} <= set(SERVICES)


def test_every_image_is_pinned():
    for name, svc in SERVICES.items():
        assert "image" in svc, name
        assert _image_pinned(svc["image"]), (name, svc["image"])
    assert SERVICES["postgres"]["image"].startswith("postgres:16.")


def test_airflow_services_are_built_from_our_dockerfile():
    for name in AIRFLOW_SERVICES:
        assert SERVICES[name].get("build") in (".", {"context": "."}), name
    assert (ROOT / "Dockerfile").is_file()


def test_dockerfile_extends_a_pinned_airflow_3_image():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    froms = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert len(froms) == 1
    assert re.fullmatch(r"apache/airflow:3\.\d+\.\d+-python3\.\d+", froms[0]), froms[0]
    assert re.search(r"^RUN pip install --no-cache-dir .* \.(\s|$)", dockerfile, re.M)
    assert "USER airflow" in dockerfile
    for copied in re.findall(r"^COPY\s+(?:--\S+\s+)*(.+?)\s+\S+$", dockerfile, re.M):
        for source in copied.split():
            assert (ROOT / source).exists(), source


def test_every_mounted_host_path_and_referenced_file_exists():
    for name, svc in SERVICES.items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), (name, source)
            else:
                assert source in COMPOSE["volumes"], (name, source)  # a named volume
    init_dir = ROOT / "docker" / "postgres-init"
    assert any(p.suffix in (".sh", ".sql") for p in init_dir.iterdir())
    assert all(p.stat().st_mode & 0o111 for p in init_dir.glob("*.sh"))
    assert (ROOT / ".env.example").is_file()


def test_every_airflow_service_gets_the_same_environment():
    envs = {name: SERVICES[name]["environment"] for name in AIRFLOW_SERVICES}
    shared = envs["airflow-scheduler"]
    for name, env in envs.items():
        common = {k: v for k, v in env.items() if k in shared}
        assert common == shared, name  # extras allowed (init's _AIRFLOW_*), no differences
    assert shared["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${AIRFLOW_JWT_SECRET")
    assert shared["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert shared["AIRFLOW__CORE__FERNET_KEY"].startswith("${")
    assert shared["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
    assert "@postgres:5432/airflow" in shared["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert shared["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379/")
    assert shared["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    news_db = "@postgres:5432/${NEWS_DB_NAME:-news}"
    assert shared["AIRFLOW_CONN_TIEUP_DB"].endswith(news_db)
    assert shared["DATABASE_URL"].endswith(news_db)


def test_secrets_come_from_env_file_and_the_example_marks_them_dev_only():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "DEVELOPMENT-ONLY" in example.upper()
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    referenced = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))  # $${X}: container-time
    defined = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.M))
    assert referenced <= defined, referenced - defined
    for secret in ("AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY", "AIRFLOW_DB_PASSWORD",
                   "NEWS_DB_PASSWORD", "_AIRFLOW_WWW_USER_PASSWORD"):
        assert re.search(rf"\$\{{{secret}:\?", text), f"{secret} must be required, not defaulted"


def test_celery_profile_adds_redis_and_workers_only():
    for name, svc in SERVICES.items():
        profiles = set(svc.get("profiles", []))
        assert profiles == ({"celery"} if name in CELERY_ONLY else set()), name
    worker_deps = SERVICES["airflow-worker"]["depends_on"]
    assert worker_deps["redis"]["condition"] == "service_healthy"
    # services outside the profile may wait for redis only optionally
    for name, svc in SERVICES.items():
        dep = (svc.get("depends_on") or {}).get("redis")
        if dep and name not in CELERY_ONLY:
            assert dep.get("required") is False, name


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_healthchecks(name):
    check = SERVICES[name]["healthcheck"]
    assert check["test"] and check["test"][0] in ("CMD", "CMD-SHELL")
    assert SERVICES[name].get("restart") == "always"


def test_startup_order_waits_for_health_and_init():
    for name in AIRFLOW_SERVICES:
        deps = SERVICES[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        if name != "airflow-init":
            assert deps["airflow-init"]["condition"] == "service_completed_successfully", name


def test_init_migrates_both_databases_and_creates_the_pool():
    init = SERVICES["airflow-init"]
    script = "\n".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"  # the image's entrypoint migrates
    assert "/entrypoint airflow" in script
    assert "airflow pools set news_http" in script
    assert "tieup db migrate" in script


def test_postgres_init_creates_the_news_database():
    script = (ROOT / "docker" / "postgres-init" / "10-news-database.sh").read_text(encoding="utf-8")
    assert "CREATE DATABASE" in script and "CREATE ROLE" in script
    env = SERVICES["postgres"]["environment"]
    assert env["POSTGRES_DB"] == "airflow" and "NEWS_DB_NAME" in env
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in SERVICES["postgres"]["volumes"]
