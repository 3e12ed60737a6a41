"""Review decisions: corrected values win, every decision is audited, reprocessing keeps them."""

from datetime import date

import pytest

from pipeline import stages
from pipeline.cli import main
from pipeline.errors import NotFoundError, ValidationError
from pipeline.store import alliances as alliance_store
from pipeline.store import review as review_store

from .report_data import plant_events


def _event(conn, event_id):
    return review_store.get_event(conn, event_id)


def _audit_rows(conn, event_id):
    with conn.cursor() as cur:
        cur.execute("SELECT action, reviewer, old_values, new_values, note FROM review_audit "
                    "WHERE event_id = %s ORDER BY id", (event_id,))
        return cur.fetchall()


def test_confirm_and_reject_are_audited(conn):
    mou, jv, *_ = plant_events(conn)
    review_store.review_event(conn, mou, "confirm", "alice", note="two sources")
    review_store.review_event(conn, jv, "reject", "bob")
    assert _event(conn, mou)["review_state"] == "confirmed"
    assert _event(conn, mou)["reviewer"] == "alice" and _event(conn, mou)["review_note"] == "two sources"
    assert _event(conn, jv)["review_state"] == "rejected"
    (action, reviewer, old, new, note), = _audit_rows(conn, mou)
    assert (action, reviewer, note) == ("confirm", "alice", "two sources")
    assert old["review_state"] == "pending" and new["review_state"] == "confirmed"


def test_corrected_values_win_and_accumulate(conn):
    mou, *_ = plant_events(conn)
    review_store.review_event(conn, mou, "correct", "alice", status="completed",
                              event_date=date(2026, 3, 1), note="signed on the 1st")
    review_store.review_event(conn, mou, "correct", "bob", deal_type="strategic_alliance",
                              parties=["Nissan", " Honda", "Mitsubishi Motors", "Honda"])
    event = _event(conn, mou)
    assert event["status"] == "completed" and event["event_date"] == date(2026, 3, 1)
    assert event["deal_type"] == "strategic_alliance"
    assert event["parties"] == ["Honda", "Mitsubishi Motors", "Nissan"]
    assert event["pipeline_status"] == "announced" and event["pipeline_deal_type"] == "mou"
    assert event["review_state"] == "corrected" and event["reviewer"] == "bob"
    first, second = _audit_rows(conn, mou)
    assert first[2]["status"] == "announced" and first[3]["status"] == "completed"
    assert second[2]["deal_type"] == "mou" and second[3]["deal_type"] == "strategic_alliance"
    assert second[3]["event_date"] == "2026-03-01"


@pytest.mark.parametrize("kwargs, message", [
    ({"action": "correct", "deal_type": "partnership"}, "unknown deal type"),
    ({"action": "correct", "status": "done"}, "unknown status"),
    ({"action": "correct", "parties": ["Honda", "Honda "]}, "two distinct parties"),
    ({"action": "correct"}, "at least one corrected value"),
    ({"action": "confirm", "status": "completed"}, "only correct"),
    ({"action": "approve"}, "action must be"),
    ({"action": "confirm", "reviewer": "  "}, "reviewer name is required"),
])
def test_invalid_decisions_are_refused_and_change_nothing(conn, kwargs, message):
    mou, *_ = plant_events(conn)
    kwargs = {"reviewer": "alice", **kwargs}
    with pytest.raises(ValidationError, match=message):
        review_store.review_event(conn, mou, kwargs.pop("action"), kwargs.pop("reviewer"), **kwargs)
    assert _event(conn, mou)["review_state"] == "pending" and _audit_rows(conn, mou) == []


def test_parties_follow_the_gazetteer_once_it_is_filled(conn):
    mou, *_ = plant_events(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO companies (name) VALUES ('Honda'), ('Nissan') RETURNING id")
        honda = cur.fetchone()[0]
        cur.execute("INSERT INTO company_aliases (alias, company_id) VALUES ('本田', %s)", (honda,))
    conn.commit()
    review_store.review_event(conn, mou, "correct", "alice", parties=["本田", "nissan"])
    assert _event(conn, mou)["parties"] == ["Honda", "Nissan"]
    with pytest.raises(ValidationError, match="unknown company Hondda"):
        review_store.review_event(conn, mou, "correct", "alice", parties=["Hondda", "Nissan"])


def test_unknown_event_is_not_found(conn):
    with pytest.raises(NotFoundError, match="no alliance event 999"):
        review_store.review_event(conn, 999, "confirm", "alice")


def _make_reloadable(conn, event_id):
    """Give the event's articles a classification, as the classifier would have left it."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles a SET state = 'classified', deal_type = e.deal_type,
                   deal_status = e.status, parties = al.parties, focus_areas = '{ev}',
                   confidence = 0.9, event_date = e.event_date, classifier_version = 'v2'
            FROM event_articles ea JOIN alliance_events e ON e.id = ea.event_id
            JOIN alliances al ON al.id = e.alliance_id
            WHERE ea.article_id = a.id AND ea.event_id = %s
            RETURNING a.id""", (event_id,))
        ids = [r[0] for r in cur.fetchall()]
    conn.commit()
    return ids


