"""Data-quality checks over the pipeline's tables; they fail loudly with the offending rows.

Run by the `alliance_digest` DAG after the digest; each check is one query in
store/quality.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DataQualityError
from .settings import Settings
from .store import quality as quality_store

# A lease this long past its end means no worker came back for the article.
LEASE_GRACE_SECONDS = 3600
# An unleased article due this long ago means no stage is draining its state.
STALL_SECONDS = 24 * 3600
FEED_FAILING_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, what it looks for, and the rows that break it."""

    name: str
    description: str
    rows: list[dict]

    @property
    def passed(self) -> bool:
        return not self.rows


def run_checks(conn, settings: Settings) -> list[CheckResult]:
    """Run every check; nothing is raised here."""
    results = [
        CheckResult("stuck_articles", "articles stuck in a state past their lease or long overdue",
                    quality_store.stuck_articles(conn, LEASE_GRACE_SECONDS, STALL_SECONDS)),
        CheckResult("events_without_evidence", "alliance events without an evidence sentence",
                    quality_store.events_without_evidence(conn)),
        CheckResult("failing_feeds", "feeds failing for more than a day",
                    quality_store.failing_feeds(conn, FEED_FAILING_SECONDS)),
    ]
    conn.rollback()   # read-only: end the transaction rather than keep it open
    return results


def describe_failures(results: list[CheckResult]) -> str:
    """A readable listing of each failed check and its offending rows."""
    lines = []
    for result in results:
        if result.passed:
            continue
        lines.append(f"{result.name}: {len(result.rows)} row(s), {result.description}")
        lines += [f"  {_row_text(row)}" for row in result.rows]
    return "\n".join(lines)


def _row_text(row: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in row.items())


def check_data_quality(conn, settings: Settings) -> dict:
    """Run the checks; raise DataQualityError listing the offending rows if any fails."""
    results = run_checks(conn, settings)
    if not all(r.passed for r in results):
        raise DataQualityError("data-quality checks failed\n" + describe_failures(results))
    return {r.name: 0 for r in results}
