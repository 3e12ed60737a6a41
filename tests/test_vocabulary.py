"""The vocabularies kept in code match the database: article states (and, below, deal types,
statuses and focus areas) against the CHECK constraints the migrations create."""

import re

from pipeline import states


def check_values(conn, table: str, column: str) -> set[str]:
    """The values a CHECK constraint of `table` allows for `column` (IN list or = ANY(ARRAY[...]))."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'c'", (table,))
        defs = [d for (d,) in cur.fetchall() if re.search(rf"\b{column}\b", d)]
    assert defs, f"no CHECK constraint on {table}.{column}"
    return {value for d in defs for value in re.findall(r"'([a-z_]+)'::text", d)}


def test_article_states_match_the_check_constraint(conn):
    allowed = check_values(conn, "articles", "state")
    assert set(states.STATES) <= allowed
    assert allowed - set(states.STATES) == {"fetched"}  # old rows only; see pipeline/states.py


def test_transitions_stay_within_the_states():
    assert {s for move in states.TRANSITIONS for s in move} <= set(states.STATES)
    assert all(states.next_state(s) == t for s, t in states.NEXT_STATE.items())
