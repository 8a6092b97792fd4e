"""Redirects that must not be followed: unparsable Locations, and jumps from a public
address into loopback, private or link-local networks (issue 14, items 8 and 12)."""

import asyncio

import httpx
import pytest

from sources.http import Fetcher, FetchSettings
from sources.outcome import Category
from tests.support.httpserver import LoopbackServer, Reply

FAST = FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0, retries=0)
PUBLIC = "http://93.184.216.34/feed.xml"  # a public address; only the mock transport answers


def fetch(url: str, handler, **options):
    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler), env={},
                           **options) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(go())


def redirecting_to(location: str, seen: list[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if str(request.url) == PUBLIC:
            return httpx.Response(302, headers={"location": location})
        return httpx.Response(200, text="secret metadata")

    return handler


@pytest.mark.parametrize("location", [
    "http://a]b/", "http://[::1", "http://a:b/", "http://[1.2.3.4]/",
])
def test_a_location_that_fails_url_parsing_is_an_outcome_not_a_crash(location):
    seen: list[str] = []
    outcome = fetch(PUBLIC, redirecting_to(location, seen))
    assert outcome.category is Category.NETWORK
    assert "location" in outcome.message.lower() or "invalid url" in outcome.message.lower()
    assert seen == [PUBLIC]


@pytest.mark.parametrize("location", [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:8080/admin",
    "http://10.0.0.7/internal",
    "http://192.168.1.1/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://localhost/",
    "http://0.0.0.0/",
])
def test_a_public_source_redirecting_into_a_private_network_is_refused(location):
    seen: list[str] = []
    outcome = fetch(PUBLIC, redirecting_to(location, seen))
    assert outcome.category is Category.NETWORK
    assert "private" in outcome.message or "loopback" in outcome.message
    assert location.split("/")[2].strip("[]").split(":")[0] in outcome.message or location in \
        outcome.message
    assert seen == [PUBLIC], "the private address was requested"


def test_the_config_may_allow_private_redirects():
    seen: list[str] = []
    settings = FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0,
                             retries=0, allow_private_redirects=True)

    async def go():
        async with Fetcher(settings, transport=httpx.MockTransport(
                redirecting_to("http://10.0.0.7/mirror", seen)), env={}) as fetcher:
            return await fetcher.get(PUBLIC)

    outcome = asyncio.run(go())
    assert outcome.category is Category.OK
    assert seen == [PUBLIC, "http://10.0.0.7/mirror"]


def test_a_public_to_public_redirect_is_followed():
    seen: list[str] = []
    outcome = fetch(PUBLIC, redirecting_to("http://93.184.216.35/moved.xml", seen))
    assert outcome.category is Category.OK
    assert seen == [PUBLIC, "http://93.184.216.35/moved.xml"]


def test_a_loopback_source_may_redirect_within_loopback():
    with LoopbackServer() as server:
        target = server.route("/target", Reply(body=b"here"))
        start = server.route("/start", Reply(status=302, headers={"location": target}))

        async def go():
            async with Fetcher(FAST, env={}) as fetcher:
                return await fetcher.get(start)

        outcome = asyncio.run(go())
    assert outcome.category is Category.OK
    assert outcome.response.body == b"here"
