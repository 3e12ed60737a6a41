"""The review app as an Airflow 3 plugin: mounted by the API server at /tieup, linked in the UI.

Registered through the `airflow.plugins` entry point (pyproject.toml), so every
install of tieup next to Airflow (make run, the compose image) loads it. Airflow
does not authenticate a plugin's FastAPI app, so AirflowAuthenticator does: it
reads the session token Airflow's login sets (the `_token` cookie, or a Bearer
header) and has the configured auth manager verify it and authorise the user,
exactly as the core API does. The only module of the package that imports Airflow,
besides dags/; importing it opens nothing (no database, no network).
"""

from __future__ import annotations

import hashlib
import os

from airflow.plugins_manager import AirflowPlugin

from ..settings import load_settings
from .app import AppConfig, create_app
from .auth import Reviewer

URL_PREFIX = "/tieup"
# The custom-view resource an auth manager authorises (GET to read, POST to decide).
RESOURCE = "tieup review"
COOKIE = "_token"       # airflow.api_fastapi.auth.managers.base_auth_manager.COOKIE_NAME_JWT_TOKEN


def _session_token(request) -> str | None:
    """An explicit Bearer credential wins over the session cookie, as in Airflow's own API."""
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return credential.strip()
    return request.cookies.get(COOKIE) or None


class AirflowAuthenticator:
    """Who a request comes from, according to Airflow's auth manager."""

    async def reviewer(self, request) -> Reviewer | None:
        from airflow.api_fastapi.app import get_auth_manager
        token = _session_token(request)
        if not token:
            return None
        manager = get_auth_manager()
        try:
            user = await manager.get_user_from_token(token)
        except Exception:   # forged, expired, revoked or malformed: all mean "not logged in"
            return None
        can_read = manager.is_authorized_custom_view(method="GET", resource_name=RESOURCE, user=user)
        can_decide = can_read and manager.is_authorized_custom_view(method="POST", resource_name=RESOURCE,
                                                                    user=user)
        return Reviewer(name=user.get_name(), can_decide=can_decide, can_read=can_read, session=token)

    def login_url(self, next_url: str) -> str:
        from airflow.api_fastapi.app import get_auth_manager
        return get_auth_manager().get_url_login(next_url=next_url)


def csrf_key() -> bytes:
    """The form-token key: derived from Airflow's [api] secret_key, which every API server worker
    shares (a per-process random key would fail forms served by another worker)."""
    from airflow.configuration import conf
    secret = conf.get("api", "secret_key", fallback="") or os.environ.get("TIEUP_REVIEW_CSRF_SECRET", "")
    if not secret:
        raise RuntimeError("Airflow's [api] secret_key is not set; the review forms need it")
    return hashlib.sha256(b"tieup-review-csrf\0" + secret.encode()).digest()


def review_app():
    """The app the plugin mounts; the database URL is read per connection from the settings."""
    return create_app(AppConfig(authenticator=AirflowAuthenticator(),
                                database_url=lambda: load_settings().review_database_url,
                                csrf_key=csrf_key))


class TieupReviewPlugin(AirflowPlugin):
    """The review pages under /tieup, with a link in the Airflow UI's navigation."""

    name = "tieup_review"
    fastapi_apps = [{"app": review_app(), "url_prefix": URL_PREFIX, "name": "tieup review"}]
    external_views = [{
        "name": "Review",
        "href": f"{URL_PREFIX}/",
        "url_route": "tieup-review",     # shown inside the Airflow UI, at /plugin/tieup-review
        "destination": "nav",
        "nav_top_level": True,
    }]
