"""Sending: email over SMTP (STARTTLS and login), Slack and generic JSON webhooks over the tieup HTTP client.

Secrets (the SMTP password, webhook URLs, which carry their token in the path)
come from a ChannelSecrets: by default the environment (TIEUP_SMTP_URL,
TIEUP_WEBHOOK_<NAME>); the DAGs pass one that reads Airflow connections first.
Nothing here writes a secret into an error message: errors name the SMTP host and a
webhook's scheme://host/... only. Every failure is a TransientError (worth a retry
later) or a TerminalError (it will not work: a refused recipient, a 404 webhook).
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import ConfigError, TerminalError, TransientError
from .http import HttpClient

CHANNELS = ("email", "slack", "webhook")
CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_WEBHOOK_BODY = 64 * 1024
_TRUE = {"1", "true", "yes", "on"}


class ChannelNotConfigured(TransientError):
    """No secret for the channel yet: retried later, when an operator may have added it."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send email. repr hides the password."""

    host: str
    port: int = 587
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None
    starttls: bool = True      # upgrade a plain connection before login; refuse a server without it
    ssl: bool = False          # implicit TLS (smtps, port 465)
    ca_file: str | None = None  # a private CA for the server's certificate
    timeout: float = 20.0


def parse_smtp_url(url: str, timeout: float = 20.0) -> SmtpConfig:
    """smtp://user:pass@host:587?from=a@b&starttls=true&ca_file=/path, or smtps://... (implicit TLS)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError("TIEUP_SMTP_URL is not a valid smtp:// or smtps:// URL") from exc
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("TIEUP_SMTP_URL is not a valid smtp:// or smtps:// URL")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    implicit = parts.scheme == "smtps"
    return SmtpConfig(
        host=parts.hostname, port=port or (465 if implicit else 587),
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from"), ssl=implicit,
        starttls=not implicit and query.get("starttls", "true").lower() in _TRUE,
        ca_file=query.get("ca_file"), timeout=timeout)


@dataclass(frozen=True)
class ChannelSecrets:
    """Where secrets come from: smtp() -> SmtpConfig or None, webhook(name) -> URL or None."""

    smtp: Callable[[], SmtpConfig | None]
    webhook: Callable[[str], str | None]


def webhook_env_var(name: str) -> str:
    """TIEUP_WEBHOOK_<NAME>: the environment variable holding a chat channel's URL."""
    return f"TIEUP_WEBHOOK_{name.upper()}"


def env_secrets(settings, environ=None) -> ChannelSecrets:
    """Secrets from the settings (TIEUP_SMTP_URL) and the environment (TIEUP_WEBHOOK_<NAME>)."""
    environ = os.environ if environ is None else environ

    def smtp():
        return parse_smtp_url(settings.smtp_url, settings.smtp_timeout) if settings.smtp_url else None

    def webhook(name: str):
        return environ.get(webhook_env_var(name)) or None

    return ChannelSecrets(smtp=smtp, webhook=webhook)


def _context(config: SmtpConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config.ca_file)


def send_email(config: SmtpConfig | None, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; TransientError or TerminalError when it is not accepted."""
    if config is None:
        raise ChannelNotConfigured("no SMTP server configured (Airflow connection tieup_smtp or TIEUP_SMTP_URL)")
    where = f"SMTP {config.host}:{config.port}"
    try:
        smtp_class = smtplib.SMTP_SSL if config.ssl else smtplib.SMTP
        kwargs = {"context": _context(config)} if config.ssl else {}
        with smtp_class(config.host, config.port, timeout=config.timeout, **kwargs) as smtp:
            smtp.ehlo()
            if config.starttls:
                if not smtp.has_extn("starttls"):
                    raise TerminalError(f"{where} does not offer STARTTLS (set starttls=false only for a local sink)")
                smtp.starttls(context=_context(config))
                smtp.ehlo()
            if config.login:
                smtp.login(config.login, config.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        kind = TransientError if all(400 <= c < 500 for c in codes) else TerminalError
        raise kind(f"{where} refused the recipient (SMTP {', '.join(map(str, codes))})") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise TransientError(f"{where} refused the login (SMTP {exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        kind = TerminalError if exc.smtp_code >= 500 else TransientError
        raise kind(f"{where} answered SMTP {exc.smtp_code}: {_reply(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise TerminalError(f"{where}: TLS certificate rejected") from None
        reason = "timeout" if isinstance(exc, (socket.timeout, TimeoutError)) else type(exc).__name__
        raise TransientError(f"{where} unreachable: {reason}") from None


def _reply(text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())[:200]


def post_webhook(client: HttpClient, url: str | None, name: str, payload: dict) -> None:
    """POST payload as JSON to a webhook (Slack or generic); the URL's path never reaches an error."""
    if not url:
        raise ChannelNotConfigured(f"no URL for chat channel {name!r} (Airflow connection "
                                   f"tieup_webhook_{name} or {webhook_env_var(name)})")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if len(body) > MAX_WEBHOOK_BODY:
        raise TerminalError(f"message for {name!r} is {len(body)} bytes, over the {MAX_WEBHOOK_BODY}-byte cap")
    client.post_json(url, body)
