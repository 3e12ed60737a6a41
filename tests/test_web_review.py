"""The review pages through HTTP, as Airflow's API server serves them, against a real database.

The app is Airflow's own (create_app: the tieup plugin found through its entry point and
mounted at /tieup, the SimpleAuthManager at /auth); tokens are signed by Airflow's auth
manager. Every decision must reach tieup_review_event under the logged-in user's name.
"""

import re

import jwt
import pytest
from fastapi.testclient import TestClient

from . import review_web

HONDA_NISSAN, VW_RIVIAN, GM_LGES, TOYOTA_MAZDA, HONDA_NISSAN_OLD, TESLA_FORD, HONDA_NISSAN_MMC = range(7)


@pytest.fixture
def client(airflow_api_app):
    return TestClient(airflow_api_app, base_url="http://localhost:8080")


def _as(client, name):
    client.cookies.set("_token", review_web.mint_token(name))
    return client


def _state(conn, event_id):
    with conn.cursor() as cur:
        cur.execute("SELECT review_state, reviewer FROM alliance_events WHERE id = %s", (event_id,))
        row = cur.fetchone()
        cur.execute("SELECT count(*) FROM review_audit WHERE event_id = %s", (event_id,))
        conn.commit()
        return (*row, cur.fetchone()[0])


def _form(page_html, form_id):
    """The hidden fields of a form on the page (csrf token and the event version)."""
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page_html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def _decide(client, event_id, action, **fields):
    page = client.get(f"/tieup/event/{event_id}").text
    data = _form(page, f"{action}-form") | fields
    return client.post(f"/tieup/event/{event_id}/decide", data=data, follow_redirects=False)


def test_the_plugin_is_registered_with_its_navigation_link(airflow_api_app):
    from airflow import plugins_manager
    apps, _ = plugins_manager.get_fastapi_plugins()
    assert [a["url_prefix"] for a in apps if a["name"] == "tieup review"] == ["/tieup"]
    views, _ = plugins_manager._get_ui_plugins()
    assert {"name": "Review", "href": "/tieup/", "url_route": "tieup-review",
            "destination": "nav", "nav_top_level": True} in views


