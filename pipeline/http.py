"""The one HTTP client of tieup: bounded, polite, and refusing to reach private networks.

Every limit comes from Settings: connect/read timeouts plus an overall deadline per
fetch, a streamed body cap applied to both the raw and the decompressed bytes,
manual redirects (each hop is vetted), and retries with backoff on transient
failures only. Status classification:

- transient (retried inline, then left for a later pass): timeouts, connection
  errors and resets, truncated bodies, 408, 429, 500, 502, 503, 504. 500 counts as
  transient because news CMSes commonly return it under load for a few minutes;
  a page that keeps failing still gets parked after settings.max_attempts passes.
- terminal: every other 4xx/5xx, refused addresses, too many redirects,
  oversize or undecodable bodies, unsupported schemes.

Outbound safety: each hop's host is resolved and refused if any address is not
public (unless settings.allow_private_hosts). The check is repeated inside the
connection layer, which connects to exactly the address it vetted, so a DNS answer
that changes between check and connect (rebinding) cannot reach a private network.
Environment proxies are ignored for the same reason. One client per thread of work
is the intended use; the overall deadline is tracked per thread.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import random
import socket
import threading
import time
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .errors import BlockedAddressError, FetchError, TerminalFetchError, TransientFetchError
from .httpdecode import CHUNK as _CHUNK, decode_stream as _decode_stream
from .models import FetchResult
from .politeness import PolitenessDeferral
from .settings import Settings

TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")


# ----------------------------------------------------------------- address vetting

def is_public_address(address: str) -> bool:
    """True only for globally routable unicast addresses (IPv4 or IPv6)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 form can smuggle an IPv4 target (::ffff:127.0.0.1, 2002:7f00::/16, NAT64).
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified
                                 or ip.is_loopback or ip.is_link_local or ip.is_private)


