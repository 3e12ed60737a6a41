"""The classify step: classifying deduplicated articles and putting each in its story; reclassification.

For a batch: classify every article (pipeline.classify), store the organisations
it mentions, then, under the stories lock, find each article's story (its
duplicate group's, else the best match among stored stories, pipeline.stories,
else a new one) and store the verdict with it. An article that already has a
story keeps it, so re-running changes nothing. reclassify() and
reclassify_outdated() send stored articles back through this step and loading.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from .. import classify as classifier
from .. import fingerprint, stories
from ..fingerprint import Signature
from ..models import Classification
from ..settings import Settings
from ..states import CLASSIFIED, DEDUPED
from ..store import articles as article_store
from ..store import dedupe as store
from .ahead import WorkedAhead
from .load import load_records
from .runner import drain, per_batch


def classify_articles(conn, settings: Settings, worker: str, ids: list[int],
                      run_id: int | None = None, ahead: WorkedAhead | None = None) -> Counter:
    """The step: classify the claimed articles, put each in its story and store the verdicts.

    ahead: classifications already worked out (a WARC backfill's extraction processes).
    """
    return per_batch(conn, settings, worker, ids, run_id, "classify",
                     lambda c, w, i: _classify_leased(c, w, i, ahead))


def _classify_leased(conn, worker: str, ids: list[int], ahead: WorkedAhead | None) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, DEDUPED)
    rows = article_store.articles_with_text(conn, held)
    verdicts = [_verdict(row["text"] or "", row["title"], row["url"], row["published_at"], ahead)
                for row in rows]
    store.lock_stories(conn)
    store.save_mentions(conn, {row["id"]: result.mentions for row, result in zip(rows, verdicts)})
    context = story_context(conn, rows)
    counts = Counter(articles_lease_lost=len(ids) - len(held))
    for row, result in zip(rows, verdicts):
        story_id, joined, created = find_story(conn, row, result, context)
        article_store.save_classification(conn, row["id"], worker, result,
                                          classifier.CLASSIFIER_VERSION, story_id)
        if joined and not created:
            join_story(conn, story_id, result)
        counts["articles_classified"] += 1
        counts["alliance_articles"] += result.is_alliance and result.is_auto
    return counts


def _verdict(text: str, title, url, published, ahead: WorkedAhead | None) -> Classification:
    """classify_article's verdict, worked out ahead or now."""
    known = ahead.verdict(text, title, url, published) if ahead is not None else None
    return known if known is not None else classifier.classify_article(text, title, url, published)


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
    holders = store.story_holders(conn, list({a["duplicate_of"] or a["id"] for a in articles}))
    return StoryContext(store.load_signatures(conn, [a["id"] for a in articles]), holders)


class StoryChoice(NamedTuple):
    """Where find_story put an article."""

    story_id: int
    joined: bool    # the article is not in the story yet: store its story_id
    created: bool   # a new story of this article alone, already as join_story would leave it


def find_story(conn, article: dict, classification: Classification,
               context: StoryContext) -> StoryChoice:
    """The story a classified article belongs in, existing or created.

    article has id, story_id, duplicate_of, story_at, language and text; context
    is story_context() of its batch, after save_mentions. The caller holds
    store.lock_stories, then stores the story id on the article when it joined, and
    calls join_story when it joined a story it did not create.
    """
    # an article with no date of its own is dated by its discovery, as in v_articles
    article_id, published_at = article["id"], article["story_at"]
    if article["story_id"] is not None:
        return StoryChoice(article["story_id"], False, False)
    organisations = stories.story_organisations(classification.parties, classification.mentions)
    story_id = context.group_story(article)
    if story_id is None and published_at is not None and organisations:
        sig = context.signatures.get(article_id) or fingerprint.signature(article["text"])
        candidate = stories.StoryArticle(article_id, published_at, article["language"],
                                         tuple(classification.parties), classification.deal_type,
                                         dict(classification.mentions), sig, classification.status)
        story_id = stories.match_story(candidate, store.story_candidates(conn, organisations, published_at))
    created = story_id is None
    if created:
        story_id = store.create_story(conn, organisations, classification.deal_type, published_at,
                                      classification.status, article_id)
    context.joined(article, story_id)
    return StoryChoice(story_id, True, created)


def join_story(conn, story_id: int, classification: Classification) -> None:
    """Refresh a story after an article joined it (its story_id is stored)."""
    store.refresh_story(conn, story_id,
                        stories.story_organisations(classification.parties, classification.mentions),
                        classification.deal_type)


def reclassify(conn, settings: Settings, *, since=None, outdated_only: bool = False) -> Counter:
    """Re-run classification and loading on stored articles; review decisions are kept."""
    version = classifier.CLASSIFIER_VERSION if outdated_only else None
    requeued = article_store.requeue_for_classification(conn, since=since, outdated_version=version)
    counts = drain(conn, settings, DEDUPED, classify_articles)
    counts += drain(conn, settings, CLASSIFIED, load_records)
    return counts + Counter(articles_requeued=requeued)


def reclassify_outdated(conn, settings: Settings) -> dict:
    """Send articles classified by another classifier version back to 'deduped' (the
    tieup_maintenance DAG then drains classify and load); loading an article first
    removes its old evidence links."""
    reset = article_store.requeue_for_classification(
        conn, outdated_version=classifier.CLASSIFIER_VERSION)
    return {"articles_reclassify": reset}
