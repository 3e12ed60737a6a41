"""Watchlists and alerts: editing watchlists, and the alerts pass (record changes, queue, send).

send_alerts() is what the alliance_digest DAG's send_alerts task and `tieup watch send`
run: it records each event's alert-relevant changes as versions, queues one delivery
per (version, subscriber) of a matching watchlist and one morning digest per
subscriber and day, then sends what is due. Sending is per delivery: a failure is
recorded on its row (retried with backoff, parked after settings.alert_max_attempts
or at once when terminal), and the other deliveries of that channel wait for the
same backoff instead of hitting it again, while other channels go on.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from datetime import datetime, timezone
from email.utils import parseaddr

from .. import alert_changes, alert_text, channels, db, report, safetext
from ..errors import TerminalError, TransientError, ValidationError
from ..http import HttpClient
from ..settings import Settings
from ..store import alerts as alert_store
from ..vocabulary import DEAL_STATUSES, DEAL_TYPES
from . import reports

log = logging.getLogger(__name__)

# How far back a change may be and still be queued (a subscriber whose watchlist starts
# matching an older change, say by a new confidence, still hears of it within a week).
ALERT_WINDOW_DAYS = 7
MAX_TARGET_CHARS = 254


# ------------------------------------------------------------------ watchlists

def add_watchlist(conn, name: str, companies: list[str], deal_types: list[str] | None = None,
                  statuses: list[str] | None = None, min_confidence: float | None = None) -> dict:
    """Create a watchlist or add companies to it; unknown companies are refused. What was stored."""
    name = _name(name)
    _check_subset(deal_types, DEAL_TYPES, "deal type")
    _check_subset(statuses, DEAL_STATUSES, "status")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise ValidationError("--min-confidence must be between 0 and 1")
    resolved = _companies(conn, companies)
    watchlist_id, created = alert_store.upsert_watchlist(conn, name, [cid for cid, _ in resolved.values()],
                                                         deal_types, statuses, min_confidence)
    return {"watchlist_id": watchlist_id, "created": created,
            "companies": {given: company for given, (_, company) in resolved.items()}}


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationError("a watchlist name needs 1 to 100 characters")
    return name


def _check_subset(values, allowed, what: str) -> None:
    unknown = [v for v in values or () if v not in allowed]
    if unknown:
        raise ValidationError(f"unknown {what} {unknown[0]!r} (one of: {', '.join(allowed)})")


def _companies(conn, names: list[str]) -> dict[str, tuple[int, str]]:
    names = [n.strip() for n in names if n.strip()]
    found = alert_store.company_names(conn, names)
    unknown = [n for n, hit in found.items() if hit is None]
    if unknown:
        raise ValidationError(f"unknown company {unknown[0]!r}: see `tieup companies find`")
    return found


def list_watchlists(conn) -> list[dict]:
    """Every watchlist with its companies, filters and subscribers."""
    return alert_store.list_watchlists(conn)


def remove(conn, name: str, companies: list[str] | None = None) -> int:
    """Remove a watchlist (with its subscribers), or only some of its companies; how many companies went."""
    if not companies:
        alert_store.remove_watchlist(conn, name)
        return 0
    resolved = _companies(conn, companies)
    return alert_store.remove_companies(conn, name, [cid for cid, _ in resolved.values()])


def check_target(channel: str, target: str) -> str:
    """An email address, or a chat channel's name (its URL is a secret kept outside the database)."""
    target = (target or "").strip()
    if channel not in channels.CHANNELS:
        raise ValidationError(f"unknown channel {channel!r} (one of: {', '.join(channels.CHANNELS)})")
    if channel == "email":
        local, _, domain = target.rpartition("@")
        if (not local or "." not in domain or len(target) > MAX_TARGET_CHARS
                or any(c.isspace() or c in "<>,;\"'" for c in target)):
            raise ValidationError(f"not an email address: {target!r}")
        return target
    if target.lower().startswith(("http://", "https://")):
        raise ValidationError(f"give the {channel} channel a NAME, not its URL: the URL is a secret; put it in "
                              f"the Airflow connection tieup_webhook_NAME or ${channels.webhook_env_var('NAME')}")
    if not channels.CHANNEL_NAME.match(target):
        raise ValidationError(f"a channel name is lower-case letters, digits and _ (got {target!r})")
    return target


