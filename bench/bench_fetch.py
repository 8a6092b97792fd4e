"""Fetch-and-parse benchmark: 300 feeds on 30 loopback hosts, a cold and a warm cycle.

    .venv/bin/python bench/bench_fetch.py [--runs N] [--concurrency N] [--gzip]

A child process (tests/support/feedserver.py, one asyncio loop) serves 300 generated
feeds (RSS 2.0 and Atom, 30-80 KB, 30-50 items) from 127.0.0.1 to 127.0.0.30, ten per
host, with 100 ms of latency on every request and real ETag / Last-Modified / 304
answers. This process polls them all as a check does: ``sources.poll.poll_many`` with
the ``feed`` kind, parsing on the event loop, and every result stored through
``monitor.storing.store_as_completed`` (one transaction per source, in a worker
thread) into a fresh SQLite store. A cold cycle, then a warm cycle that sends the
validators the cold one got. For each it prints wall seconds, requests, 304s, body
bytes on the wire and this process's peak RSS (the server's memory is not counted).
``--runs N`` repeats it in N fresh interpreters and prints the medians.

Targets: warm <= 0.8 s and <= 2% of cold bytes; cold <= 1.5 s with parsing and storing;
peak RSS <= 150 MB. Latency alone puts a floor under the wall time: ceil(300 / in-flight
requests) x 100 ms, where in-flight is min(concurrency, 30 hosts x per_host).

Measured 2026-12-02 on the 2-core VM while seven other test suites and benchmarks
loaded it (load average 7-9, so every figure is 3-4x a quiet machine's), six runs
interleaved with the forked version it replaced (forked parser and writer processes):
cold median 5.13 s (4.25-6.54) against 5.54 s (4.98-6.54); warm median 2.02 s
(1.08-2.65) against 2.40 s (1.48-3.69); every warm feed answered 304. Memory, every
process of the bench sampled together, the feed server's 70 MB included: one process
peaking at 116 MB, 186 MB in all, against 105 MB plus four forked workers of 70-82 MB,
331 MB in all. Parsing on the event loop instead of a thread: cold 6.5 s against 4.7 s
(medians of 8 interleaved runs); storing on the loop instead of a thread: cold 9.5 s
against 8.3 s (6 runs, an even busier hour).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import hashlib
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.storing import SourceOutcome, store_as_completed  # noqa: E402
from sources.http import Fetcher, FetchSettings  # noqa: E402
from sources.outcome import Category  # noqa: E402
from sources.poll import SourceJob, SourceResult, poll_many  # noqa: E402
from storage import runs as run_store  # noqa: E402
from storage import sources as source_store  # noqa: E402
from storage.db import Store, open_store  # noqa: E402
from tests.support.feedserver import Feed, FeedServer, Route  # noqa: E402

INTERVAL = timedelta(hours=6)

HOSTS = 30
FEEDS = 300
LATENCY = 0.1
LAST_MODIFIED = "Mon, 04 May 2026 09:00:00 GMT"
WORDS = ["model", "release", "open", "weights", "benchmark", "reasoning", "context",
         "window", "license", "apache", "inference", "tokens", "frontier", "lab",
         "evaluation", "agent", "multimodal", "vision", "audio"]


def make_feed(number: int, rng: random.Random) -> bytes:
    """One feed of 30-50 items padded to 30-80 KB; even numbers RSS, odd Atom."""
    items = rng.randint(30, 50)
    target = rng.randint(30_000, 80_000)
    per_item = target // items
    atom = number % 2 == 1
    parts = []
    for item in range(items):
        day = 1 + item % 28
        title = f"Release {number}.{item}: " + " ".join(rng.choices(WORDS, k=6))
        link = f"https://lab{number % HOSTS}.example/posts/{number}-{item}"
        text = " ".join(rng.choices(WORDS, k=per_item // 7))[:max(per_item - 300, 50)]
        if atom:
            parts.append(f"<entry><id>{link}</id><title>{title}</title>"
                         f'<link href="{link}"/><updated>2026-04-{day:02d}T10:00:00Z</updated>'
                         f"<summary>{text}</summary></entry>")
        else:
            parts.append(f"<item><guid>{link}</guid><title>{title}</title><link>{link}</link>"
                         f"<pubDate>{day:02d} Apr 2026 10:00:00 +0000</pubDate>"
                         f"<description>{text}</description></item>")
    if atom:
        head = ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>Lab {number}</title><id>urn:lab:{number}</id>"
                "<updated>2026-04-28T10:00:00Z</updated>")
        return (head + "".join(parts) + "</feed>").encode()
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Lab {number}</title><link>https://lab{number}.example/</link>"
            "<description>releases</description>")
    return (head + "".join(parts) + "</channel></rss>").encode()


def feed_routes(gzip: bool) -> list[Route]:
    """The 300 feeds, spread round-robin over the 30 hosts."""
    rng = random.Random(20260504)
    routes = []
    for number in range(FEEDS):
        body = make_feed(number, rng)
        kind = "atom" if number % 2 else "rss"
        routes.append(Route(f"127.0.0.{number % HOSTS + 1}", f"/feeds/{number}.{kind}", Feed(
            body, etag='"' + hashlib.sha256(body).hexdigest()[:16] + '"',
            last_modified=LAST_MODIFIED, content_type=f"application/{kind}+xml", gzip=gzip)))
    return routes


@dataclass
class Cycle:
    wall_s: float
    results: list[SourceResult]  # findings dropped once stored, as a check does
    findings: int

    def line(self, name: str) -> str:
        count = {c: sum(r.category is c for r in self.results) for c in Category}
        failed = sum(n for c, n in count.items() if c.is_failure)
        findings = self.findings
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return (f"{name:5} wall {self.wall_s:6.3f} s  requests {self.requests:4}  "
                f"304s {count[Category.NOT_MODIFIED]:3}  bytes {self.bytes:10,}  "
                f"findings {findings:6}  failed {failed:3}  peak RSS {peak_mb:6.1f} MB")

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.results)

    @property
    def bytes(self) -> int:
        return sum(r.bytes_received for r in self.results)


def open_bench_store(jobs: list[SourceJob]) -> tuple[Store, int]:
    """A fresh SQLite store with the bench's sources, as `claimwatch fetch` would have."""
    folder = Path(tempfile.mkdtemp(prefix="claimwatch-bench-"))
    opened = open_store(f"sqlite:///{folder / 'bench.sqlite'}")
    now = datetime.now(UTC)
    with opened.session() as session:
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=j.source_id, kind="feed", lab="bench",
                                          region="elsewhere", interval=INTERVAL,
                                          params=j.params.model_dump(mode="json"))
            for j in jobs])
        run_id = run_store.start_run(session, "bench", now=now).id
    return opened, run_id


