"""A real HTTP server on 127.0.0.x for tests: static routes plus scripted misbehaviour."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # A handler takes over the whole exchange (for faults: drip, reset, redirect loops...).
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server naming
        server: LoopbackServer = self.server.owner  # type: ignore[attr-defined]
        server.hits.append(Hit(self.path, dict(self.headers), time.monotonic()))
        route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
        if route is None:
            route = Route(b"not found", 404, {"Content-Type": "text/plain"})
        if route.handler:
            route.handler(self)
            return
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, *args):  # keep test output quiet
        pass


class LoopbackServer:
    """Serve routes on host:port in a background thread; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._httpd = ThreadingHTTPServer((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str, status: int = 200,
            content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        """Serve body at path; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **{k.replace("_", "-"): v for k, v in headers.items()}}
        self.routes[path] = Route(data, status, all_headers)
        return self.url(path)

    def add_handler(self, path: str, handler: Callable[[BaseHTTPRequestHandler], None]) -> str:
        self.routes[path] = Route(handler=handler)
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
