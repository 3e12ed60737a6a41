"""The batch runner: claiming batches from the queue and running a step over them, one transaction each.

Every step has one signature, step(conn, settings, worker, ids, run_id) -> Counter:
it processes the articles `ids` leased to `worker` and returns counts. The runner
claims a batch in a state (pipeline.states), runs the step, and makes the batch
an error boundary (per_batch): a failing batch is redone article by article so
only the article at fault is parked. drain() runs one step until its state is
empty, flow() interleaves several, claim_batches() leases batches for the DAG's
mapped tasks.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from typing import Callable

from .. import db, safetext
from ..settings import Settings
from ..store import articles as article_store
from .budget import PassBudget

log = logging.getLogger(__name__)

Step = Callable[..., Counter]   # step(conn, settings, worker, ids, run_id) -> Counter


def new_worker_id() -> str:
    """A lease owner name unique to this process and call."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def per_batch(conn, settings: Settings, worker: str, ids: list[int], run_id: int | None,
              stage: str, process) -> Counter:
    """Run process(conn, worker, ids) and commit it as one transaction.

    When it fails on something other than the database being unavailable (a bad
    article, a bug), the batch is rolled back and redone one article at a time, so
    the article that fails is parked with its error and the others go on.
    """
    try:
        counts = process(conn, worker, ids)
        conn.commit()
        return +counts
    except Exception as exc:  # noqa: BLE001 - sorted out below: transient errors propagate
        conn.rollback()
        if db.is_transient_db_error(exc, conn):
            raise
        if db.is_lock_timeout(exc):
            # Someone (a reviewer's open transaction, a stuck worker) holds a lock too long:
            # not the articles' fault. Leave the batch for a later pass.
            log.warning("%s of %d articles waited too long for a lock: %s", stage, len(ids), exc)
            return Counter(articles_deferred=article_store.release(conn, ids, worker))
        if len(ids) == 1:
            log.warning("%s failed for article %s: %s", stage, ids[0], exc)
            outcome = article_store.record_failure(
                conn, ids[0], worker, stage=stage, error=safetext.describe(exc),
                transient=False, max_attempts=settings.max_attempts, run_id=run_id)
            return Counter({f"articles_{outcome}": 1})
    counts = Counter()
    for article_id in ids:
        counts += per_batch(conn, settings, worker, [article_id], run_id, stage, process)
    return counts


def drain(conn, settings: Settings, state: str, step: Step, run_id: int | None = None,
          budget: PassBudget | None = None) -> Counter:
    """Claim and process batches in `state` until none is left; returns summed counts."""
    budget = budget or PassBudget()
    counts = Counter()
    while not budget.expired() and (done := _one_batch(conn, settings, state, step, run_id, budget)) is not None:
        counts += done
    return counts


def flow(conn, settings: Settings, steps, run_id: int | None = None,
         budget: PassBudget | None = None) -> Counter:
    """Take work through `steps` ((state, step) pairs) a batch per step per round, until none is left.

    Unlike draining each step in turn, the first alliances are loaded while later
    articles are still being fetched. And when several workers share the queue, the
    steps that serialise on a lock (dedupe, stories, load) overlap with another
    worker's fetching and extraction instead of queueing behind each other at the end.
    """
    budget = budget or PassBudget()
    counts = Counter()
    while True:
        if budget.expired():
            return counts + Counter(pass_deadline_reached=1)
        rounds = [_one_batch(conn, settings, state, step, run_id, budget) for state, step in steps]
        if all(done is None for done in rounds):
            return counts
        counts += sum((done for done in rounds if done is not None), Counter())


def _one_batch(conn, settings: Settings, state: str, step: Step, run_id: int | None,
               budget: PassBudget) -> Counter | None:
    """Claim one batch in `state` and process it; None when there was nothing to claim.

    Articles this pass already claimed in `state` (they failed, or were left for
    later) are not claimed again: an article is tried at most once per pass.
    """
    if budget.expired():
        return None
    worker = new_worker_id()
    tried = budget.tried[state]
    ids = article_store.claim_batch(conn, state, worker, settings.batch_size, settings.lease_seconds,
                                    exclude=tried)
    tried.update(ids)
    return step(conn, settings, worker, ids, run_id) if ids else None


def claim_batches(conn, settings: Settings, state: str, max_batches: int) -> list[str]:
    """Lease up to max_batches batches of articles in `state`; returns one worker token per batch.

    Used by the Airflow DAG to map one task over each batch; a token's rows stay
    leased to it until processed or until the lease runs out.
    """
    tokens = []
    for _ in range(max_batches):
        token = new_worker_id()
        if not article_store.claim_batch(conn, state, token, settings.batch_size,
                                         settings.lease_seconds):
            break
        tokens.append(token)
    return tokens
