"""A real HTTP server on 127.0.0.x for tests: static routes plus scripted misbehaviour."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
import sys
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


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up mid-response is what the fault tests do on purpose: say nothing.

    socketserver prints a traceback to stderr for it, which made green runs look red.
    Any other error still reaches handle_error's default report.
    """

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Serve routes on host:port in a background thread; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", poll_interval: float = 0.5):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._httpd = _QuietServer((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self._httpd.server_address[:2]
        # poll_interval bounds how long shutdown() waits: tests that start many servers lower it.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(poll_interval,),
                                        daemon=True)

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


# ---------------------------------------------------------------- scripted faults
# Handlers for LoopbackServer.add_handler: each takes over one exchange.

def send_headers(handler: BaseHTTPRequestHandler, status: int = 200, **headers: str) -> None:
    """Write a status line and headers (underscores in names become dashes)."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()


def redirect_to(location: str, status: int = 302) -> Callable[[BaseHTTPRequestHandler], None]:
    """Answer with a redirect to location."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        send_headers(h, status, Location=location, Content_Length="0")
    return handle


def drip(body: bytes, every: float = 1.0) -> Callable[[BaseHTTPRequestHandler], None]:
    """Send body one byte per `every` seconds (a slowloris server)."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        send_headers(h, 200, Content_Type="text/html", Content_Length=str(len(body)))
        try:
            for i in range(len(body)):
                h.wfile.write(body[i:i + 1])
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client gave up, as it should
    return handle


def reset_after(body: bytes, sent: int, declared: int | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    """Declare a length, send `sent` bytes of body, then reset the TCP connection (RST)."""
    import socket
    import struct

    def handle(h: BaseHTTPRequestHandler) -> None:
        send_headers(h, 200, Content_Type="text/html", Content_Length=str(declared or len(body)))
        h.wfile.write(body[:sent])
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True
    return handle


def chunked(body: bytes, chunk: int = 65536, **headers: str) -> Callable[[BaseHTTPRequestHandler], None]:
    """Send body with chunked transfer encoding (no Content-Length to trust)."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        send_headers(h, 200, Transfer_Encoding="chunked", **headers)
        try:
            for i in range(0, len(body), chunk):
                piece = body[i:i + chunk]
                h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
    return handle


def sequence(*routes: Route) -> Callable[[BaseHTTPRequestHandler], None]:
    """Answer the n-th request with the n-th route (the last one repeats)."""
    calls = []

    def handle(h: BaseHTTPRequestHandler) -> None:
        route = routes[min(len(calls), len(routes) - 1)]
        calls.append(1)
        send_headers(h, route.status, Content_Length=str(len(route.body)), **route.headers)
        h.wfile.write(route.body)
    return handle
