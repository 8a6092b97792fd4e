"""A lean feed server in a child process: many loopback hosts on one asyncio loop.

For the benchmarks, which stand in for remote hosts whose CPU is not ours: the threaded
``tests.support.httpserver`` spent about 0.85 s of CPU per fetch benchmark (a thread per
connection, a polling accept loop per host) on the same two cores as the poller, so the
numbers measured the server as much as claimwatch. And for tests that need the polling
process to stay single-threaded, which a server thread in it would not. It serves every
host from one event loop: HTTP/1.1 keep-alive, a fixed latency before each answer, and
real ETag / Last-Modified validators answered with 304.

    feed = Feed(body, etag='"abc"', last_modified="Mon, 04 May 2026 09:00:00 GMT",
                content_type="application/rss+xml")
    with FeedServer([Route("127.0.0.2", "/feeds/1.rss", feed)], latency=0.1) as server:
        server.urls  # ["http://127.0.0.2:<port>/feeds/1.rss"]
"""

from __future__ import annotations

import asyncio
import gzip
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: str
    content_type: str
    gzip: bool = False

    def encoded(self) -> bytes:
        return gzip.compress(self.body) if self.gzip else self.body


@dataclass(frozen=True)
class Route:
    host: str  # a loopback address, e.g. 127.0.0.7
    path: str
    feed: Feed


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                  routes: dict[str, tuple[Feed, bytes]], latency: float) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            headers = {name.strip().lower(): value.strip() for name, _, value in
                       (line.partition(":") for line in lines[1:] if line)}
            await asyncio.sleep(latency)
            writer.write(_response(routes.get(target), headers))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass  # a client hanging up mid-request ends the connection
    except asyncio.CancelledError:
        pass  # the server is stopping with this connection open: end quietly
    finally:
        writer.close()


def _response(route: tuple[Feed, bytes] | None, request: dict[str, str]) -> bytes:
    if route is None:
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    feed, body = route
    validators = f"ETag: {feed.etag}\r\nLast-Modified: {feed.last_modified}\r\n"
    if "if-none-match" in request:
        unchanged = request["if-none-match"] == feed.etag
    else:
        unchanged = request.get("if-modified-since") == feed.last_modified
    if unchanged:
        return f"HTTP/1.1 304 Not Modified\r\n{validators}Content-Length: 0\r\n\r\n".encode()
    encoding = "Content-Encoding: gzip\r\n" if feed.gzip else ""
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: {feed.content_type}\r\n{validators}"
            f"{encoding}Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def _serve(routes: list[Route], latency: float, ready: Connection) -> None:
    by_host: dict[str, dict[str, tuple[Feed, bytes]]] = {}
    for route in routes:
        by_host.setdefault(route.host, {})[route.path] = (route.feed, route.feed.encoded())
    servers, urls = {}, []
    for host, table in by_host.items():
        servers[host] = await asyncio.start_server(
            lambda r, w, table=table: _answer(r, w, table, latency), host, 0, backlog=512)
    for route in routes:
        port = servers[route.host].sockets[0].getsockname()[1]
        urls.append(f"http://{route.host}:{port}{route.path}")
    ready.send(urls)
    done = asyncio.Event()
    asyncio.get_running_loop().add_reader(ready.fileno(), done.set)
    await done.wait()
    for server in servers.values():
        server.close()


def _child(routes: list[Route] | Callable[[], list[Route]], latency: float,
           ready: Connection) -> None:
    asyncio.run(_serve(routes() if callable(routes) else routes, latency, ready))


class FeedServer:
    """Serve ``routes`` from a child process; the URLs, in route order, are in ``urls``.

    ``routes`` may be a function that makes them, called in the child: large bodies are
    then never in this process's memory (a benchmark reports its peak RSS).
    """

    def __init__(self, routes: list[Route] | Callable[[], list[Route]], latency: float) -> None:
        self._routes, self._latency = routes, latency
        self.urls: list[str] = []

    def __enter__(self) -> FeedServer:
        self._ours, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.Process(
            target=_child, args=(self._routes, self._latency, theirs), daemon=True)
        self._process.start()
        self._routes = []  # the child has its copy
        self.urls = self._ours.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._ours.send("done")
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
