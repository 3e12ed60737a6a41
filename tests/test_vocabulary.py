"""The vocabularies kept in code agree with everything that repeats them: article states, deal
types, statuses and focus areas against the lexicon, the classifier, the report and the CHECK
constraints and review function the migrations create."""

import re
from collections import Counter
from types import SimpleNamespace

from pipeline import report, sources, states, vocabulary
from pipeline.classify import deal_type, lexicon


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


# --------------------------------------------------------------------------- deal vocabulary

def test_every_deal_type_has_its_colour_label_and_place():
    names = [t.name for t in vocabulary.DEAL_TYPE_TERMS]
    assert len(set(names)) == len(names)
    assert set(vocabulary.DEAL_COLOURS) == set(vocabulary.DEAL_LABELS) == set(vocabulary.DEAL_TYPES)
    ranks = [t.precedence for t in vocabulary.DEAL_TYPE_TERMS if t.precedence is not None]
    assert len(set(ranks)) == len(ranks)


def test_the_lexicon_names_the_vocabulary():
    data = lexicon._data()
    found_from_words = {t.name for t in vocabulary.DEAL_TYPE_TERMS if t.precedence is not None}
    assert set(data["deal_types"]) == found_from_words
    assert {key.removesuffix("_strong") for key in data["status"]} == set(vocabulary.DEAL_STATUSES)
    assert set(data["focus"]) == {t.name for t in vocabulary.FOCUS_TERMS if t.lexicon}


def test_the_classifier_breaks_ties_over_every_lexicon_deal_type():
    # A lexicon type missing from the precedence made the deal-type choice raise StopIteration.
    assert deal_type._PRECEDENCE == vocabulary.PRECEDENCE
    assert set(lexicon._data()["deal_types"]) <= set(deal_type._PRECEDENCE)


def test_the_report_draws_every_deal_type(monkeypatch):
    # A ninth type used to get no colour (zip over eight) and the graph raised KeyError.
    assert report.DEAL_COLOURS is vocabulary.DEAL_COLOURS
    types = Counter({t: 1 for t in vocabulary.DEAL_TYPES})
    edges = {("A", "B"): types}
    monkeypatch.setattr(report, "network_edges", lambda _report: edges)
    assert report.network_png(SimpleNamespace(events=[])) is not None


def test_the_database_allows_exactly_the_vocabulary(conn):
    assert check_values(conn, "alliance_events", "deal_type") == set(vocabulary.DEAL_TYPES)
    assert check_values(conn, "alliance_events", "corrected_deal_type") == set(vocabulary.DEAL_TYPES)
    assert check_values(conn, "alliance_events", "status") - {"running", "succeeded", "failed", "abandoned"} \
        == set(vocabulary.DEAL_STATUSES)
    with conn.cursor() as cur:
        cur.execute("SELECT prosrc FROM pg_proc WHERE proname = 'tieup_review_event'")
        (source,) = cur.fetchone()
    deal_list = re.search(r"p_deal_type NOT IN \(([^)]*)\)", source).group(1)
    status_list = re.search(r"p_status NOT IN \(([^)]*)\)", source).group(1)
    assert set(re.findall(r"'([a-z_]+)'", deal_list)) == set(vocabulary.DEAL_TYPES)
    assert set(re.findall(r"'([a-z_]+)'", status_list)) == set(vocabulary.DEAL_STATUSES)


def test_every_source_kind_has_its_reader_and_the_database_allows_it(conn):
    assert set(sources.KINDS) == set(vocabulary.SOURCE_KINDS)
    assert check_values(conn, "feeds", "kind") == set(vocabulary.SOURCE_KINDS)