def test_decisions_survive_reclassification(conn, settings):
    mou, *_ = plant_events(conn)
    review_store.review_event(conn, mou, "correct", "alice", status="completed",
                              event_date=date(2026, 3, 1), note="closed")
    article_ids = _make_reloadable(conn, mou)
    # reclassification: the old links go, the load stage folds the articles in again
    for article_id in article_ids:
        alliance_store.unlink_article(conn, article_id)
    conn.commit()
    assert _event(conn, mou)["article_count"] == 0   # reviewed, so kept without links
    stages.drain(conn, settings, "classified", stages.load_records)
    event = _event(conn, mou)
    assert event["article_count"] == 2
    assert (event["status"], event["event_date"], event["review_state"], event["reviewer"]) == \
        ("completed", date(2026, 3, 1), "corrected", "alice")
    assert len(_audit_rows(conn, mou)) == 1
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM alliance_events")
        assert cur.fetchone()[0] == 7   # relinked to the reviewed event, no new one


def test_unlinking_removes_unreviewed_events_only(conn):
    mou, jv, *_ = plant_events(conn)
    review_store.review_event(conn, mou, "confirm", "alice")
    for event_id in (mou, jv):
        for article_id in _make_reloadable(conn, event_id):
            alliance_store.unlink_article(conn, article_id)
    conn.commit()
    assert _event(conn, mou)["review_state"] == "confirmed"
    with pytest.raises(NotFoundError):
        _event(conn, jv)


def test_review_cli(database_url, conn, capsys):
    mou, jv, *_ = plant_events(conn)
    url = ["--database-url", database_url]
    assert main([*url, "review", "correct", str(mou), "--reviewer", "carol", "--status", "completed",
                 "--date", "2026-03-02", "--parties", "Honda,Nissan", "--note", "per filing"]) == 0
    assert main([*url, "review", "reject", str(jv), "--reviewer", "carol"]) == 0
    capsys.readouterr()
    assert main([*url, "review", "list", "--state", "corrected"]) == 0
    listed = capsys.readouterr().out
    assert f"{mou}" in listed and "corrected" in listed and "Honda × Nissan" in listed
    assert main([*url, "review", "show", str(mou)]) == 0
    shown = capsys.readouterr().out
    assert "(pipeline: announced)" in shown and "carol correct: per filing" in shown
    assert "https://autonews.example/news/hn-1" in shown
    assert "“Honda and Nissan signed a memorandum" in shown
    assert "timeline of alliance" in shown and "<- this event" in shown
    assert main([*url, "review", "correct", str(mou), "--reviewer", "carol", "--parties", "Honda"]) == 1
    assert "two distinct parties" in capsys.readouterr().err
    assert main([*url, "review", "show", "424242"]) == 1


def test_reviewer_defaults_to_environment(database_url, conn, monkeypatch):
    mou, *_ = plant_events(conn)
    monkeypatch.setenv("TIEUP_REVIEWER", "dora")
    assert main(["--database-url", database_url, "review", "confirm", str(mou)]) == 0
    assert _event(conn, mou)["reviewer"] == "dora"


def test_a_repeated_identical_decision_is_a_no_op(database_url, conn, capsys):
    mou, jv, *_ = plant_events(conn)
    url = ["--database-url", database_url]
    assert main([*url, "review", "confirm", str(mou), "--reviewer", "alice", "--note", "two sources"]) == 0
    capsys.readouterr()
    assert main([*url, "review", "confirm", str(mou), "--reviewer", "bob"]) == 0
    assert "already confirmed" in capsys.readouterr().out
    assert len(_audit_rows(conn, mou)) == 1
    assert _event(conn, mou)["reviewer"] == "alice" and _event(conn, mou)["review_note"] == "two sources"
    # a correction to the values already corrected records nothing; a new value or note does
    assert review_store.review_event(conn, jv, "correct", "carol", status="completed") is not None
    assert review_store.review_event(conn, jv, "correct", "carol", status="completed") is None
    assert review_store.review_event(conn, jv, "correct", "carol", status="completed", note="why") is not None
    assert review_store.review_event(conn, jv, "reject", "carol") is not None
    assert len(_audit_rows(conn, jv)) == 3


def test_review_function_stays_security_definer_with_a_fixed_search_path(conn):
    with conn.cursor() as cur:
        cur.execute("""SELECT p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE')
                       FROM pg_proc p WHERE p.proname = 'tieup_review_event'""")
        assert cur.fetchall() == [(True, ["search_path=public, pg_temp"], False)]
