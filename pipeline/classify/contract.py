"""The `tieup classify` JSON Lines contract."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from . import classify_article


def classify_lines(lines: Iterable[str]) -> Iterator[str]:
    """One JSON output line per input line, in order; bad lines get an error object."""
    for line in lines:
        try:
            item = json.loads(line)
            result = classify_article(item["text"], item.get("title"), item.get("url"))
            yield json.dumps(result.as_contract(item.get("id")), ensure_ascii=False)
        except (ValueError, KeyError, TypeError) as exc:
            yield json.dumps({"id": None, "error": f"bad input line: {exc}"})
