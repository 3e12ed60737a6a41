"""Deterministic alliance events for review, report and digest tests.

Times are offsets from a given `now`, so golden files stay stable when the
tests pass a fixed now, and the digest DAG (which uses the real clock) sees the
same picture.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

FIXED_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
XSS = "<script>alert(1)</script>"

# (key, domain, title, published days ago, evidence)
ARTICLES = [
    ("hn-1", "autonews.example", "Honda and Nissan sign MoU on EV software", 5,
     "Honda and Nissan signed a memorandum of understanding to study EV software together."),
    ("hn-2", "wire.example", "Honda, Nissan to explore EV partnership", 5,
     "The two carmakers said they would explore a strategic partnership on EVs."),
    ("vr-1", "evdaily.example", f"VW and Rivian form JV {XSS}", 3,
     f"Volkswagen and Rivian will form a joint venture for software {XSS} & more."),
    ("gl-1", "batteries.example", "LG Energy Solution to supply GM with cells", 2,
     "LG Energy Solution agreed to supply battery cells to General Motors from 2027 onwards, "
     "according to a statement that was unusually long for a supply announcement of this kind."),
    ("old-1", "autonews.example", "Toyota and Mazda extend tie-up", 60,
     "Toyota and Mazda extended their capital alliance."),
    ("hn-0", "autonews.example", "Honda and Nissan began talks in January", 54,
     "Honda and Nissan started talks on a strategic alliance."),
    ("hn-0b", "wire.example", "Honda and Nissan alliance widens", 3,
     "Honda and Nissan widened their strategic alliance to batteries."),
    ("rej-1", "rumours.example", "Tesla to buy Ford, says blog", 1,
     "A blog claimed Tesla would buy Ford."),
    ("hmn-1", "wire.example", "Honda, Nissan and Mitsubishi Motors weigh merger", 1,
     "Honda, Nissan and Mitsubishi Motors are weighing a merger under a holding company."),
]

# (parties, deal_type, status, event date days ago, first seen days ago, last seen days ago,
#  article keys, review_state)
EVENTS = [
    (("Honda", "Nissan"), "mou", "announced", 5, 5, 4, ("hn-1", "hn-2"), "pending"),
    (("Rivian", "Volkswagen"), "joint_venture", "announced", 3, 3, 3, ("vr-1",), "pending"),
    (("General Motors", "LG Energy Solution"), "supply_agreement", "announced", 2, 2, 2, ("gl-1",),
     "pending"),
    (("Mazda", "Toyota"), "strategic_alliance", "announced", 60, 60, 60, ("old-1",), "pending"),
    (("Honda", "Nissan"), "strategic_alliance", "announced", 54, 54, 3, ("hn-0", "hn-0b"), "pending"),
    (("Ford", "Tesla"), "acquisition", "rumored", 1, 1, 1, ("rej-1",), "rejected"),
    (("Honda", "Mitsubishi Motors", "Nissan"), "merger", "rumored", 1, 1, 1, ("hmn-1",), "pending"),
]


def _article_ids(cur, now: datetime) -> dict[str, int]:
    ids = {}
    for key, domain, title, days, evidence in ARTICLES:
        url = f"https://{domain}/news/{key}"
        published = now - timedelta(days=days, hours=1)
        cur.execute("""
            INSERT INTO articles (canonical_url, url_hash, url, source_domain, title, text, state,
                                  published_at, discovered_at, is_auto, is_alliance, evidence)
            VALUES (%s, %s, %s, %s, %s, %s, 'loaded', %s, %s, true, true, %s) RETURNING id""",
                    (url, hashlib.sha256(url.encode()).digest(), url, domain, title,
                     f"{title}. {evidence}", published, published, [evidence]))
        ids[key] = cur.fetchone()[0]
    return ids


def plant_events(conn, now: datetime = FIXED_NOW) -> list[int]:
    """Insert the fixture articles and events; returns the event ids in EVENTS order."""
    event_ids = []
    with conn.cursor() as cur:
        articles = _article_ids(cur, now)
        for parties, deal_type, status, dated, first, last, keys, review in EVENTS:
            cur.execute("""INSERT INTO alliances (party_key, parties) VALUES (%s, %s)
                           ON CONFLICT (party_key) DO UPDATE SET updated_at = now() RETURNING id""",
                        ("|".join(sorted(parties)), sorted(parties)))
            alliance_id = cur.fetchone()[0]
            cur.execute("""
                INSERT INTO alliance_events (alliance_id, deal_type, status, event_date,
                                             first_seen_at, last_seen_at, confidence, review_state)
                VALUES (%s, %s, %s, %s, %s, %s, 0.9, %s) RETURNING id""",
                        (alliance_id, deal_type, status, (now - timedelta(days=dated)).date(),
                         now - timedelta(days=first), now - timedelta(days=last), review))
            event_id = cur.fetchone()[0]
            event_ids.append(event_id)
            for rank, key in enumerate(keys):
                cur.execute("""
                    INSERT INTO event_articles (event_id, article_id, evidence, confidence,
                                                classifier_version)
                    SELECT %s, id, evidence, %s, 'fixture' FROM articles WHERE id = %s""",
                            (event_id, 0.9 - rank * 0.1, articles[key]))
    conn.commit()
    return event_ids


def event_date(days_ago: int, now: datetime = FIXED_NOW) -> date:
    """The date `days_ago` days before now."""
    return (now - timedelta(days=days_ago)).date()
