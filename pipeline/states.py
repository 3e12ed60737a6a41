"""The article state machine: the states an article passes through and the moves allowed between them.

The articles table is the queue: each stage claims articles in one state and moves
them to the next (STEPS names the stage that does it); any state can fall to
'failed' (parked after too many attempts), and reclassification sends 'classified'
and 'loaded' articles back to 'deduped'. The stages, the store (advance_many), the
DAGs (which state each task drains) and the CLI read these names from here; the
CHECK constraint on articles.state (migrations) must allow every one of STATES
(tests/test_vocabulary.py checks it). Pure data: no I/O.
"""

from __future__ import annotations

DISCOVERED, EXTRACTED, DEDUPED, CLASSIFIED, LOADED, FAILED = (
    "discovered", "extracted", "deduped", "classified", "loaded", "failed")
# 'fetched' is allowed by the schema for old rows only; nothing moves an article there now.
STATES = (DISCOVERED, EXTRACTED, DEDUPED, CLASSIFIED, LOADED, FAILED)

# state a stage claims -> the state it moves an article to
NEXT_STATE = {DISCOVERED: EXTRACTED, EXTRACTED: DEDUPED, DEDUPED: CLASSIFIED, CLASSIFIED: LOADED}

# state -> the stage (a function of pipeline.stages) that takes an article out of it
STEPS = {DISCOVERED: "fetch_and_extract", EXTRACTED: "dedupe_articles",
         DEDUPED: "classify_articles", CLASSIFIED: "load_records"}

# every allowed move: a stage's step, parking, and requeueing for reclassification
TRANSITIONS = frozenset({*NEXT_STATE.items(), *((s, FAILED) for s in NEXT_STATE),
                         (CLASSIFIED, DEDUPED), (LOADED, DEDUPED)})


def next_state(state: str) -> str:
    """The state a stage moves an article in `state` to; KeyError for a state no stage claims."""
    return NEXT_STATE[state]
