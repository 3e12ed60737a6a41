"""The one HTTP client (first version): bounded size, timeouts, redirects, address checks."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import BlockedAddressError, FetchError
from .models import FetchResult
from .settings import Settings

_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


def check_address(url: str, allow_private: bool) -> None:
    """Refuse URLs whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"unsupported URL: {url}", transient=False)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {parts.hostname}: {exc}", transient=True) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise BlockedAddressError(f"{parts.hostname} resolves to non-public address {address}")


class HttpClient:
    """Fetch URLs within the limits of settings."""

    def __init__(self, settings: Settings, politeness=None):
        self.settings = settings
        self.politeness = politeness
        timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        self._client = httpx.Client(timeout=timeout, follow_redirects=False,
                                    headers={"User-Agent": settings.user_agent})

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str | None = None) -> FetchResult:
        """GET url, following up to max_redirects, each hop checked."""
        headers = {k: v for k, v in {"If-None-Match": etag, "If-Modified-Since": last_modified,
                                      "Accept": accept}.items() if v}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            check_address(current, self.settings.allow_private_hosts)
            status, resp_headers, body = self._get(current, headers)
            if status in (301, 302, 303, 307, 308) and "location" in resp_headers:
                current = urljoin(current, resp_headers["location"])
                continue
            if status >= 400:
                raise FetchError(f"HTTP {status} from {current}",
                                 transient=status in _TRANSIENT_STATUS, status=status)
            content_type = resp_headers.get("content-type")
            charset = httpx.Headers(resp_headers).get("content-type", "")
            charset = charset.split("charset=")[-1].strip() if "charset=" in charset else None
            return FetchResult(url, current, status, resp_headers, body, content_type, charset)
        raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}",
                         transient=False)

    def _get(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_body_bytes:
                        raise FetchError(f"body of {url} exceeds {self.settings.max_body_bytes} bytes",
                                         transient=False)
                    chunks.append(chunk)
                return response.status_code, {k.lower(): v for k, v in response.headers.items()}, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timeout fetching {url}", transient=True) from exc
        except httpx.TransportError as exc:
            raise FetchError(f"connection error fetching {url}: {exc}", transient=True) from exc
