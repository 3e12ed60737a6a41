"""The review pages as Airflow serves them: Airflow's own API-server app, built in this process.

`airflow.api_fastapi.app.create_app` loads plugins from the `airflow.plugins` entry
point (so the tieup plugin is mounted at /tieup exactly as under `airflow api-server`),
mounts the SimpleAuthManager's login page and token endpoint at /auth, and signs
tokens with a known secret. Users and passwords come from the settings Airflow 3.3
documents: `[core] simple_auth_manager_users` (name:role) and
`simple_auth_manager_passwords_file` (JSON name -> password). The only metadata table
the auth path reads is revoked_token (Airflow checks a token's jti against it), so
that one table is created instead of migrating a whole metadata database.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit, quote

# name -> (role, password). "nobody" has no role: logged in, but allowed nothing.
USERS = {"alice": ("user", "alice-pw"), "bob": ("user", "bob-pw"), "nobody": ("", "nobody-pw")}


def airflow_environment(home: Path) -> dict[str, str]:
    """The AIRFLOW__* settings of the in-process API server."""
    (home / "dags").mkdir(parents=True, exist_ok=True)
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({name: pw for name, (_, pw) in USERS.items()}))
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{n}:{r}" for n, (r, _) in USERS.items()),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(40),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }


def build_api_server_app():
    """Airflow's API-server app (core API, auth manager, plugins) with the revoked_token table."""
    from airflow import settings
    from airflow.api_fastapi.app import create_app
    from airflow.models.revoked_token import RevokedToken
    if settings.engine is None:
        settings.configure_orm()
    RevokedToken.__table__.create(settings.engine, checkfirst=True)
    return create_app(apps="core")


def mint_token(name: str) -> str:
    """A session token for a configured user, signed by Airflow's auth manager."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    return get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=name, role=USERS[name][0]))


def reviewer_login(conn, database_url: str) -> str:
    """A LOGIN role in tieup_reviewer only (with a password, for servers that ask for one);
    returns the database URL that logs in as it. The caller drops it (drop_login)."""
    from pipeline.services import review as review_service
    review_service.create_roles(conn)
    name = f"tieup_test_web_{uuid.uuid4().hex[:8]}"
    password = secrets.token_hex(12)
    with conn.cursor() as cur:
        cur.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}' IN ROLE tieup_reviewer")
    conn.commit()
    parts = urlsplit(database_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{name}:{quote(password)}@{host}", parts.path, parts.query, ""))


def drop_login(conn, url: str) -> None:
    name = urlsplit(url).username
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute(f'DROP ROLE IF EXISTS "{name}"')
    conn.commit()


def set_environment(values: dict[str, str]) -> dict[str, str | None]:
    """Set variables; returns what to restore."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    return saved


def restore_environment(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
