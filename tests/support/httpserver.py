"""A small HTTP server on loopback for tests: routes, delays, drips, gzip, 304s.

Usage::

    with LoopbackServer() as server:
        server.route("/feed.xml", Reply(body=b"<rss/>", etag='"v1"'))
        server.route("/flaky", Reply(status=500), Reply(body=b"ok"))  # 500, then 200
        url = server.url("/feed.xml")
        ...
        assert server.count("/flaky") == 2
        assert server.received("/feed.xml")[0]["if-none-match"] == '"v1"'
        server.times("/feed.xml")  # time.monotonic() of each request, in order

A route given several replies answers successive requests with them in turn and
repeats the last one. A path with no route answers 404. The server runs in a daemon
thread (one thread per connection, HTTP/1.1 keep-alive), binds an ephemeral port on
the given loopback address, and records every request's lower-cased headers.
"""

from __future__ import annotations

import gzip
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One canned answer.

    ``delay`` waits before the status line; ``drip`` = (chunk bytes, seconds between
    chunks) sends the body slowly; ``gzip`` compresses ``body`` and says so in
    Content-Encoding; ``stream`` (bytes chunks, with ``length`` if known) replaces
    ``body`` for bodies too large to hold. With ``etag`` or ``last_modified`` set, a
    request carrying a matching If-None-Match / If-Modified-Since gets a 304.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: tuple[int, float] | None = None
    gzip: bool = False
    etag: str | None = None
    last_modified: str | None = None
    stream: Iterable[bytes] | None = None
    length: int | None = None


@dataclass
class _Route:
    replies: list[Reply]
    received: list[dict[str, str]] = field(default_factory=list)
    peers: list[tuple[str, int]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connects (1 s SYN retry)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up (a timeout, a refused gzip bomb) are what tests provoke.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP server on ``host`` (a 127.0.0.0/8 address) and an ephemeral port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)
        self.host, self.port = self._httpd.server_address[:2]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, path: str, *replies: Reply) -> str:
        """Answer ``path`` with ``replies`` in turn (the last repeats); return its URL."""
        with self._lock:
            self._routes[path] = _Route(list(replies) or [Reply()])
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        """How many requests reached ``path``."""
        with self._lock:
            route = self._routes.get(path)
            return len(route.received) if route else 0

    def received(self, path: str) -> list[dict[str, str]]:
        """The lower-cased headers of each request that reached ``path``."""
        with self._lock:
            route = self._routes.get(path)
            return [dict(h) for h in route.received] if route else []

    def peers(self, path: str) -> list[tuple[str, int]]:
        """The client (address, port) of each request to ``path``: one per connection."""
        with self._lock:
            route = self._routes.get(path)
            return list(route.peers) if route else []

    def times(self, path: str) -> list[float]:
        """When each request to ``path`` arrived (``time.monotonic()``), in order."""
        with self._lock:
            route = self._routes.get(path)
            return list(route.times) if route else []

    def _next_reply(self, target: str, headers: dict[str, str],
                    peer: tuple[str, int]) -> Reply | None:
        """The reply for a request target: an exact route, else the path without query."""
        with self._lock:
            route = self._routes.get(target) or self._routes.get(target.split("?", 1)[0])
            if route is None:
                return None
            route.received.append(headers)
            route.peers.append(peer)
            route.times.append(time.monotonic())
            index = min(len(route.received), len(route.replies)) - 1
            return route.replies[index]


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server._next_reply(self.path, headers, self.client_address[:2])
            if reply is None:
                reply = Reply(status=404, body=b"no such route")
            try:
                _answer(self, reply, headers)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


def _answer(handler: BaseHTTPRequestHandler, reply: Reply, request: dict[str, str]) -> None:
    if reply.delay:
        time.sleep(reply.delay)
    if _not_modified(reply, request):
        handler.send_response(304)
        _send_validators(handler, reply)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    _send_validators(handler, reply)
    if reply.stream is not None:
        chunks: Iterable[bytes] = reply.stream
        if reply.length is None:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        else:
            handler.send_header("Content-Length", str(reply.length))
    else:
        body = gzip.compress(reply.body) if reply.gzip else reply.body
        chunks = _split(body, reply.drip[0]) if reply.drip else [body]
        handler.send_header("Content-Length", str(len(body)))
    if reply.gzip:
        handler.send_header("Content-Encoding", "gzip")
    handler.end_headers()
    pause = reply.drip[1] if reply.drip else 0.0
    for chunk in chunks:
        handler.wfile.write(chunk)
        handler.wfile.flush()
        if pause:
            time.sleep(pause)


def _not_modified(reply: Reply, request: dict[str, str]) -> bool:
    if reply.etag is not None and "if-none-match" in request:
        return request["if-none-match"] == reply.etag
    if reply.last_modified is not None and "if-modified-since" in request:
        return request["if-modified-since"] == reply.last_modified
    return False


def _send_validators(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    if reply.etag is not None:
        handler.send_header("ETag", reply.etag)
    if reply.last_modified is not None:
        handler.send_header("Last-Modified", reply.last_modified)


def _split(body: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def gzip_of_zeros(total: int, block: int = 1 << 20) -> tuple[int, Iterator[bytes]]:
    """A gzip stream that inflates to ``total`` zero bytes, built without holding them.

    After a full flush, deflate restarts with an empty window, so the compressed form
    of each ``block`` of zeros is the same ~1 KB; the stream is that piece repeated.
    Returns (compressed length, chunk iterator). ``total`` must be a multiple of
    ``block``.
    """
    if total % block:
        raise ValueError("total must be a multiple of block")
    zeros = bytes(block)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    count = total // block
    length = len(header) + count * len(piece) + len(tail) + 8

    def chunks() -> Iterator[bytes]:
        yield header
        for _ in range(count):
            yield piece
        crc = 0
        for _ in range(count):
            crc = zlib.crc32(zeros, crc)
        yield tail + struct.pack("<II", crc, total & 0xFFFFFFFF)

    return length, chunks()


def unused_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
