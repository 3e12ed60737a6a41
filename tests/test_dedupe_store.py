"""Store functions for dedupe against a real PostgreSQL: index, links, re-pointing, stories."""

from datetime import datetime, timedelta, timezone

import pytest

from pipeline import fingerprint, urls
from pipeline.errors import NotFoundError
from pipeline.models import Classification
from pipeline.stages import classify as classify_stage
from pipeline.stages import dedupe as dedupe_stage
from pipeline.store import dedupe as store

T0 = datetime(2024, 3, 15, 9, 0, tzinfo=timezone.utc)
STORY = (
    "Honda and Nissan said on Friday they had signed a memorandum of understanding to study "
    "a strategic partnership covering electric vehicle software and core components.\n"
    "The two Japanese carmakers said the study would look at batteries, electric axles and "
    "vehicle software platforms, and that talks could extend to other areas later this year.\n"
    "Executives from both companies told reporters in Tokyo that the collaboration was meant to "
    "help them compete with Tesla and fast-growing Chinese manufacturers such as BYD.\n"
    "Neither side disclosed any financial terms, and both said no capital tie-up was planned "
    "for now, although analysts said a deeper relationship could follow.\n"
)
OTHER = (
    "Toyota will recall about 50,000 pickup trucks in the United States because a faulty "
    "sensor can stop the airbags from deploying in a crash, the company said on Tuesday.\n"
    "Dealers will replace the sensor free of charge, and owners will be told by letter from "
    "the middle of next month, according to a filing with the federal safety regulator.\n"
    "The company said it was not aware of any injuries linked to the problem so far.\n"
)