def subscribe(conn, name: str, channel: str, target: str, digest: bool = True) -> tuple[int, bool]:
    """Subscribe an address or a chat channel to a watchlist: (subscriber id, new)."""
    return alert_store.subscribe(conn, name, channel, check_target(channel, target), digest and channel == "email")


def unsubscribe(conn, name: str, channel: str, target: str) -> None:
    """Remove a subscriber (its delivery history goes with it)."""
    alert_store.unsubscribe(conn, name, channel, (target or "").strip())


def channel_health(conn) -> list[dict]:
    """Each subscriber's delivery health (v_alert_channel_health)."""
    return alert_store.channel_health(conn)


# --------------------------------------------------------------- the alerts pass

def send_alerts(conn, settings: Settings, secrets: channels.ChannelSecrets | None = None,
                now: datetime | None = None, client: HttpClient | None = None) -> Counter:
    """One alerts pass: record changes, queue alerts and digests, send what is due. Counts.

    secrets: where the SMTP login and webhook URLs come from (default: the environment).
    """
    counts = Counter()
    if not alert_store.has_subscribers(conn):
        return counts
    now = now or datetime.now(timezone.utc)
    counts["versions"] = record_changes(conn)
    counts["alerts_queued"] = alert_store.queue_alerts(conn, ALERT_WINDOW_DAYS)
    counts["digests_queued"] = queue_digests(conn, settings, now)
    secrets = secrets or channels.env_secrets(settings)
    if client is not None:
        counts.update(deliver_due(conn, settings, client, secrets))
    else:
        with HttpClient(settings) as own:
            counts.update(deliver_due(conn, settings, own, secrets))
    return counts


def record_changes(conn) -> int:
    """Record a new version of every event whose alert values changed since the last pass."""
    versions = []
    for row in alert_store.current_events(conn):
        values = alert_changes.event_values(row)
        digest = alert_changes.fingerprint(values)
        if digest == row["latest_fingerprint"]:
            continue
        version = (row["latest_version"] or 0) + 1
        versions.append({"event_id": row["event_id"], "version": version, "fingerprint": digest,
                         "values": values, "change": alert_changes.change_kind(row["latest_values"], values),
                         # a first version dates from the event itself, so old events alert nobody
                         "changed_at": row["first_changed_at"] if version == 1 else None})
    return alert_store.record_versions(conn, versions)


def queue_digests(conn, settings: Settings, now: datetime) -> int:
    """Queue today's digest for each list's subscribers, once past digest_hour and only with news."""
    if now.hour < settings.digest_hour:
        return 0
    pending = alert_store.digest_watchlists(conn, now.date())
    if not pending:
        return 0
    since = now - reports.DIGEST_PERIOD
    event_ids = [e.event_id for e in reports.load_report(conn, since, now).events]
    queued = 0
    for watchlist in pending:
        if event_ids and alert_store.watchlist_event_ids(conn, watchlist["watchlist_id"], event_ids):
            queued += alert_store.queue_digests(conn, watchlist["subscriber_ids"], now.date(), since, now)
    return queued


