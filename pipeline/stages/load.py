"""The load step: folding classified alliance articles into alliances, events and evidence links.

An article that qualifies (an auto-industry alliance with two parties or more) is
linked to its alliance's event as evidence; a reclassified article is linked to
its new verdict first and then loses its links to other events (and with them
any unreviewed event it alone supported), so an event that still holds keeps its
id. store.alliances holds the SQL.
"""

from __future__ import annotations

from collections import Counter

from ..settings import Settings
from ..states import CLASSIFIED
from ..store import alliances as alliance_store
from ..store import articles as article_store
from .runner import per_batch


def load_records(conn, settings: Settings, worker: str, ids: list[int],
                 run_id: int | None = None) -> Counter:
    """Fold classified alliance articles into alliances, events and evidence links."""
    return per_batch(conn, settings, worker, ids, run_id, "load", _load_leased)


def _load_leased(conn, worker: str, ids: list[int]) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, CLASSIFIED)
    alliance_store.lock_for_load(conn)
    counts = Counter(articles_lease_lost=len(ids) - len(held))
    for article in article_store.articles_for_load(conn, held):
        counts += _load_article(conn, article)
    article_store.advance_many(conn, held, worker, CLASSIFIED)
    return counts


def _load_article(conn, article: dict) -> Counter:
    # A reclassified article is loaded again: its new verdict is linked first, then
    # its links to other events go (and with them any unreviewed event it alone
    # supported), so an event that still holds keeps its id. An article not linked to
    # any event yet (the common case: loaded for the first time) has nothing to unlink.
    if not (article["is_auto"] and article["is_alliance"]) or len(article["parties"] or []) < 2:
        if article["linked"]:
            alliance_store.unlink_article(conn, article["id"])  # a reclassified article may no longer qualify
        return Counter()
    alliance_id = alliance_store.upsert_alliance(conn, article["parties"])
    event_id, created = alliance_store.record_event(
        conn, alliance_id=alliance_id, deal_type=article["deal_type"],
        status=article["deal_status"], event_date=article["event_date"],
        focus_areas=article["focus_areas"] or [], confidence=article["confidence"] or 0.0,
        story_id=article["story_id"], stake_pct=article["stake_pct"])
    changed = alliance_store.link_article(
        conn, event_id=event_id, article_id=article["id"], story_id=article["story_id"],
        evidence=article["evidence"] or [], confidence=article["confidence"] or 0.0,
        classifier_version=article["classifier_version"])
    if article["linked"]:
        alliance_store.unlink_article(conn, article["id"], keep_event_id=event_id)
    if created:
        return Counter(events_created=1)
    return Counter(events_updated=1) if changed else Counter()