def add_article(conn, url, text, published=T0, language="en"):
    canonical = urls.canonical_url(url)
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO articles (canonical_url, url_hash, url, source_domain, text,
                                             published_at, language, state)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, 'extracted') RETURNING id""",
                    (canonical, urls.url_hash(canonical), url, "example.com", text,
                     published, language))
        return cur.fetchone()[0]


def links(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT id, duplicate_of, duplicate_kind, duplicate_similarity "
                    "FROM articles ORDER BY id")
        return cur.fetchall()


def table_count(conn, table):
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # test-only, fixed names
        return cur.fetchone()[0]


def test_unique_article_is_indexed_and_unlinked(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    outcome = dedupe_stage.dedupe_article(conn, a)
    assert outcome.kind is None and outcome.duplicate_of is None
    assert table_count(conn, "article_signatures") == 1
    assert table_count(conn, "lsh_buckets") == len(fingerprint.band_keys(fingerprint.signature(STORY)))


def test_exact_copy_links_with_kind_exact(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1", STORY.upper().replace(",", " ,"),
                    T0 + timedelta(hours=2))
    dedupe_stage.dedupe_article(conn, a)
    outcome = dedupe_stage.dedupe_article(conn, b)
    assert (outcome.kind, outcome.duplicate_of, outcome.similarity) == ("exact", a, 1.0)


def test_near_copy_with_banner_links_to_original(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1",
                    "Republished with permission of our partners. Read the original story on "
                    "their website.\n" + STORY, T0 + timedelta(hours=3))
    dedupe_stage.dedupe_article(conn, a)
    outcome = dedupe_stage.dedupe_article(conn, b)
    assert outcome.kind == "near" and outcome.duplicate_of == a
    assert 0.5 < outcome.similarity < 1.0


def test_truncated_copy_is_a_duplicate(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    first_two = "\n".join(STORY.splitlines()[:2])
    b = add_article(conn, "https://b.example/1", first_two, T0 + timedelta(hours=1))
    dedupe_stage.dedupe_article(conn, a)
    assert dedupe_stage.dedupe_article(conn, b).duplicate_of == a


def test_unrelated_article_is_not_linked(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1", OTHER)
    dedupe_stage.dedupe_article(conn, a)
    assert dedupe_stage.dedupe_article(conn, b).duplicate_of is None


def test_earlier_copy_arriving_later_becomes_representative(conn):
    late = add_article(conn, "https://a.example/1", STORY, T0 + timedelta(hours=5))
    copy = add_article(conn, "https://b.example/1", STORY + "Reporting by staff.\n",
                       T0 + timedelta(hours=6))
    dedupe_stage.dedupe_article(conn, late)
    dedupe_stage.dedupe_article(conn, copy)
    early = add_article(conn, "https://c.example/1", STORY, T0)
    outcome = dedupe_stage.dedupe_article(conn, early)
    assert outcome.duplicate_of is None and set(outcome.repointed) == {late, copy}
    assert {row[0]: row[1] for row in links(conn)} == {late: early, copy: early, early: None}


def test_dedupe_twice_changes_nothing(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1", STORY + "Updated at noon.\n",
                    T0 + timedelta(hours=1))
    for aid in (a, b):
        dedupe_stage.dedupe_article(conn, aid)
    before = (links(conn), table_count(conn, "lsh_buckets"))
    for aid in (b, a):
        assert dedupe_stage.dedupe_article(conn, aid).repointed == ()
    assert (links(conn), table_count(conn, "lsh_buckets")) == before


def test_changed_text_replaces_stale_buckets(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    dedupe_stage.dedupe_article(conn, a)
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET text = %s WHERE id = %s", (OTHER, a))
    dedupe_stage.dedupe_article(conn, a)
    assert table_count(conn, "lsh_buckets") == len(fingerprint.band_keys(fingerprint.signature(OTHER)))


def test_missing_article_raises_not_found(conn):
    with pytest.raises(NotFoundError):
        dedupe_stage.dedupe_article(conn, 999)


def test_lookup_many_matches_single_lookups(conn):
    ids = [add_article(conn, f"https://a.example/{i}", t) for i, t in enumerate((STORY, OTHER))]
    for aid in ids:
        dedupe_stage.dedupe_article(conn, aid)
    sigs = [fingerprint.signature(STORY), fingerprint.signature(OTHER)]
    many = dedupe_stage.lookup_candidates_many(conn, sigs)
    assert [[c.article_id for c in found] for found in many] == [[ids[0]], [ids[1]]]


def assign_story(conn, article_id, result):
    """Put one classified article in its story the way stages.classify does
    (lock, mentions, batch context, find_story, store story_id, join_story)."""
    store.lock_stories(conn)
    with conn.cursor() as cur:
        cur.execute("SELECT id, story_id, duplicate_of, coalesce(published_at, discovered_at) AS story_at, language, text "
                    "FROM articles WHERE id = %s", (article_id,))
        article = dict(zip([c.name for c in cur.description], cur.fetchone()))
    store.save_mentions(conn, {article_id: result.mentions})
    story_id, joined, created = classify_stage.find_story(conn, article, result,
                                                          classify_stage.story_context(conn, [article]))
    if joined:
        with conn.cursor() as cur:
            cur.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story_id, article_id))
    if joined and not created:
        classify_stage.join_story(conn, story_id, result)
    return story_id


def classification(parties, deal, mentions=None):
    return Classification(is_auto=True, is_alliance=bool(parties), deal_type=deal,
                          parties=tuple(parties), mentions=mentions or {p: 3 for p in parties})


def test_same_announcement_across_languages_is_one_story(conn):
    en = add_article(conn, "https://a.example/en", STORY)
    ja = add_article(conn, "https://b.example/ja", "ホンダと日産自動車は15日、電気自動車の分野で"
                     "戦略的パートナーシップの検討を始める覚書を結んだと発表した。", T0 + timedelta(hours=8),
                     "ja")
    cls = classification(["Honda", "Nissan"], "mou")
    first = assign_story(conn, en, cls)
    assert assign_story(conn, ja, cls) == first


def test_articles_without_a_date_are_grouped_by_their_discovery(conn):
    en = add_article(conn, "https://a.example/en", STORY, None)
    ja = add_article(conn, "https://b.example/ja", "ホンダと日産自動車は、電気自動車の分野で"
                     "戦略的パートナーシップの検討を始める覚書を結んだと発表した。", None, "ja")
    cls = classification(["Honda", "Nissan"], "mou")
    assert assign_story(conn, ja, cls) == assign_story(conn, en, cls)
    with conn.cursor() as cur:
        cur.execute("SELECT first_published_at IS NOT NULL FROM stories")
        assert cur.fetchall() == [(True,)]  # the window comes from the discovery time


def test_same_parties_months_apart_are_separate_stories(conn):
    mou = add_article(conn, "https://a.example/1", STORY)
    talks = add_article(conn, "https://a.example/2", OTHER, T0 + timedelta(days=270))
    cls = classification(["Honda", "Nissan"], "mou")
    assert assign_story(conn, mou, cls) != assign_story(
        conn, talks, classification(["Honda", "Nissan"], "merger"))


def test_assign_story_twice_changes_nothing(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    cls = classification(["Honda", "Nissan"], "mou")
    story = assign_story(conn, a, cls)
    assert assign_story(conn, a, cls) == story
    assert table_count(conn, "stories") == 1
    with conn.cursor() as cur:
        cur.execute("SELECT representative_article_id, parties FROM stories")
        assert cur.fetchone() == (a, ["Honda", "Nissan"])


def test_duplicate_joins_its_representatives_story(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1", STORY, T0 + timedelta(days=9))
    for aid in (a, b):
        dedupe_stage.dedupe_article(conn, aid)
    story = assign_story(conn, a, classification(["Honda", "Nissan"], "mou"))
    assert assign_story(conn, b, classification([], None)) == story


def test_identical_paywall_stubs_are_not_linked(conn):
    stub = "Subscribe now to continue reading. Already a subscriber? Log in."
    a = add_article(conn, "https://a.example/1", stub)
    b = add_article(conn, "https://a.example/2", stub)
    dedupe_stage.dedupe_article(conn, a)
    assert dedupe_stage.dedupe_article(conn, b).duplicate_of is None


def test_one_batch_links_copies_within_it_as_one_by_one_would(conn):
    banner = "Reposted from the Tokyo wire service.\n"
    texts = [STORY, OTHER, banner + STORY, STORY.replace("Friday", "Thursday"), OTHER]
    urls = [f"https://site{i}.example/a" for i in range(len(texts))]
    batch_ids = [add_article(conn, url, text, T0 + timedelta(hours=i))
                 for i, (url, text) in enumerate(zip(urls, texts))]
    outcomes = dedupe_stage.dedupe_batch(conn, batch_ids)
    batched = links(conn)
    assert [o.article_id for o in outcomes] == batch_ids
    story, other, bannered, edited, exact = batch_ids
    by_id = {row[0]: row[1:] for row in batched}
    assert by_id[story][0] is None and by_id[other][0] is None
    assert by_id[bannered][:2] == (story, "near") and by_id[edited][:2] == (story, "near")
    assert by_id[exact][:2] == (other, "exact")
    # the same articles deduped one at a time link the same way
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET duplicate_of = NULL, duplicate_kind = NULL, "
                    "duplicate_similarity = NULL")
        cur.execute("DELETE FROM lsh_buckets")
        cur.execute("DELETE FROM article_signatures")
    for aid in batch_ids:
        dedupe_stage.dedupe_article(conn, aid)
    assert links(conn) == batched


def test_a_batch_naming_a_missing_article_raises_not_found(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    with pytest.raises(NotFoundError):
        dedupe_stage.dedupe_batch(conn, [a, 999])


def test_in_one_batch_a_copy_follows_the_story_its_representative_just_joined(conn):
    a = add_article(conn, "https://a.example/1", STORY)
    b = add_article(conn, "https://b.example/1", STORY, T0 + timedelta(days=9))
    for aid in (a, b):
        dedupe_stage.dedupe_article(conn, aid)
    with conn.cursor() as cur:
        cur.execute("SELECT id, story_id, duplicate_of, coalesce(published_at, discovered_at) AS story_at, language, text FROM articles "
                    "WHERE id = ANY(%s) ORDER BY id", ([a, b],))
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, row)) for row in cur.fetchall()]
    assert rows[1]["duplicate_of"] == a
    context = classify_stage.story_context(conn, rows)  # read before either has a story
    honda_nissan, nothing = classification(["Honda", "Nissan"], "mou"), classification([], None)
    story, joined, created = classify_stage.find_story(conn, rows[0], honda_nissan, context)
    assert joined and created
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story, a))
    # the copy names no organisation: only its group can place it
    assert classify_stage.find_story(conn, rows[1], nothing, context) == (story, True, False)
    assert table_count(conn, "stories") == 1


def test_a_batch_of_copies_reads_each_text_once_and_does_not_reread_its_links(conn):
    """The chatter of issue #17: a batch with an exact and a near copy sends a bounded number
    of statements (texts, hashes and old signatures in one read; no re-select of the links)."""
    import psycopg2.extensions

    sent = []

    class Counting(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):  # noqa: A002
            sent.append(" ".join(query.split())[:60])
            return super().execute(query, vars)

    original = add_article(conn, "https://a.example/1", STORY)
    dedupe_stage.dedupe_article(conn, original)
    exact = add_article(conn, "https://b.example/1", STORY, T0 + timedelta(hours=1))
    near = add_article(conn, "https://c.example/1", STORY[: len(STORY) * 4 // 5], T0 + timedelta(hours=2))
    conn.cursor_factory = Counting
    try:
        outcomes = dedupe_stage.dedupe_batch(conn, [exact, near])
    finally:
        conn.cursor_factory = psycopg2.extensions.cursor
    assert [(o.kind, o.duplicate_of) for o in outcomes] == [("exact", original), ("near", original)]
    assert sum("FROM articles WHERE id = ANY" in q for q in sent) <= 1   # candidate texts, once
    assert not any(q.startswith("SELECT duplicate_of") for q in sent)
    assert len(sent) <= 12, sent


def test_a_new_story_starts_as_a_refresh_would_leave_it(conn):
    """find_story creates a story with its article's values, so the stage skips join_story for it."""
    aid = add_article(conn, "https://a.example/new-story", STORY, published=None)
    result = classification(["Škoda", "BYD", "Nissan", "Honda", "byd"], "joint_venture")
    story = assign_story(conn, aid, result)
    columns = "parties, deal_type, status, first_published_at, last_published_at, representative_article_id"
    with conn.cursor() as cur:
        cur.execute(f"SELECT {columns} FROM stories WHERE id = %s", (story,))
        created = cur.fetchone()
        classify_stage.join_story(conn, story, result)
        cur.execute(f"SELECT {columns} FROM stories WHERE id = %s", (story,))
        assert cur.fetchone() == created
    assert created[3] is not None and created[5] == aid  # dated by its discovery, represented by it
