"""Plain-text rendering of one event for `tieup review show`. Pure: dicts in, str out."""

from __future__ import annotations

import textwrap

_WIDTH = 100


def _changed(event: dict, key: str) -> str:
    pipeline_value = event[f"pipeline_{key}"]
    if pipeline_value == event[key]:
        return ""
    shown = " × ".join(pipeline_value) if isinstance(pipeline_value, list) else pipeline_value
    return f"   (pipeline: {shown})"


def _header(event: dict) -> list[str]:
    review = event["review_state"]
    if event["reviewer"]:
        review += f" by {event['reviewer']} at {event['reviewed_at']:%Y-%m-%d %H:%M}"
        if event["review_note"]:
            review += f": {event['review_note']}"
    return [f"event {event['event_id']}  {' × '.join(event['parties'])}{_changed(event, 'parties')}",
            f"  deal type   {event['deal_type']}{_changed(event, 'deal_type')}",
            f"  status      {event['status']}{_changed(event, 'status')}",
            f"  date        {event['event_date'] or '-'}{_changed(event, 'event_date')}",
            f"  confidence  {event['confidence']:.2f}   articles {event['article_count']}, "
            f"sources {event['source_count']}",
            f"  review      {review}"]


def _timeline(event: dict, timeline: list[dict]) -> list[str]:
    lines = [f"timeline of alliance {event['alliance_id']}:"]
    for t in timeline:
        marker = "  <- this event" if t["event_id"] == event["event_id"] else ""
        lines.append(f"  {str(t['event_date'] or '-'):<10}  #{t['event_id']:<5} {t['deal_type']:<18} "
                     f"{t['status']:<10} {t['review_state']}{marker}")
    return lines


def _articles(articles: list[dict]) -> list[str]:
    lines = ["articles:"]
    for a in articles:
        published = f"{a['published_at']:%Y-%m-%d}" if a["published_at"] else "undated"
        lines.append(f"  [{a['article_id']}] {a['title'] or '(no title)'}  ({a['source_domain']}, "
                     f"{published}, confidence {a['confidence']:.2f})")
        lines.append(f"      {a['canonical_url']}")
        for sentence in a["evidence"]:
            lines.extend(textwrap.wrap(f"“{sentence}”", _WIDTH, initial_indent="      ",
                                       subsequent_indent="       "))
    return lines


def _audit(audit: list[dict]) -> list[str]:
    lines = ["review history:"]
    for r in audit:
        note = f": {r['note']}" if r["note"] else ""
        lines.append(f"  {r['decided_at']:%Y-%m-%d %H:%M}  {r['reviewer']} {r['action']}{note}")
    return lines


def format_event(event: dict, timeline: list[dict], articles: list[dict], audit: list[dict]) -> str:
    """The event, its alliance's timeline, its articles with evidence, and its review history."""
    lines = _header(event) + [""] + _timeline(event, timeline) + [""] + _articles(articles)
    if audit:
        lines += [""] + _audit(audit)
    return "\n".join(lines)
