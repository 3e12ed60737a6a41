"""Review, roles, report and export commands."""

from __future__ import annotations

import argparse
import os
import sys

from ..services import review as review_service
from ..vocabulary import DEAL_STATUSES, DEAL_TYPES
from .common import _connection, _output


def _default_reviewer() -> str | None:
    """$TIEUP_REVIEWER, else the login name; the database login is audited separately."""
    import getpass
    try:
        return os.environ.get("TIEUP_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):
        return None


def cmd_db_roles(args) -> int:
    with _connection(args) as conn:
        roles, created = review_service.create_roles(conn)
        if args.review_login:
            new = review_service.create_app_login(conn, args.review_login,
                                                  os.environ.get("TIEUP_REVIEW_DB_PASSWORD") or None)
    print(f"roles ready: {', '.join(roles)} (created now: {', '.join(created) or 'none'}); grants applied")
    if args.review_login:
        print(f"review pages' login {args.review_login}: {'created' if new else 'exists'}, member of tieup_reviewer")
    return 0


def cmd_review_list(args) -> int:
    with _connection(args) as conn:
        rows = review_service.list_events(conn, args.state, args.limit)
    if not rows:
        print(f"no {args.state or ''} events".replace("  ", " ") + " (alliance events appear once "
              "`tieup run --once` or the news_ingest DAG has found alliance news)")
    else:
        print(f"{'event':>6}  {'review':<9}  {'date':<10}  {'deal type':<18}  {'status':<10}  "
              f"{'art':>3}  parties")
    for r in rows:
        print(f"{r['event_id']:>6}  {r['review_state']:<9}  {str(r['event_date'] or '-'):<10}  "
              f"{r['deal_type']:<18}  {r['status']:<10}  {r['article_count']:>3}  "
              f"{' × '.join(r['parties'])}")
    return 0


def cmd_review_show(args) -> int:
    from ..review_text import format_event
    with _connection(args) as conn:
        view = review_service.show_event(conn, args.event_id)
    print(format_event(view.event, view.timeline, view.articles, view.audit))
    return 0


def cmd_review_decide(args) -> int:
    reviewer = args.reviewer or _default_reviewer()
    correcting = args.review_command == "correct"
    with _connection(args) as conn:
        audit_id = review_service.decide(
            conn, args.event_id, args.review_command, reviewer, note=args.note,
            parties=_split_parties(args.parties) if correcting else None,
            deal_type=args.deal_type if correcting else None,
            status=args.status if correcting else None, event_date=args.date if correcting else None)
    if audit_id is None:
        print(f"event {args.event_id}: already {review_service.DECIDED_STATES[args.review_command]} with these values; "
              "nothing changed, no audit row added")
    else:
        print(f"event {args.event_id}: {args.review_command} by {reviewer} (audit {audit_id})")
    return 0


def _split_parties(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


def _iso_date(text: str):
    from datetime import date
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def _add_review_commands(sub, db_parser) -> None:
    roles = db_parser.add_parser("roles", help="create the tieup_reviewer and tieup_pipeline roles and grant them")
    roles.add_argument("--review-login", metavar="NAME",
                       help="also create the review pages' login NAME in tieup_reviewer "
                            "(password: $TIEUP_REVIEW_DB_PASSWORD, when set)")
    roles.set_defaults(func=cmd_db_roles)
    review = sub.add_parser("review", help="review alliance events").add_subparsers(
        dest="review_command", required=True)
    ls = review.add_parser("list", help="events with their review state, newest first")
    ls.add_argument("--state", choices=review_service.REVIEW_STATES)
    ls.add_argument("--limit", type=_positive_int, default=50, help="at most N events (default: 50)")
    ls.set_defaults(func=cmd_review_list)
    show = review.add_parser("show", help="an event, its alliance's timeline, articles and evidence")
    show.add_argument("event_id", type=int)
    show.set_defaults(func=cmd_review_show)
    for action in ("confirm", "reject", "correct"):
        p = review.add_parser(action, help=f"{action} an event (recorded in review_audit)")
        p.add_argument("event_id", type=int)
        p.add_argument("--reviewer", help="your name (default: $TIEUP_REVIEWER, else $USER)")
        p.add_argument("--note")
        if action == "correct":
            p.add_argument("--parties", help="comma-separated canonical names, e.g. Honda,Nissan")
            p.add_argument("--deal-type", choices=DEAL_TYPES)
            p.add_argument("--status", choices=DEAL_STATUSES)
            p.add_argument("--date", type=_iso_date, help="event date, YYYY-MM-DD")
        p.set_defaults(func=cmd_review_decide)


def cmd_report(args) -> int:
    from datetime import datetime, timezone
    from .. import report
    from ..services.reports import load_report
    now = datetime.now(timezone.utc)
    since = report.parse_since(args.since, now)
    with _connection(args) as conn:
        text = report.render(load_report(conn, since, now), args.format)
    with _output(args.out) as out:
        out.write(text)
    return 0


def cmd_export(args) -> int:
    from .. import export
    from ..services.reports import export_table
    write = export.write_csv if args.format == "csv" else export.write_jsonl
    with _connection(args) as conn, _output(args.out, newline="") as out:
        count = write(*export_table(conn, args.what), out)
    if args.out not in (None, "-"):
        print(f"exported {count} {args.what} to {args.out}", file=sys.stderr)
    return 0


def _add_report_commands(sub) -> None:
    rep = sub.add_parser("report", help="new and changed alliance events, grouped by relationship")
    rep.add_argument("--since", default="7d", help="7d, 24h or YYYY-MM-DD (default: 7d)")
    rep.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    rep.add_argument("--out", help="write to FILE instead of standard output")
    rep.set_defaults(func=cmd_report)
    exp = sub.add_parser("export", help="stream events or articles as CSV or JSON Lines for BI tools")
    exp.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    exp.add_argument("--what", choices=("events", "articles"), default="events")
    exp.add_argument("--out", help="write to FILE instead of standard output")
    exp.set_defaults(func=cmd_export)


