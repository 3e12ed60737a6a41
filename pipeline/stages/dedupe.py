"""The dedupe step: linking exact and near copies of extracted articles to their group's representative.

dedupe_batch() is the whole job for a batch of articles holding text, in one
transaction: it reads their texts, stored hashes and old signatures once, computes
keys and MinHash signatures before taking the lock (pure work, pipeline.fingerprint),
indexes every signature first (so copies within the batch find each other), looks
the batch up in the LSH index with one query, verifies candidates on their real
texts (each text read once, each similarity computed once) and points every member
of a group straight at its representative. When a better representative arrives
late (published earlier, or longer), the whole group is re-pointed at it, with
kinds and similarities recomputed against it, so links do not depend on arrival
order. store.dedupe holds the SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .. import fingerprint
from ..errors import NotFoundError
from ..fingerprint import DedupeOutcome, Member, Signature
from ..settings import Settings
from ..states import EXTRACTED
from ..store import articles as article_store
from ..store import dedupe as store
from .ahead import WorkedAhead
from .runner import per_batch

MAX_CANDIDATES = 200       # bounds the work of a lookup even on a pathological bucket


@dataclass(frozen=True)
class Candidate:
    """An indexed article sharing LSH buckets with a query signature."""

    article_id: int
    band_hits: int
    signature: Signature


def dedupe_articles(conn, settings: Settings, worker: str, ids: list[int],
                    run_id: int | None = None, ahead: WorkedAhead | None = None) -> Counter:
    """The step: link exact and near copies to their group's representative (MinHash LSH index).

    One transaction per batch: one lock and one batched index lookup for all of it.
    ahead: signatures already worked out (a WARC backfill's extraction processes).
    """
    return per_batch(conn, settings, worker, ids, run_id, "dedupe",
                     lambda c, w, i: _dedupe_leased(c, w, i, ahead))


def _dedupe_leased(conn, worker: str, ids: list[int], ahead: WorkedAhead | None) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, EXTRACTED)
    outcomes = dedupe_batch(conn, held, ahead)
    article_store.advance_many(conn, held, worker, EXTRACTED)
    return (Counter(f"duplicates_{d.kind}" for d in outcomes if d.kind)
            + Counter(articles_deduped=len(held), articles_lease_lost=len(ids) - len(held)))


def dedupe_article(conn, article_id: int) -> DedupeOutcome:
    """Exact then near dedupe of one article holding text (see dedupe_batch)."""
    return dedupe_batch(conn, [article_id])[0]


def dedupe_batch(conn, article_ids: list[int], ahead: WorkedAhead | None = None) -> list[DedupeOutcome]:
    """Exact then near dedupe of articles holding text; writes the index and the links (not committed).

    ahead: signatures already worked out, by text (the others are computed here).
    """
    stored = store.articles_for_dedupe(conn, article_ids)
    missing = [aid for aid in article_ids if aid not in stored]
    if missing:
        raise NotFoundError(f"article {missing[0]} does not exist")
    sigs = {aid: sig for aid, (text, _, _) in stored.items() if (sig := _signature(text, ahead)) is not None}
    texts = {aid: stored[aid][0] for aid in sigs}
    # The stage that stored a text stored its hash too; compute it only when missing.
    keys = {aid: stored[aid][1] or fingerprint.text_hash(texts[aid]) for aid in texts}
    if texts:
        store.lock_dedupe(conn)
        store.save_missing_hashes(conn, {aid: keys[aid] for aid in texts if not stored[aid][1]})
        bands = {aid: fingerprint.band_keys(sigs[aid]) for aid in sigs}
        stale = [(aid, band, bucket) for aid in sorted(sigs) if stored[aid][2] is not None
                 for band, bucket in sorted(set(fingerprint.band_keys(stored[aid][2])) - set(bands[aid]))]
        store.save_signatures(conn, sigs, bands, stale)
    known = dict(texts)            # every text read in this batch, by id
    scores: dict[frozenset, float] = {}   # similarities computed in this batch, by pair
    matched = _matches(conn, texts, keys, sigs, known, scores)
    outcomes = []
    for aid in article_ids:
        rows = _group(conn, [aid, *sorted(matched[aid])]) if matched.get(aid) else []
        outcomes.append(_outcome(conn, aid, rows, known, scores) if len(rows) > 1
                        else DedupeOutcome(aid, group=(aid,) if aid in texts else ()))
    return outcomes


def _signature(text: str | None, ahead: WorkedAhead | None) -> Signature | None:
    """The text's signature (worked out ahead, else computed); None when it is too short to dedupe."""
    if ahead is not None and (known := ahead.signature(text)) is not None:
        return known
    tokens = fingerprint.tokens(text)
    return fingerprint.signature(text, tokens) if fingerprint.is_dedupable(text, tokens) else None


def lookup_candidates(conn, sig: Signature, exclude_id: int = 0) -> list[Candidate]:
    """Articles sharing a bucket with sig, most shared bands first: two indexed queries."""
    return lookup_candidates_many(conn, [sig], [exclude_id])[0]


def lookup_candidates_many(conn, sigs: list[Signature], exclude_ids: list[int] | None = None,
                           known: dict[int, Signature] | None = None) -> list[list[Candidate]]:
    """lookup_candidates for a batch: the same two queries for all signatures.

    exclude_ids[i] (an article's own id) is never a candidate of sigs[i]; the signatures
    in `known` (the batch's own) are not read again.
    """
    hits = _shared_bands(conn, sigs, exclude_ids or [0] * len(sigs))
    best = [sorted(h.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES] for h in hits]
    known = known or {}
    wanted = {aid for b in best for aid, _ in b} - set(known)
    signatures = {**(store.load_signatures(conn, wanted) if wanted else {}), **known}
    return [[Candidate(aid, n, signatures[aid]) for aid, n in b if aid in signatures] for b in best]


def _shared_bands(conn, sigs: list[Signature], exclude_ids: list[int]) -> list[dict[int, int]]:
    """Per signature: indexed article id -> number of distinct (band, bucket) keys shared."""
    owners, bands, buckets = fingerprint.band_key_arrays(sigs)
    hits: list[dict[int, int]] = [{} for _ in sigs]
    if not buckets.size:
        return hits
    # Array work instead of a dict of every key: only the few rows that come back are
    # matched to their queries (searchsorted over the keys sorted by bucket).
    order = np.argsort(buckets, kind="stable")
    sorted_buckets, owner_of, band_of = buckets[order], owners[order].tolist(), bands[order].tolist()
    rows = store.bucket_rows(conn, np.unique(buckets).tolist(), len(sigs))
    if not rows:
        return hits
    row_buckets = np.array([r[2] for r in rows], dtype=np.int64)
    lows = np.searchsorted(sorted_buckets, row_buckets, "left").tolist()
    highs = np.searchsorted(sorted_buckets, row_buckets, "right").tolist()
    for (aid, band, _), low, high in zip(rows, lows, highs):
        # a bucket of another band matching is a 2**-64 accident; a key repeated by two
        # identical lead paragraphs counts once
        for q in {owner_of[k] for k in range(low, high) if band_of[k] == band}:
            if aid != exclude_ids[q]:
                hits[q][aid] = hits[q].get(aid, 0) + 1
    return hits


def _matches(conn, texts: dict[int, str], keys: dict[int, bytes], sigs: dict[int, Signature],
             known: dict[int, str], scores: dict[frozenset, float]) -> dict[int, set[int]]:
    """Per article: the other articles that are exact or verified near copies of it."""
    if not texts:
        return {}
    ids = list(texts)
    exact = store.exact_matches(conn, keys)
    candidates = dict(zip(ids, lookup_candidates_many(conn, [sigs[aid] for aid in ids], ids, sigs)))
    worth = {aid: [c.article_id for c in candidates[aid]
                   if fingerprint.worth_verifying(sigs[aid], c.signature)] for aid in ids}
    _read_texts(conn, {other for aid in ids for other in worth[aid]}, known)
    matched = {}
    for aid in ids:
        near = {other for other in worth[aid] if other in known
                and _similarity(aid, other, known, scores).is_near_duplicate}
        matched[aid] = set(exact[aid]) | near
    return matched


def _read_texts(conn, ids, known: dict[int, str]) -> None:
    wanted = set(ids) - set(known)
    if wanted:
        known.update(store.texts(conn, wanted))


def _similarity(a: int, b: int, known: dict[int, str], scores: dict[frozenset, float]):
    sim = fingerprint.similarity(known[a], known[b])
    scores[frozenset((a, b))] = sim.score
    return sim


def _score(a: int, b: int, known: dict[int, str], scores: dict[frozenset, float]) -> float:
    pair = frozenset((a, b))
    if pair not in scores:
        scores[pair] = fingerprint.similarity(known[a], known[b]).score
    return scores[pair]


@dataclass(frozen=True)
class _Row:
    article_id: int
    published_at: datetime | None
    text_length: int
    text_hash: bytes | None
    duplicate_of: int | None

    @property
    def member(self) -> Member:
        return Member(self.article_id, self.published_at, self.text_length)


def _group(conn, article_ids) -> list[_Row]:
    return [_Row(*row) for row in store.group_rows(conn, article_ids)]


def _outcome(conn, article_id: int, rows: list[_Row], known: dict[int, str],
             scores: dict[frozenset, float]) -> DedupeOutcome:
    """Point every member of the group at its representative (flat groups); what it made of article_id."""
    rep_member = fingerprint.choose_representative([r.member for r in rows])
    rep = next(r for r in rows if r.article_id == rep_member.article_id)
    to_point = [r for r in rows if r.article_id != rep.article_id and r.duplicate_of != rep.article_id]
    links = [(rep.article_id, None, None, None)] if rep.duplicate_of is not None else []
    near = [r for r in to_point if r.text_hash is None or r.text_hash != rep.text_hash]
    if near:
        _read_texts(conn, [rep.article_id, *(r.article_id for r in near)], known)
    for row in to_point:
        exact = row.text_hash is not None and row.text_hash == rep.text_hash
        score = 1.0 if exact else _score(row.article_id, rep.article_id, known, scores)
        links.append((row.article_id, rep.article_id, "exact" if exact else "near", score))
    store.set_duplicate_links(conn, links)
    group = (rep.article_id, *sorted(r.article_id for r in rows if r.article_id != rep.article_id))
    changed = tuple(link[0] for link in links)
    if article_id == rep.article_id:
        return DedupeOutcome(article_id, None, None, None, group, changed)
    mine = next((link for link in links if link[0] == article_id), None)
    if mine is None:  # already pointing at rep: its stored link stands
        mine = _stored_link(conn, article_id, rows, rep, known, scores)
    # as stored (a real column), so the outcome says what a reader of the row sees
    return DedupeOutcome(article_id, mine[2], rep.article_id, float(np.float32(mine[3])), group, changed)


def _stored_link(conn, article_id, rows, rep, known, scores):
    row = next(r for r in rows if r.article_id == article_id)
    exact = row.text_hash is not None and row.text_hash == rep.text_hash
    if exact:
        return (article_id, rep.article_id, "exact", 1.0)
    _read_texts(conn, [article_id, rep.article_id], known)
    return (article_id, rep.article_id, "near", _score(article_id, rep.article_id, known, scores))
