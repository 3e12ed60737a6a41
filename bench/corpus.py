"""Generated news for the benches: article texts, realistic article pages and RSS feeds.

Deterministic for a seed. Every article has its own text (random sentences over a
few hundred words, so no two articles share runs of three words by more than
chance and dedupe keeps them apart); about a third are alliance news between two
gazetteer organisations, the rest ordinary industry news. Pages wrap the text in
the boilerplate a news site adds: head metadata and JSON-LD, inline CSS and
scripts, navigation, a teaser sidebar, related links, a cookie banner and a footer.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape

ORGS = ("Honda", "Nissan", "Toyota", "General Motors", "Ford", "Stellantis", "Hyundai", "Kia",
        "BYD", "Geely", "Mercedes-Benz", "BMW", "Volkswagen", "Renault", "Mazda", "Subaru",
        "Suzuki", "Mitsubishi Motors", "LG Energy Solution", "Panasonic", "CATL", "SK On",
        "Rivian", "Xpeng", "Leapmotor", "Sony", "Foxconn")
FOCUS = ("electric vehicles", "solid-state batteries", "hydrogen fuel cells", "automated driving",
         "vehicle software", "a shared EV platform", "battery cells", "charging networks")
ALLIANCE_LEADS = (
    "{a} and {b} said on {day} they had signed a memorandum of understanding to study "
    "joint development of {focus}.",
    "{a} and {b} announced on {day} a strategic partnership to co-develop {focus} for "
    "models due in {year}.",
    "{a} will form a joint venture with {b} to produce {focus}, the two companies said on {day}.",
    "{a} agreed on {day} to take a {pct} percent stake in {b} as part of a deal covering {focus}.",
    "{a} signed a supply agreement with {b} on {day} for {focus} starting in {year}.",
    "{a} and {b} said on {day} they had called off talks on a merger after months of "
    "negotiations over {focus}.",
)
NEWS_LEADS = (
    "{a} reported on {day} that its sales in {region} rose {pct} percent in the third quarter.",
    "{a} is recalling about {n} vehicles in {region} over a faulty {part}, regulators said on {day}.",
    "{a} unveiled a new compact crossover on {day}, priced from {n} dollars in {region}.",
    "{a} said on {day} it would cut production at its {region} plant for two weeks because "
    "of a shortage of {part} parts.",
    "Shares of {a} fell {pct} percent on {day} after the carmaker lowered its forecast for {region}.",
)
REGIONS = ("Europe", "China", "North America", "Japan", "India", "Southeast Asia", "Brazil",
           "Mexico", "South Korea", "the Middle East")
PARTS = ("airbag inflator", "brake booster", "fuel pump", "steering column", "seat belt",
         "wiring harness", "rear camera", "battery module", "door latch", "inverter")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# Neutral words for the body: no deal vocabulary, so only the lead decides the verdict.
WORDS = """
the a an of to in on for with at by from about after before during while over under
between through against among around and but or so yet because although when where
market demand supply production output plant factory line shift worker workers union
engineer engineers design model models sedan crossover pickup truck van hatchback
price prices cost costs margin margins profit revenue quarter year month week forecast
analyst analysts investor investors dealer dealers customer customers buyer buyers
range charge charging battery batteries motor cell cells software update updates
safety test tests rating ratings regulator regulators rule rules emission emissions
tariff tariffs export exports import imports currency yen euro dollar yuan won
steel aluminium copper lithium nickel cobalt chip chips semiconductor semiconductors
road roads city cities traffic fleet fleets lease leasing loan loans interest rate rates
executive executives chief officer board director spokesperson statement interview
said says told added noted expects expected plans planned will would could may might
new old higher lower strong weak steady slow fast early late first second third last
more less most least several many few some each every other same different next
launch launched showroom showrooms order orders backlog inventory stock stocks share
growth decline rise fall gain loss record level levels volume volumes unit units
hybrid hybrids petrol diesel engine engines transmission platform platforms cabin
interior exterior seat seats screen screens sensor sensors camera cameras radar lidar
warranty service repair repairs parts supplier suppliers logistics port ports ship
weather winter summer spring autumn season holiday weekend morning evening night
region regions country countries province state states capital port coast north south
east west central local national global international domestic overseas foreign
""".split()
NAV = ("News", "Business", "Electric", "Industry", "Reviews", "Opinion", "Video", "Podcasts",
       "Events", "Data", "Jobs", "Newsletters", "Subscribe", "Archive", "Contact", "About")


@dataclass(frozen=True)
class Article:
    """One generated article: its path on its host, headline, date, text and kind."""

    slug: str
    title: str
    published: datetime
    paragraphs: tuple[str, ...]
    alliance: bool

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _sentence(rng: random.Random, low: int = 9, high: int = 22) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def _lead(rng: random.Random, alliance: bool) -> tuple[str, str]:
    a, b = rng.sample(ORGS, 2)
    slots = dict(a=a, b=b, day=rng.choice(DAYS), focus=rng.choice(FOCUS), year=rng.randint(2025, 2030),
                 pct=rng.randint(2, 40), n=rng.randint(1_000, 90_000), region=rng.choice(REGIONS),
                 part=rng.choice(PARTS))
    lead = rng.choice(ALLIANCE_LEADS if alliance else NEWS_LEADS).format(**slots)
    title = f"{a} and {b}: {slots['focus']}" if alliance else f"{a}: {slots['region']} update"
    return lead, title


def article(rng: random.Random, index: int, text_chars: int) -> Article:
    """One article of about text_chars characters; every third one is alliance news."""
    alliance = index % 3 == 0
    lead, title = _lead(rng, alliance)
    paragraphs, size = [lead + " " + _sentence(rng)], len(lead)
    while size < text_chars:
        paragraphs.append(_paragraph(rng))
        size += len(paragraphs[-1]) + 2
    published = datetime(2025, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=37 * index)
    return Article(slug=f"{published:%Y/%m/%d}/story-{index:05d}", title=f"{title} ({index})",
                   published=published, paragraphs=tuple(paragraphs), alliance=alliance)


def articles(seed: int, count: int, text_chars: tuple[int, int] = (3_000, 6_000)) -> list[Article]:
    """count articles with texts between text_chars[0] and text_chars[1] characters."""
    rng = random.Random(seed)
    return [article(rng, i, rng.randint(*text_chars)) for i in range(count)]


# --------------------------------------------------------------------------- pages

_CSS = "".join(f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{(i * 2654435761) % 0xFFFFFF:06x}}}\n"
               for i in range(120))
_SCRIPT = "".join(f"window.dl=window.dl||[];dl.push({{event:'slot{i}',size:[300,{250 + i}],"
                  f"targeting:{{section:'auto',pos:{i}}}}});\n" for i in range(60))


def _links(rng: random.Random, base: str, count: int) -> str:
    return "".join(f'<li><a href="{base}/{rng.choice(NAV).lower()}/{rng.randint(1, 99999)}">'
                   f'{escape(_sentence(rng, 3, 7))}</a></li>' for _ in range(count))


def _teasers(rng: random.Random, base: str, count: int) -> str:
    return "".join(f'<div class="teaser"><a href="{base}/more/{rng.randint(1, 99999)}">'
                   f'<h3>{escape(_sentence(rng, 4, 8))}</h3></a><p>{escape(_sentence(rng, 10, 18))}</p>'
                   f'<span class="meta">{rng.randint(1, 59)} min read</span></div>'
                   for _ in range(count))


def page(item: Article, base: str, site: str, rng: random.Random, boilerplate: int = 1) -> str:
    """A full article page at base/slug; boilerplate scales navigation, teasers and footer."""
    url = f"{base}/{item.slug}"
    body = "".join(f"<p>{escape(p)}</p>\n" for p in item.paragraphs)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": item.title, "datePublished": item.published.isoformat(),
                     "author": {"@type": "Person", "name": "Staff Reporter"},
                     "publisher": {"@type": "Organization", "name": site}})
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(item.title)} | {escape(site)}</title>
<meta name="description" content="{escape(item.paragraphs[0][:150])}">
<meta property="og:title" content="{escape(item.title)}"><meta property="og:site_name" content="{escape(site)}">
<meta property="og:type" content="article"><meta property="og:url" content="{url}">
<meta property="article:published_time" content="{item.published.isoformat()}">
<link rel="canonical" href="{url}">
<script type="application/ld+json">{ld}</script>
<style>{_CSS}</style>
<script>{_SCRIPT * boilerplate}</script>
</head><body>
<div id="cookie-banner"><p>We use cookies to improve your experience and to show relevant adverts.
By continuing you agree to our cookie policy.</p><button>Accept all</button><button>Settings</button></div>
<header><a class="logo" href="{base}/">{escape(site)}</a>
<nav class="main-nav"><ul>{_links(rng, base, 30 * boilerplate)}</ul></nav>
<form action="{base}/search"><input name="q" placeholder="Search"></form></header>
<div class="breadcrumbs"><a href="{base}/">Home</a> &rsaquo; <a href="{base}/news">News</a></div>
<main><article class="story">
<h1>{escape(item.title)}</h1>
<div class="byline">By Staff Reporter &middot; <time datetime="{item.published.isoformat()}">{item.published:%d %B %Y}</time></div>
<div class="story-body">
{body}</div>
<div class="share"><a href="https://twitter.example/share?u={url}">Share</a> <a href="mailto:?body={url}">Email</a></div>
</article>
<aside class="related"><h2>Related stories</h2>{_teasers(rng, base, 6 * boilerplate)}</aside>
</main>
<aside class="sidebar"><h2>Most read</h2><ol>{_links(rng, base, 10 * boilerplate)}</ol>
<div class="newsletter"><h2>Get the morning briefing</h2><p>Industry news in your inbox every weekday.</p></div>
{_teasers(rng, base, 5 * boilerplate)}</aside>
<footer><ul>{_links(rng, base, 40 * boilerplate)}</ul>
<p>&copy; 2025 {escape(site)}. All rights reserved. Reproduction without permission is prohibited.</p></footer>
</body></html>
"""


def rss(items: list[Article], base: str, site: str) -> str:
    """An RSS 2.0 feed listing the items (newest first) with their links and summaries."""
    entries = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}/{a.slug}</link>"
        f"<guid isPermaLink=\"true\">{base}/{a.slug}</guid>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<description>{escape(a.paragraphs[0][:300])}</description></item>\n"
        for a in sorted(items, key=lambda a: a.published, reverse=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(site)}</title><link>{base}/</link><description>Auto industry news"
            f"</description><language>en</language>\n{entries}</channel></rss>\n")
