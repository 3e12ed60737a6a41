"""Watchlists and alerts: one alert per change to each subscriber, none for unwatched companies, none
twice (a retried pass, two passes at once), a dead channel recorded and retried without holding up
the others, hostile text escaped, the morning digest once with its picture inline. Real PostgreSQL,
a real SMTP server (aiosmtpd, STARTTLS and login) and a webhook receiver on loopback."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone

import pytest

from pipeline import channels, db
from pipeline.cli import main
from pipeline.errors import ValidationError
from pipeline.services import alerts
from pipeline.store import alerts as alert_store
from pipeline.store import review as review_store

from .alert_sinks import SMTP_PASSWORD, SmtpSink, WebhookSink

COMPANIES = ("Honda", "Nissan", "Toyota", "Volkswagen", "Mitsubishi Motors")


@pytest.fixture
def watched(conn):
    """Companies in the gazetteer tables, and a watchlist of Honda and Nissan."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO companies (name) SELECT unnest(%s::text[])", (list(COMPANIES),))
        cur.execute("INSERT INTO company_aliases (alias, company_id) SELECT 'ホンダ', id FROM companies "
                    "WHERE name = 'Honda'")
    conn.commit()
    alerts.add_watchlist(conn, "japan", ["ホンダ", "nissan"])
    return conn


@pytest.fixture
def smtp(tmp_path):
    with SmtpSink(tmp_path) as sink:
        yield sink


@pytest.fixture
def hooks():
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def alert_settings(settings, smtp):
    return settings.with_overrides(smtp_url=smtp.url, digest_hour=24, alert_retry_seconds=60)