async def run_cycle(fetcher: Fetcher, jobs: list[SourceJob], opened: Store, run_id: int
                    ) -> Cycle:
    """Poll every job and commit each source's findings as it arrives, as a check does."""
    started = time.perf_counter()
    results: list[SourceResult] = []
    stored: list[SourceOutcome] = []
    intervals = dict.fromkeys((job.source_id for job in jobs), INTERVAL)
    polls = _tally(poll_many(fetcher, jobs), results)
    await store_as_completed(polls, opened, run_id, intervals, lambda: datetime.now(UTC),
                             stored.append)
    return Cycle(time.perf_counter() - started, results, sum(o.findings for o in stored))


async def _tally(polls: AsyncIterator[SourceResult], into: list[SourceResult]
                 ) -> AsyncIterator[SourceResult]:
    """Pass results on; keep each one's counters, not its findings (a check keeps none)."""
    async for result in polls:
        into.append(dataclasses.replace(result, findings=[]))
        yield result


async def warm_up_imports(url: str) -> None:
    """One request outside the timing: httpx imports httpcore, anyio and h11 at its first
    request (~0.1 s). A check pays that once at start-up, like every other import, and
    the cycles measure polling, not start-up."""
    async with Fetcher(FetchSettings()) as fetcher:
        await fetcher.get(url)


async def cold_then_warm(urls: list[str], settings: FetchSettings) -> tuple[Cycle, Cycle]:
    from sources.registry import KINDS

    feed = KINDS["feed"]
    jobs = [SourceJob(f"feed-{n}", feed, feed.Params(url=url)) for n, url in enumerate(urls)]
    opened, run_id = open_bench_store(jobs)
    await warm_up_imports(urls[0])
    async with Fetcher(settings) as fetcher:
        cold = await run_cycle(fetcher, jobs, opened, run_id)
    by_id = {r.source_id: r for r in cold.results}
    warm_jobs = [SourceJob(j.source_id, feed, j.params, etag=by_id[j.source_id].etag,
                           last_modified=by_id[j.source_id].last_modified) for j in jobs]
    async with Fetcher(settings) as fetcher:  # a fresh client, as the next cron run has
        warm = await run_cycle(fetcher, warm_jobs, opened, run_id)
    opened.close()
    shutil.rmtree(Path(opened.engine.url.database).parent, ignore_errors=True)
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=FetchSettings().concurrency)
    parser.add_argument("--per-host", type=int, default=FetchSettings().per_host)
    parser.add_argument("--gzip", action="store_true", help="serve the feeds gzip-compressed")
    parser.add_argument("--runs", type=int, default=1,
                        help="repeat cold + warm this many times, each in a fresh process "
                             "as cron starts one, and print the medians; this VM's timings "
                             "vary by +-15%% from run to run")
    args = parser.parse_args()
    if args.runs > 1:
        repeat(args.runs)
        return

    settings = FetchSettings(concurrency=args.concurrency, per_host=args.per_host)
    with FeedServer(functools.partial(feed_routes, args.gzip), LATENCY) as server:
        cold, warm = asyncio.run(cold_then_warm(server.urls, settings))
    print(f"{FEEDS} feeds on {HOSTS} hosts, {LATENCY * 1000:.0f} ms latency, concurrency "
          f"{args.concurrency}, per host {args.per_host}, one process"
          f"{', gzip' if args.gzip else ''}")
    print(cold.line("cold"))
    print(warm.line("warm"))
    print(f"warm bytes = {100 * warm.bytes / max(cold.bytes, 1):.2f}% of cold")


def repeat(runs: int) -> None:
    """Run this benchmark ``runs`` times, each in a fresh interpreter (a process that
    ran many cycles gets slower: its heap grows), then print the medians."""
    argv = [a for a in sys.argv[1:] if not a.startswith("--runs")]
    if "--runs" in sys.argv:  # "--runs N" as two words
        at = sys.argv.index("--runs")
        argv = sys.argv[1:at] + sys.argv[at + 2:]
    walls: dict[str, list[float]] = {"cold": [], "warm": []}
    for run in range(runs):
        out = subprocess.run([sys.executable, __file__, *argv], capture_output=True,
                             text=True, check=True).stdout.splitlines()
        for line in out[0 if run == 0 else 1:]:  # the settings line once
            print(line)
            words = line.split()
            if words[0] in walls and words[1] == "wall":
                walls[words[0]].append(float(words[2]))
    for name, seconds in walls.items():
        print(f"{name} median {statistics.median(seconds):.3f} s over {runs} runs "
              f"(range {min(seconds):.3f}-{max(seconds):.3f})")


if __name__ == "__main__":
    main()
