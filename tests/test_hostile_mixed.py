"""Every hostile case in one feed next to healthy articles, and a property test that throws
random bodies, headers and redirects at a pass: it finishes within its deadline, every
healthy article is loaded, and every hostile one is loaded or parked with its reason."""

import json
import time

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from pipeline import db

from .hostile import (HostileSite, articles, assert_healthy_loaded, good_page, incompressible, item,
                      run_pass)
from .loopback import send_headers


def _leased(url):
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE lease_owner IS NOT NULL")
        return cur.fetchone()[0]


def test_a_feed_of_every_hostile_case_loads_the_healthy_and_parks_the_rest(site_settings, news_site):
    site = HostileSite(news_site, news_site.feeds_file)
    for n in range(3):
        site.page(f"healthy-{n}")
    site.redirect("mailto", "mailto:x@example.com")
    site.redirect("javascript", "javascript:alert(1)")
    site.drip("drip", every=0.3)
    site.silent("silent", seconds=3)
    ld = json.dumps({"@type": "NewsArticle", "author": {"name": "\ud800"}})
    site.page("surrogate", good_page("surrogate", head=f"<script type='application/ld+json'>{ld}</script>"))
    site.page("nul-early", "<html>\x00" + good_page("nul-early")[6:])
    site.page("nested", "<html><body>" + "<div>" * 20000 + "x")
    site.page("not-found", "gone", status=404)
    url = news_site.add("/hostile/long-guid", good_page("long-guid"))
    site.items.append(item(url, "long-guid", guid=incompressible(3000)))
    site.items.append(item(news_site.url("/hostile/bad-ref"), "bad &#xD800; ref", guid="bad-ref"))
    news_site.add("/hostile/bad-ref", good_page("bad-ref"))
    site.publish()
    settings = site_settings.with_overrides(read_timeout=1.0, total_timeout=1.5, max_retries=0,
                                            pass_deadline_seconds=40, batch_deadline_seconds=15)
    started = time.monotonic()
    run_pass(settings, max_seconds=45)
    assert time.monotonic() - started < 45

    states = articles(settings.database_url)
    for slug in ("healthy-0", "healthy-1", "healthy-2", "surrogate", "nul-early", "long-guid", "bad-ref"):
        assert states[slug][0] == "loaded", (slug, states[slug])
    assert states["nested"][0] == "loaded" or states["nested"][2]  # its one "x", or a reason
    for slug in ("mailto", "javascript", "drip", "silent", "not-found"):
        state, attempts, error = states[slug]
        assert attempts == 1 and error and state in ("failed", "discovered"), (slug, states[slug])
    assert _leased(settings.database_url) == 0
    assert_healthy_loaded(settings.database_url)
    with db.connection(settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM v_failed_articles WHERE last_error IS NOT NULL")
        assert cur.fetchone()[0] >= 3  # mailto, javascript, not-found (drip and silent retry later)


_HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
_RESPONSE = st.fixed_dictionaries({
    "status": st.sampled_from([200, 200, 301, 302, 308, 404, 410, 500, 503]),
    "body": st.binary(max_size=3000),
    "content_type": st.one_of(st.sampled_from(["text/html", "text/html; charset=utf-8",
                                               "text/html; charset=x-junk", "application/pdf",
                                               "application/rss+xml"]), _HEADER_TEXT),
    "encoding": st.sampled_from([None, "gzip", "br", "deflate", "identity", "x-junk"]),
    "location": st.one_of(st.sampled_from(["mailto:a@b.c", "javascript:void(0)", "//", "http://",
                                           "http://[::1", "ftp://x/y", "/hostile/loop"]), _HEADER_TEXT),
    "extra": st.dictionaries(st.sampled_from(["Retry-After", "Content-Length", "Transfer-Encoding",
                                              "Set-Cookie", "X-Junk"]), _HEADER_TEXT, max_size=3),
})


def _serve(response):
    def handle(h):
        headers = {"Content_Type": response["content_type"]}
        if response["status"] in (301, 302, 308):
            headers["Location"] = response["location"]
        if response["encoding"]:
            headers["Content_Encoding"] = response["encoding"]
        headers.update({k.replace("-", "_"): v for k, v in response["extra"].items()
                        if k not in ("Content-Length", "Transfer-Encoding")})
        try:
            send_headers(h, response["status"], Content_Length=str(len(response["body"])), **headers)
            h.wfile.write(response["body"])
        except OSError:
            pass
    return handle


@hsettings(max_examples=12, deadline=None, database=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(page=_RESPONSE, feed_body=st.binary(max_size=2000))
def test_random_bytes_headers_and_redirects_never_stop_a_pass(settings, tmp_path, page, feed_body):
    from .loopback import LoopbackServer
    with LoopbackServer() as server:
        feeds_file = tmp_path / f"feeds-{time.monotonic_ns()}.yml"
        feeds_file.write_text("feeds:\n", encoding="utf-8")
        site = HostileSite(server, feeds_file)
        tag = str(time.monotonic_ns())
        site.page(f"good-{tag}")
        site.page(f"bad-{tag}", handler=_serve(page))
        site.publish(f"feed-{tag}")
        site.publish(f"junk-{tag}", body=feed_body)
        run_settings = settings.with_overrides(feeds_file=feeds_file, read_timeout=1.0,
                                               total_timeout=1.5, max_retries=0,
                                               pass_deadline_seconds=20, batch_deadline_seconds=10)
        run_pass(run_settings, max_seconds=25)
    states = articles(settings.database_url, where=f"url LIKE '%%{tag}%%'")
    assert states[f"good-{tag}"][0] == "loaded", states
    state, attempts, error = states[f"bad-{tag}"]
    assert state == "loaded" or (attempts == 1 and error), states
    assert _leased(settings.database_url) == 0
