"""SQL for deduplication and stories: the LSH index, duplicate links, story assignment.

Functions take a psycopg2 connection and never commit: the calling stage commits
the result together with the article's state change. dedupe_articles and
lock_stories take a transaction-scoped lock (store.locks) so two workers cannot both
miss each other's uncommitted copies or both create the same story.

Duplicate groups are flat: every copy points straight at the representative
(earliest published, then longest text, then lowest id) and the representative
points nowhere. When a better representative arrives late, the whole group is
re-pointed at it in the same transaction, with duplicate_kind and
duplicate_similarity recomputed against the new representative, so the links
do not depend on the order articles arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import psycopg2

from .. import db, fingerprint, stories
from . import locks
from ..fingerprint import DedupeOutcome, Member, Signature
from ..stories import StoryArticle, StoryCandidate
from ..errors import NotFoundError
from ..models import Classification

MAX_CANDIDATES = 200       # bounds the work of a lookup even on a pathological bucket
MAX_STORY_CANDIDATES = 50
STORY_SAMPLE_MEMBERS = 10  # signatures per candidate story used for text similarity


@dataclass(frozen=True)
class Candidate:
    """An indexed article sharing LSH buckets with a query signature."""

    article_id: int
    band_hits: int
    signature: Signature


# --------------------------------------------------------------------------- LSH index

def save_signatures(conn, sigs: dict[int, Signature]) -> None:
    """Upsert articles' signatures and LSH buckets (stale buckets of an old text go):
    a few statements, whatever the count."""
    if not sigs:
        return
    ids = sorted(sigs)
    keys = {aid: fingerprint.band_keys(sigs[aid]) for aid in ids}
    stale = [(aid, band, bucket) for aid, old in load_signatures(conn, ids).items()
             for band, bucket in sorted(set(fingerprint.band_keys(old)) - set(keys[aid]))]
    new = [(aid, band, bucket) for aid in ids for band, bucket in keys[aid]]
    with conn.cursor() as cur:
        if stale:
            cur.execute("""
                DELETE FROM lsh_buckets b
                USING unnest(%s::bigint[], %s::smallint[], %s::bigint[]) AS k(article_id, band, bucket)
                WHERE b.article_id = k.article_id AND b.band = k.band AND b.bucket = k.bucket""",
                        tuple(map(list, zip(*stale))))
        cur.execute("""
            INSERT INTO article_signatures (article_id, minhash, token_count)
            SELECT * FROM unnest(%s::bigint[], %s::bytea[], %s::integer[])
            ON CONFLICT (article_id) DO UPDATE
               SET minhash = EXCLUDED.minhash, token_count = EXCLUDED.token_count
             WHERE article_signatures.minhash IS DISTINCT FROM EXCLUDED.minhash
                OR article_signatures.token_count IS DISTINCT FROM EXCLUDED.token_count""",
                    (ids, [psycopg2.Binary(sigs[aid].to_bytes()) for aid in ids],
                     [sigs[aid].token_count for aid in ids]))
        cur.execute("""
            INSERT INTO lsh_buckets (article_id, band, bucket)
            SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[])
            ON CONFLICT DO NOTHING""", tuple(_bigint_array(column) for column in zip(*new)))


def load_signatures(conn, article_ids) -> dict[int, Signature]:
    """Stored signatures by article id."""
    with conn.cursor() as cur:
        cur.execute("SELECT article_id, minhash, token_count FROM article_signatures "
                    "WHERE article_id = ANY(%s)", (list(article_ids),))
        return {aid: Signature.from_bytes(bytes(raw), count) for aid, raw, count in cur.fetchall()}


# Two plain indexed queries (bucket rows, then signatures of the best candidates) plan
# in a fraction of the time of one query that groups and joins, and most lookups
# (unique articles) stop after the first. A batch of lookups sends all its buckets at once.
_BUCKET_HITS_SQL = """
    SELECT article_id, band, bucket FROM lsh_buckets
     WHERE bucket = ANY(%s::bigint[])
     LIMIT %s"""
MAX_BUCKET_ROWS = 20_000   # per lookup: bounds a pathological (boilerplate) bucket


def _bigint_array(values) -> str:
    # An array literal is one parameter: far cheaper to send and plan than ARRAY[...] of
    # thousands of items when a batch of lookups is sent at once.
    return "{" + ",".join(map(str, values)) + "}"


def _best(hits: dict[int, int], limit: int) -> list[tuple[int, int]]:
    return sorted(hits.items(), key=lambda item: (-item[1], item[0]))[:limit]


def lookup_candidates(conn, sig: Signature, exclude_id: int = 0) -> list[Candidate]:
    """Articles sharing a bucket with sig, most shared bands first: two indexed queries."""
    return lookup_candidates_many(conn, [sig], [exclude_id])[0]


def lookup_candidates_many(conn, sigs: list[Signature],
                           exclude_ids: list[int] | None = None) -> list[list[Candidate]]:
    """lookup_candidates for a batch: the same two queries for all signatures.

    exclude_ids[i] (an article's own id) is never a candidate of sigs[i].
    """
    hits = _shared_bands(conn, sigs, exclude_ids or [0] * len(sigs))
    best = [_best(h, MAX_CANDIDATES) for h in hits]
    ids = {aid for b in best for aid, _ in b}
    stored = load_signatures(conn, ids) if ids else {}
    return [[Candidate(aid, n, stored[aid]) for aid, n in b if aid in stored] for b in best]


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
    with conn.cursor() as cur:
        cur.execute(_BUCKET_HITS_SQL, (_bigint_array(np.unique(buckets).tolist()),
                                       MAX_BUCKET_ROWS * len(sigs)))
        rows = cur.fetchall()
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


# --------------------------------------------------------------------------- duplicates

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


def _articles_for_dedupe(conn, article_ids) -> dict[int, tuple[str | None, bytes | None]]:
    with conn.cursor() as cur:
        cur.execute("SELECT id, text, text_hash FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        return {aid: (text, bytes(key) if key is not None else None)
                for aid, text, key in cur.fetchall()}


def _exact_matches_many(conn, keys: dict[int, bytes]) -> dict[int, list[int]]:
    """Per article id: the other articles whose text hashes to its key."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, text_hash FROM articles WHERE text_hash = ANY(%s) ORDER BY id",
                    ([psycopg2.Binary(k) for k in set(keys.values())],))
        holders: dict[bytes, list[int]] = {}
        for aid, key in cur.fetchall():
            holders.setdefault(bytes(key), []).append(aid)
    return {aid: [other for other in holders.get(key, []) if other != aid] for aid, key in keys.items()}


