"""poll_source and poll_many: pages, validators, parser failures, ordering, isolation."""

import asyncio
import threading
import time
import types

import pydantic
import pytest

from sources.finding import Finding
from sources.http import Fetcher, FetchSettings
from sources.outcome import Category
from sources.poll import SourceJob, poll_many, poll_source
from sources.response import HttpResponse, Parsed, ParseError
from tests.support.httpserver import LoopbackServer, Reply

FAST = FetchSettings(
    connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0, retries=1, backoff_base=0.01
)


class Params(pydantic.BaseModel):
    url: str
    max_pages: int = 1


def parse_paged(response: HttpResponse, params: Params) -> Parsed:
    """Toy kind: a line per item; a line ``next <url>`` asks for another page;
    ``incomplete`` marks the listing as known to stop short."""
    findings, next_url, complete = [], None, True
    for line in response.body.decode().splitlines():
        if line.startswith("next "):
            next_url = line.removeprefix("next ")
        elif line == "incomplete":
            complete = False
        elif line == "bad":
            raise ParseError("line 'bad' is not an item")
        elif line:
            findings.append(Finding(key=line, title=line, kind="post"))
    return Parsed(
        findings, warnings=[f"read {response.url}"], dropped=1, next_url=next_url, complete=complete
    )


PAGED = types.ModuleType("fake_paged")
PAGED.KIND = "paged"
PAGED.Params = Params
PAGED.first_url = lambda params: params.url
PAGED.parse = parse_paged


def run(coro_factory, settings=FAST):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await coro_factory(fetcher)

    return asyncio.run(go())


def poll_one(job, settings=FAST):
    return run(lambda fetcher: poll_source(fetcher, job), settings)


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


def pages(server, count, *, last=b""):
    """Routes /p1 .. /p<count>, each pointing at the next; returns the first URL."""
    for n in range(1, count + 1):
        link = f"next {server.url(f'/p{n + 1}')}\n".encode() if n < count else last
        server.route(
            f"/p{n}",
            Reply(
                body=f"item-{n}\n".encode() + link,
                etag=f'"e{n}"',
                last_modified=f"Mon, 0{n} May 2026 09:00:00 GMT",
            ),
        )
    return server.url("/p1")


def test_pages_are_followed_up_to_max_pages(server):
    url = pages(server, 3)
    result = poll_one(SourceJob("s", PAGED, Params(url=url, max_pages=3), etag='"old"'))
    assert result.category is Category.OK
    assert [f.key for f in result.findings] == ["item-1", "item-2", "item-3"]
    assert result.complete is True
    assert result.requests == 3
    assert result.dropped == 3
    assert len(result.warnings) == 3
    # validators from the first page; later pages fetched unconditionally
    assert (result.etag, result.last_modified) == ('"e1"', "Mon, 01 May 2026 09:00:00 GMT")
    assert server.received("/p1")[0]["if-none-match"] == '"old"'
    assert "if-none-match" not in server.received("/p2")[0]


def test_a_next_page_left_unfollowed_makes_the_listing_incomplete(server):
    url = pages(server, 3)
    result = poll_one(SourceJob("s", PAGED, Params(url=url, max_pages=2)))
    assert [f.key for f in result.findings] == ["item-1", "item-2"]
    assert result.complete is False
    assert server.count("/p3") == 0


def test_default_max_pages_is_one(server):
    class OnePageParams(pydantic.BaseModel):
        url: str

    url = pages(server, 2)
    result = poll_one(SourceJob("s", PAGED, OnePageParams(url=url)))
    assert [f.key for f in result.findings] == ["item-1"]
    assert result.complete is False


def test_parser_saying_incomplete_is_kept(server):
    url = pages(server, 1, last=b"incomplete\n")
    result = poll_one(SourceJob("s", PAGED, Params(url=url)))
    assert result.category is Category.OK
    assert result.complete is False


def test_a_failing_later_page_keeps_earlier_findings_and_forgets_validators(server):
    server.route("/p1", Reply(body=f"item-1\nnext {server.url('/p2')}\n".encode(), etag='"e1"'))
    server.route("/p2", Reply(status=404))
    result = poll_one(SourceJob("s", PAGED, Params(url=server.url("/p1"), max_pages=5)))
    assert result.category is Category.OK
    assert [f.key for f in result.findings] == ["item-1"]
    assert result.complete is False
    assert result.etag is None  # so the next poll fetches page 1 again, not a 304
    assert any("page 2 not read (http-4xx)" in w for w in result.warnings)


def test_a_later_page_that_cannot_be_parsed_is_a_warning(server):
    server.route("/p1", Reply(body=f"item-1\nnext {server.url('/p2')}\n".encode()))
    server.route("/p2", Reply(body=b"bad\n"))
    result = poll_one(SourceJob("s", PAGED, Params(url=server.url("/p1"), max_pages=5)))
    assert result.category is Category.OK
    assert result.complete is False
    assert any("line 'bad' is not an item" in w for w in result.warnings)