def test_anonymous_and_forged_requests_read_and_change_nothing(client, review_site, conn):
    event = review_site[HONDA_NISSAN]
    other_secret = jwt.encode({"sub": "alice", "role": "admin", "aud": "apache-airflow"},
                              "not-the-secret-" * 4, algorithm="HS512")
    tampered = review_web.mint_token("alice")[:-4] + "AAAA"
    for cookie in (None, "garbage", other_secret, tampered):
        client.cookies.clear()
        if cookie:
            client.cookies.set("_token", cookie)
        for path in ("/tieup/", f"/tieup/event/{event}", "/tieup/company?name=Honda", "/tieup/network",
                     "/tieup/sources"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, (cookie, path)
            assert response.headers["location"].startswith("/auth/login?next=")
            assert "Nissan" not in response.text
        response = client.post(f"/tieup/event/{event}/decide", data={"action": "reject", "version": "0"},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/auth/login")
    # a forged Bearer header is no better than a forged cookie
    client.cookies.clear()
    assert client.get("/tieup/", headers={"Authorization": f"Bearer {other_secret}"},
                      follow_redirects=False).status_code == 303
    assert _state(conn, event) == ("pending", None, 0)


def test_login_through_airflow_then_the_inbox(client, review_site):
    token = client.post("/auth/token", json={"username": "alice", "password": "alice-pw"}).json()["access_token"]
    client.cookies.set("_token", token)
    page = client.get("/tieup/")
    assert page.status_code == 200
    assert "alice" in page.text
    rows = re.findall(r'<tr class="row" data-href="/tieup/event/(\d+)"', page.text)
    # pending events, newest first (the rejected Tesla–Ford one is not pending)
    assert [int(r) for r in rows] == [review_site[i] for i in
                                      (HONDA_NISSAN_MMC, GM_LGES, VW_RIVIAN, HONDA_NISSAN, HONDA_NISSAN_OLD,
                                       TOYOTA_MAZDA)]
    assert re.search(r'pending <span class="count">6</span>', page.text)
    assert re.search(r'rejected <span class="count">1</span>', page.text)
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_inbox_filters_and_keyset_pages(client, review_site, monkeypatch):
    _as(client, "alice")
    ids = lambda text: [int(r) for r in re.findall(r'data-href="/tieup/event/(\d+)"', text)]
    assert ids(client.get("/tieup/?state=&deal_type=acquisition").text) == [review_site[TESLA_FORD]]
    assert ids(client.get("/tieup/?state=rejected").text) == [review_site[TESLA_FORD]]
    by_alias = ids(client.get("/tieup/?company=Nissan+Motor").text)   # an alias finds the company
    assert set(by_alias) == {review_site[i] for i in (HONDA_NISSAN_MMC, HONDA_NISSAN, HONDA_NISSAN_OLD)}
    assert ids(client.get("/tieup/?status=rumored").text) == [review_site[HONDA_NISSAN_MMC]]
    monkeypatch.setattr("pipeline.web.app.PAGE_SIZE", 4)
    first = client.get("/tieup/").text
    older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(older).text
    assert len(ids(first)) == 4 and len(ids(second)) == 2 and not set(ids(first)) & set(ids(second))
    assert 'rel="next"' not in second
    bad = client.get("/tieup/?deal_type=partnership")
    assert bad.status_code == 400 and "unknown deal type" in bad.text


def test_confirm_records_the_logged_in_user_and_opens_the_next_pending(client, review_site, conn):
    _as(client, "alice")
    event = review_site[HONDA_NISSAN]
    response = _decide(client, event, "confirm", note="two sources")
    assert response.status_code == 303
    assert response.headers["location"] == f"/tieup/event/{review_site[HONDA_NISSAN_OLD]}?done={event}%3Aconfirm"
    assert _state(conn, event) == ("confirmed", "alice", 1)
    with conn.cursor() as cur:
        cur.execute("SELECT reviewer, db_user, note FROM review_audit WHERE event_id = %s", (event,))
        reviewer, db_user, note = cur.fetchone()
    assert (reviewer, note) == ("alice", "two sources") and db_user.startswith("tieup_test_web_")
    shown = client.get(response.headers["location"])
    assert f'Event <a href="/tieup/event/{event}">{event}</a> confirmed.' in shown.text


def test_correct_records_only_the_values_changed(client, review_site, conn):
    _as(client, "alice")
    event = review_site[VW_RIVIAN]
    page = client.get(f"/tieup/event/{event}").text
    data = _form(page, "correct-form") | {"party": ["Volkswagen", "Rivian"], "deal_type": "joint_venture",
                                          "status": "completed", "event_date": "", "note": "closed"}
    response = client.post(f"/tieup/event/{event}/decide", data=data, follow_redirects=False)
    assert response.status_code == 303
    with conn.cursor() as cur:
        cur.execute("""SELECT review_state, corrected_status, corrected_parties, corrected_deal_type
                       FROM alliance_events WHERE id = %s""", (event,))
        assert cur.fetchone() == ("corrected", "completed", None, None)
    page = client.get(f"/tieup/event/{event}").text
    assert "status: announced → completed" in page


@pytest.mark.parametrize("fields, message", [
    ({"party": ["Honda", "Acme Nonexistent Motors"]}, "unknown company Acme Nonexistent Motors"),
    ({"deal_type": "partnership"}, "unknown deal type"),
    ({"status": "maybe"}, "unknown status"),
    ({"event_date": "31/02/2026"}, "not a YYYY-MM-DD date"),
    ({}, "nothing to correct"),
])
def test_bad_input_gets_a_message_and_changes_nothing(client, review_site, conn, fields, message):
    _as(client, "alice")
    event = review_site[HONDA_NISSAN]
    page = client.get(f"/tieup/event/{event}").text
    data = _form(page, "correct-form") | {"party": ["Honda", "Nissan"], "deal_type": "mou",
                                          "status": "announced", "event_date": "2026-03-05"} | fields
    response = client.post(f"/tieup/event/{event}/decide", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert message in response.text
    assert _state(conn, event) == ("pending", None, 0)


def test_a_missing_event_is_a_clear_404(client, review_site, conn):
    _as(client, "alice")
    assert "no alliance event 999999" in client.get("/tieup/event/999999").text
    page = client.get(f"/tieup/event/{review_site[HONDA_NISSAN]}").text
    response = client.post("/tieup/event/999999/decide", data=_form(page, "confirm-form"))
    assert response.status_code == 404 and "no alliance event 999999" in response.text


def test_a_concurrent_decision_is_shown_not_overwritten(client, airflow_api_app, review_site, conn):
    event = review_site[GM_LGES]
    alice = _as(client, "alice")
    alice_form = _form(alice.get(f"/tieup/event/{event}").text, "reject-form")
    bob = _as(TestClient(airflow_api_app, base_url="http://localhost:8080"), "bob")
    assert _decide(bob, event, "confirm").status_code == 303
    late = alice.post(f"/tieup/event/{event}/decide", data=alice_form, follow_redirects=False)
    assert late.status_code == 409
    assert "bob confirmed it (confirmed)" in late.text and "nothing was recorded" in late.text
    assert _state(conn, event) == ("confirmed", "bob", 1)
    # the page she now sees carries the new version: deciding again works
    assert _decide(alice, event, "reject").status_code == 303
    assert _state(conn, event) == ("rejected", "alice", 2)


def test_forms_without_this_sessions_token_are_refused(client, airflow_api_app, review_site, conn):
    event = review_site[HONDA_NISSAN]
    bob = _as(TestClient(airflow_api_app, base_url="http://localhost:8080"), "bob")
    bobs_form = _form(bob.get(f"/tieup/event/{event}").text, "confirm-form")
    alice = _as(client, "alice")
    for data in ({"action": "confirm", "version": "0"}, bobs_form, bobs_form | {"csrf": "0" * 64}):
        response = alice.post(f"/tieup/event/{event}/decide", data=data, follow_redirects=False)
        assert response.status_code == 403 and "nothing was recorded" in response.text
    assert _state(conn, event) == ("pending", None, 0)


def test_a_user_without_permission_reads_and_changes_nothing(client, review_site, conn):
    _as(client, "nobody")
    event = review_site[HONDA_NISSAN]
    for path in ("/tieup/", f"/tieup/event/{event}", "/tieup/sources"):
        response = client.get(path)
        assert response.status_code == 403 and "Nissan" not in response.text
    assert client.post(f"/tieup/event/{event}/decide", data={"action": "confirm"}).status_code == 403
    assert _state(conn, event) == ("pending", None, 0)


def test_hostile_text_is_escaped_and_only_http_links_are_links(client, review_site, conn):
    event = review_site[VW_RIVIAN]
    with conn.cursor() as cur:
        cur.execute("""UPDATE articles SET canonical_url = 'javascript:alert(1)'
                       WHERE id IN (SELECT article_id FROM event_articles WHERE event_id = %s)""", (event,))
    conn.commit()
    _as(client, "alice")
    _decide(client, event, "confirm", note='<img src=x onerror="alert(2)">')
    page = client.get(f"/tieup/event/{event}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page
    assert "<mark>Volkswagen and Rivian will form a joint venture" in page
    inbox = client.get("/tieup/?state=").text
    assert "<script>" not in inbox.replace('<script src="/tieup/static/tieup.js" defer></script>', "")


def test_a_database_login_that_can_write_tables_is_refused(client, review_site, database_url, monkeypatch):
    monkeypatch.setenv("TIEUP_REVIEW_DATABASE_URL", database_url)   # the owner: can write everything
    _as(client, "alice")
    response = client.get("/tieup/")
    assert response.status_code == 503 and "can write tables" in response.text
    assert "Nissan" not in response.text


def test_company_network_and_sources_pages(client, review_site, conn):
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO feeds (name, url, consecutive_failures, last_polled_at, last_error)
                       VALUES ('Good feed', 'https://good.example/rss', 0, now(), NULL),
                              ('Broken feed', 'https://broken.example/rss', 4, now(), 'HTTP 503 <b>down</b>')""")
        cur.execute("INSERT INTO feeds (name, url, kind) VALUES ('News sitemap', 'https://n.example/robots.txt', 'sitemap')")
    conn.commit()
    _as(client, "alice")
    company = client.get("/tieup/company?name=honda").text
    assert "<h1>Honda</h1>" in company and "Mitsubishi Motors" in company and ">Nissan</a>" in company
    network = client.get("/tieup/network?since=3650d").text
    assert 'src="data:image/png;base64,' in network
    sources = client.get("/tieup/sources").text
    assert sources.index("Broken feed") < sources.index("Good feed")
    assert "HTTP 503 &lt;b&gt;down&lt;/b&gt;" in sources
    assert "News sitemap <span class=\"small\">(sitemap)</span>" in sources
