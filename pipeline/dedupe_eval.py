"""The labelled dedupe and story fixture (tests/fixtures/dedupe/articles.yml) as corpus records.

The fixture (YAML) lists articles in arrival order; copies are described as
edits of an original so each kind of syndication edit is explicit and reviewable.
tests/test_dedupe_quality.py scores it through `tieup ingest` (pipeline.quality_run).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from . import yamlfile

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


def _published(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def fixture_records(path: Path) -> list[dict]:
    """The fixture as corpus records (pipeline.quality_eval), to score through `tieup ingest`.

    `story` becomes the event key (every article has one, so a negative pulled into a
    story counts against precision) and `copy_of` the syndication link. The fixture
    labels no status, so its gold classification is left empty (a negative): it gates
    dedupe and stories only, never the classifier measures.
    """
    return [{"id": a["id"], "lang": a.get("language"), "url": a["url"], "title": a.get("title"),
             "published": _published(a["published"]), "text": a["text"],
             "gold": {"is_auto": True, "is_alliance": False, "deal_type": None, "status": None,
                      "parties": [], "focus_areas": [], "stake_pct": None},
             "event": a.get("story"), "copy_of": a.get("copy_of")}
            for a in load_fixture(path)]
