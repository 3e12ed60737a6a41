"""URLs: the one canonicaliser of article links, used by feeds, the stages and the store.

An article's identity is its canonical URL (lower-case host, no default port, no
fragment, no tracking parameters, sorted query, AMP and AMP-cache forms folded
into the page they copy) and url_hash() of it is the articles table's unique
key. A feed entry's link is canonicalised once, here, when the feed is parsed
(entry_link); a fetched page may then re-key its article on its own
rel=canonical (canonical_url with rel_canonical). Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def entry_link(link: str | None, base_url: str | None = None) -> str | None:
    """The canonical absolute http(s) URL of a link found in a feed; None when it is not one."""
    link = _CONTROL.sub("", link or "").strip()
    if not link:
        return None
    try:
        parts = urlsplit(urljoin(base_url or "", link))
        if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
            return None
        parts.port  # noqa: B018 - raises ValueError on an invalid port
    except ValueError:
        return None
    return canonical_url(urlunsplit(parts))


_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only say where a click came from; never part of an article's identity.
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_cid", "mc_eid", "igshid", "igsh", "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking",
    "mkt_tok", "spm", "scm", "cmpid", "cmp", "ocid", "ncid", "sr_share", "share", "smid",
    "icid", "intcmp", "wt.mc_id", "wt_mc_id", "s_cid", "trk", "trkcampaign",
    "ref_src", "ref_url", "referrer", "rss", "taid", "guccounter", "guce_referrer",
    "guce_referrer_sig", "soc_src", "soc_trk", "__twitter_impression", "xtor", "yptr",
    "mbid", "sref",
})
# Names that are tracking only with these values: elsewhere they may identify the article.
_AMP_VALUES = frozenset({"", "1", "true", "yes", "amp"})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "vero_", "oly_", "at_")
# Second-level labels under which ccTLDs register names (news.bbc.co.uk -> bbc.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gr"})
_AMP_CACHE = re.compile(r"^/[cv]/(?:s/)?(?P<rest>.+)$")


def canonical_url(url: str, rel_canonical: str | None = None) -> str:
    """The identity URL of an article page; never raises, returns a best effort on junk.

    rel=canonical is honoured only when it resolves to http(s) on the same
    registrable site and is not the site's home page: a syndication partner's
    cross-site canonical would otherwise merge two sources into one row (the
    text dedupe links them instead), and home-page canonicals are a common CMS bug.
    """
    base = _normalise_url(url)
    if rel_canonical and rel_canonical.strip():
        try:
            preferred = _normalise_url(urljoin(base, rel_canonical.strip()))
        except ValueError:
            return base
        if _acceptable_canonical(base, preferred):
            return preferred
    return base


def _acceptable_canonical(page: str, preferred: str) -> bool:
    page_parts, pref_parts = urlsplit(page), urlsplit(preferred)
    if pref_parts.scheme not in _DEFAULT_PORTS or not pref_parts.hostname:
        return False
    if registrable_domain(pref_parts.hostname) != registrable_domain(page_parts.hostname or ""):
        return False
    return pref_parts.path not in ("", "/") or page_parts.path in ("", "/")


def registrable_domain(host: str) -> str:
    """example.co.uk for news.example.co.uk; a heuristic without the public suffix list."""
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) <= 2 or _is_ip(host):
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _is_ip(host: str) -> bool:
    return ":" in host or bool(re.fullmatch(r"[\d.]+", host))


def _normalise_url(url: str) -> str:
    text = (url or "").strip()
    if text.startswith("//"):
        text = "https:" + text
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return text
        host = (parts.hostname or "").rstrip(".")
        host = _ascii_host(host)
        path = _clean_path(parts.path)
        query = _clean_query(parts.query)
        host, path = _unwrap_amp_cache(host, path)
        host, path = _strip_amp(host, path)
        netloc = _netloc(host, parts.port, scheme)
    except (ValueError, UnicodeError):
        return text
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def _ascii_host(host: str) -> str:
    host = host.lower()
    if host.isascii():
        return host
    return host.encode("idna").decode("ascii")


def _netloc(host: str, port: int | None, scheme: str) -> str:
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return host
    return f"{host}:{port}"


def _clean_path(path: str) -> str:
    # Re-quote so %7E and ~ (or a raw space and %20) give the same identity.
    path = re.sub(r"/{2,}", "/", path)
    return quote(unquote(path), safe="/:@!$&'()*+,;=-._~")


def _clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
             if not _is_tracking(k, v)]
    return urlencode(sorted(pairs), doseq=True)


def _is_tracking(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES):
        return True
    if lowered == "ref":
        # ref=rss, ref=twitter are click sources; a numeric ref may be a document id.
        return not value.isdigit()
    if lowered == "amp":
        return value.lower() in _AMP_VALUES
    return lowered == "outputtype" and value.lower() == "amp"


def _unwrap_amp_cache(host: str, path: str) -> tuple[str, str]:
    """Google's AMP cache serves example.com/x as example-com.cdn.ampproject.org/c/s/example.com/x."""
    if not host.endswith(".cdn.ampproject.org"):
        return host, path
    match = _AMP_CACHE.match(path)
    if not match:
        return host, path
    origin_host, _, rest = match.group("rest").partition("/")
    return origin_host.lower(), "/" + rest


def _strip_amp(host: str, path: str) -> tuple[str, str]:
    if host.startswith("amp.") and host.count(".") >= 2:
        host = host[4:]
    segments = path.split("/")
    kept = [s for s in segments if s.lower() != "amp"]
    if kept and kept[-1].lower().endswith((".amp", ".amp.html", ".amp.htm")):
        kept[-1] = re.sub(r"\.amp(?=\.html?$|$)", "", kept[-1], flags=re.I)
    cleaned = "/".join(kept)
    if path.endswith("/") and not cleaned.endswith("/"):
        cleaned += "/"
    return host, cleaned or "/"


def url_hash(canonical: str) -> bytes:
    """sha256 of a canonical URL: the article's unique key (articles.url_hash)."""
    return hashlib.sha256(canonical.encode("utf-8")).digest()


