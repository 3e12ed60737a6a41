"""The review service the web pages and `tieup review` share: the queue, versions, evidence in context."""

from datetime import timedelta

import pytest

from pipeline.errors import ConfigError, ConflictError, ValidationError
from pipeline.evidence import Passage, mark_evidence
from pipeline.services import review as review_service

from .report_data import FIXED_NOW, plant_events


def test_keyset_pages_cover_the_queue_once_in_order(conn):
    plant_events(conn)
    filters = review_service.InboxFilter(state=None)
    everything = review_service.inbox(conn, filters, limit=100).events
    seen, after = [], None
    while True:
        page = review_service.inbox(conn, filters, after, limit=2)
        seen += [e["event_id"] for e in page.events]
        if not page.next_after:
            break
        after = page.next_after
    assert seen == [e["event_id"] for e in everything] and len(seen) == 7
    keys = [(e["first_seen_at"], e["event_id"]) for e in everything]
    assert keys == sorted(keys, reverse=True)


def test_counts_per_state_follow_the_other_filters(conn):
    plant_events(conn)
    counts = review_service.inbox(conn, review_service.InboxFilter(deal_type="acquisition")).counts
    assert counts == {"pending": 0, "confirmed": 0, "rejected": 1, "corrected": 0}
    recent = review_service.InboxFilter(since=FIXED_NOW - timedelta(days=4))
    assert review_service.inbox(conn, recent).counts["pending"] == 3


def test_unknown_filter_values_are_refused():
    with pytest.raises(ValidationError, match="unknown deal type"):
        review_service.InboxFilter(deal_type="partnership")
    with pytest.raises(ValidationError, match="unknown review state"):
        review_service.InboxFilter(state="done")


def test_the_cli_list_reads_the_same_queue(conn):
    mou, *_ = plant_events(conn)
    rows = review_service.list_events(conn, "pending", 50)
    assert rows == review_service.inbox(conn, review_service.InboxFilter(), limit=50).events
    assert mou in [r["event_id"] for r in rows]


def test_a_decision_on_a_stale_version_records_nothing(conn):
    mou, *_ = plant_events(conn)
    seen = review_service.show_event(conn, mou).version
    assert seen == 0
    review_service.decide(conn, mou, "confirm", "bob", expected_version=seen)
    with pytest.raises(ConflictError, match="bob confirmed it") as conflict:
        review_service.decide(conn, mou, "reject", "alice", expected_version=seen)
    assert (conflict.value.reviewer, conflict.value.state) == ("bob", "confirmed")
    # even a decision that would change nothing is reported, not silently accepted
    with pytest.raises(ConflictError):
        review_service.decide(conn, mou, "confirm", "alice", expected_version=seen)
    view = review_service.show_event(conn, mou)
    assert [(a["reviewer"], a["action"]) for a in view.audit] == [("bob", "confirm")]
    review_service.decide(conn, mou, "reject", "alice", expected_version=view.version)
    assert review_service.event(conn, mou)["review_state"] == "rejected"


def test_only_changed_values_become_corrections(conn):
    mou, *_ = plant_events(conn)
    current = review_service.event(conn, mou)
    assert review_service.changed_values(current, parties=["nissan", "Honda"], deal_type="mou",
                                         status="completed", event_date=current["event_date"]) == \
        {"status": "completed"}


def test_the_web_login_must_be_a_reviewer_only(conn):
    with pytest.raises(ConfigError, match="can write tables"):
        review_service.check_app_login(conn)     # the test's owner login


def test_evidence_is_marked_in_context_even_with_other_white_space():
    text = "Intro. Honda and Nissan  signed\nan MoU. Outro."
    passages, missing = mark_evidence(text, ["Honda and Nissan signed an MoU.", "Not in the text."])
    assert passages == [Passage("Intro. ", False), Passage("Honda and Nissan  signed\nan MoU.", True),
                        Passage(" Outro.", False)]
    assert missing == ["Not in the text."]
    assert "".join(p.text for p in passages) == text


def test_overlapping_evidence_is_one_mark():
    passages, _ = mark_evidence("a b c d", ["a b c", "b c d"])
    assert passages == [Passage("a b c d", True)]
