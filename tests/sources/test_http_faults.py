"""Faults on the wire, each in a run beside a healthy source that must finish normally.

Every test polls two sources through poll_many against a loopback server: the faulty
one and a healthy feed. The fault must end in a clear category and message; the healthy
source must be untouched by it.
"""

import asyncio
import resource
import time
import types
from pathlib import Path

import feedparser
import pydantic
import pytest

from sources.finding import Finding
from sources.http import Fetcher, FetchSettings
from sources.outcome import Category
from sources.poll import SourceJob, SourceResult, poll_many
from sources.response import HttpResponse, Parsed, ParseError
from tests.support.httpserver import LoopbackServer, Reply, gzip_of_zeros, unused_port

DATA = Path(__file__).resolve().parent.parent / "data" / "http"
FAST = FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0, retries=2,
                     backoff_base=0.01, retry_after_cap=0.2, max_bytes=1_000_000)
HEALTHY_BODY = b"post-1\npost-2\n"


class Params(pydantic.BaseModel):
    url: str
    max_pages: int = 1


def parse_lines(response: HttpResponse, params: Params) -> Parsed:
    """A toy kind: one finding per line of UTF-8 text."""
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(f"not UTF-8: {error}") from error
    keys = [line for line in text.splitlines() if line]
    return Parsed([Finding(key=k, title=k, kind="post") for k in keys])


def make_kind(parse=parse_lines, name="lines"):
    kind = types.ModuleType(f"fake_{name}")
    kind.KIND = name
    kind.Params = Params
    kind.first_url = lambda params: params.url
    kind.parse = parse
    return kind


LINES = make_kind()


def run_beside_healthy(server, faulty: SourceJob, settings=FAST) -> tuple[SourceResult, float]:
    """Poll ``faulty`` with a healthy source; check the healthy one; return the faulty's."""
    healthy_url = server.route("/healthy", Reply(body=HEALTHY_BODY, etag='"h1"'))
    healthy = SourceJob("healthy", LINES, Params(url=healthy_url))

    async def go():
        async with Fetcher(settings) as fetcher:
            return [result async for result in poll_many(fetcher, [faulty, healthy])]

    started = time.monotonic()
    results = {result.source_id: result for result in asyncio.run(go())}
    elapsed = time.monotonic() - started
    ok = results["healthy"]
    assert ok.category is Category.OK, ok.message
    assert [f.key for f in ok.findings] == ["post-1", "post-2"]
    assert ok.etag == '"h1"'
    return results[faulty.source_id], elapsed


def job(url, kind=LINES, **validators):
    return SourceJob("faulty", kind, Params(url=url), **validators)


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


def test_304_round_trip_keeps_etag_and_last_modified(server):
    stamp = "Mon, 04 May 2026 09:00:00 GMT"
    url = server.route("/feed", Reply(body=b"a\nb\n", etag='"v7"', last_modified=stamp))
    cold, _ = run_beside_healthy(server, job(url))
    assert cold.category is Category.OK
    assert (cold.etag, cold.last_modified) == ('"v7"', stamp)
    assert len(cold.findings) == 2

    warm, _ = run_beside_healthy(server, job(url, etag=cold.etag, last_modified=stamp))
    assert warm.category is Category.NOT_MODIFIED
    assert warm.findings == []
    assert (warm.etag, warm.last_modified) == ('"v7"', stamp)
    first, second = server.received("/feed")
    assert "if-none-match" not in first
    assert second["if-none-match"] == '"v7"' and second["if-modified-since"] == stamp


def test_429_with_retry_after_ends_rate_limited(server):
    url = server.route("/feed", Reply(status=429, headers={"Retry-After": "120"}))
    result, elapsed = run_beside_healthy(server, job(url),
                                         FetchSettings(**{**FAST.__dict__, "total_timeout": 5}))
    assert result.category is Category.RATE_LIMITED
    assert result.retry_after == 120.0
    assert "429" in result.message and url in result.message
    assert server.count("/feed") == 3  # each wait capped at retry_after_cap=0.2 s
    assert 0.4 <= elapsed < 3


def test_500_then_success(server):
    url = server.route("/feed", Reply(status=500), Reply(body=b"a\n"))
    result, _ = run_beside_healthy(server, job(url))
    assert result.category is Category.OK
    assert [f.key for f in result.findings] == ["a"]
    assert result.requests == 2


def test_connect_refused(server):
    url = f"http://127.0.0.1:{unused_port()}/feed"
    result, _ = run_beside_healthy(server, job(url))
    assert result.category is Category.NETWORK
    assert "could not connect to" in result.message and url in result.message
    assert result.requests == 3


def test_read_timeout(server):
    url = server.route("/feed", Reply(body=b"late", delay=1.0))
    result, elapsed = run_beside_healthy(server, job(url))
    assert result.category is Category.TIMEOUT
    assert "timed out reading from" in result.message and url in result.message
    assert elapsed < 2.5


def test_slow_drip_body_hits_the_total_timeout(server):
    # Each chunk arrives well within the read timeout; the whole never does.
    url = server.route("/feed", Reply(body=b"x" * 4000, drip=(40, 0.05)))
    settings = FetchSettings(**{**FAST.__dict__, "total_timeout": 1.0})
    result, elapsed = run_beside_healthy(server, job(url), settings)
    assert result.category is Category.TIMEOUT
    assert "1 s" in result.message
    assert elapsed < 2