def worker_name() -> str:
    """host:pid:random, the lease owner of one pass."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver_due(conn, settings: Settings, client, secrets: channels.ChannelSecrets) -> Counter:
    """Send every due delivery once; failures are recorded per delivery and per channel."""
    worker, tried, counts = worker_name(), set(), Counter()
    resting: dict[tuple[str, str], datetime] = {}   # channel -> when it may be tried again
    pictures: dict = {}
    while ids := alert_store.claim_deliveries(conn, worker, settings.alert_batch_size,
                                              settings.lease_seconds, exclude=tried):
        tried.update(ids)
        for delivery_id in ids:
            counts[_deliver_one(conn, settings, client, secrets, worker, delivery_id, resting, pictures)] += 1
    return counts


def _deliver_one(conn, settings, client, secrets, worker, delivery_id, resting, pictures) -> str:
    item = alert_store.delivery(conn, delivery_id)
    channel = (item["channel"], item["target"])
    if channel in resting:
        alert_store.postpone(conn, [delivery_id], worker, resting[channel])
        return "postponed"
    message = _message(conn, settings, item, pictures)
    if not alert_store.renew_lease(conn, delivery_id, worker, settings.lease_seconds):
        return "lease_lost"
    try:
        _send(item, message, settings, client, secrets)
    except Exception as exc:   # the error boundary is the delivery: the others go on
        return _failed(conn, settings, worker, item, exc, resting)
    alert_store.mark_sent(conn, delivery_id, worker)
    return "sent"


def _failed(conn, settings, worker, item, exc, resting) -> str:
    if db.is_transient_db_error(exc):
        raise exc
    attempts = item["attempts"] + 1
    terminal = isinstance(exc, TerminalError)
    give_up = terminal or attempts >= settings.alert_max_attempts
    delay = min(settings.alert_retry_max_seconds, settings.alert_retry_seconds * 2 ** (attempts - 1))
    error = safetext.describe(exc) if isinstance(exc, (TransientError, TerminalError)) else \
        f"{type(exc).__name__} while sending"   # an unexpected error's text might quote a secret
    state = alert_store.mark_failed(conn, item["id"], worker, error, give_up=give_up, retry_in_seconds=delay)
    if not terminal:
        resting[(item["channel"], item["target"])] = alert_store.next_attempt_at(conn, item["id"])
    log.warning("alert delivery %s to %s:%s failed (%s): %s", item["id"], item["channel"], item["target"],
                state, error)
    return "failed" if state == "failed" else "retry"


def _alert(settings: Settings, item: dict) -> alert_text.Alert:
    values = item["event_values"]
    return alert_text.Alert(
        event_id=item["event_id"], version=item["version"], change=item["change"],
        watchlist=item["watchlist"], parties=tuple(values["parties"]), deal_type=values["deal_type"],
        status=values["status"], event_date=item["event_date"], confidence=float(item["confidence"] or 0),
        review_state=item["review_state"] or "-", best_evidence=item["best_evidence"],
        urls=tuple(item["urls"] or ()), source_domains=tuple(item["source_domains"] or ()),
        review_url=settings.review_url.replace("{event_id}", str(item["event_id"])) or None)


def _message(conn, settings: Settings, item: dict, pictures: dict):
    """What to send, read from the database before the send (an alert, or a digest report and picture)."""
    if item["kind"] == "alert":
        return _alert(settings, item)
    window = (item["watchlist_id"], item["period_start"], item["period_end"])
    if window not in pictures:   # one rendering per list and period, however many subscribers
        ids = alert_store.watchlist_event_ids(conn, item["watchlist_id"], [
            e.event_id for e in reports.load_report(conn, item["period_start"], item["period_end"]).events])
        digest = reports.load_report(conn, item["period_start"], item["period_end"], only=ids)
        pictures[window] = (digest, report.network_png(digest))
    return pictures[window]


def _send(item: dict, message, settings: Settings, client, secrets: channels.ChannelSecrets) -> None:
    channel, target = item["channel"], item["target"]
    if channel == "email":
        smtp = secrets.smtp()
        sender = (smtp.sender if smtp and smtp.sender else None) or settings.alert_from
        domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
        message_id = f"<tieup-delivery-{item['id']}@{domain}>"
        if item["kind"] == "alert":
            email = alert_text.alert_email(message, sender, target, message_id)
        else:
            digest, picture = message
            email = alert_text.digest_email(digest, item["watchlist"], picture, sender, target, message_id)
        channels.send_email(smtp, email)
    elif item["kind"] != "alert":
        raise TerminalError(f"digests go by email, not {channel}")
    else:
        payload = (alert_text.slack_payload(message) if channel == "slack"
                   else alert_text.webhook_payload(message))
        channels.post_webhook(client, secrets.webhook(target), target, payload)

