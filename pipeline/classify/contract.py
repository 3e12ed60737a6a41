"""The `tieup classify` contract: JSON Lines in, one JSON line out per input, in order.

Input line: {"id", "text", "title"?, "url"?, "published"?} (published: ISO 8601 date or
date-time). Output line: {"id", "is_auto", "is_alliance", "deal_type", "status",
"parties", "focus_areas", "confidence", "evidence"}. A line that cannot be classified
(invalid JSON, not an object, missing id, missing or non-string text, wrong field types,
or a blank line) yields {"id": <id or null>, "error": "<message>"} in its place, so
output line N always answers input line N, and the following lines go on. A published
string that is neither ISO 8601 nor RFC 2822 is ignored (the date is optional).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Iterable, Iterator

from pipeline.classify import classify_article

_OPTIONAL_TEXT = ("title", "url")


class BadLine(ValueError):
    """An input line that does not follow the contract (the message says why)."""


def _published(value) -> date | datetime | None:
    """ISO 8601 (or RFC 2822, as feeds write it); an unreadable date is left out."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadLine("'published' must be a date string or null")
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None  # a date is optional: classify without it rather than drop the article


def _parse(line: str) -> tuple[object, dict]:
    """The id and the classify_article arguments of one line, or BadLine."""
    if not line.strip():
        raise BadLine("blank line")
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise BadLine(f"invalid JSON: {exc}") from None
    if not isinstance(item, dict):
        raise BadLine("a line must be a JSON object")
    item_id = item.get("id")
    if "id" not in item or isinstance(item_id, (dict, list)):
        raise BadLine("missing 'id' (string or number)")
    if not isinstance(item.get("text"), str):
        raise BadLine("'text' must be a string")
    for name in _OPTIONAL_TEXT:
        if item.get(name) is not None and not isinstance(item[name], str):
            raise BadLine(f"'{name}' must be a string or null")
    return item_id, {"text": item["text"], "title": item.get("title"), "url": item.get("url"),
                     "published": _published(item.get("published"))}


def _id_of(line: str):
    """The id of a bad line when it can still be read, else None."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    item_id = item.get("id") if isinstance(item, dict) else None
    return item_id if isinstance(item_id, (str, int, float)) else None


def classify_line(line: str) -> str:
    """The output line (JSON, no newline) for one input line."""
    try:
        item_id, args = _parse(line)
    except BadLine as exc:
        return json.dumps({"id": _id_of(line), "error": str(exc)}, ensure_ascii=False)
    result = classify_article(**args).as_contract(item_id)
    return json.dumps(result, ensure_ascii=False)


def classify_lines(lines: Iterable[str]) -> Iterator[str]:
    """One output line per input line, in input order (trailing newlines are ignored)."""
    for line in lines:
        if isinstance(line, (bytes, bytearray)):
            line = bytes(line).decode("utf-8", errors="replace")
        yield classify_line(line.rstrip("\r\n") if isinstance(line, str) else "")
