"""One HTTP fetch layer shared by every source kind.

:meth:`Fetcher.get` never raises for network or HTTP trouble: every call ends in a
:class:`~sources.outcome.FetchOutcome` whose category says how::

    OK            2xx; ``response`` holds the decompressed body, ``response.url`` the
                  URL after redirects
    NOT_MODIFIED  304 to a conditional GET (or, in replay, the recorded ETag matched);
                  ``response`` has the headers and an empty body
    RATE_LIMITED  429 after the retries; ``retry_after`` is what the server asked for
    HTTP_5XX      5xx after the retries
    HTTP_4XX      any other 4xx (never retried); the message has the status and URL
    TIMEOUT       connect or read timeout after the retries, or the per-call deadline
    TLS           certificate or handshake failure (never retried)
    TOO_LARGE     the body passed ``max_bytes`` once decompressed; reading stopped there
    NETWORK       refused or dropped connections, invalid URLs, bad redirects (a loop,
                  too many, a scheme other than http/https, a Location that is no URL,
                  a jump from a public address into a non-public one), a URL not in
                  the snapshot

(``PARSE`` belongs to the poller: the body reached a kind that could not read it.)

Retries (``retries`` more attempts, exponential back-off with jitter, Retry-After
honoured up to ``retry_after_cap``) cover connection errors, timeouts, 5xx and 429.
Tokens come from the environment and go only to their own host over https:
``GITHUB_TOKEN`` to api.github.com, ``HF_TOKEN`` to huggingface.co. They never appear
in messages, logs or recorded exchanges.

A source whose own URL is public is never redirected into loopback, private,
link-local or other non-public addresses (a feed answering ``Location:
http://169.254.169.254/`` would otherwise read a cloud's metadata service), unless
``allow_private_redirects``. A source configured on such an address (a local mirror,
a test server) may redirect anywhere. Host names are resolved to judge them; a name
that re-resolves differently at connect time is not caught here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import os
import random
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from sources.outcome import Category, FetchOutcome
from sources.replay import SnapshotError, load_exchange, save_exchange
from sources.response import HttpResponse

_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_FETCHABLE_SCHEMES = {"http", "https"}
_TOKEN_HOSTS = {"api.github.com": "GITHUB_TOKEN", "huggingface.co": "HF_TOKEN"}


def _claimwatch_version() -> str:
    try:
        return version("claimwatch")
    except PackageNotFoundError:
        return "0.0.0"


@dataclass
class FetchSettings:
    concurrency: int = 100  # requests in flight, all hosts together (httpx's own default)
    per_host: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # one get() call; the poller gives one source as much
    max_bytes: int = 10_000_000  # decompressed
    max_redirects: int = 5
    allow_private_redirects: bool = False  # see the module docstring
    retries: int = 3
    backoff_base: float = 0.5
    retry_after_cap: float = 60.0  # longest we sleep inside a call for Retry-After
    user_agent: str = field(default_factory=lambda: (
        f"claimwatch/{_claimwatch_version()} (+https://github.com/claimwatch/claimwatch)"))


@dataclass
class _Tally:
    requests: int = 0
    bytes_received: int = 0  # body bytes as sent on the wire (before decompression)


@dataclass
class _Attempt:
    """One request's end: a final outcome, or a redirect to follow, maybe worth a retry."""

    outcome: FetchOutcome
    location: str | None = None
    retryable: bool = False


class _TooLarge(Exception):
    pass


