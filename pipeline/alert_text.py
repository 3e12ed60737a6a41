"""Alert and digest messages: an event change as an email (HTML and plain text), a Slack message and a
JSON webhook body, and the morning digest as an email with the network picture inline (CID).

Pure: plain values in, email.message.EmailMessage or dicts out. Article text is
escaped for where it goes (HTML entities, Slack's &, < and >), header values are
put on one line, and only http(s) URLs become links.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate

from . import report
from .alert_changes import CHANGE_WORDS

SUBJECT_CHARS = 200
EVIDENCE_CHARS = 1000
MAX_URLS = 10


@dataclass(frozen=True)
class Alert:
    """One event change for one watchlist, with what a person needs to judge it."""

    event_id: int
    version: int
    change: str
    watchlist: str
    parties: tuple[str, ...]
    deal_type: str
    status: str
    event_date: date | None
    confidence: float
    review_state: str
    best_evidence: str | None
    urls: tuple[str, ...] = field(default=())
    source_domains: tuple[str, ...] = field(default=())
    review_url: str | None = None


def one_line(text: str | None, limit: int) -> str:
    """Text on one line (no CR/LF can reach a header), cut to limit characters."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _is_web(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def headline(alert: Alert) -> str:
    """Honda × Nissan: mou, announced (new alliance event)."""
    return (f"{' × '.join(alert.parties)}: {alert.deal_type}, {alert.status} "
            f"({CHANGE_WORDS.get(alert.change, alert.change)})")


def subject(alert: Alert) -> str:
    """The email subject: watchlist and headline, one line."""
    return one_line(f"[tieup] {alert.watchlist}: {headline(alert)}", SUBJECT_CHARS)


def plain_text(alert: Alert) -> str:
    """The alert as plain text (the email's text part and the chat fallback)."""
    lines = [headline(alert), "",
             f"Watchlist: {alert.watchlist}",
             f"Event {alert.event_id} (version {alert.version}), date {alert.event_date or 'unknown'}, "
             f"confidence {alert.confidence:.2f}, review {alert.review_state}",
             "", f"Evidence: “{one_line(alert.best_evidence, EVIDENCE_CHARS)}”", "", "Sources:"]
    lines += [f"  {u}" for u in alert.urls[:MAX_URLS]] or ["  none"]
    if alert.review_url:
        lines += ["", f"Review: {alert.review_url}"]
    return "\n".join(lines) + "\n"


def _h(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _html_link(url: str, label: str | None = None) -> str:
    if not _is_web(url):
        return _h(url)
    return f'<a href="{_h(url)}">{_h(label or url)}</a>'


def html_body(alert: Alert) -> str:
    """The alert as a small HTML page; every value escaped."""
    sources = "".join(f"<li>{_html_link(u)}</li>" for u in alert.urls[:MAX_URLS]) or "<li>none</li>"
    review = (f'<p>{_html_link(alert.review_url, "Review this event")}</p>'
              if alert.review_url else "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_h(subject(alert))}'
            f"</title></head><body>\n<h1>{_h(headline(alert))}</h1>\n"
            f"<p>Watchlist <b>{_h(alert.watchlist)}</b>. Event {alert.event_id} (version {alert.version}), "
            f"date {_h(alert.event_date or 'unknown')}, confidence {alert.confidence:.2f}, "
            f"review {_h(alert.review_state)}.</p>\n"
            f"<blockquote>{_h(one_line(alert.best_evidence, EVIDENCE_CHARS))}</blockquote>\n"
            f"<p>Sources:</p><ul>{sources}</ul>\n{review}\n</body></html>\n")


def alert_email(alert: Alert, sender: str, recipient: str, message_id: str) -> EmailMessage:
    """A multipart/alternative email (plain text and HTML) for one recipient."""
    message = _envelope(subject(alert), sender, recipient, message_id)
    message.set_content(plain_text(alert))
    message.add_alternative(html_body(alert), subtype="html")
    return message


def _envelope(subject_line: str, sender: str, recipient: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject_line
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(usegmt=True)
    # The same id on a resend, so a mail system can drop the copy.
    message["Message-ID"] = message_id
    return message


def slack_escape(text: str | None) -> str:
    """Text for Slack mrkdwn: &, < and > escaped, so no <!channel>, link or mention can be smuggled."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict:
    """A Slack incoming-webhook body: a plain fallback and one mrkdwn section."""
    sources = ", ".join(f"<{slack_escape(u)}|{slack_escape(d)}>" for u, d in _sources(alert)) or "none"
    lines = [f"*{slack_escape(headline(alert))}*",
             f"Watchlist {slack_escape(alert.watchlist)}, event {alert.event_id} v{alert.version}, "
             f"confidence {alert.confidence:.2f}, review {slack_escape(alert.review_state)}",
             f"> {slack_escape(one_line(alert.best_evidence, EVIDENCE_CHARS))}",
             f"Sources: {sources}"]
    if _is_web(alert.review_url):
        lines.append(f"<{slack_escape(alert.review_url)}|Review this event>")
    return {"text": slack_escape(one_line(subject(alert), SUBJECT_CHARS)),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}],
            "unfurl_links": False}


def _sources(alert: Alert):
    from urllib.parse import urlsplit
    for url in alert.urls[:MAX_URLS]:
        if _is_web(url):
            yield url, urlsplit(url).hostname or url


def webhook_payload(alert: Alert) -> dict:
    """A generic JSON body (Teams, Mattermost, anything): the fields, and the plain text as `text`."""
    return {"type": "tieup.alert", "text": plain_text(alert), "watchlist": alert.watchlist,
            "change": alert.change, "event": {
                "event_id": alert.event_id, "version": alert.version, "parties": list(alert.parties),
                "deal_type": alert.deal_type, "status": alert.status,
                "event_date": alert.event_date.isoformat() if alert.event_date else None,
                "confidence": alert.confidence, "review_state": alert.review_state,
                "best_evidence": one_line(alert.best_evidence, EVIDENCE_CHARS),
                "urls": list(alert.urls[:MAX_URLS]), "source_domains": list(alert.source_domains),
                "review_url": alert.review_url}}


DIGEST_CID = "tieup-network"


def digest_email(digest: report.Report, watchlist: str, picture: bytes | None, sender: str,
                 recipient: str, message_id: str) -> EmailMessage:
    """The morning digest: the report's table as text, its HTML with the network picture as a CID image."""
    subject_line = one_line(f"[tieup] {watchlist}: {len(digest.events)} alliance event(s), "
                            f"{digest.until:%Y-%m-%d}", SUBJECT_CHARS)
    message = _envelope(subject_line, sender, recipient, message_id)
    message.set_content(report.render_table(digest))
    message.add_alternative(report.render_html(digest, picture, picture_cid=DIGEST_CID if picture else None),
                            subtype="html")
    if picture:
        html_part = message.get_payload()[1]
        html_part.add_related(picture, "image", "png", cid=f"<{DIGEST_CID}>",
                              disposition="inline")
    return message
