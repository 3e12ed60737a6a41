"""Score dedupe and story grouping on a labelled fixture, through the real store functions.

The fixture (YAML) lists articles in arrival order; copies are described as
edits of an original so each kind of syndication edit is explicit and reviewable.
"""

from __future__ import annotations

from datetime import datetime
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit


from . import dedupe, yamlfile
from .models import Classification
from .store import dedupe as store

_INHERITED = ("language", "story", "parties", "deal_type", "mentions")


class FixtureError(ValueError):
    """The evaluation fixture is malformed (unknown original, edit that does not apply)."""


def apply_edits(text: str, edits: dict) -> str:
    """The text of a syndicated copy: the original with banner, byline, cuts, word changes.

    Order: replace words, drop paragraphs (by index), keep_first / trim_last, dateline,
    byline and banner on top, append at the end.
    """
    for old, new in edits.get("replace", []):
        if old not in text:
            raise FixtureError(f"replace: {old!r} is not in the original")
        text = text.replace(old, new, 1)
    paragraphs = [p for p in text.strip().split("\n") if p.strip()]
    dropped = set(edits.get("drop", []))
    paragraphs = [p for i, p in enumerate(paragraphs) if i not in dropped]
    if "keep_first" in edits:
        paragraphs = paragraphs[: edits["keep_first"]]
    if "trim_last" in edits:
        paragraphs = paragraphs[: -edits["trim_last"]]
    if "dateline" in edits:
        paragraphs[0] = f"{edits['dateline']} {paragraphs[0]}"
    for key in ("byline", "banner"):
        if key in edits:
            paragraphs.insert(0, edits[key])
    if "append" in edits:
        paragraphs.append(edits["append"])
    return "\n".join(paragraphs) + "\n"


def load_fixture(path: Path) -> list[dict]:
    """Articles in arrival order with copies materialised and labels inherited."""
    raw = yamlfile.safe_load(Path(path).read_text(encoding="utf-8"))["articles"]
    originals = {a["id"]: a for a in raw if "copy_of" not in a}
    articles = []
    for item in raw:
        article = dict(item)
        if "copy_of" in item:
            original = originals.get(item["copy_of"])
            if original is None:
                raise FixtureError(f"{item['id']}: unknown original {item['copy_of']!r}")
            for key in _INHERITED:
                article.setdefault(key, original.get(key))
            article["text"] = apply_edits(original["text"], item.get("edits", {}))
        article["dup_group"] = item.get("copy_of", item["id"])
        articles.append(article)
    return articles


def _published(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def insert_article(conn, article: dict) -> int:
    """Store a fixture article as the extract stage would leave it."""
    canonical = dedupe.canonical_url(article["url"])
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO articles (canonical_url, url_hash, url, source_domain, language,
                                  published_at, text, state)
            VALUES (%s, %s, %s, %s, %s, %s, %s, 'extracted') RETURNING id""",
                    (canonical, dedupe.url_hash(canonical), article["url"],
                     urlsplit(canonical).hostname or "", article.get("language"),
                     _published(article["published"]), article["text"]))
        return cur.fetchone()[0]


def classification_of(article: dict) -> Classification:
    """The classifier output recorded in the fixture labels."""
    parties = tuple(article.get("parties") or ())
    return Classification(is_auto=True, is_alliance=bool(parties),
                          deal_type=article.get("deal_type"), parties=parties,
                          mentions=dict(article.get("mentions") or {}))


def pairwise(predicted: dict, truth: dict) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering (item -> cluster label) against truth."""
    def pairs(labels: dict) -> set:
        return {(a, b) for a, b in combinations(sorted(labels), 2) if labels[a] == labels[b]}
    got, want = pairs(predicted), pairs(truth)
    precision = len(got & want) / len(got) if got else 1.0
    recall = len(got & want) / len(want) if want else 1.0
    return precision, recall


def evaluate(conn, path: Path) -> dict:
    """Run every fixture article through dedupe then story assignment; pairwise scores."""
    articles = load_fixture(path)
    ids = {}
    for article in articles:
        ids[article["id"]] = insert_article(conn, article)
        store.dedupe_article(conn, ids[article["id"]])
        store.assign_story(conn, ids[article["id"]], classification_of(article))
    with conn.cursor() as cur:
        cur.execute("SELECT id, coalesce(duplicate_of, id), story_id FROM articles "
                    "WHERE id = ANY(%s)", (list(ids.values()),))
        rows = {aid: (group, story) for aid, group, story in cur.fetchall()}
    names = {aid: name for name, aid in ids.items()}
    dup_p, dup_r = pairwise({names[a]: g for a, (g, _) in rows.items()},
                            {a["id"]: a["dup_group"] for a in articles})
    story_p, story_r = pairwise({names[a]: s for a, (_, s) in rows.items()},
                                {a["id"]: a["story"] for a in articles})
    return {"articles": len(articles), "duplicate_precision": dup_p, "duplicate_recall": dup_r,
            "story_precision": story_p, "story_recall": story_r}