class Fetcher:
    """Fetches URLs politely and reports every end as a FetchOutcome.

    Use as ``async with Fetcher(settings) as fetcher: await fetcher.get(url)``. With
    ``replay_dir`` answers come from a recorded snapshot instead of the network; with
    ``record_dir`` every final response is written there (see :mod:`sources.replay`).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        replay_dir: Path | None = None,
        record_dir: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._replay_dir = replay_dir
        self._record_dir = record_dir
        self._transport = transport
        self._authorization = _authorization_by_host(os.environ if env is None else env)
        self._client: httpx.AsyncClient | None = None
        self._all_hosts = asyncio.Semaphore(self.settings.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        transport = self._transport or _PoolPerOrigin(s.per_host)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout,
                                  write=s.read_timeout, pool=s.total_timeout),
            headers={"user-agent": s.user_agent, "accept-encoding": "gzip, deflate"},
            follow_redirects=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, *, etag: str | None = None,
                  last_modified: str | None = None) -> FetchOutcome:
        """GET ``url`` (conditionally when validators are given); never raises."""
        if self._replay_dir is not None:
            return _replay(self._replay_dir, url, etag)
        validators = _validator_headers(etag, last_modified)
        tally = _Tally()
        total = self.settings.total_timeout
        try:
            async with asyncio.timeout(total):
                outcome = await self._follow_redirects(url, validators, tally,
                                                       time.monotonic() + total)
        except TimeoutError:
            outcome = FetchOutcome(Category.TIMEOUT,
                                   f"no complete answer from {url} within {total:g} s")
        outcome.requests = tally.requests
        outcome.bytes_received = tally.bytes_received
        return self._record(url, outcome)

    async def _follow_redirects(self, url: str, validators: dict[str, str], tally: _Tally,
                                deadline: float) -> FetchOutcome:
        chain = [url]
        while True:
            problem = _unfetchable(chain[-1])
            if problem:
                return FetchOutcome(Category.NETWORK, problem)
            attempt = await self._with_retries(chain[-1], validators, tally, deadline)
            if attempt.location is None:
                return attempt.outcome
            try:
                target = urljoin(chain[-1], attempt.location)
            except ValueError as error:
                return FetchOutcome(Category.NETWORK, f"bad redirect from {chain[-1]}: "
                                    f"Location {attempt.location!r} is no URL ({error})")
            refusal = await self._redirect_refusal(url, chain[-1], target)
            if refusal:
                return FetchOutcome(Category.NETWORK, refusal)
            if target in chain:
                loop = " -> ".join([*chain[chain.index(target):], target])
                return FetchOutcome(Category.NETWORK, f"redirect loop: {loop}")
            if len(chain) > self.settings.max_redirects:
                return FetchOutcome(Category.NETWORK, f"more than {self.settings.max_redirects}"
                                    f" redirects starting at {url}")
            chain.append(target)

    async def _redirect_refusal(self, source_url: str, here: str, target: str) -> str | None:
        """Why the redirect from ``here`` to ``target`` must not be followed, or None."""
        if self.settings.allow_private_redirects:
            return None
        target_host = _host_of(target)
        if target_host is None or not await _non_public(target_host):
            return None
        if await _non_public(_host_of(source_url) or ""):
            return None  # configured on a local address: a mirror or a test server
        return (f"refused redirect from {here} to {target}: {target_host} is a loopback, "
                "private or link-local address, and the source is public "
                "(set [fetch] allow_private_redirects = true to follow such redirects)")

    async def _with_retries(self, url: str, validators: dict[str, str], tally: _Tally,
                            deadline: float) -> _Attempt:
        for number in range(self.settings.retries + 1):
            attempt = await self._attempt_once(url, validators, tally)
            if not attempt.retryable or number == self.settings.retries:
                return attempt
            pause = self._pause_before_retry(number, attempt.outcome.retry_after)
            if time.monotonic() + pause >= deadline:
                return attempt  # waiting would outlive the call; report what we have
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    def _pause_before_retry(self, number: int, retry_after: float | None) -> float:
        pause = self.settings.backoff_base * 2**number * random.uniform(0.5, 1.5)
        if retry_after is not None:
            pause = max(pause, min(retry_after, self.settings.retry_after_cap))
        return pause

    async def _attempt_once(self, url: str, validators: dict[str, str],
                            tally: _Tally) -> _Attempt:
        assert self._client is not None, "use Fetcher as an async context manager"
        headers = {**validators, **self._auth_header(url)}
        async with self._host_slot(url), self._all_hosts:
            tally.requests += 1
            try:
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    return await self._judge(url, response, tally)
                finally:
                    await response.aclose()
            except httpx.RequestError as error:
                return _request_failure(url, error)
            except httpx.InvalidURL as error:
                return _Attempt(FetchOutcome(Category.NETWORK, f"invalid URL {url!r}: {error}"))

    async def _judge(self, url: str, response: httpx.Response, tally: _Tally) -> _Attempt:
        status = response.status_code
        if status in _REDIRECT_STATUSES and "location" in response.headers:
            return _Attempt(FetchOutcome(Category.NETWORK), location=response.headers["location"])
        try:
            body = await _read_body(response, self.settings.max_bytes, tally)
        except _TooLarge:
            return _Attempt(FetchOutcome(Category.TOO_LARGE, (
                f"body of {url} is larger than {self.settings.max_bytes} bytes "
                "(after decompression); stopped reading")))
        final = HttpResponse(url=str(response.url), status=status,
                             headers={k.lower(): v for k, v in response.headers.items()},
                             body=body)
        outcome = outcome_for(final)
        return _Attempt(outcome, retryable=status == 429 or status >= 500)

    def _auth_header(self, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in self._authorization:
            return {}
        return {"authorization": self._authorization[parts.hostname]}

    @contextlib.asynccontextmanager
    async def _host_slot(self, url: str) -> AsyncIterator[None]:
        host = urlsplit(url).hostname or ""
        slot = self._per_host.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with slot:
            yield

    def _record(self, url: str, outcome: FetchOutcome) -> FetchOutcome:
        """``outcome``, once recorded; a recording that cannot be made ends the fetch."""
        # A 304 has no body worth keeping: the snapshot keeps the full answer it has.
        if (self._record_dir is not None and outcome.response is not None
                and outcome.category is not Category.NOT_MODIFIED):
            try:
                save_exchange(self._record_dir, url, outcome.response)
            except (SnapshotError, OSError) as error:
                return FetchOutcome(Category.NETWORK, f"not recorded: {error}",
                                    requests=outcome.requests,
                                    bytes_received=outcome.bytes_received)
        return outcome


class _PoolPerOrigin(httpx.AsyncBaseTransport):
    """One keep-alive pool per scheme/host/port instead of one shared pool.

    httpcore's pool scans all its connections for every queued request; with 100+
    connections across 30 hosts that cost more CPU than the requests themselves
    (bench/bench_fetch.py: ~6 ms per request). Small pools keep each scan short.
    """

    def __init__(self, per_origin: int) -> None:
        self._limits = httpx.Limits(max_connections=per_origin,
                                    max_keepalive_connections=per_origin)
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._tls = _tls_context()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = httpx.AsyncHTTPTransport(verify=self._tls,
                                                                   limits=self._limits)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The verifying TLS context, built once per process: loading the CA bundle takes
    ~40 ms, which a daemon would otherwise pay on every poll tick."""
    return httpx.create_ssl_context()


