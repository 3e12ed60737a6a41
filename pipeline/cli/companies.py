"""`tieup companies`: the gazetteer grows from review (unresolved parties mapped or added)."""

from __future__ import annotations

from ..services import companies as company_service
from .common import _connection
from .review import _default_reviewer, _positive_int

# Kinds a reviewer may give a company (the gazetteer's, less those that are never parties).
COMPANY_KINDS = ("automaker", "brand", "supplier", "battery", "chip", "autonomous_driving", "software",
                 "tech", "mobility", "charging", "joint_venture", "materials", "conglomerate", "energy",
                 "airline", "pharma", "bank", "other")


def cmd_companies_unresolved(args) -> int:
    with _connection(args) as conn:
        rows = company_service.unresolved(conn, args.limit)
    if not rows:
        print("no unresolved parties: every party of every event is a known company")
        return 0
    width = max(len(r["name"]) for r in rows)
    print(f"{'name':<{width}}  {'events':>6}  {'articles':>8}  last seen")
    for r in rows:
        print(f"{r['name']:<{width}}  {r['event_count']:>6}  {r['article_count']:>8}  "
              f"{r['last_seen_at']:%Y-%m-%d}")
    return 0


def cmd_companies_find(args) -> int:
    with _connection(args) as conn:
        rows = company_service.find(conn, args.text)
    for r in rows:
        aliases = ", ".join(r["aliases"] or [])
        print(f"{r['name']}  ({r['kind']}, {r['country'] or '-'}, {r['origin']})"
              + (f"  aliases: {aliases}" if aliases else ""))
    if not rows:
        print(f"no company matches {args.text!r}")
    return 0


def cmd_companies_add(args) -> int:
    reviewer = args.reviewer or _default_reviewer()
    with _connection(args) as conn:
        audit_id = company_service.add(conn, args.name, reviewer, args.kind, args.country, args.note)
    print(f"company {args.name!r} added by {reviewer} (audit {audit_id})")
    return 0


def cmd_companies_map(args) -> int:
    reviewer = args.reviewer or _default_reviewer()
    with _connection(args) as conn:
        audit_id = company_service.map_name(conn, args.name, args.to, reviewer, args.note)
    print(f"{args.name!r} now means {args.to!r} (mapped by {reviewer}, audit {audit_id})")
    return 0


def add_companies_commands(sub) -> None:
    companies = sub.add_parser("companies", help="map or add the parties the gazetteer lacks").add_subparsers(
        dest="companies_command", required=True)
    unresolved = companies.add_parser("unresolved", help="party names no company matches yet, most events first")
    unresolved.add_argument("--limit", type=_positive_int, default=100, help="at most N names (default: 100)")
    unresolved.set_defaults(func=cmd_companies_unresolved)
    find = companies.add_parser("find", help="companies whose name or an alias contains TEXT")
    find.add_argument("text")
    find.set_defaults(func=cmd_companies_find)
    add = companies.add_parser("add", help="add a company (recorded in company_audit)")
    add.add_argument("name")
    add.add_argument("--kind", choices=COMPANY_KINDS, default="other")
    add.add_argument("--country", help="ISO 3166 alpha-2 code of the headquarters")
    mapping = companies.add_parser("map", help="make NAME an alias of a company (recorded in company_audit)")
    mapping.add_argument("name", help="the name as the articles spell it")
    mapping.add_argument("--to", required=True, help="the company it means (name or alias)")
    for p, func in ((add, cmd_companies_add), (mapping, cmd_companies_map)):
        p.add_argument("--reviewer", help="your name (default: $TIEUP_REVIEWER, else $USER)")
        p.add_argument("--note")
        p.set_defaults(func=func)