def test_oversize_body_with_content_length(server):
    url = server.route("/feed", Reply(body=b"a\n" * 600_000))
    result, _ = run_beside_healthy(server, job(url))
    assert result.category is Category.TOO_LARGE
    assert "1000000 bytes" in result.message
    assert result.bytes_received == 0  # refused on the declared length


def test_oversize_body_without_content_length(server):
    chunks = (b"a\n" * 50_000 for _ in range(100))  # 10 MB, length unknown
    url = server.route("/feed", Reply(stream=chunks))
    result, _ = run_beside_healthy(server, job(url))
    assert result.category is Category.TOO_LARGE
    assert result.bytes_received < 1_500_000


def test_gzip_bomb_is_refused_without_inflating_it(server):
    length, chunks = gzip_of_zeros(1 << 30)  # 1 GiB of zeros in about 1 MB
    url = server.route("/feed", Reply(stream=chunks, length=length, gzip=True))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, elapsed = run_beside_healthy(server, job(url))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.category is Category.TOO_LARGE
    assert "after decompression" in result.message
    assert result.bytes_received < 100_000  # stopped after ~1 MB inflated
    assert grown_kb < 50_000
    assert elapsed < 2


def test_redirect_loop(server):
    server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    server.route("/b", Reply(status=302, headers={"Location": server.url("/a")}))
    result, _ = run_beside_healthy(server, job(server.url("/a")))
    assert result.category is Category.NETWORK
    assert result.message == f"redirect loop: {server.url('/a')} -> {server.url('/b')} -> " \
                             f"{server.url('/a')}"


def test_redirect_to_ftp_is_refused(server):
    url = server.route("/feed", Reply(status=301, headers={"Location": "ftp://example.org/f"}))
    result, _ = run_beside_healthy(server, job(url))
    assert result.category is Category.NETWORK
    assert "ftp://example.org/f" in result.message
    assert "only http and https" in result.message


def recording_kind(seen: list[bytes]):
    def parse(response, params):
        seen.append(response.body)
        return parse_lines(response, params)

    return make_kind(parse, "recording")


def test_invalid_utf8_reaches_the_parser_unchanged(server):
    body = (DATA / "feedparser_encoding_bozo_invalid-bytes-with-bom.xml").read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and b"Espa\xf1a" in body
    seen: list[bytes] = []
    url = server.route("/feed", Reply(body=body, headers={"Content-Type": "text/plain"}))
    result, _ = run_beside_healthy(server, job(url, recording_kind(seen)))
    assert seen == [body]
    assert result.category is Category.PARSE
    assert "not UTF-8" in result.message and url in result.message


def test_truncated_xml_reaches_the_parser_unchanged(server):
    body = (DATA / "feedparser_illformed_rss_incomplete_cdata.xml").read_bytes()
    assert body.endswith(b"<![CD\r\n")
    seen: list[bytes] = []

    def strict_xml(response, params):
        seen.append(response.body)
        from xml.etree import ElementTree

        try:
            ElementTree.fromstring(response.body)
        except ElementTree.ParseError as error:
            raise ParseError(f"not well-formed XML: {error}") from error
        return Parsed([])

    url = server.route("/feed", Reply(body=body, gzip=True))
    result, _ = run_beside_healthy(server, job(url, make_kind(strict_xml, "xml")))
    assert seen == [body]
    assert result.category is Category.PARSE
    assert "not well-formed XML" in result.message


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
            '<rss version="2.0"><channel><title>&lol9;</title>'
            "<item><title>&lol9;</title><guid>g1</guid></item></channel></rss>").encode()


def parse_with_feedparser(response, params):
    feed = feedparser.parse(response.body)
    if feed.bozo and not feed.entries:
        raise ParseError(f"not a feed: {feed.bozo_exception}")
    warnings = [f"ill-formed feed: {feed.bozo_exception}"] if feed.bozo else []
    findings = [Finding(key=e.get("id", ""), title=e.get("title", ""), kind="post")
                for e in feed.entries]
    return Parsed(findings, warnings=warnings)


def test_billion_laughs_ends_in_a_clear_outcome(server):
    url = server.route("/feed", Reply(body=billion_laughs()))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, elapsed = run_beside_healthy(server, job(url, make_kind(parse_with_feedparser)))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.category in (Category.OK, Category.PARSE)
    if result.category is Category.OK:
        assert result.warnings  # the parser noticed something was off
        assert all(len(f.title) < 10_000 for f in result.findings)  # nothing expanded
    assert elapsed < 2
    assert grown_kb < 50_000


def test_truncated_cdata_through_feedparser_does_not_hang(server):
    body = (DATA / "feedparser_illformed_rss_incomplete_cdata.xml").read_bytes()
    url = server.route("/feed", Reply(body=body))
    result, elapsed = run_beside_healthy(server, job(url, make_kind(parse_with_feedparser)))
    assert result.category in (Category.OK, Category.PARSE)
    assert result.category is Category.PARSE or result.warnings
    assert elapsed < 2


def test_a_parser_bug_is_a_parse_outcome_not_a_crash(server):
    def buggy(response, params):
        return {}["missing"]

    url = server.route("/feed", Reply(body=b"a\n"))
    result, _ = run_beside_healthy(server, job(url, make_kind(buggy, "buggy")))
    assert result.category is Category.PARSE
    assert "buggy parser failed with KeyError" in result.message