def _texts(conn, article_ids) -> dict[int, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        return {aid: text or "" for aid, text in cur.fetchall()}


def _worth_fetching(sig: Signature, candidates: list[Candidate]) -> list[int]:
    return [c.article_id for c in candidates if fingerprint.worth_verifying(sig, c.signature)]


def _verified(text: str, sig: Signature, candidates: list[Candidate],
              texts: dict[int, str]) -> dict[int, float]:
    """The candidates whose real text is a near copy of text: id -> similarity score."""
    found = {}
    for aid in _worth_fetching(sig, candidates):
        if aid in texts:
            sim = fingerprint.similarity(text, texts[aid])
            if sim.is_near_duplicate:
                found[aid] = sim.score
    return found


def _group_rows(conn, article_ids) -> list[_Row]:
    """Every article in the duplicate groups of the given articles."""
    with conn.cursor() as cur:
        # UNION rather than OR so each half is an index lookup (primary key, duplicate_of).
        cur.execute("""
            WITH reps AS (SELECT DISTINCT coalesce(duplicate_of, id) AS id
                            FROM articles WHERE id = ANY(%s))
            SELECT id, published_at, coalesce(length(text), 0), text_hash, duplicate_of
              FROM articles WHERE id IN (SELECT id FROM reps)
            UNION
            SELECT id, published_at, coalesce(length(text), 0), text_hash, duplicate_of
              FROM articles WHERE duplicate_of IN (SELECT id FROM reps)""",
                    (list(article_ids),))
        return [_Row(aid, pub, length, bytes(th) if th is not None else None, dup)
                for aid, pub, length, th, dup in cur.fetchall()]


def _link(conn, rows: list[_Row], rep: _Row) -> list[int]:
    """Point every non-representative at rep (flat groups); returns the ids changed."""
    to_point = [r for r in rows if r.article_id != rep.article_id and r.duplicate_of != rep.article_id]
    texts = _texts(conn, [rep.article_id] + [r.article_id for r in to_point]) if to_point else {}
    changed = []
    with conn.cursor() as cur:
        if rep.duplicate_of is not None:
            cur.execute("UPDATE articles SET duplicate_of = NULL, duplicate_kind = NULL, "
                        "duplicate_similarity = NULL, updated_at = now() WHERE id = %s",
                        (rep.article_id,))
            changed.append(rep.article_id)
        for row in to_point:
            exact = row.text_hash is not None and row.text_hash == rep.text_hash
            score = 1.0 if exact else fingerprint.similarity(texts[row.article_id],
                                                        texts[rep.article_id]).score
            cur.execute("UPDATE articles SET duplicate_of = %s, duplicate_kind = %s, "
                        "duplicate_similarity = %s, updated_at = now() WHERE id = %s",
                        (rep.article_id, "exact" if exact else "near", score, row.article_id))
            changed.append(row.article_id)
    return changed


def dedupe_article(conn, article_id: int) -> DedupeOutcome:
    """Exact then near dedupe of one article holding text (see dedupe_articles)."""
    return dedupe_articles(conn, [article_id])[0]


def dedupe_articles(conn, article_ids: list[int]) -> list[DedupeOutcome]:
    """Exact then near dedupe of articles holding text; writes the index and the links.

    One lock and one batched index lookup for the whole batch: every signature
    is indexed first, so copies within the batch find each other too. Duplicates
    point straight at their group's representative. When a member that should
    represent the group arrives late (published earlier, or longer), the whole
    group is re-pointed at it, so the result does not depend on arrival order.
    """
    stored = _articles_for_dedupe(conn, article_ids)
    missing = [aid for aid in article_ids if aid not in stored]
    if missing:
        raise NotFoundError(f"article {missing[0]} does not exist")
    # The stage that stored a text stored its hash too; compute it only when missing.
    # Tokens, hashes and signatures are pure work: done before taking the lock, so
    # workers only queue for the index reads and writes.
    tokens = {aid: fingerprint.tokens(text) for aid, (text, _) in stored.items()}
    texts = {aid: text for aid, (text, _) in stored.items() if fingerprint.is_dedupable(text, tokens[aid])}
    keys = {aid: stored[aid][1] or fingerprint.text_hash(texts[aid]) for aid in texts}
    sigs = {aid: fingerprint.signature(texts[aid], tokens[aid]) for aid in texts}
    if texts:
        locks.take(conn, "dedupe")
        _save_missing_hashes(conn, {aid: keys[aid] for aid in texts if not stored[aid][1]})
        save_signatures(conn, sigs)
    matched = _matches(conn, texts, keys, sigs)
    outcomes = []
    for aid in article_ids:
        rows = _group_rows(conn, [aid, *sorted(matched[aid])]) if matched.get(aid) else []
        outcomes.append(_outcome(conn, aid, rows) if len(rows) > 1
                        else DedupeOutcome(aid, group=(aid,) if aid in texts else ()))
    return outcomes


def _save_missing_hashes(conn, keys: dict[int, bytes]) -> None:
    if keys:
        with conn.cursor() as cur:
            cur.execute("""
                UPDATE articles a SET text_hash = k.key, updated_at = now()
                  FROM unnest(%s::bigint[], %s::bytea[]) AS k(id, key) WHERE a.id = k.id""",
                        (list(keys), [psycopg2.Binary(k) for k in keys.values()]))


def _matches(conn, texts: dict[int, str], keys: dict[int, bytes],
             sigs: dict[int, Signature]) -> dict[int, set[int]]:
    """Per article: the other articles that are exact or verified near copies of it."""
    if not texts:
        return {}
    ids = list(texts)
    exact = _exact_matches_many(conn, keys)
    candidates = dict(zip(ids, lookup_candidates_many(conn, [sigs[aid] for aid in ids], ids)))
    wanted = {other for aid in ids for other in _worth_fetching(sigs[aid], candidates[aid])}
    other_texts = _texts(conn, wanted) if wanted else {}
    return {aid: set(exact[aid]) | set(_verified(texts[aid], sigs[aid], candidates[aid], other_texts))
            for aid in ids}


def _outcome(conn, article_id: int, rows: list[_Row]) -> DedupeOutcome:
    rep_member = fingerprint.choose_representative([r.member for r in rows])
    rep = next(r for r in rows if r.article_id == rep_member.article_id)
    changed = _link(conn, rows, rep)
    group = (rep.article_id, *sorted(r.article_id for r in rows if r.article_id != rep.article_id))
    with conn.cursor() as cur:
        cur.execute("SELECT duplicate_of, duplicate_kind, duplicate_similarity FROM articles "
                    "WHERE id = %s", (article_id,))
        dup_of, kind, score = cur.fetchone()
    if dup_of is None:
        return DedupeOutcome(article_id, None, None, None, group, tuple(changed))
    return DedupeOutcome(article_id, kind, dup_of, score, group, tuple(changed))


# --------------------------------------------------------------------------- stories

def save_mentions(conn, mentions_by_article: dict[int, dict[str, int]]) -> None:
    """Upsert the organisations articles name (classifier output) and their counts, in one statement."""
    rows = [(aid, name, int(count)) for aid in sorted(mentions_by_article)
            for name, count in sorted(mentions_by_article[aid].items())]
    if not rows:
        return
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO article_mentions (article_id, company, mentions)
            SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[])
            ON CONFLICT (article_id, company) DO UPDATE SET mentions = EXCLUDED.mentions
             WHERE article_mentions.mentions <> EXCLUDED.mentions""", tuple(map(list, zip(*rows))))


# One round trip per article to match: the candidate stories with a sample of their
# members' signatures and their summed mentions. Prepared: planning it costs more than running it.
_STORY_CANDIDATES_SQL = """
    WITH s AS MATERIALIZED (
            SELECT id, parties, deal_type, status, first_published_at, last_published_at FROM stories
             WHERE parties && $1::text[]
               AND first_published_at <= $2 AND last_published_at >= $3
             ORDER BY id LIMIT $4),
         sig AS (
            SELECT story_id, array_agg(minhash ORDER BY id) AS minhashes,
                   array_agg(token_count ORDER BY id) AS token_counts
              FROM (SELECT a.story_id, a.id, g.minhash, g.token_count,
                           row_number() OVER (PARTITION BY a.story_id ORDER BY a.id) AS n
                      FROM articles a JOIN article_signatures g ON g.article_id = a.id
                     WHERE a.story_id = ANY(ARRAY(SELECT id FROM s)) AND a.duplicate_of IS NULL) t
             WHERE n <= $5 GROUP BY story_id),
         men AS (
            SELECT story_id, array_agg(company) AS companies, array_agg(n) AS mentions
              FROM (SELECT a.story_id, m.company, sum(m.mentions)::int AS n
                      FROM articles a JOIN article_mentions m ON m.article_id = a.id
                     WHERE a.story_id = ANY(ARRAY(SELECT id FROM s)) GROUP BY a.story_id, m.company) t
             GROUP BY story_id)
    SELECT s.id, s.parties, s.deal_type, s.status, s.first_published_at, s.last_published_at,
           sig.minhashes, sig.token_counts, men.companies, men.mentions
      FROM s LEFT JOIN sig ON sig.story_id = s.id LEFT JOIN men ON men.story_id = s.id
     ORDER BY s.id"""


def story_candidates(conn, organisations, published_at: datetime) -> list[StoryCandidate]:
    """Stories sharing an organisation whose window is near the date (GIN + date index)."""
    window = stories.STORY_WINDOW
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_story_candidates", _STORY_CANDIDATES_SQL, (
            list(organisations), published_at + window, published_at - window,
            MAX_STORY_CANDIDATES, STORY_SAMPLE_MEMBERS))
        rows = cur.fetchall()
    return [StoryCandidate(sid, tuple(parties), deal, first, last,
                           tuple(Signature.from_bytes(bytes(raw), count)
                                 for raw, count in zip(minhashes or (), counts or ())),
                           dict(zip(companies or (), mentions or ())), status)
            for sid, parties, deal, status, first, last, minhashes, counts, companies, mentions in rows]


@dataclass
class StoryContext:
    """What story matching needs of a batch, read once: signatures and the stories its groups are in.

    group_holders maps a duplicate group's representative to the (not the representative,
    article id, story id) of the member whose story the group follows: the
    representative's own, else the lowest id's.
    """

    signatures: dict[int, Signature]
    group_holders: dict[int, tuple[bool, int, int]]

    def group_story(self, article: dict) -> int | None:
        holder = self.group_holders.get(article["duplicate_of"] or article["id"])
        return holder[2] if holder else None

    def joined(self, article: dict, story_id: int) -> None:
        """Note that article now belongs to story_id (so later members of its group follow)."""
        rep = article["duplicate_of"] or article["id"]
        holder = (article["id"] != rep, article["id"], story_id)
        if rep not in self.group_holders or holder < self.group_holders[rep]:
            self.group_holders[rep] = holder


def story_context(conn, articles: list[dict]) -> StoryContext:
    """Signatures of articles and the stories their duplicate groups are already in."""
    reps = sorted({a["duplicate_of"] or a["id"] for a in articles})
    with conn.cursor() as cur:
        cur.execute("""
            SELECT DISTINCT ON (rep) rep, id, story_id FROM (
                SELECT id AS rep, id, story_id FROM articles
                 WHERE id = ANY(%(reps)s) AND story_id IS NOT NULL
                UNION ALL
                SELECT duplicate_of, id, story_id FROM articles
                 WHERE duplicate_of = ANY(%(reps)s) AND story_id IS NOT NULL) members
             ORDER BY rep, (id = rep) DESC, id""", {"reps": reps})
        holders = {rep: (aid != rep, aid, sid) for rep, aid, sid in cur.fetchall()}
    return StoryContext(load_signatures(conn, [a["id"] for a in articles]), holders)


def create_story(conn, organisations, deal_type: str | None, published_at,
                 status: str | None = None) -> int:
    """A new story keyed on these organisations."""
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_create_story", """
            INSERT INTO stories (parties, deal_type, first_published_at, last_published_at, status)
            VALUES ($1, $2, $3, $3, $4) RETURNING id""",
                    (list(organisations), deal_type, published_at, status))
        return cur.fetchone()[0]


def refresh_story(conn, story_id: int, organisations=(), deal_type: str | None = None) -> None:
    """Recompute a story's window and representative from its members; widen its parties."""
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_refresh_story", """
            UPDATE stories s SET
                   parties = (SELECT coalesce(array_agg(DISTINCT p ORDER BY p), '{}')
                                FROM unnest(s.parties || $1::text[]) AS p),
                   deal_type = coalesce(s.deal_type, $2),
                   first_published_at = m.first, last_published_at = m.last,
                   representative_article_id = m.rep
              FROM (SELECT min(published_at) AS first, max(published_at) AS last,
                           (array_agg(id ORDER BY (duplicate_of IS NOT NULL), published_at NULLS LAST,
                                      length(coalesce(text, '')) DESC, id))[1] AS rep
                      FROM articles WHERE story_id = $3) m
             WHERE s.id = $3""", (list(organisations), deal_type, story_id))


def lock_stories(conn) -> None:
    """Serialise story matching and creation across workers until the transaction ends."""
    locks.take(conn, "stories")


def find_story(conn, article: dict, classification: Classification,
               context: StoryContext) -> tuple[int, bool]:
    """The story a classified article belongs in, existing or created.

    article has id, story_id, duplicate_of, published_at, language and text; context
    is story_context() of its batch, after save_mentions. Returns (story id, True
    when the article is not in it yet). The caller holds lock_stories, then stores
    the story id on the article and calls join_story when it is new. An article
    that already has a story keeps it, so re-running changes nothing.
    """
    article_id, published_at = article["id"], article["published_at"]
    if article["story_id"] is not None:
        return article["story_id"], False
    organisations = stories.story_organisations(classification.parties, classification.mentions)
    story_id = context.group_story(article)
    if story_id is None and published_at is not None and organisations:
        sig = context.signatures.get(article_id) or fingerprint.signature(article["text"])
        candidate = StoryArticle(article_id, published_at, article["language"],
                                 tuple(classification.parties), classification.deal_type,
                                 dict(classification.mentions), sig, classification.status)
        story_id = stories.match_story(candidate, story_candidates(conn, organisations, published_at))
    if story_id is None:
        story_id = create_story(conn, organisations, classification.deal_type, published_at,
                                classification.status)
    context.joined(article, story_id)
    return story_id, True


def join_story(conn, story_id: int, classification: Classification) -> None:
    """Refresh a story after an article joined it (its story_id is stored)."""
    refresh_story(conn, story_id,
                  stories.story_organisations(classification.parties, classification.mentions),
                  classification.deal_type)
