"""SQL for deduplication and stories: the LSH index, duplicate links, mentions, story rows.

Functions take a psycopg2 connection, run SQL and never commit: the calling stage
(stages/dedupe.py, stages/classify.py) decides what to write and commits it with the
articles' state change. lock_dedupe and lock_stories take a transaction-scoped lock
(store.locks) so two workers cannot both miss each other's uncommitted copies or
both create the same story.
"""

from __future__ import annotations

from datetime import datetime

import psycopg2

from .. import db
from . import locks
from ..fingerprint import Signature
from ..stories import STORY_WINDOW, StoryCandidate

MAX_STORY_CANDIDATES = 50
STORY_SAMPLE_MEMBERS = 10  # signatures per candidate story used for text similarity
MAX_BUCKET_ROWS = 20_000   # per lookup: bounds a pathological (boilerplate) bucket


def lock_dedupe(conn) -> None:
    """Serialise index lookups and writes across workers until the transaction ends."""
    locks.take(conn, "dedupe")


# --------------------------------------------------------------------------- LSH index

def save_signatures(conn, sigs: dict[int, Signature], keys: dict[int, list[tuple[int, int]]],
                    stale: list[tuple[int, int, int]]) -> None:
    """Upsert articles' signatures and their (band, bucket) keys; delete stale (id, band, bucket) keys."""
    if not sigs:
        return
    ids = sorted(sigs)
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
            ON CONFLICT DO NOTHING""", tuple(bigint_array(column) for column in zip(*new)))


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


def bigint_array(values) -> str:
    """An array literal is one parameter: far cheaper to send and plan than ARRAY[...] of
    thousands of items when a batch of lookups is sent at once."""
    return "{" + ",".join(map(str, values)) + "}"


def bucket_rows(conn, buckets: list[int], lookups: int) -> list[tuple[int, int, int]]:
    """(article id, band, bucket) rows of the index holding any of the buckets."""
    with conn.cursor() as cur:
        cur.execute(_BUCKET_HITS_SQL, (bigint_array(buckets), MAX_BUCKET_ROWS * lookups))
        return cur.fetchall()


# --------------------------------------------------------------------------- duplicates

def articles_for_dedupe(conn, article_ids) -> dict[int, tuple[str | None, bytes | None, Signature | None]]:
    """Per article: its text, its stored text hash and its stored signature (one statement)."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT a.id, a.text, a.text_hash, g.minhash, g.token_count
              FROM articles a LEFT JOIN article_signatures g ON g.article_id = a.id
             WHERE a.id = ANY(%s)""", (list(article_ids),))
        return {aid: (text, bytes(key) if key is not None else None,
                      Signature.from_bytes(bytes(raw), count) if raw is not None else None)
                for aid, text, key, raw, count in cur.fetchall()}


def exact_matches(conn, keys: dict[int, bytes]) -> dict[int, list[int]]:
    """Per article id: the other articles whose text hashes to its key."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, text_hash FROM articles WHERE text_hash = ANY(%s) ORDER BY id",
                    ([psycopg2.Binary(k) for k in set(keys.values())],))
        holders: dict[bytes, list[int]] = {}
        for aid, key in cur.fetchall():
            holders.setdefault(bytes(key), []).append(aid)
    return {aid: [other for other in holders.get(key, []) if other != aid] for aid, key in keys.items()}


def texts(conn, article_ids) -> dict[int, str]:
    """Articles' texts by id ('' for none)."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        return {aid: text or "" for aid, text in cur.fetchall()}


def save_missing_hashes(conn, keys: dict[int, bytes]) -> None:
    """Store text hashes the articles lack."""
    if keys:
        with conn.cursor() as cur:
            cur.execute("""
                UPDATE articles a SET text_hash = k.key, updated_at = now()
                  FROM unnest(%s::bigint[], %s::bytea[]) AS k(id, key) WHERE a.id = k.id""",
                        (list(keys), [psycopg2.Binary(k) for k in keys.values()]))


def group_rows(conn, article_ids) -> list[tuple]:
    """(id, published_at, text length, text_hash, duplicate_of) of every article in the
    duplicate groups of the given articles."""
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
        return [(aid, pub, length, bytes(th) if th is not None else None, dup)
                for aid, pub, length, th, dup in cur.fetchall()]


def set_duplicate_links(conn, links: list[tuple[int, int | None, str | None, float | None]]) -> None:
    """Set (article id, duplicate_of, duplicate_kind, duplicate_similarity) of each article, in one statement."""
    if not links:
        return
    ids, reps, kinds, scores = map(list, zip(*links))
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles a SET duplicate_of = k.rep, duplicate_kind = k.kind,
                   duplicate_similarity = k.score, updated_at = now()
              FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::real[]) AS k(id, rep, kind, score)
             WHERE a.id = k.id""", (ids, reps, kinds, scores))


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
    window = STORY_WINDOW
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


def create_story(conn, organisations, deal_type: str | None, published_at, status: str | None = None,
                 article_id: int | None = None) -> int:
    """A new story keyed on these organisations, of article_id alone.

    It starts as refresh_story would leave it once the article's story_id is stored
    (parties sorted as the server sorts them, the article's date as its window, the
    article as its representative), so that refresh is not needed.
    """
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_create_story", """
            INSERT INTO stories (parties, deal_type, first_published_at, last_published_at, status,
                                 representative_article_id)
            VALUES ((SELECT coalesce(array_agg(DISTINCT p ORDER BY p), '{}') FROM unnest($1::text[]) AS p),
                    $2, $3, $3, $4, $5) RETURNING id""",
                    (list(organisations), deal_type, published_at, status, article_id))
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
              FROM (SELECT min(coalesce(published_at, discovered_at)) AS first,
                           max(coalesce(published_at, discovered_at)) AS last,
                           (array_agg(id ORDER BY (duplicate_of IS NOT NULL), published_at NULLS LAST,
                                      length(coalesce(text, '')) DESC, id))[1] AS rep
                      FROM articles WHERE story_id = $3) m
             WHERE s.id = $3""", (list(organisations), deal_type, story_id))


def lock_stories(conn) -> None:
    """Serialise story matching and creation across workers until the transaction ends."""
    locks.take(conn, "stories")


def story_holders(conn, reps: list[int]) -> dict[int, tuple[bool, int, int]]:
    """Per duplicate group (its representative): (not the representative, article id, story id)
    of the member whose story the group follows: the representative's own, else the lowest id's."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT DISTINCT ON (rep) rep, id, story_id FROM (
                SELECT id AS rep, id, story_id FROM articles
                 WHERE id = ANY(%(reps)s) AND story_id IS NOT NULL
                UNION ALL
                SELECT duplicate_of, id, story_id FROM articles
                 WHERE duplicate_of = ANY(%(reps)s) AND story_id IS NOT NULL) members
             ORDER BY rep, (id = rep) DESC, id""", {"reps": sorted(reps)})
        return {rep: (aid != rep, aid, sid) for rep, aid, sid in cur.fetchall()}
