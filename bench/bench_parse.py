"""Parse benchmark: CPU milliseconds per feed, the ``feed`` kind against feedparser.

    .venv/bin/python bench/bench_parse.py [--repeat N] [--huge ENTRIES]

Over the corpus copies in tests/data/sources (feeds/, github/*.xml, arxiv/, edge/) it
times, per file, the median CPU time of N runs of:

- ``feedparser``: ``feedparser.parse`` on the body as a stream, alone;
- ``fastfeedparser``: ``fastfeedparser.parse`` alone (the old fast path's parser, for
  reference: it is now only the last-resort recovery of ill-formed feeds);
- ``feed.parse``: the whole kind as the poller calls it (lxml pull parse, the walk,
  normalisation into findings; feedparser only when lxml finds the body ill-formed),
  or "ParseError".

A column shows "rejects" where that parser raises on the file. The last lines sum the
well-formed feeds, the case that matters: every healthy source on every poll. The
feedparser corpus is timed by bench/bench_feed_conformance.py, which also checks what
each parser reads.

``--huge N`` times one generated RSS feed of N entries (default 100,000) through
``feed.parse`` with the default entry cap, and reports the findings, the CPU time and
the peak of Python memory (tracemalloc) and of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import fastfeedparser
import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sources import HttpResponse, ParseError, feed  # noqa: E402

DATA = ROOT / "tests" / "data" / "sources"


def corpus() -> list[tuple[str, bytes]]:
    """(name, body) of every feed-like file in the test corpus copies."""
    files = sorted(
        [*DATA.glob("feeds/*.xml"), *DATA.glob("github/*.xml"), *DATA.glob("arxiv/*"),
         *DATA.glob("edge/*")]
    )
    bodies = []
    for path in files:
        body = path.read_bytes()
        if path.parent.name == "arxiv" and path.suffix == ".json":
            body = json.loads(body)["body"].encode("utf-8")  # arxiv.py's capture wrapper
        bodies.append((f"{path.parent.name}/{path.name}", body))
    return bodies


def median_ms(action, repeat: int) -> float | None:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        try:
            action()
        except (ValueError, ParseError):
            return None
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def _is_well_formed_feed(name: str, body: bytes) -> bool:
    if name.startswith("edge/"):
        return False
    try:
        feed.parse(HttpResponse(url="https://example.org/feed", status=200, headers={},
                                body=body), feed.Params(url="https://example.org/feed"))
    except ParseError:
        return False
    return True


def per_file(repeat: int) -> None:
    params = feed.Params(url="https://example.org/feed")
    columns = ("feedparser", "fastfeedparser", "feed.parse")
    totals = dict.fromkeys(columns, 0.0)
    print(f"{'file':<66} {'KB':>5} " + " ".join(f"{c:>14}" for c in columns))
    for name, body in corpus():
        response = HttpResponse(url="https://example.org/feed", status=200, headers={}, body=body)
        row = {
            "feedparser": median_ms(lambda b=body: feedparser.parse(io.BytesIO(b)), repeat),
            "fastfeedparser": median_ms(lambda b=body: fastfeedparser.parse(bytes(b)), repeat),
            "feed.parse": median_ms(lambda r=response: feed.parse(r, params), repeat),
        }
        cells = [f"{v:.2f}" if v is not None else "rejects" for v in row.values()]
        print(f"{name:<66} {len(body) / 1024:>5.0f} " + " ".join(f"{c:>14}" for c in cells))
        if _is_well_formed_feed(name, body):
            for column, value in row.items():
                totals[column] += value or 0.0
    print("\nsum over the well-formed feeds/, github/ and arxiv/ files (CPU ms):")
    for column, total in totals.items():
        ratio = total / totals["feedparser"] if totals["feedparser"] else 0.0
        print(f"  {column:<15} {total:8.2f}  ({ratio:.2f}x feedparser)")


def huge(entries: int) -> None:
    items = b"".join(
        b"<item><title>Model %d</title><link>https://lab.example/p/%d</link><guid>g%d</guid>"
        b"<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item>" % (n, n, n)
        for n in range(entries))
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + items + \
        b"</channel></rss>"
    response = HttpResponse(url="https://example.org/feed", status=200, headers={}, body=body)
    params = feed.Params(url="https://example.org/feed")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.process_time()
    parsed = feed.parse(response, params)
    cpu = time.process_time() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    feed.parse(response, params)
    python_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"generated feed: {entries:,} entries, {len(body) / 1e6:.1f} MB")
    print(f"  findings {len(parsed.findings):,} (cap {params.max_entries:,}), "
          f"complete={parsed.complete}")
    print(f"  CPU {cpu:.2f} s; Python peak {python_peak:.1f} MB; process peak RSS "
          f"{rss_before:.0f} MB before the parse (the body itself), {rss_after:.0f} MB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--huge", type=int, nargs="?", const=100_000, default=None,
                        metavar="ENTRIES")
    arguments = parser.parse_args()
    if arguments.huge:
        huge(arguments.huge)
    else:
        per_file(arguments.repeat)


if __name__ == "__main__":
    main()
