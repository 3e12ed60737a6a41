"""SQL for deduplication and stories: the LSH index, duplicate links, story assignment.

Functions take a psycopg2 connection and never commit: the calling stage commits
the result together with the article's state change. dedupe_article and
assign_story take a transaction-scoped advisory lock so two workers cannot both
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

from .. import dedupe
from ..dedupe import DedupeOutcome, Member, Signature, StoryArticle, StoryCandidate
from ..errors import NotFoundError
from ..models import Classification

# pg_advisory_xact_lock keys shared by every tieup process.
DEDUPE_LOCK_KEY = 0x7_1E_0D_0D
STORY_LOCK_KEY = 0x7_1E_05_70
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

def save_signature(conn, article_id: int, sig: Signature) -> None:
    """Upsert an article's signature and LSH buckets; stale buckets of an old text go."""
    old = load_signatures(conn, [article_id]).get(article_id)
    new_keys = dedupe.band_keys(sig)
    with conn.cursor() as cur:
        if old is not None:
            stale = sorted(set(dedupe.band_keys(old)) - set(new_keys))
            if stale:
                cur.execute("""
                    DELETE FROM lsh_buckets b
                    USING unnest(%s::smallint[], %s::bigint[]) AS k(band, bucket)
                    WHERE b.band = k.band AND b.bucket = k.bucket AND b.article_id = %s""",
                            ([k[0] for k in stale], [k[1] for k in stale], article_id))
        cur.execute("""
            INSERT INTO article_signatures (article_id, minhash, token_count)
            VALUES (%s, %s, %s)
            ON CONFLICT (article_id) DO UPDATE
               SET minhash = EXCLUDED.minhash, token_count = EXCLUDED.token_count
             WHERE article_signatures.minhash IS DISTINCT FROM EXCLUDED.minhash
                OR article_signatures.token_count IS DISTINCT FROM EXCLUDED.token_count""",
                    (article_id, sig.to_bytes(), sig.token_count))
        cur.execute("""
            INSERT INTO lsh_buckets (band, bucket, article_id)
            SELECT band, bucket, %s FROM unnest(%s::smallint[], %s::bigint[]) AS k(band, bucket)
            ON CONFLICT DO NOTHING""",
                    (article_id, [k[0] for k in new_keys], [k[1] for k in new_keys]))


def load_signatures(conn, article_ids) -> dict[int, Signature]:
    """Stored signatures by article id."""
    with conn.cursor() as cur:
        cur.execute("SELECT article_id, minhash, token_count FROM article_signatures "
                    "WHERE article_id = ANY(%s)", (list(article_ids),))
        return {aid: Signature.from_bytes(bytes(raw), count) for aid, raw, count in cur.fetchall()}


# Two plain indexed queries (bucket rows, then signatures of the best candidates) plan
# in a fraction of the time of one query that groups and joins, and most lookups
# (unique articles) stop after the first.
_BUCKET_HITS_SQL = """
    SELECT article_id, band, bucket FROM lsh_buckets
     WHERE bucket = ANY(%s::bigint[]) AND article_id <> %s
     LIMIT %s"""
MAX_BUCKET_ROWS = 20_000   # bounds a lookup that hits a pathological (boilerplate) bucket


def _bigint_array(values) -> str:
    # An array literal is one parameter: far cheaper to send and plan than ARRAY[...] of
    # thousands of items when a batch of lookups is sent at once.
    return "{" + ",".join(map(str, values)) + "}"


def _bucket_rows(conn, buckets, exclude_id: int, limit: int):
    with conn.cursor() as cur:
        cur.execute(_BUCKET_HITS_SQL, (_bigint_array(sorted(set(buckets))), exclude_id, limit))
        return cur.fetchall()


def _best(hits: dict[int, int], limit: int) -> list[tuple[int, int]]:
    return sorted(hits.items(), key=lambda item: (-item[1], item[0]))[:limit]


def lookup_candidates(conn, sig: Signature, exclude_id: int = 0) -> list[Candidate]:
    """Articles sharing a bucket with sig, most shared bands first: two indexed queries."""
    keys = set(dedupe.band_keys(sig))
    hits: dict[int, int] = {}
    for aid, band, bucket in _bucket_rows(conn, [k[1] for k in keys], exclude_id, MAX_BUCKET_ROWS):
        if (band, bucket) in keys:  # a bucket of another band matching is a 2**-64 accident
            hits[aid] = hits.get(aid, 0) + 1
    best = _best(hits, MAX_CANDIDATES)
    sigs = load_signatures(conn, [aid for aid, _ in best]) if best else {}
    return [Candidate(aid, n, sigs[aid]) for aid, n in best if aid in sigs]