def outcome_for(response: HttpResponse) -> FetchOutcome:
    """The outcome a complete final response stands for (live or replayed)."""
    status, url = response.status, response.url
    if 200 <= status < 300:
        return FetchOutcome(Category.OK, response=response)
    if status == 304:
        return FetchOutcome(Category.NOT_MODIFIED, f"{url} not modified", response=response)
    label = f"HTTP {status} {_reason(status)} from {url}"
    if status == 429:
        retry_after = _retry_after_seconds(response.headers.get("retry-after"))
        wait = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
        return FetchOutcome(Category.RATE_LIMITED, label + wait, response=response,
                            retry_after=retry_after)
    if 400 <= status < 500:
        return FetchOutcome(Category.HTTP_4XX, label, response=response)
    if status >= 500:
        return FetchOutcome(Category.HTTP_5XX, label, response=response)
    return FetchOutcome(Category.NETWORK, f"unexpected {label} (not followed)",
                        response=response)


def _replay(folder: Path, url: str, etag: str | None) -> FetchOutcome:
    try:
        response = load_exchange(folder, url)
    except SnapshotError as refused:
        return FetchOutcome(Category.NETWORK, str(refused))
    if etag is not None and response.headers.get("etag") == etag:
        unchanged = HttpResponse(url=response.url, status=304, headers=response.headers,
                                 body=b"")
        return FetchOutcome(Category.NOT_MODIFIED, f"{url} not modified (replayed)",
                            response=unchanged)
    return outcome_for(response)


