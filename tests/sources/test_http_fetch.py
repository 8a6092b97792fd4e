"""Fetcher on its own: headers sent, redirects, decoding, retries, token scoping."""

import asyncio
import gzip
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from sources.http import Fetcher, FetchSettings, _Inflater, _retry_after_seconds, _TooLarge
from sources.outcome import Category
from tests.support.httpserver import LoopbackServer, Reply

FAST = FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=3.0, retries=2,
                     backoff_base=0.01, retry_after_cap=0.2)


def fetch(url, settings=FAST, **kwargs):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.get(url, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


def test_ok_response_has_final_url_lowercased_headers_and_body(server):
    headers = {"Content-Type": "application/rss+xml", "X-Mixed-Case": "1"}
    url = server.route("/feed", Reply(body=b"<rss/>", headers=headers))
    outcome = fetch(url)
    assert outcome.category is Category.OK
    assert outcome.response.url == url
    assert outcome.response.body == b"<rss/>"
    assert outcome.response.headers["x-mixed-case"] == "1"
    assert outcome.response.content_type == "application/rss+xml"
    assert outcome.requests == 1
    assert outcome.bytes_received == len(b"<rss/>")


def test_user_agent_and_no_validators_unless_given(server):
    url = server.route("/feed", Reply(body=b"x"))
    fetch(url)
    sent = server.received("/feed")[0]
    assert sent["user-agent"].startswith("claimwatch/")
    assert "+https://github.com/claimwatch/claimwatch" in sent["user-agent"]
    assert "if-none-match" not in sent and "if-modified-since" not in sent
    assert "authorization" not in sent


def test_keep_alive_reuses_one_connection_per_host(server):
    url = server.route("/feed", Reply(body=b"x"))

    async def go():
        async with Fetcher(FAST) as fetcher:
            for _ in range(3):
                await fetcher.get(url)

    asyncio.run(go())
    assert len(set(server.peers("/feed"))) == 1


def test_conditional_get_sends_validators_and_304_is_not_modified(server):
    url = server.route("/feed", Reply(body=b"x", etag='"v1"'))
    outcome = fetch(url, etag='"v1"', last_modified="Mon, 04 May 2026 09:00:00 GMT")
    sent = server.received("/feed")[0]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 04 May 2026 09:00:00 GMT"
    assert outcome.category is Category.NOT_MODIFIED
    assert outcome.response.body == b""
    assert outcome.response.headers["etag"] == '"v1"'


def test_gzip_body_is_decompressed_but_wire_bytes_are_counted(server):
    body = b"<rss>" + b"item " * 5000 + b"</rss>"
    url = server.route("/feed", Reply(body=body, gzip=True))
    outcome = fetch(url)
    assert outcome.category is Category.OK
    assert outcome.response.body == body
    assert outcome.bytes_received == len(gzip.compress(body))


def test_redirects_are_followed_to_the_final_url(server):
    server.route("/old", Reply(status=301, headers={"Location": "/middle"}))
    server.route("/middle", Reply(status=302, headers={"Location": server.url("/new")}))
    final = server.route("/new", Reply(body=b"here"))
    outcome = fetch(server.url("/old"))
    assert outcome.category is Category.OK
    assert outcome.response.url == final
    assert outcome.response.body == b"here"
    assert outcome.requests == 3


def test_too_many_redirects(server):
    for hop in range(7):
        server.route(f"/{hop}", Reply(status=307, headers={"Location": f"/{hop + 1}"}))
    outcome = fetch(server.url("/0"), FetchSettings(max_redirects=5))
    assert outcome.category is Category.NETWORK
    assert "more than 5 redirects" in outcome.message
    assert server.count("/6") == 0


def test_other_4xx_is_not_retried(server):
    url = server.route("/gone", Reply(status=404, body=b"<html>moved</html>"))
    outcome = fetch(url)
    assert outcome.category is Category.HTTP_4XX
    assert "404" in outcome.message and url in outcome.message
    assert server.count("/gone") == 1
    assert outcome.response.body == b"<html>moved</html>"  # kept for whoever wants to look


def test_5xx_after_all_retries(server):
    url = server.route("/down", Reply(status=503))
    outcome = fetch(url)
    assert outcome.category is Category.HTTP_5XX
    assert "503" in outcome.message
    assert server.count("/down") == 3  # 1 + retries=2


def test_429_then_success_waits_for_retry_after(server):
    url = server.route("/busy", Reply(status=429, headers={"Retry-After": "0.15"}),
                       Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"ok"))
    outcome = fetch(url)
    assert outcome.category is Category.OK
    assert server.count("/busy") == 3


