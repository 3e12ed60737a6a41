"""Who is asking, and whether a form was sent by our own page.

The app does not know how users log in: an Authenticator (the Airflow plugin's
reads Airflow's session token through its auth manager) says who a request comes
from. Forms carry a token derived from the session, so another site cannot make a
logged-in browser post a decision (cross-site request forgery).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Reviewer:
    """A logged-in user: the name recorded in the audit, and what they may do."""

    name: str
    can_decide: bool
    can_read: bool = True
    session: str = ""           # the credential the request carried; forms are bound to it


class Authenticator(Protocol):
    async def reviewer(self, request) -> Reviewer | None:
        """The user the request comes from, None when it carries no valid session."""

    def login_url(self, next_url: str) -> str:
        """Where to send an anonymous browser so it comes back to next_url once logged in."""


def csrf_token(key: bytes, reviewer: Reviewer) -> str:
    """The token a form of this session must carry."""
    message = f"tieup-review-form\0{reviewer.name}\0{reviewer.session}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def csrf_valid(key: bytes, reviewer: Reviewer, token: str | None) -> bool:
    """True when the token is this session's (compared in constant time)."""
    return bool(token) and hmac.compare_digest(csrf_token(key, reviewer), token)