async def _read_body(response: httpx.Response, limit: int, tally: _Tally) -> bytes:
    if response.is_stream_consumed:  # built in memory (a mock transport); already decoded
        tally.bytes_received += len(response.content)
        if len(response.content) > limit:
            raise _TooLarge
        return response.content
    encoding = response.headers.get("content-encoding", "identity")
    declared = response.headers.get("content-length", "")
    if encoding == "identity" and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    inflater = _Inflater(encoding, limit)
    parts = []
    async for chunk in response.aiter_raw():
        tally.bytes_received += len(chunk)
        parts.append(inflater.feed(chunk))
    parts.append(inflater.finish())
    return b"".join(parts)


class _Inflater:
    """Undoes a Content-Encoding chunk by chunk, never producing more than ``limit`` bytes.

    zlib's ``max_length`` stops inflation at ``limit + 1`` bytes, so a gzip bomb costs
    at most ``limit`` bytes of memory before it is refused.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding.strip().lower()
        self._limit = limit
        self._produced = 0
        self._raw_deflate_tried = False
        if self._encoding in ("gzip", "x-gzip"):
            self._zlib: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif self._encoding == "identity":
            self._zlib = None
        else:
            raise httpx.DecodingError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            return self._count(chunk)
        try:
            return self._count(self._zlib.decompress(chunk, self._limit - self._produced + 1))
        except zlib.error as error:
            if self._encoding == "deflate" and not self._raw_deflate_tried and not self._produced:
                # Some servers send raw deflate without the zlib wrapper.
                self._raw_deflate_tried = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(chunk)
            raise httpx.DecodingError(f"cannot decode {self._encoding} body: {error}") from error

    def finish(self) -> bytes:
        return self._count(self._zlib.flush()) if self._zlib is not None else b""

    def _count(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise _TooLarge
        return data


def _request_failure(url: str, error: httpx.RequestError) -> _Attempt:
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        doing = _TIMED_OUT_WHILE.get(type(error), "fetching")
        return _Attempt(FetchOutcome(Category.TIMEOUT, f"timed out {doing} {url}"),
                        retryable=True)
    if _is_tls_failure(error):
        return _Attempt(FetchOutcome(Category.TLS, f"TLS failure for {url}: {detail}"))
    if isinstance(error, httpx.UnsupportedProtocol | httpx.DecodingError):
        return _Attempt(FetchOutcome(Category.NETWORK, f"{url}: {detail}"))
    if isinstance(error, httpx.ConnectError):
        return _Attempt(FetchOutcome(Category.NETWORK, f"could not connect to {url}: {detail}"),
                        retryable=True)
    return _Attempt(FetchOutcome(Category.NETWORK, f"{type(error).__name__} for {url}: {detail}"),
                    retryable=True)


_TIMED_OUT_WHILE = {
    httpx.ConnectTimeout: "connecting to",
    httpx.ReadTimeout: "reading from",
    httpx.WriteTimeout: "sending to",
    httpx.PoolTimeout: "waiting for a free connection to",
}


def _is_tls_failure(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unfetchable(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"invalid URL {url!r}: {error}"
    if parts.scheme.lower() not in _FETCHABLE_SCHEMES:
        return f"cannot fetch {url}: only http and https URLs are followed"
    if not parts.hostname:
        return f"invalid URL {url!r}: no host"
    return None


def _host_of(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


async def _non_public(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address outside the public internet."""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
        except (OSError, UnicodeError):
            return False  # unresolvable: the request itself will fail and say so
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos
                     if info[0] in (socket.AF_INET, socket.AF_INET6)]
    return any(_is_non_public(address) for address in addresses)


def _is_non_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _validator_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["if-none-match"] = etag
    if last_modified:
        headers["if-modified-since"] = last_modified
    return headers


def _authorization_by_host(env: Mapping[str, str]) -> dict[str, str]:
    return {host: f"Bearer {env[name]}" for host, name in _TOKEN_HOSTS.items() if env.get(name)}


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), or None."""
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
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
