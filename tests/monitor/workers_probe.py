"""Run by test_storing in a fresh interpreter (single-threaded, as `claimwatch check`):
poll feeds by host name through forked_workers and print, as JSON, which processes
parsed and whether the writer forked."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from monitor.storing import forked_workers  # noqa: E402
from sources import feed  # noqa: E402
from sources.finding import Finding  # noqa: E402
from sources.http import Fetcher, FetchSettings  # noqa: E402
from sources.poll import SourceJob, poll_many  # noqa: E402
from sources.response import Parsed  # noqa: E402
from storage.db import open_store  # noqa: E402
from tests.support.feedserver import Feed, FeedServer, Route  # noqa: E402


def parse_noting_pid(response, params) -> Parsed:
    parsed = feed.parse(response, params)
    return Parsed([Finding(key=f.key, title=f.title, kind=f.kind,
                           attributes={"parsed_by": os.getpid()}) for f in parsed.findings])


PROBE = types.ModuleType("probe_kind")
PROBE.KIND, PROBE.Params = "probe", feed.Params
PROBE.first_url, PROBE.parse = feed.first_url, parse_noting_pid

BODY = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>https://lab.example/1</guid><title>One</title></item></channel></rss>")


async def poll(urls: list[str], store_url: str) -> dict:
    jobs = [SourceJob(f"s{n}", PROBE, feed.Params(url=url)) for n, url in enumerate(urls)]
    store = open_store(store_url)
    async with Fetcher(FetchSettings()) as fetcher:
        with forked_workers(store, len(jobs)) as (parsers, writer):
            results = [r async for r in poll_many(fetcher, jobs, parsers)]
            forked = writer.forked
    return {"me": os.getpid(), "threads": threading.active_count(), "writer_forked": forked,
            "categories": sorted({str(r.category) for r in results}),
            "messages": sorted({r.message for r in results if r.message}),
            "parsed_by": sorted({f.attributes["parsed_by"] for r in results
                                 for f in r.findings})}


def main() -> None:
    routes = [Route("127.0.0.1", f"/feed{n}.xml", Feed(BODY, '"v1"', "Mon, 04 May 2026",
                                                       "application/rss+xml"))
              for n in range(10)]
    with FeedServer(routes, latency=0.01) as server:
        urls = [url.replace("127.0.0.1", "localhost") for url in server.urls]  # host names
        print(json.dumps(asyncio.run(poll(urls, sys.argv[1]))))


if __name__ == "__main__":
    main()
