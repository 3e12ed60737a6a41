"""How long a pass may run, and which articles it has already tried.

A pass ends within its deadline whatever servers do: no batch starts after it, and
every fetch of a batch is cut off at the batch's own deadline (itself never later
than the pass's). An article is tried at most once per pass in each state, so a
failure that comes back quickly cannot keep one pass busy with it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class PassBudget:
    """Deadlines (time.monotonic()) of one pass, and the ids it claimed per state."""

    deadline: float | None = None
    batch_seconds: float | None = None
    tried: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_settings(cls, settings) -> "PassBudget":
        """A budget starting now: settings.pass_deadline_seconds and batch_deadline_seconds."""
        return cls(deadline=time.monotonic() + settings.pass_deadline_seconds,
                   batch_seconds=settings.batch_deadline_seconds)

    def expired(self) -> bool:
        """True once the pass's deadline has passed: start nothing new."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    def batch_until(self) -> float | None:
        """Deadline of a batch starting now: batch_seconds from now, at most the pass's."""
        ends = [t for t in (self.deadline, self.batch_seconds and time.monotonic() + self.batch_seconds)
                if t]
        return min(ends) if ends else None
