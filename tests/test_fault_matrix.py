"""The HTTP fault matrix at pass level: every fault is recorded on its article, the pass
completes for the healthy ones, and a later pass picks up what became available."""

import gzip
import time

import pytest

from pipeline import db, stages

from .loopback import drip, redirect_to, reset_after, send_headers

GOOD_PAGE = ("<html lang='en'><head><title>{slug}</title></head><body><article>"
             "<p>Mazda said on Tuesday that its {slug} plant would add a second shift next spring "
             "to meet demand for hybrid crossovers in North America.</p>"
             "<p>The company expects output at the site to rise by a fifth, a spokesman said.</p>"
             "</article></body></html>")


def _sleep_then_200(seconds):
    def handle(h):
        time.sleep(seconds)
        send_headers(h, 200, Content_Type="text/html", Content_Length="2")
        h.wfile.write(b"ok")
    return handle


def _faults(server):
    """slug -> (how to serve it, transient?)"""
    bomb = gzip.compress(b"\0" * (32 * 1024 * 1024), compresslevel=9)
    whole = gzip.compress(GOOD_PAGE.format(slug="x").encode())
    return {
        "http-500": (lambda p: server.add(p, "oops", status=500), True),
        "http-502": (lambda p: server.add(p, "bad gateway", status=502), True),
        "http-503": (lambda p: server.add(p, "busy", status=503), True),
        "http-429": (lambda p: server.add(p, "slow down", status=429, Retry_After="3600"), True),
        "read-timeout": (lambda p: server.add_handler(p, _sleep_then_200(3)), True),
        "slow-drip": (lambda p: server.add_handler(p, drip(b"<html>" + b"x" * 100, every=0.5)), True),
        "reset-mid-body": (lambda p: server.add_handler(p, reset_after(b"<html>" * 100, 50)), True),
        "truncated-gzip": (lambda p: server.add(p, whole[:len(whole) // 2], Content_Encoding="gzip"), True),
        "fifty-mb": (lambda p: server.add(p, b"<p>" + b"a" * (50 * 1024 * 1024)), False),
        "gzip-bomb": (lambda p: server.add(p, bomb, Content_Encoding="gzip"), False),
        "redirect-loop": (lambda p: server.add_handler(p, redirect_to(p)), False),
        "pdf": (lambda p: server.add(p, b"%PDF-1.4\n%binary", content_type="application/pdf"), False),
        "not-found": (lambda p: server.add(p, "gone", status=404), False),
    }


def _feed(server, slugs):
    items = "".join(f"<item><title>{s}</title><link>{server.url('/faults/' + s)}</link>"
                    f"<guid>fault-{s}</guid></item>" for s in slugs)
    items += "<item><title>broken</title><link>"  # malformed XML at the end
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>faults</title>{items}"


def _states(url):
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT title, state, attempts, last_error FROM articles WHERE url LIKE '%%/faults/%%'")
        return {t: (s, a, e) for t, s, a, e in cur.fetchall()}


@pytest.mark.timeout(240)
def test_every_fault_is_recorded_and_a_later_pass_recovers(site_settings, news_site):
    faults = _faults(news_site)
    for slug, (serve, _) in faults.items():
        serve(f"/faults/{slug}")
    # the wrongly declared charset is not a failure: the text is stored without mojibake
    news_site.add("/faults/wrong-charset", "<html><head><title>wrong-charset</title></head><body><p>"
                  "Škoda and Citroën announced a joint study in Zürich on café-style showrooms "
                  "for electric cars, executives said.</p></body></html>".encode("windows-1252"),
                  content_type="text/html; charset=utf-8")
    slugs = [*faults, "wrong-charset"]
    news_site.add("/feeds/faults.rss", _feed(news_site, slugs), content_type="application/rss+xml")
    with open(site_settings.feeds_file, "a", encoding="utf-8") as f:
        f.write(f"- name: faults\n  url: {news_site.url('/feeds/faults.rss')}\n  enabled: true\n")
    settings = site_settings.with_overrides(read_timeout=1.0, total_timeout=2.0, max_retries=0)

    counts = stages.run_once(settings)
    assert counts["articles_stored"] == 12 + 1  # the healthy site, plus the mis-declared page
    states = _states(settings.database_url)
    assert set(states) == set(slugs)
    assert states["wrong-charset"][0] == "loaded"
    for slug, (_, transient) in faults.items():
        state, attempts, error = states[slug]
        assert error, slug
        assert (state, attempts) == (("discovered", 1) if transient else ("failed", 1)), slug
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT last_error FROM feeds WHERE name = 'faults'")
        assert cur.fetchone()[0]  # the malformed feed's parse error is kept, its entries too
        cur.execute("SELECT count(*) FROM item_errors WHERE item_kind = 'article'")
        assert cur.fetchone()[0] == len(faults)

    # the sites recover; the retry time of the transient failures comes
    for slug in faults:
        news_site.add(f"/faults/{slug}", GOOD_PAGE.format(slug=slug))
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("UPDATE articles SET next_attempt_at = now() WHERE state = 'discovered'")
        conn.commit()
    stages.run_once(settings)
    states = _states(settings.database_url)
    for slug, (_, transient) in faults.items():
        assert states[slug][0] == ("loaded" if transient else "failed"), slug
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT url_hash) FROM articles")
        total, distinct = cur.fetchone()
        assert total == distinct == 12 + len(slugs)
        cur.execute("SELECT text FROM articles WHERE title = 'wrong-charset'")
        assert "Škoda and Citroën" in cur.fetchone()[0]
