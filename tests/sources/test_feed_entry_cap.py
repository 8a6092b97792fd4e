"""Entry caps (issue 14 item 11): a feed or listing of 100,000 entries, generated here,
gives ``max_entries`` findings, says so in the source's warnings and ``complete``, and
costs memory by the cap, not by the answer's size (tracemalloc, generous bounds)."""

from __future__ import annotations

import asyncio
import json
import tracemalloc

import pydantic
import pytest

from sources import HttpResponse, feed, github, huggingface
from sources.http import Fetcher, FetchSettings
from sources.outcome import DEFAULT_MAX_ENTRIES, Category
from sources.poll import SourceJob, poll_source
from tests.support.httpserver import LoopbackServer, Reply

HUGE = 100_000


def huge_rss(count: int = HUGE) -> bytes:
    items = b"".join(
        b"<item><title>Model %d</title><link>https://lab.example/p/%d</link><guid>g%d</guid>"
        b"<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item>" % (n, n, n)
        for n in range(count))
    return b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + items + \
        b"</channel></rss>"


def huge_listing(count: int = HUGE) -> bytes:
    return json.dumps([{"id": f"org/model-{n}", "createdAt": "2024-01-01T00:00:00.000Z",
                        "tags": ["license:mit"]} for n in range(count)]).encode()


def response(body: bytes, url: str = "https://example.org/feed") -> HttpResponse:
    return HttpResponse(url=url, status=200, headers={}, body=body)


def traced_peak(action):
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_default_cap_is_far_above_any_real_feed():
    assert DEFAULT_MAX_ENTRIES == 5000
    for kind in (feed, huggingface, github):
        assert kind.Params.model_fields["max_entries"].default == DEFAULT_MAX_ENTRIES
    with pytest.raises(pydantic.ValidationError):
        feed.Params(url="https://e.org/f", max_entries=0)


def test_a_huge_feed_is_capped_flagged_and_bounded():
    body = huge_rss()
    parsed, peak = traced_peak(
        lambda: feed.parse(response(body), feed.Params(url="https://example.org/feed")))
    assert len(parsed.findings) == DEFAULT_MAX_ENTRIES
    assert [f.key for f in parsed.findings[:2]] == ["g0", "g1"]  # the first ones, in order
    assert parsed.complete is False
    assert "entry cap of 5,000" in parsed.warnings[-1]
    # 100,000 findings held at once cost ~150 MB of Python objects; 5,000 cost ~5 MB
    assert peak < 40_000_000, f"peak {peak / 1e6:.1f} MB"


def test_a_feed_under_its_cap_is_complete_and_unflagged():
    parsed = feed.parse(response(huge_rss(120)), feed.Params(url="https://e.org/f",
                                                            max_entries=120))
    assert (len(parsed.findings), parsed.complete, parsed.warnings) == (120, True, [])


def test_a_configured_cap_holds_on_the_lenient_path_too():
    ill_formed = huge_rss(50).replace(b"<title>t</title>", b"<title>t &nbsp;</title>")
    parsed = feed.parse(response(ill_formed), feed.Params(url="https://e.org/f",
                                                         max_entries=10))
    assert len(parsed.findings) == 10 and parsed.complete is False
    assert any("entry cap of 10" in warning for warning in parsed.warnings)


def test_a_huge_json_feed_is_capped():
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": str(n), "title": f"t{n}"} for n in range(20)]}).encode()
    parsed = feed.parse(response(body), feed.Params(url="https://e.org/f", max_entries=5))
    assert [f.key for f in parsed.findings] == ["0", "1", "2", "3", "4"]
    assert parsed.complete is False


def test_a_huge_hugging_face_listing_is_capped_flagged_and_bounded():
    body = huge_listing()
    parsed, peak = traced_peak(
        lambda: huggingface.parse(response(body, "https://huggingface.co/api/models"),
                                  huggingface.Params(author="org")))
    assert len(parsed.findings) == DEFAULT_MAX_ENTRIES
    assert parsed.findings[0].key == "org/model-0"
    assert parsed.complete is False and parsed.next_url is None
    assert "entry cap of 5,000" in parsed.warnings[0]
    # json.loads of the whole listing alone peaks near 100 MB
    assert peak < 40_000_000, f"peak {peak / 1e6:.1f} MB"


def test_a_github_page_beyond_the_cap_is_cut():
    body = json.dumps([{"tag_name": f"v{n}", "published_at": "2024-01-01T00:00:00Z"}
                       for n in range(30)]).encode()
    parsed = github.parse(response(body), github.Params(repo="o/r", max_entries=7))
    assert [f.key for f in parsed.findings] == [f"v{n}" for n in range(7)]
    assert parsed.complete is False and "entry cap of 7" in parsed.warnings[0]


def test_pages_stop_being_read_at_the_cap(monkeypatch):
    with LoopbackServer() as server:
        for page in range(1, 6):
            models = [{"id": f"org/m{page}-{n}"} for n in range(100)]
            link = f'<{server.url(f"/api/models/p{page + 1}")}>; rel="next"'
            server.route(f"/api/models/p{page}",
                         Reply(body=json.dumps(models).encode(), headers={"Link": link}))
        params = huggingface.Params(author="org", max_pages=10, max_entries=250,
                                    base_url=server.url(""))
        job = SourceJob("hf", huggingface, params)
        first = server.url("/api/models/p1")

        async def go():
            async with Fetcher(FetchSettings(retries=0)) as fetcher:
                return await poll_source(fetcher, job)

        monkeypatch.setattr(huggingface, "first_url", lambda _params: first)
        result = asyncio.run(go())
        assert result.category is Category.OK
        assert len(result.findings) == 250
        assert result.complete is False
        assert any("entry cap of 250" in warning for warning in result.warnings)
        assert server.count("/api/models/p3") == 1
        assert server.count("/api/models/p4") == 0  # never read past the cap


CLAIMS = """\
[[claim]]
id = "cac-rules"
page = "test-page"
section = "Policy"
text = "China's generative AI rules date from 2023."
subject = "CAC generative AI rules"
as_of = "2023"
review_every = "never"
"""


def test_sources_list_shows_a_capped_source(tmp_path):
    import json as json_module

    from tests.conftest import write_config
    from tests.monitor.test_cli import run

    with LoopbackServer() as server:
        server.route("/feed.xml", Reply(body=huge_rss(30),
                                        headers={"Content-Type": "application/rss+xml"}))
        config = write_config(tmp_path / "site", f"""\
            [claims]
            files = ["claims.toml"]

            [[source]]
            id = "big-blog"
            kind = "feed"
            lab = "Alibaba Qwen"
            region = "china"
            url = "{server.url('/feed.xml')}"
            max_entries = 10
            """, claims=CLAIMS)
        fetched = run("fetch", "--all", config=config)
        assert fetched.exit_code == 0, fetched.output
    (row,) = [json_module.loads(line)
              for line in run("sources", "list", "--json", config=config).output.splitlines()]
    assert (row["status"], row["complete"]) == ("ok", False)
    assert any("entry cap of 10" in warning for warning in row["warnings"])
    table = run("sources", "list", config=config).output
    assert "warning: stopped at the entry cap of 10 entries (max_entries)" in table
