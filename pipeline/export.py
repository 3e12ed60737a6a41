"""Writers for `tieup export`: rows in, CSV or JSON Lines out, one row at a time. Pure."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal


def _scalar(value):
    """A JSON-ready value: dates as ISO 8601, lists kept as lists."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_scalar(v) for v in value]
    return value


def _csv_cell(value):
    # Lists become JSON arrays: unambiguous even when an evidence sentence has commas.
    value = _scalar(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def write_csv(columns: list[str], rows, out) -> int:
    """CSV with a header row; returns the number of data rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    return count


def write_jsonl(columns: list[str], rows, out) -> int:
    """One JSON object per line; returns the number of rows written."""
    count = 0
    for row in rows:
        out.write(json.dumps(dict(zip(columns, map(_scalar, row))), ensure_ascii=False) + "\n")
        count += 1
    return count