def test_retry_after_longer_than_the_deadline_ends_the_call_at_once(server):
    url = server.route("/busy", Reply(status=429, headers={"Retry-After": "30"}))
    settings = FetchSettings(total_timeout=1.0, retry_after_cap=60.0, backoff_base=0.01)
    outcome = fetch(url, settings)
    assert outcome.category is Category.RATE_LIMITED
    assert outcome.retry_after == 30.0
    assert server.count("/busy") == 1


def test_invalid_url_is_a_network_outcome():
    outcome = fetch("not a url")
    assert outcome.category is Category.NETWORK
    assert "only http and https" in outcome.message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 5 ", 5.0),
        ("soon", None),
        ("-3", None),
        (format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True), 0.0),
    ],
    ids=["none", "empty", "seconds", "spaces", "word", "negative", "past-date"],  # xdist
)
def test_retry_after_parsing(header, expected):
    assert _retry_after_seconds(header) == expected


def test_retry_after_http_date_in_the_future():
    header = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= _retry_after_seconds(header) <= 90


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, seen in the wild
        ("identity", lambda data: data),
    ],
)
def test_inflater_decodes_in_small_chunks(encoding, compress):
    data = b"claimwatch " * 2000
    wire = compress(data)
    inflater = _Inflater(encoding, limit=len(data))
    out = b"".join(inflater.feed(wire[i:i + 100]) for i in range(0, len(wire), 100))
    assert out + inflater.finish() == data


def test_inflater_stops_one_byte_past_the_limit():
    inflater = _Inflater("gzip", limit=1000)
    with pytest.raises(_TooLarge):
        inflater.feed(gzip.compress(bytes(10_000_000)))


def test_unsupported_content_encoding_is_a_network_outcome(server):
    url = server.route("/br", Reply(body=b"\x8b\x00", headers={"Content-Encoding": "br"}))
    outcome = fetch(url)
    assert outcome.category is Category.NETWORK
    assert "unsupported Content-Encoding 'br'" in outcome.message


# --- tokens: scoped to their host over https; the real hosts are never contacted ---

ENV = {"GITHUB_TOKEN": "ghp_SECRET1", "HF_TOKEN": "hf_SECRET2"}


def _fetch_all_through_mock(urls, handler_answers=None):
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[str(request.url)] = request.headers.get("authorization")
        if handler_answers and str(request.url) in handler_answers:
            return handler_answers[str(request.url)]
        return httpx.Response(200, content=b"ok")

    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler), env=ENV) as fetcher:
            return [await fetcher.get(url) for url in urls]

    return seen, asyncio.run(go())


@pytest.mark.parametrize(
    ("url", "authorization"),
    [
        ("https://api.github.com/repos/QwenLM/Qwen3/releases", "Bearer ghp_SECRET1"),
        ("https://huggingface.co/api/models?author=Qwen", "Bearer hf_SECRET2"),
        ("https://github.com/QwenLM/Qwen3/releases.atom", None),
        ("https://api.github.com.evil.example/x", None),
        ("https://evil.example/api.github.com", None),
        ("https://cdn-lfs.huggingface.co/x", None),
        ("http://api.github.com/repos/x", None),  # never over plain http
        ("https://qwenlm.github.io/blog/index.xml", None),
    ],
)
def test_token_goes_only_to_its_own_host(url, authorization):
    seen, _ = _fetch_all_through_mock([url])
    assert seen[url] == authorization


def test_token_is_dropped_when_redirected_to_another_host():
    start = "https://api.github.com/repos/o/r/tarball"
    elsewhere = "https://objects.githubusercontent.com/o/r.tar.gz"
    seen, outcomes = _fetch_all_through_mock(
        [start], {start: httpx.Response(302, headers={"Location": elsewhere})})
    assert seen == {start: "Bearer ghp_SECRET1", elsewhere: None}
    assert outcomes[0].response.url == elsewhere


def test_token_never_appears_in_outcomes_of_failures():
    url = "https://api.github.com/repos/o/r/releases"
    answer = httpx.Response(401, content=b'{"message": "Bad credentials"}')
    _, outcomes = _fetch_all_through_mock([url], {url: answer})
    assert outcomes[0].category is Category.HTTP_4XX
    assert "SECRET" not in repr(outcomes[0])


def test_no_token_when_the_environment_has_none():
    seen = {}

    def handler(request):
        seen["auth"] = request.headers.get("authorization")
        return httpx.Response(200)

    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler), env={}) as fetcher:
            await fetcher.get("https://api.github.com/x")

    asyncio.run(go())
    assert seen == {"auth": None}