def resolve_vetted(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve host; refuse it if ANY address is not public (unless allow_private)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransientFetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            raise BlockedAddressError(f"{host} resolves to a non-public address {blocked[0]}; refused")
    return addresses


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TerminalFetchError(f"unsupported URL {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TerminalFetchError(f"invalid port in {url!r}") from exc
    resolve_vetted(parts.hostname, port, allow_private=allow_private)


class _DeadlineStream(httpcore.NetworkStream):
    """Wraps a socket stream so no read or write outlives the fetch's overall deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: "_Deadline"):
        self._inner, self._clock = inner, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clock.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._clock.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = self._clock.cap(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._clock)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _Deadline(threading.local):
    """The current fetch's monotonic deadline, per thread (a client may be shared by threads)."""

    at: float | None = None
    until: float | None = None  # the caller's deadline (pass or batch), if any

    def cap(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("overall deadline exceeded")
        return left if timeout is None else min(timeout, left)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, vets and connects to the vetted address itself, so DNS rebinding cannot
    swap a public answer for a private one between the check and the connect."""

    def __init__(self, allow_private: bool, deadline: _Deadline):
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = resolve_vetted(host, port, allow_private=self._allow_private)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address, port, self._deadline.cap(timeout, httpcore.ConnectTimeout),
                    local_address, socket_options)
                return _DeadlineStream(stream, self._deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args, **kwargs):
        raise httpcore.ConnectError("unix sockets are not used by tieup")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _guarded_transport(settings: Settings, deadline: _Deadline) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False, retries=0)
    # httpx has no public hook for a network backend; swap its pool for one that uses ours.
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0,
        retries=0, network_backend=_GuardedBackend(settings.allow_private_hosts, deadline))
    return transport


# --------------------------------------------------------------------- the client

def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def require_content_type(result: FetchResult, allowed: tuple[str, ...] = HTML_TYPES) -> None:
    """Raise a terminal FetchError when the response is not one of the allowed media types."""
    if result.content_type and result.content_type not in allowed:
        raise TerminalFetchError(f"unsupported content type {result.content_type}",
                         status=result.status)


class _NoCookies(http.cookiejar.CookieJar):
    """A jar that keeps nothing: every page is fetched as a first visit, so a metered
    paywall cannot count our reads and no state passes from one host or pass to the next."""

    def extract_cookies(self, response, request) -> None:
        pass

    def add_cookie_header(self, request) -> None:
        pass


class HttpClient:
    """Fetches URLs under every limit in Settings; pass one instance to whoever needs it."""

    def __init__(self, settings: Settings, politeness=None, *, sleep=time.sleep,
                 rng: random.Random | None = None):
        self.settings = settings
        self.politeness = politeness
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._deadline = _Deadline()
        self._client = httpx.Client(
            transport=_guarded_transport(settings, self._deadline),
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=False, trust_env=False, cookies=_NoCookies(),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate, br"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str | None = None, until: float | None = None,
              max_bytes: int | None = None) -> FetchResult:
        """GET url, following redirects and retrying transient failures; raise FetchError.

        until: a time.monotonic() deadline for the whole fetch, retries included (a
        pass's or batch's deadline); no request or wait outlives it. max_bytes: a body
        cap for this fetch instead of settings.max_body_bytes (a sitemap may be 50 MB).
        """
        attempts = 1 + max(0, self.settings.max_retries)
        for attempt in range(attempts):
            try:
                return self._fetch_following(url, self._request_headers(etag, last_modified, accept),
                                             until=until, max_bytes=max_bytes)
            except FetchError as exc:
                # Politeness already chose when the host may be asked again: never retry inline.
                if not exc.transient or attempt + 1 >= attempts or isinstance(exc, PolitenessDeferral):
                    raise
                wait = self._retry_wait(exc, attempt)
                if wait is None or (until is not None and time.monotonic() + wait >= until):
                    raise
                self._sleep(wait)
        raise AssertionError("unreachable")

    def fetch_unpoliced(self, url: str, *, accept: str | None = None) -> FetchResult:
        """One attempt without the politeness hook (politeness itself uses it for robots.txt).

        Within an outer fetch, the outer fetch's caller deadline (until) holds for it too.
        """
        return self._fetch_following(url, self._request_headers(None, None, accept), polite=False,
                                     until=self._deadline.until)

    def post_json(self, url: str, body: bytes) -> int:
        """POST a JSON body to a webhook once; the status, or a FetchError that never shows the URL's path.

        A webhook URL carries its secret in the path, so errors name only
        scheme://host/... The same address guard and limits as fetching apply; a
        redirect is refused rather than followed (a POST must not wander), and
        there is no inline retry: the caller's queue retries with its own backoff.
        """
        shown = shown_url(url)
        deadline = time.monotonic() + self.settings.total_timeout
        outer = self._deadline.at, self._deadline.until
        self._deadline.at, self._deadline.until = deadline, None
        try:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise TerminalFetchError(f"unsupported webhook URL {shown}")
            check_url(url, allow_private=self.settings.allow_private_hosts)
            with self._client.stream("POST", url, content=body, headers={
                    "Content-Type": "application/json; charset=utf-8", "Accept": "*/*"}) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    raise TerminalFetchError(f"webhook {shown} answered HTTP {status} (redirect not followed)",
                                             status=status)
                if status >= 400:
                    raise self._status_error(status, response)
                return status
        except httpx.HTTPError as exc:
            if isinstance(exc, httpx.TimeoutException):
                raise TransientFetchError(f"timeout posting to {shown}") from None
            raise TransientFetchError(f"connection error posting to {shown}: {type(exc).__name__}") from None
        except (httpx.InvalidURL, ValueError, UnicodeError):
            raise TerminalFetchError(f"cannot post to {shown}") from None
        finally:
            self._deadline.at, self._deadline.until = outer

    @staticmethod
    def _request_headers(etag, last_modified, accept) -> dict[str, str]:
        headers = {"Accept": accept or "text/html,application/xhtml+xml,*/*;q=0.8"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def _retry_wait(self, exc: FetchError, attempt: int) -> float | None:
        """Seconds to sleep before the next attempt, or None to give up now."""
        if exc.retry_after is not None:
            # A server asking for longer than we may block a worker: leave it for a later pass.
            return exc.retry_after if exc.retry_after <= self.settings.retry_after_max_seconds else None
        ceiling = min(self.settings.retry_backoff_max_seconds,
                      self.settings.retry_backoff_seconds * 2 ** attempt)
        return ceiling * (0.5 + self._rng.random() / 2)  # jitter spreads synchronized retries

    def _fetch_following(self, url: str, headers: dict[str, str], polite: bool = True,
                         until: float | None = None, max_bytes: int | None = None) -> FetchResult:
        # Saved and restored: politeness fetches robots.txt from inside an outer fetch.
        deadline = time.monotonic() + self.settings.total_timeout
        outer = self._deadline.at, self._deadline.until
        self._deadline.at, self._deadline.until = min(deadline, until or deadline), until
        try:
            current, seen = url, [url]
            for _ in range(self.settings.max_redirects + 1):
                check_url(current, allow_private=self.settings.allow_private_hosts)
                if polite and self.politeness is not None:
                    self._wait_politely(current)
                result, location = self._exchange(url, current, headers, max_bytes)
                if location is None:
                    return result
                current = urljoin(current, location)
                if current in seen:
                    raise TerminalFetchError(f"redirect loop at {current}")
                seen.append(current)
            raise TerminalFetchError(f"more than {self.settings.max_redirects} redirects from {url}")
        finally:
            self._deadline.at, self._deadline.until = outer

    def _wait_politely(self, url: str) -> None:
        # Time spent queueing for a host slot is not the server's fault: keep it off the deadline.
        started = time.monotonic()
        self.politeness.before_request(url, self)
        self._deadline.at += time.monotonic() - started
        if self._deadline.until is not None:  # ...but a pass's own deadline still holds
            self._deadline.at = min(self._deadline.at, self._deadline.until)

    def _exchange(self, original: str, url: str, headers: dict[str, str], max_bytes: int | None = None):
        """One request; returns (result, None) or (None, redirect location)."""
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise TerminalFetchError(f"HTTP {status} without Location", status=status)
                    return None, location
                if status >= 400:
                    raise self._status_error(status, response)
                body = b"" if status == 304 else self._read_body(response, max_bytes)
                return self._result(original, url, response, body), None
        except httpx.HTTPError as exc:
            raise self._transport_error(url, exc) from exc
        except (httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError, ValueError, UnicodeError) as exc:
            # Not transport errors: httpx builds the next request of a redirect even when not
            # following it, and a Location like mailto: or javascript: is an invalid URL to it.
            raise TerminalFetchError(f"cannot request {url} or its redirect: {type(exc).__name__}: {exc}") from exc

    def _read_body(self, response: httpx.Response, max_bytes: int | None = None) -> bytes:
        limit = max_bytes or self.settings.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TerminalFetchError(f"body of {declared} bytes exceeds the {limit}-byte cap", status=response.status_code)
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")
                     if e.strip() and e.strip().lower() != "identity"]
        body = bytearray()
        for chunk in _decode_stream(self._raw_chunks(response, limit), encodings, limit):
            body += chunk
            if len(body) > limit:
                raise TerminalFetchError(f"body exceeds the {limit}-byte cap",
                                 status=response.status_code)
        return bytes(body)

    def _raw_chunks(self, response: httpx.Response, limit: int) -> Iterator[bytes]:
        received = 0
        for chunk in response.iter_raw(_CHUNK):
            received += len(chunk)
            if received > limit:
                raise TerminalFetchError(f"body exceeds the {limit}-byte cap",
                                 status=response.status_code)
            if self._deadline.at is not None and time.monotonic() > self._deadline.at:
                raise TransientFetchError("overall deadline exceeded while reading the body")
            yield chunk

    @staticmethod
    def _status_error(status: int, response: httpx.Response) -> FetchError:
        retry_after = parse_retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
        kind = TransientFetchError if status in TRANSIENT_STATUSES else TerminalFetchError
        return kind(f"HTTP {status}", status=status, retry_after=retry_after)

    def _transport_error(self, url: str, exc: httpx.HTTPError) -> FetchError:
        if isinstance(exc, httpx.TimeoutException):
            if self._deadline.at is not None and time.monotonic() >= self._deadline.at - 0.01:
                return TransientFetchError(f"overall deadline of {self.settings.total_timeout:g}s exceeded "
                                  f"fetching {url}")
            kind = "connect timeout" if isinstance(exc, httpx.ConnectTimeout) else "timeout"
            return TransientFetchError(f"{kind} fetching {url}: {exc}")
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)):
            return TerminalFetchError(f"cannot request {url}: {exc}")
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return TerminalFetchError(f"TLS certificate rejected for {url}")
        # Connection refused/reset, peer closed mid-body, incomplete chunked body...
        return TransientFetchError(f"connection error fetching {url}: {type(exc).__name__}: {exc}")

    @staticmethod
    def _result(original: str, url: str, response: httpx.Response, body: bytes) -> FetchResult:
        content_type, charset = _media_type(response.headers.get("content-type"))
        return FetchResult(url=original, final_url=url, status=response.status_code,
                           headers={k.lower(): v for k, v in response.headers.items()},
                           body=body, content_type=content_type, charset=charset)


def shown_url(url: str) -> str:
    """A URL as it may be shown in logs and tables: scheme://host[:port]/... (the path may be a secret)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<malformed URL>"
    return f"{parts.scheme or '?'}://{host}{port}/..."


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset=UTF-8'."""
    if not header:
        return None, None
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return kind.strip().lower() or None, charset