def lookup_candidates_many(conn, sigs: list[Signature]) -> list[list[Candidate]]:
    """lookup_candidates for a batch (backfill): the same two queries for all signatures."""
    wanted: dict[tuple[int, int], list[int]] = {}
    for q, keys in enumerate(dedupe.band_keys_many(sigs)):
        for key in keys:
            wanted.setdefault(key, []).append(q)
    hits: list[dict[int, int]] = [{} for _ in sigs]
    rows = _bucket_rows(conn, [k[1] for k in wanted], 0, MAX_BUCKET_ROWS * max(1, len(sigs)))
    for aid, band, bucket in rows:
        for q in wanted.get((band, bucket), ()):
            hits[q][aid] = hits[q].get(aid, 0) + 1
    best = [_best(h, MAX_CANDIDATES) for h in hits]
    ids = {aid for b in best for aid, _ in b}
    stored = load_signatures(conn, ids) if ids else {}
    return [[Candidate(aid, n, stored[aid]) for aid, n in b if aid in stored] for b in best]


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


def _article_for_dedupe(conn, article_id: int):
    with conn.cursor() as cur:
        cur.execute("SELECT text, text_hash FROM articles WHERE id = %s", (article_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return row[0], (bytes(row[1]) if row[1] is not None else None)


def exact_matches(conn, article_id: int, key: bytes) -> list[int]:
    """Other articles whose normalised text hashes to the same key."""
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM articles WHERE text_hash = %s AND id <> %s ORDER BY id",
                    (key, article_id))
        return [r[0] for r in cur.fetchall()]


def _texts(conn, article_ids) -> dict[int, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        return {aid: text or "" for aid, text in cur.fetchall()}


def near_matches(conn, article_id: int, text: str, sig: Signature) -> dict[int, float]:
    """Verified near-duplicates of the article: id -> similarity score."""
    candidates = [c for c in lookup_candidates(conn, sig, article_id)
                  if dedupe.worth_verifying(sig, c.signature)]
    if not candidates:
        return {}
    found = {}
    for aid, other in _texts(conn, [c.article_id for c in candidates]).items():
        sim = dedupe.similarity(text, other)
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
            score = 1.0 if exact else dedupe.similarity(texts[row.article_id],
                                                        texts[rep.article_id]).score
            cur.execute("UPDATE articles SET duplicate_of = %s, duplicate_kind = %s, "
                        "duplicate_similarity = %s, updated_at = now() WHERE id = %s",
                        (rep.article_id, "exact" if exact else "near", score, row.article_id))
            changed.append(row.article_id)
    return changed


def dedupe_article(conn, article_id: int) -> DedupeOutcome:
    """Exact then near dedupe of an article holding text; writes the index and the links.

    Duplicates point straight at their group's representative. When a member
    that should represent the group arrives late (published earlier, or longer),
    the whole group is re-pointed at it, so the result does not depend on arrival order.
    """
    text, stored_hash = _article_for_dedupe(conn, article_id)
    if not dedupe.is_dedupable(text):
        return DedupeOutcome(article_id)
    # The stage that stored the text stored its hash too; compute it only when missing.
    # Hash and signature are pure work: done before taking the lock, so workers only
    # queue for the index reads and writes.
    key = bytes(stored_hash) if stored_hash else dedupe.text_hash(text)
    sig = dedupe.signature(text)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (DEDUPE_LOCK_KEY,))
    if not stored_hash:
        with conn.cursor() as cur:
            cur.execute("UPDATE articles SET text_hash = %s, updated_at = now() WHERE id = %s",
                        (key, article_id))
    save_signature(conn, article_id, sig)
    matched = set(exact_matches(conn, article_id, key)) | set(near_matches(conn, article_id, text, sig))
    rows = _group_rows(conn, [article_id, *sorted(matched)])
    if len(rows) == 1:
        return DedupeOutcome(article_id, group=(article_id,))
    return _outcome(conn, article_id, rows)


def _outcome(conn, article_id: int, rows: list[_Row]) -> DedupeOutcome:
    rep_member = dedupe.choose_representative([r.member for r in rows])
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

def save_mentions(conn, article_id: int, mentions: dict[str, int]) -> None:
    """Upsert the organisations an article names (classifier output) and their counts."""
    if not mentions:
        return
    names = sorted(mentions)
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO article_mentions (article_id, company, mentions)
            SELECT %s, c, n FROM unnest(%s::text[], %s::int[]) AS m(c, n)
            ON CONFLICT (article_id, company) DO UPDATE SET mentions = EXCLUDED.mentions
             WHERE article_mentions.mentions <> EXCLUDED.mentions""",
                    (article_id, names, [int(mentions[n]) for n in names]))


def story_candidates(conn, organisations, published_at: datetime) -> list[StoryCandidate]:
    """Stories sharing an organisation whose window is near the date (GIN + date index)."""
    window = dedupe.STORY_WINDOW
    with conn.cursor() as cur:
        cur.execute("""
            SELECT id, parties, deal_type, first_published_at, last_published_at FROM stories
             WHERE parties && %s::text[]
               AND first_published_at <= %s AND last_published_at >= %s
             ORDER BY id LIMIT %s""",
                    (list(organisations), published_at + window, published_at - window,
                     MAX_STORY_CANDIDATES))
        stories = cur.fetchall()
    if not stories:
        return []
    ids = [s[0] for s in stories]
    sigs, mentions = _story_signatures(conn, ids), _story_mentions(conn, ids)
    return [StoryCandidate(sid, tuple(parties), deal, first, last, tuple(sigs.get(sid, ())),
                           mentions.get(sid, {}))
            for sid, parties, deal, first, last in stories]


def _story_signatures(conn, story_ids) -> dict[int, list[Signature]]:
    with conn.cursor() as cur:
        cur.execute("""
            SELECT story_id, minhash, token_count FROM (
                SELECT a.story_id, s.minhash, s.token_count,
                       row_number() OVER (PARTITION BY a.story_id ORDER BY a.id) AS n
                  FROM articles a JOIN article_signatures s ON s.article_id = a.id
                 WHERE a.story_id = ANY(%s) AND a.duplicate_of IS NULL) t
             WHERE n <= %s""", (list(story_ids), STORY_SAMPLE_MEMBERS))
        found: dict[int, list[Signature]] = {}
        for sid, raw, count in cur.fetchall():
            found.setdefault(sid, []).append(Signature.from_bytes(bytes(raw), count))
        return found


def _story_mentions(conn, story_ids) -> dict[int, dict[str, int]]:
    with conn.cursor() as cur:
        cur.execute("""
            SELECT a.story_id, m.company, sum(m.mentions)::int
              FROM articles a JOIN article_mentions m ON m.article_id = a.id
             WHERE a.story_id = ANY(%s) GROUP BY a.story_id, m.company""", (list(story_ids),))
        found: dict[int, dict[str, int]] = {}
        for sid, company, count in cur.fetchall():
            found.setdefault(sid, {})[company] = count
        return found


def _story_of_group(conn, article_id: int, duplicate_of: int | None) -> int | None:
    """A story already holding the article's duplicate group (its representative first)."""
    rep = duplicate_of or article_id
    with conn.cursor() as cur:
        cur.execute("""
            SELECT story_id FROM articles
             WHERE (id = %s OR duplicate_of = %s) AND story_id IS NOT NULL
             ORDER BY (id = %s) DESC, id LIMIT 1""", (rep, rep, rep))
        row = cur.fetchone()
    return row[0] if row else None


def create_story(conn, organisations, deal_type: str | None, published_at) -> int:
    """A new story keyed on these organisations."""
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO stories (parties, deal_type, first_published_at, last_published_at)
            VALUES (%s, %s, %s, %s) RETURNING id""",
                    (list(organisations), deal_type, published_at, published_at))
        return cur.fetchone()[0]


def refresh_story(conn, story_id: int, organisations=(), deal_type: str | None = None) -> None:
    """Recompute a story's window and representative from its members; widen its parties."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE stories s SET
                   parties = (SELECT coalesce(array_agg(DISTINCT p ORDER BY p), '{}')
                                FROM unnest(s.parties || %s::text[]) AS p),
                   deal_type = coalesce(s.deal_type, %s),
                   first_published_at = m.first, last_published_at = m.last,
                   representative_article_id = m.rep
              FROM (SELECT min(published_at) AS first, max(published_at) AS last,
                           (array_agg(id ORDER BY (duplicate_of IS NOT NULL), published_at NULLS LAST,
                                      length(coalesce(text, '')) DESC, id))[1] AS rep
                      FROM articles WHERE story_id = %s) m
             WHERE s.id = %s""", (list(organisations), deal_type, story_id, story_id))


def assign_story(conn, article_id: int, classification: Classification) -> int:
    """Put a classified article in its story (existing or new); returns the story id.

    An article that already has a story keeps it, so re-running changes nothing.
    """
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (STORY_LOCK_KEY,))
        cur.execute("SELECT story_id, duplicate_of, published_at, language, text "
                    "FROM articles WHERE id = %s", (article_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"article {article_id} does not exist")
    story_id, duplicate_of, published_at, language, text = row
    save_mentions(conn, article_id, classification.mentions)
    if story_id is not None:
        return story_id
    organisations = dedupe.story_organisations(classification.parties, classification.mentions)
    story_id = _story_of_group(conn, article_id, duplicate_of)
    if story_id is None and published_at is not None and organisations:
        sig = load_signatures(conn, [article_id]).get(article_id) or dedupe.signature(text)
        article = StoryArticle(article_id, published_at, language, tuple(classification.parties),
                               classification.deal_type, dict(classification.mentions), sig)
        story_id = dedupe.match_story(article, story_candidates(conn, organisations, published_at))
    if story_id is None:
        story_id = create_story(conn, organisations, classification.deal_type, published_at)
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET story_id = %s, updated_at = now() WHERE id = %s",
                    (story_id, article_id))
    refresh_story(conn, story_id, organisations, classification.deal_type)
    return story_id
