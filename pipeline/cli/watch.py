"""`tieup watch`: watchlists, their subscribers, and sending alerts without Airflow."""

from __future__ import annotations

import json

from ..services import alerts as alert_service
from ..vocabulary import DEAL_STATUSES, DEAL_TYPES
from .common import _connection, _settings


def _names(text: str | None) -> list[str] | None:
    """'Honda, Nissan' -> ['Honda', 'Nissan']; None stays None (not given)."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def cmd_watch_add(args) -> int:
    with _connection(args) as conn:
        result = alert_service.add_watchlist(conn, args.name, _names(args.companies) or [],
                                             _names(args.deal_types), _names(args.statuses),
                                             args.min_confidence)
    verb = "created" if result["created"] else "updated"
    watched = ", ".join(sorted(set(result["companies"].values()))) or "no new companies"
    print(f"watchlist {args.name!r} {verb} (id {result['watchlist_id']}): {watched}")
    return 0


def cmd_watch_list(args) -> int:
    with _connection(args) as conn:
        rows = alert_service.list_watchlists(conn)
    if not rows:
        print("no watchlists: create one with `tieup watch add NAME --companies Honda,Nissan`")
    for r in rows:
        print(f"{r['name']}  (id {r['watchlist_id']})")
        print(f"  companies:   {', '.join(r['companies']) or '-'}")
        print(f"  deal types:  {', '.join(r['deal_types']) or 'any'}   statuses: "
              f"{', '.join(r['statuses']) or 'any'}   min confidence: {r['min_confidence']:g}")
        print(f"  subscribers: {', '.join(r['subscribers']) or '-'}")
    return 0


def cmd_watch_remove(args) -> int:
    with _connection(args) as conn:
        removed = alert_service.remove(conn, args.name, _names(args.companies))
    if args.companies:
        print(f"{removed} compan{'y' if removed == 1 else 'ies'} removed from {args.name!r}")
    else:
        print(f"watchlist {args.name!r} removed, with its subscribers")
    return 0


def cmd_watch_subscribe(args) -> int:
    with _connection(args) as conn:
        if args.remove:
            alert_service.unsubscribe(conn, args.name, args.channel, args.target)
            print(f"{args.channel}:{args.target} unsubscribed from {args.name!r}")
            return 0
        _, new = alert_service.subscribe(conn, args.name, args.channel, args.target, not args.no_digest)
    print(f"{args.channel}:{args.target} {'subscribed to' if new else 'already subscribed to'} {args.name!r}")
    return 0


def cmd_watch_health(args) -> int:
    with _connection(args) as conn:
        rows = alert_service.channel_health(conn)
    if not rows:
        print("no subscribers")
    for r in rows:
        print(f"{r['watchlist']}  {r['channel']}:{r['target']}  {r['health']}  sent {r['sent']}  "
              f"pending {r['pending']}  failed {r['failed']}"
              + (f"  last error: {r['last_error']}" if r["last_error"] else ""))
    return 0


def cmd_watch_send(args) -> int:
    settings = _settings(args)
    with _connection(args) as conn:
        counts = alert_service.send_alerts(conn, settings)
    if args.json:
        print(json.dumps(dict(counts), sort_keys=True))
    else:
        print(f"alerts: versions recorded {counts['versions']}, alerts queued {counts['alerts_queued']}, "
              f"digests queued {counts['digests_queued']}, sent {counts['sent']}, "
              f"to retry {counts['retry'] + counts['postponed']}, failed {counts['failed']}")
    return 0


def add_watch_commands(sub) -> None:
    watch = sub.add_parser("watch", help="watchlists and alerts by email and chat").add_subparsers(
        dest="watch_command", required=True)
    add = watch.add_parser("add", help="create a watchlist, or add companies to it (filters given replace)")
    add.add_argument("name")
    add.add_argument("--companies", required=True, help="comma-separated companies (names or aliases)")
    add.add_argument("--deal-types", help=f"comma-separated, default any: {', '.join(DEAL_TYPES)}")
    add.add_argument("--statuses", help=f"comma-separated, default any: {', '.join(DEAL_STATUSES)}")
    add.add_argument("--min-confidence", type=float, help="0 to 1 (default 0)")
    add.set_defaults(func=cmd_watch_add)
    watch.add_parser("list", help="watchlists with companies, filters and subscribers").set_defaults(
        func=cmd_watch_list)
    remove = watch.add_parser("remove", help="remove a watchlist, or only --companies from it")
    remove.add_argument("name")
    remove.add_argument("--companies", help="comma-separated companies to stop watching")
    remove.set_defaults(func=cmd_watch_remove)
    subscribe = watch.add_parser("subscribe", help="send a watchlist's alerts to an address or chat channel")
    subscribe.add_argument("name")
    subscribe.add_argument("target", help="email address, or the NAME of a chat channel whose URL is in "
                                          "$TIEUP_WEBHOOK_NAME or the Airflow connection tieup_webhook_NAME")
    subscribe.add_argument("--channel", choices=("email", "slack", "webhook"), default="email")
    subscribe.add_argument("--no-digest", action="store_true", help="email: alerts only, no morning digest")
    subscribe.add_argument("--remove", action="store_true", help="unsubscribe instead")
    subscribe.set_defaults(func=cmd_watch_subscribe)
    watch.add_parser("health", help="delivery health of every subscriber (v_alert_channel_health)").set_defaults(
        func=cmd_watch_health)
    send = watch.add_parser("send", help="one alerts pass now (what the alliance_digest DAG's send_alerts does)")
    send.add_argument("--json", action="store_true", help="print the counts as JSON")
    send.set_defaults(func=cmd_watch_send)