def plant_event(conn, parties, deal_type="mou", status="announced", evidence="Honda and Nissan signed an MoU.",
                url=None, confidence=0.9) -> int:
    """An event with one article, first seen now."""
    url = url or f"https://news.example/{'-'.join(parties)}-{deal_type}-{status}".replace(" ", "_")
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO alliances (party_key, parties) VALUES (%s, %s)
                       ON CONFLICT (party_key) DO UPDATE SET updated_at = now() RETURNING id""",
                    ("|".join(sorted(parties)), sorted(parties)))
        alliance_id = cur.fetchone()[0]
        cur.execute("""INSERT INTO alliance_events (alliance_id, deal_type, status, confidence)
                       VALUES (%s, %s, %s, %s) RETURNING id""", (alliance_id, deal_type, status, confidence))
        event_id = cur.fetchone()[0]
        cur.execute("""INSERT INTO articles (canonical_url, url_hash, url, source_domain, title, text, state,
                                             published_at, is_auto, is_alliance, evidence)
                       VALUES (%s, %s, %s, 'news.example', 'title', %s, 'loaded', now(), true, true, %s)
                       RETURNING id""", (url, hashlib.sha256(url.encode()).digest(), url, evidence, [evidence]))
        article_id = cur.fetchone()[0]
        cur.execute("""INSERT INTO event_articles (event_id, article_id, evidence, confidence, classifier_version)
                       VALUES (%s, %s, %s, %s, 'test')""", (event_id, article_id, [evidence], confidence))
    conn.commit()
    return event_id


def send(conn, settings, **kwargs):
    return alerts.send_alerts(conn, settings, **kwargs)


def bodies(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_one_email_per_matching_event_over_starttls_none_for_unwatched(watched, alert_settings, smtp):
    conn = watched
    alerts.subscribe(conn, "japan", "email", "analyst@example.com")
    mou = plant_event(conn, ["Honda", "Nissan"])
    plant_event(conn, ["Toyota", "Volkswagen"], "joint_venture")
    counts = send(conn, alert_settings)
    assert counts["sent"] == 1 and counts["alerts_queued"] == 1
    (rcpt, message, over_tls), = smtp.messages
    assert rcpt == ["analyst@example.com"] and over_tls and smtp.logins == [True]
    assert message["Subject"] == "[tieup] japan: Honda × Nissan: mou, announced (new alliance event)"
    assert message["From"] == "alerts@tieup.example"
    text, html = bodies(message)
    assert "Honda and Nissan signed an MoU." in text and "Honda and Nissan signed an MoU." in html
    assert f"/tieup/event/{mou}" in html and "https://news.example/" in html
    # nothing new: nothing sent; the same pass again sends nothing either
    assert send(conn, alert_settings)["sent"] == 0
    assert len(smtp.messages) == 1


def test_each_change_alerts_once_and_a_new_article_does_not(watched, alert_settings, smtp):
    conn = watched
    alerts.subscribe(conn, "japan", "email", "analyst@example.com")
    event = plant_event(conn, ["Honda", "Nissan"])
    send(conn, alert_settings)
    with conn.cursor() as cur:   # reported again by another article: not an alert-worthy change
        cur.execute("UPDATE alliance_events SET last_seen_at = now(), confidence = 0.95 WHERE id = %s", (event,))
    conn.commit()
    assert send(conn, alert_settings)["sent"] == 0
    review_store.review_event(conn, event, "correct", "alice", status="completed")
    assert send(conn, alert_settings)["sent"] == 1
    review_store.review_event(conn, event, "confirm", "bob")     # confirming changes no value
    assert send(conn, alert_settings)["sent"] == 0
    review_store.review_event(conn, event, "reject", "bob")
    assert send(conn, alert_settings)["sent"] == 1
    subjects = [m["Subject"] for _, m, _ in smtp.messages]
    assert [s.rsplit("(", 1)[1] for s in subjects] == [
        "new alliance event)", "corrected by a reviewer)", "rejected by a reviewer)"]
    assert "completed" in subjects[1]
    with conn.cursor() as cur:
        cur.execute("SELECT version, change FROM alert_event_versions WHERE event_id = %s ORDER BY 1", (event,))
        assert cur.fetchall() == [(1, "created"), (2, "corrected"), (3, "rejected")]


def test_events_before_the_subscription_and_rejections_of_unsent_events_alert_nobody(
        watched, alert_settings, smtp):
    conn = watched
    old = plant_event(conn, ["Honda", "Nissan"])
    alerts.subscribe(conn, "japan", "email", "late@example.com")
    send(conn, alert_settings)
    review_store.review_event(conn, old, "reject", "bob")   # never told of it: no rejection either
    send(conn, alert_settings)
    assert smtp.messages == []


def test_filters_deal_types_statuses_and_confidence(watched, alert_settings, smtp):
    conn = watched
    alerts.add_watchlist(conn, "mergers", ["Nissan"], deal_types=["merger"], statuses=["rumored"],
                         min_confidence=0.8)
    alerts.subscribe(conn, "mergers", "email", "m@example.com")
    plant_event(conn, ["Honda", "Nissan"], "merger", "rumored", confidence=0.85)
    plant_event(conn, ["Honda", "Nissan"], "merger", "announced", confidence=0.85)
    low = plant_event(conn, ["Honda", "Nissan", "Mitsubishi Motors"], "merger", "rumored", confidence=0.6)
    send(conn, alert_settings)
    assert len(smtp.messages) == 1
    with conn.cursor() as cur:   # its confidence rises later: it matches now, and is told once
        cur.execute("UPDATE alliance_events SET confidence = 0.9 WHERE id = %s", (low,))
    conn.commit()
    send(conn, alert_settings)
    send(conn, alert_settings)
    assert len(smtp.messages) == 2


def test_two_passes_at_once_send_each_alert_once(watched, alert_settings, smtp, database_url):
    conn = watched
    alerts.subscribe(conn, "japan", "email", "a@example.com")
    alerts.subscribe(conn, "japan", "email", "b@example.com")
    for i in range(8):
        plant_event(conn, ["Honda", "Nissan"], url=f"https://news.example/{i}", evidence=f"Deal {i}.",
                    deal_type=("mou", "merger", "licensing", "supply_agreement")[i % 4],
                    status=("announced", "rumored")[i // 4])
    smtp.delay = 0.05
    settings = alert_settings.with_overrides(alert_batch_size=3)
    barrier, errors = threading.Barrier(3), []

    def one_pass():
        try:
            with db.connection(database_url, pipeline=True) as own:
                barrier.wait()
                send(own, settings)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_pass) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    ids = [m["Message-ID"] for _, m, _ in smtp.messages]
    assert len(ids) == 16 and len(set(ids)) == 16
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM alert_deliveries")
        assert cur.fetchone() == (16, 16)


def test_a_retried_pass_sends_nothing_twice_and_a_dead_workers_lease_runs_out(
        watched, alert_settings, smtp):
    conn = watched
    alerts.subscribe(conn, "japan", "email", "a@example.com")
    plant_event(conn, ["Honda", "Nissan"])
    alerts.record_changes(conn)
    alert_store.queue_alerts(conn, 7)
    # a task claimed the delivery and died before sending: nobody else sends it while the lease holds
    assert len(alert_store.claim_deliveries(conn, "dead-worker", 10, 600)) == 1
    assert send(conn, alert_settings)["sent"] == 0
    with conn.cursor() as cur:
        cur.execute("UPDATE alert_deliveries SET leased_until = now() - interval '1 second'")
    conn.commit()
    assert send(conn, alert_settings)["sent"] == 1
    assert send(conn, alert_settings)["sent"] == 0       # Airflow's retry of the same task
    assert len(smtp.messages) == 1


def test_a_dead_channel_is_recorded_retried_and_holds_up_no_other(watched, alert_settings, smtp, hooks,
                                                                   monkeypatch):
    conn = watched
    monkeypatch.setenv("TIEUP_WEBHOOK_TEAM", hooks.url("/services/T000/B000/SECRETTOKEN"))
    alerts.subscribe(conn, "japan", "slack", "team")
    alerts.subscribe(conn, "japan", "email", "a@example.com")
    plant_event(conn, ["Honda", "Nissan"])
    plant_event(conn, ["Honda", "Nissan"], "merger", "rumored")
    hooks.status = 503
    counts = send(conn, alert_settings)
    assert counts["sent"] == 2 and counts["retry"] == 1 and counts["postponed"] == 1   # one try per pass
    assert len(smtp.messages) == 2
    health = {r["channel"]: r for r in alerts.channel_health(conn)}
    assert health["slack"]["health"] == "failing" and health["email"]["health"] == "ok"
    assert health["slack"]["pending"] == 2 and "HTTP 503" in health["slack"]["last_error"]
    with conn.cursor() as cur:
        cur.execute("SELECT string_agg(coalesce(last_error, ''), ' ') FROM alert_deliveries")
        assert "SECRETTOKEN" not in cur.fetchone()[0]
    assert send(conn, alert_settings)["sent"] == 0      # backing off: not due yet
    hooks.status = 200
    with conn.cursor() as cur:
        cur.execute("UPDATE alert_deliveries SET next_attempt_at = now() WHERE state = 'pending'")
    conn.commit()
    assert send(conn, alert_settings)["sent"] == 2
    assert [path for path, _ in hooks.posts] == ["/services/T000/B000/SECRETTOKEN"] * 2
    assert alerts.channel_health(conn)[1]["health"] == "ok"


def test_a_channel_that_never_works_is_parked_after_max_attempts(watched, alert_settings, hooks, monkeypatch):
    conn = watched
    monkeypatch.setenv("TIEUP_WEBHOOK_OPS", hooks.url("/gone"))
    alerts.subscribe(conn, "japan", "webhook", "ops")
    plant_event(conn, ["Honda", "Nissan"])
    hooks.status = 404                                    # terminal: parked at once
    assert send(conn, alert_settings)["failed"] == 1
    settings = alert_settings.with_overrides(alert_max_attempts=2, alert_retry_seconds=0)
    alerts.subscribe(conn, "japan", "webhook", "unset")   # no URL configured: retried, then parked
    plant_event(conn, ["Honda", "Nissan"], "merger")
    counts = send(conn, settings)
    assert counts["retry"] == 1 and counts["failed"] == 1          # unset waits, ops 404s again
    assert send(conn, settings)["failed"] == 1                      # unset's second and last attempt
    rows = {(r["target"], r["failed"], r["pending"]) for r in alerts.channel_health(conn)}
    assert rows == {("ops", 2, 0), ("unset", 1, 0)}


def test_webhooks_pass_the_private_address_guard(watched, alert_settings, hooks, monkeypatch):
    conn = watched
    monkeypatch.setenv("TIEUP_WEBHOOK_OPS", hooks.url("/hook/SECRET"))
    alerts.subscribe(conn, "japan", "webhook", "ops")
    plant_event(conn, ["Honda", "Nissan"])
    counts = send(conn, alert_settings.with_overrides(allow_private_hosts=False))
    assert counts["failed"] == 1 and hooks.posts == []
    error = alerts.channel_health(conn)[0]["last_error"]
    assert "non-public address" in error and "SECRET" not in error


def test_hostile_text_is_escaped_in_every_channel(watched, alert_settings, smtp, hooks, monkeypatch):
    conn = watched
    monkeypatch.setenv("TIEUP_WEBHOOK_TEAM", hooks.url("/slack"))
    monkeypatch.setenv("TIEUP_WEBHOOK_OPS", hooks.url("/json"))
    for channel, target in (("email", "a@example.com"), ("slack", "team"), ("webhook", "ops")):
        alerts.subscribe(conn, "japan", channel, target)
    evil = "<script>alert(1)</script> <!channel> <https://evil.example|click> & more\r\nBcc: x@evil.example"
    plant_event(conn, ["Honda", "Evil\r\nBcc: victim@evil.example"], evidence=evil,
                url="javascript:alert(1)")
    assert send(conn, alert_settings)["sent"] == 3
    (rcpt, message, _), = smtp.messages
    assert rcpt == ["a@example.com"] and message["Bcc"] is None
    assert "\n" not in message["Subject"]
    text, html = bodies(message)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    slack = next(body for path, body in hooks.posts if path == "/slack")
    slack_text = slack["blocks"][0]["text"]["text"]
    assert "<!channel>" not in slack_text and "&lt;!channel&gt;" in slack_text
    assert "<https://evil.example|click>" not in slack_text and "javascript:" not in slack_text
    generic = next(body for path, body in hooks.posts if path == "/json")
    assert generic["event"]["best_evidence"].startswith("<script>")   # JSON carries it as data


def test_the_morning_digest_goes_once_with_the_picture_inline(watched, alert_settings, smtp):
    conn = watched
    alerts.subscribe(conn, "japan", "email", "a@example.com")
    alerts.subscribe(conn, "japan", "email", "alerts-only@example.com", digest=False)
    alerts.add_watchlist(conn, "quiet", ["Toyota"])
    alerts.subscribe(conn, "quiet", "email", "q@example.com")
    plant_event(conn, ["Honda", "Nissan"])
    settings = alert_settings.with_overrides(digest_hour=0)
    now = datetime.now(timezone.utc)
    assert send(conn, settings, now=now)["digests_queued"] == 1   # not for the quiet list: nothing new
    send(conn, settings, now=now)
    digests = [(r, m) for r, m, _ in smtp.messages if "alliance event(s)" in m["Subject"]]
    assert [r for r, _ in digests] == [["a@example.com"]]
    message = digests[0][1]
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    image = next(p for p in related.iter_parts() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<tieup-network>" and image.get_content_disposition() == "inline"
    html = message.get_body(("html",)).get_content()
    assert 'src="cid:tieup-network"' in html and "data:image/png" not in html
    assert "Honda × Nissan" in message.get_body(("plain",)).get_content()


def test_watch_cli(watched, database_url, capsys):
    def tieup(*args):
        return main([*args, "--database-url", database_url])

    assert tieup("watch", "add", "ev", "--companies", "ホンダ,Toyota", "--deal-types", "joint_venture") == 0
    assert "Honda, Toyota" in capsys.readouterr().out
    assert tieup("watch", "add", "ev", "--companies", "Acme") == 1
    assert "unknown company 'Acme'" in capsys.readouterr().err
    assert tieup("watch", "subscribe", "ev", "https://hooks.slack.com/services/X", "--channel", "slack") == 1
    assert "secret" in capsys.readouterr().err
    assert tieup("watch", "subscribe", "ev", "team", "--channel", "slack") == 0
    assert tieup("watch", "subscribe", "ev", "a@example.com") == 0
    capsys.readouterr()
    assert tieup("watch", "list") == 0
    out = capsys.readouterr().out
    assert "companies:   Honda, Toyota" in out and "email:a@example.com, slack:team" in out
    assert tieup("watch", "remove", "ev", "--companies", "Toyota") == 0
    assert tieup("watch", "subscribe", "ev", "team", "--channel", "slack", "--remove") == 0
    assert tieup("watch", "health") == 0
    assert tieup("watch", "remove", "ev") == 0 and tieup("watch", "remove", "ev") == 1
    with pytest.raises(ValidationError):
        alerts.check_target("email", "not an address")


def test_secrets_stay_out_of_reprs(alert_settings):
    assert SMTP_PASSWORD not in repr(alert_settings)
    config = channels.parse_smtp_url(alert_settings.smtp_url)
    assert config.login == "tieup" and config.starttls and SMTP_PASSWORD not in repr(config)