def test_a_page_pointing_back_is_not_fetched_twice(server):
    server.route("/p1", Reply(body=f"item-1\nnext {server.url('/p1')}\n".encode()))
    result = poll_one(SourceJob("s", PAGED, Params(url=server.url("/p1"), max_pages=5)))
    assert server.count("/p1") == 1
    assert any("repeats an earlier page" in w for w in result.warnings)


def test_first_page_parse_error_keeps_the_old_validators(server):
    url = server.route("/p1", Reply(body=b"bad\n", etag='"new"'))
    result = poll_one(SourceJob("s", PAGED, Params(url=url), etag='"old"', last_modified="x"))
    assert result.category is Category.PARSE
    assert "line 'bad' is not an item" in result.message
    assert (result.etag, result.last_modified) == ('"old"', "x")


def test_304_takes_fresher_validators_from_the_answer(server):
    url = server.route("/p1", Reply(body=b"a\n", etag='"v1"', last_modified="Tue"))
    result = poll_one(SourceJob("s", PAGED, Params(url=url), etag='"v1"'))
    assert result.category is Category.NOT_MODIFIED
    assert (result.etag, result.last_modified) == ('"v1"', "Tue")
    assert result.findings == []


def test_whole_source_is_bounded_by_total_timeout(server):
    # Every page is quick; together they pass the source's budget.
    for n in range(1, 6):
        server.route(
            f"/p{n}", Reply(body=f"item-{n}\nnext {server.url(f'/p{n + 1}')}\n".encode(), delay=0.3)
        )
    settings = FetchSettings(**{**FAST.__dict__, "total_timeout": 1.0})
    started = time.monotonic()
    result = poll_one(
        SourceJob("s", PAGED, Params(url=server.url("/p1"), max_pages=5), etag='"old"'), settings
    )
    assert time.monotonic() - started < 1.5
    assert result.category is Category.TIMEOUT
    assert "took longer than 1 s" in result.message
    assert result.findings == []
    assert result.etag == '"old"'


def test_fetch_failure_carries_category_message_and_retry_after(server):
    url = server.route("/p1", Reply(status=429, headers={"Retry-After": "3600"}))
    result = poll_one(SourceJob("s", PAGED, Params(url=url)))
    assert result.category is Category.RATE_LIMITED
    assert result.retry_after == 3600
    assert result.requests == 1  # 3600 s is past the deadline: no second try
    assert result.duration_s < 1


def test_poll_many_yields_results_as_they_finish(server):
    server.route("/slow", Reply(body=b"s\n", delay=0.4))
    server.route("/fast", Reply(body=b"f\n"))
    jobs = [
        SourceJob("slow", PAGED, Params(url=server.url("/slow"))),
        SourceJob("fast", PAGED, Params(url=server.url("/fast"))),
    ]

    async def order(fetcher):
        return [result.source_id async for result in poll_many(fetcher, jobs)]

    assert run(order) == ["fast", "slow"]


def test_poll_many_with_a_kind_whose_first_url_crashes(server):
    broken = types.ModuleType("fake_broken")
    broken.KIND = "broken"
    broken.first_url = lambda params: 1 / 0
    jobs = [
        SourceJob("broken", broken, Params(url="unused")),
        SourceJob("fine", PAGED, Params(url=server.route("/p", Reply(body=b"a\n")))),
    ]

    async def collect(fetcher):
        return {r.source_id: r async for r in poll_many(fetcher, jobs)}

    results = run(collect)
    assert results["fine"].category is Category.OK
    assert results["broken"].category.is_failure
    assert "ZeroDivisionError" in results["broken"].message


def test_per_host_limit_holds(server):
    server.route("/p", Reply(body=b"a\n", delay=0.2))
    settings = FetchSettings(**{**FAST.__dict__, "per_host": 2})
    jobs = [SourceJob(str(n), PAGED, Params(url=server.url("/p"))) for n in range(4)]

    async def collect(fetcher):
        return [r async for r in poll_many(fetcher, jobs)]

    started = time.monotonic()
    results = run(collect, settings)
    assert all(r.category is Category.OK for r in results)
    assert time.monotonic() - started >= 0.4  # two waves of two


def test_pages_are_parsed_off_the_event_loop_thread(server, monkeypatch):
    """The loop goes on fetching while a page is parsed (see the module docstring)."""
    threads = set()

    def noting_thread(response, params):
        threads.add(threading.get_ident())
        return parse_paged(response, params)

    monkeypatch.setattr(PAGED, "parse", noting_thread)
    result = poll_one(SourceJob("s", PAGED, Params(url=pages(server, 2), max_pages=2)))
    assert [f.key for f in result.findings] == ["item-1", "item-2"]
    assert threads and threading.get_ident() not in threads
