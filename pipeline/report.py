"""The alliance report: events first seen or changed in a period, grouped by relationship, rendered as
a terminal table, CSV, JSON or a self-contained HTML digest.

Pure: dataclasses in, str/bytes out. networkx and matplotlib are imported only
when the network picture is drawn.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from .errors import UsageError
from .vocabulary import DEAL_COLOURS, DEAL_LABELS, DEAL_TYPES

TABLE_WIDTH = 100
_PERIOD = re.compile(r"^(\d+)([dh])$")


@dataclass(frozen=True)
class ReportEvent:
    """One alliance event first seen or changed in the period, with the values an analyst sees."""

    event_id: int
    parties: tuple[str, ...]
    deal_type: str
    status: str
    event_date: date | None
    first_seen_at: datetime
    last_seen_at: datetime
    change: str                      # "first_seen" (in the period) or "changed" (seen before, reported again or reviewed)
    review_state: str
    source_count: int
    domains: tuple[str, ...]
    article_count: int
    best_evidence: str | None
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Relationship:
    """The events of one set of parties."""

    parties: tuple[str, ...]
    events: tuple[ReportEvent, ...]


@dataclass(frozen=True)
class Report:
    """Everything in a report, in display order."""

    since: datetime
    until: datetime
    relationships: tuple[Relationship, ...]

    @property
    def events(self) -> list[ReportEvent]:
        return [e for r in self.relationships for e in r.events]


def parse_since(text: str, now: datetime) -> datetime:
    """Start of the period: `7d`, `24h` before now, or a date (midnight UTC)."""
    match = _PERIOD.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(), tzinfo=timezone.utc)
    except ValueError as exc:
        raise UsageError(f"--since takes 7d, 24h or YYYY-MM-DD, not {text!r}") from exc


def build_report(rows: list[dict], since: datetime, until: datetime) -> Report:
    """Group event rows (from store.report.report_events) by relationship, latest activity first."""
    groups: dict[tuple[str, ...], list[ReportEvent]] = defaultdict(list)
    for row in rows:
        event = _report_event(row, since)
        groups[event.parties].append(event)
    relationships = [Relationship(parties, tuple(sorted(events, key=_event_order)))
                     for parties, events in groups.items()]
    relationships.sort(key=lambda r: (-max(e.last_seen_at for e in r.events).timestamp(), r.parties))
    return Report(since, until, tuple(relationships))


def _report_event(row: dict, since: datetime) -> ReportEvent:
    return ReportEvent(
        event_id=row["event_id"], parties=tuple(row["parties"]), deal_type=row["deal_type"],
        status=row["status"], event_date=row["event_date"], first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
        change="first_seen" if row["first_seen_at"] >= since else "changed",
        review_state=row["review_state"], source_count=row["source_count"],
        domains=tuple(row["source_domains"] or ()), article_count=row["article_count"],
        best_evidence=row["best_evidence"], urls=tuple(row["urls"] or ()))


def _event_order(event: ReportEvent):
    return (event.event_date or date.max, event.event_id)


def _one_line(text: str | None) -> str:
    """Article text on one line: newlines and runs of spaces become one space."""
    return " ".join((text or "").split())


def _clip(text: str, width: int) -> str:
    """Cut text to width characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _change(event: ReportEvent) -> str:
    """"first seen" or "changed": when tieup saw the event, which says nothing of when it happened
    (a 2024 deal reported today is first seen today; its event date stays 2024)."""
    return event.change.replace("_", " ")


def _period(report: Report) -> str:
    return f"{report.since:%Y-%m-%d %H:%M} to {report.until:%Y-%m-%d %H:%M} UTC"


def render_table(report: Report, width: int = TABLE_WIDTH) -> str:
    """A terminal table, every line at most `width` characters."""
    lines = [f"Alliance events first seen or changed {_period(report)}",
             f"{len(report.events)} event(s) in {len(report.relationships)} relationship(s)"]
    for rel in report.relationships:
        lines += ["", f"{' × '.join(rel.parties)}  ({len(rel.events)} event(s))"]
        for e in rel.events:
            lines.append(f"  #{e.event_id:<5} {_change(e):<10} event {str(e.event_date or '-'):<10}  "
                         f"{e.deal_type:<18} {e.status:<10} sources {e.source_count:<2} "
                         f"articles {e.article_count:<3} {e.review_state}")
            lines.append(f"         “{_one_line(e.best_evidence)}”")
            lines.append(f"         {', '.join(e.domains) or 'no sources'}")
    return "\n".join(_clip(line, width) if line.strip() else "" for line in lines) + "\n"


CSV_COLUMNS = ("parties", "event_id", "change", "deal_type", "status", "event_date",
               "first_seen_at", "last_seen_at", "review_state", "source_count", "domains",
               "article_count", "best_evidence", "urls")


def _flat(event: ReportEvent) -> dict:
    """An event as JSON-ready scalars and lists."""
    row = asdict(event)
    row.update(parties=list(event.parties), domains=list(event.domains), urls=list(event.urls),
               event_date=event.event_date.isoformat() if event.event_date else None,
               first_seen_at=event.first_seen_at.isoformat(),
               last_seen_at=event.last_seen_at.isoformat())
    return row


def render_csv(report: Report) -> str:
    """One CSV row per event with a header; list columns are joined with '; '."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in report.events:
        row = _flat(event)
        for key in ("parties", "domains", "urls"):
            row[key] = "; ".join(row[key])
        writer.writerow({k: row[k] for k in CSV_COLUMNS})
    return out.getvalue()


def report_dict(report: Report) -> dict:
    """The report as plain JSON-ready data (stable key order)."""
    return {"since": report.since.isoformat(), "until": report.until.isoformat(),
            "event_count": len(report.events),
            "relationships": [{"parties": list(r.parties), "events": [_flat(e) for e in r.events]}
                              for r in report.relationships]}


def render_json(report: Report) -> str:
    """The report as indented JSON with sorted keys, stable for golden files."""
    return json.dumps(report_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def network_edges(report: Report) -> dict[tuple[str, str], Counter]:
    """Deal-type counts per pair of companies (a < b) linked by the report's events."""
    edges: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for event in report.events:
        names = sorted(set(event.parties))
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                edges[(a, b)][event.deal_type] += 1
    return dict(edges)


def network_png(report: Report) -> bytes | None:
    """The company network as a PNG: one edge per deal type, nodes sized by their events."""
    edges = network_edges(report)
    if not edges:
        return None
    import networkx as nx
    from matplotlib.figure import Figure   # no pyplot: no global backend state, Agg canvas
    from matplotlib.lines import Line2D

    graph = nx.Graph(sorted(edges))
    activity = Counter(p for e in report.events for p in set(e.parties))
    positions = nx.spring_layout(graph, seed=7, k=1.2)
    fig = Figure(figsize=(8, 6), dpi=100)
    ax = fig.subplots()
    for (a, b), types in sorted(edges.items()):
        _draw_pair(nx, graph, positions, ax, (a, b), types)
    nx.draw_networkx_nodes(graph, positions, ax=ax, node_color="#f2f2f2", edgecolors="#333333",
                           node_size=[400 + 300 * activity[n] for n in graph.nodes])
    nx.draw_networkx_labels(graph, positions, ax=ax, font_size=9)
    used = sorted({t for types in edges.values() for t in types}, key=DEAL_TYPES.index)
    ax.legend(handles=[Line2D([0], [0], color=DEAL_COLOURS[t], lw=3, label=DEAL_LABELS[t]) for t in used],
              loc="lower left", fontsize=8, frameon=False)
    ax.margins(0.15)   # room for labels of nodes at the edge
    ax.set_axis_off()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_pair(nx, graph, positions, ax, pair, types: Counter) -> None:
    # Several deal types between one pair are drawn as separate arcs side by side.
    ordered = sorted(types, key=DEAL_TYPES.index)
    for i, deal_type in enumerate(ordered):
        bend = 0.18 * (i - (len(ordered) - 1) / 2)
        nx.draw_networkx_edges(graph, positions, ax=ax, edgelist=[pair], arrows=True,
                               arrowstyle="-", connectionstyle=f"arc3,rad={bend}",
                               edge_color=DEAL_COLOURS[deal_type], width=1.5 + types[deal_type])


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #eee}
.evidence{font-style:italic;color:#444}.tag{display:inline-block;padding:0 .4rem;border-radius:.3rem;color:#fff}
img{max-width:100%;border:1px solid #eee}.muted{color:#777}
"""


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(url: str) -> str:
    """A link to an article; only http(s) URLs become links (no javascript: and the like)."""
    if not url.lower().startswith(("http://", "https://")):
        return _esc(url)
    return f'<a href="{_esc(url)}">{_esc(url)}</a>'


def _html_event(e: ReportEvent) -> str:
    colour = DEAL_COLOURS.get(e.deal_type, "#555")
    links = "<br>".join(_link(u) for u in e.urls)
    return (f"<tr><td>{_esc(e.event_date or '-')}</td>"
            f'<td><span class="tag" style="background:{colour}">{_esc(e.deal_type)}</span></td>'
            f"<td>{_esc(e.status)}</td><td>{_esc(_change(e))}</td><td>{_esc(e.review_state)}</td>"
            f"<td>{e.source_count}: {_esc(', '.join(e.domains))}</td><td>{e.article_count}</td>"
            f'<td><div class="evidence">{_esc(e.best_evidence)}</div>{links}</td></tr>')


def _html_relationship(rel: Relationship) -> str:
    rows = "\n".join(_html_event(e) for e in rel.events)
    return (f"<h2>{_esc(' × '.join(rel.parties))}</h2>\n<table><tr><th>event date</th><th>type</th>"
            f"<th>status</th><th>in the period</th><th>review</th><th>sources</th><th>articles</th>"
            f"<th>evidence</th></tr>\n{rows}\n</table>")


def render_html(report: Report, picture: bytes | None = None, picture_cid: str | None = None) -> str:
    """A self-contained HTML digest (inline CSS, the network PNG inlined); all text escaped.

    picture_cid: refer to the picture as cid:<picture_cid> (an email's related part) instead.
    """
    title = f"tieup alliance digest, {_period(report)}"
    if picture:
        source = (f"cid:{_esc(picture_cid)}" if picture_cid
                  else f'data:image/png;base64,{base64.b64encode(picture).decode("ascii")}')
        figure = f'<img alt="Companies linked by alliance events in the period" src="{source}">'
    else:
        figure = '<p class="muted">No alliance events in the period.</p>'
    body = "\n".join(_html_relationship(r) for r in report.relationships)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>\n"
            f"<h1>{_esc(title)}</h1>\n<p>{len(report.events)} event(s) first seen or changed in "
            f"{len(report.relationships)} relationship(s).</p>\n{figure}\n{body}\n</body></html>\n")


FORMATS = ("table", "csv", "json", "html")


def render(report: Report, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt == "html":
        return render_html(report, network_png(report))
    return {"table": render_table, "csv": render_csv, "json": render_json}[fmt](report)
