"""Several workers on one PostgreSQL store, and how the store grows over a year.

    .venv/bin/python bench/bench_workers.py [--pg URL] [--sources 1000] [--workers 1,3]
        [--growth-sources 1000] [--weeks 52] [--skip-cycle] [--skip-growth]

**Cycle.** A child process serves ``--sources`` small RSS feeds (10 items, ~2.5 KB)
from 127.0.0.1 to 127.0.0.20 with 50 ms of latency and real ETags. For each worker
count, a fresh PostgreSQL schema gets the sources and three claims; N worker
processes (``monitor.daemon.Daemon``, ``per_tick`` 64 as the default config gives) wait
at a start line, then each runs the daemon's poll job back to back (lease due
sources, fetch, store, judge the claims unless another worker is judging, alerts)
until no due source is left free. Printed: wall seconds from the start line to the
last worker's end, requests the server answered, sources per second, batches, and
the check that every source was polled exactly once.

**Growth.** In this process, with a fake clock: ``--weeks`` weekly cycles in which
every source is polled once (one run per cycle, each source's result stored through
``monitor.storing.store_result``) and each feed shows its 20 newest items, 3 of them
new that week. After the last cycle: rows per table and bytes (PostgreSQL:
``pg_total_relation_size`` per table; SQLite: the file after a checkpoint), without
retention and with ``keep_runs = "90d"``, ``keep_findings = "180d"`` applied after
each cycle (the daemon applies it hourly). A daemon polling every 6 h makes 28 runs a
week, not one: run history grows 28 times faster than here, findings do not.

Measured 2026-11 (2-core VM, PostgreSQL 127.0.0.1, other suites running at times):
cycle, 1 worker 11.9 s (84 sources/s), 3 workers 6.4 s (156 sources/s, 360/320/320
sources, 8 of 16 judgements skipped), every source polled once. Growth after 52
weeks, no retention: 156,000 findings and 52,000 run outcomes; PostgreSQL 82 MB on
disk, 66 MB after VACUUM FULL; SQLite 78 MB. With retention: 95,000 findings and
13,000 outcomes; PostgreSQL 82 MB on disk (freed space is reused, not returned),
37 MB after VACUUM FULL; SQLite 46 MB. About 4 minutes per PostgreSQL growth run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from sources.finding import Finding  # noqa: E402
from sources.outcome import Category  # noqa: E402
from sources.poll import SourceResult  # noqa: E402
from storage.models import Base, RunSourceRow  # noqa: E402

HOSTS = 20
LATENCY = 0.05
ITEMS = 10
PER_TICK = 64
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KEEP = ("90d", "180d")
WINDOW, NEW_PER_WEEK = 20, 3
CLAIMS = """\
[[claim]]
id = "c-kestrel"
page = "bench"
section = "S"
text = "Nothing named kestrel is out."
subject = "kestrel"
as_of = "2026-01"
review_every = "90d"
keywords = ["kestrel"]

[[claim]]
id = "c-falcon"
page = "bench"
section = "S"
text = "Nothing named falcon is out."
subject = "falcon"
as_of = "2026-01"
review_every = "never"
keywords = ["falcon"]

[[claim]]
id = "c-old"
page = "bench"
section = "S"
text = "An old claim."
subject = "old"
as_of = "2025"
review_every = "180d"
"""


# --- the feed server ------------------------------------------------------------------

def _feed(number: int) -> bytes:
    word = "kestrel" if number % 97 == 0 else "falcon" if number % 89 == 0 else "release"
    items = "".join(
        f"<item><guid>https://lab{number}.example/p/{i}</guid>"
        f"<title>Lab {number} {word} {i}</title><link>https://lab{number}.example/p/{i}</link>"
        f"<pubDate>{1 + i:02d} May 2026 10:00:00 +0000</pubDate>"
        f"<description>Notes on release {i} of lab {number}: weights, context, license."
        "</description></item>"
        for i in range(ITEMS))
    return ('<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Lab {number}</title><link>https://lab{number}.example/</link>"
            f"<description>releases</description>{items}</channel></rss>").encode()


def serve(count: int, pipe) -> None:
    """Child process: serve the feeds until told to stop; answer request counts."""
    from tests.support.httpserver import LoopbackServer, Reply

    servers = [LoopbackServer(host=f"127.0.0.{n}") for n in range(1, HOSTS + 1)]
    urls, paths = [], []
    for number in range(count):
        body = _feed(number)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        server = servers[number % HOSTS]
        path = f"/feeds/{number}.xml"
        urls.append(server.route(path, Reply(body=body, delay=LATENCY, etag=etag,
                                             headers={"Content-Type": "application/rss+xml"})))
        paths.append((server, path))
    for server in servers:
        server.__enter__()
    pipe.send(urls)
    while (command := pipe.recv()) != "stop":
        if command == "count":
            pipe.send(sum(server.count(path) for server, path in paths))
    for server in servers:
        server.__exit__()


# --- PostgreSQL scratch database ---------------------------------------------------------

class Scratch:
    """A database of our own on the server, one schema per scenario, dropped at the end."""

    def __init__(self, server_url: str) -> None:
        self.server = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
        self.name = f"claimwatch_bench_{os.getpid()}_{secrets.token_hex(3)}"
        with self.server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = make_url(server_url).set(database=self.name)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.count = 0

    def schema_url(self) -> tuple[str, str]:
        self.count += 1
        schema = f"s{self.count}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False), schema

    def sizes(self, schema: str, *, compact: bool = False) -> dict[str, int]:
        """pg_total_relation_size per table after VACUUM (dead rows become reusable
        space, still counted) or, ``compact``, after VACUUM FULL (live rows only)."""
        query = text("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname = :schema AND c.relkind = 'r'")
        with self.admin.connect() as connection:
            connection.execute(text(f"SET search_path = {schema}"))
            connection.execute(text("VACUUM FULL ANALYZE" if compact else "VACUUM ANALYZE"))
            return {name: size for name, size in connection.execute(query, {"schema": schema})}

    def drop(self) -> None:
        self.admin.dispose()
        with self.server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.server.dispose()


def _site(folder: Path, url: str, feeds: list[str]) -> Path:
    lines = ["[store]", f'url = "{url}"', "", "[schedule]", 'timezone = "UTC"',
             'poll_interval = "6h"', "", "[fetch]", f"concurrency = {PER_TICK}", "",
             "[claims]", 'files = ["claims.toml"]', ""]
    for number, feed in enumerate(feeds):
        lines += ["[[source]]", f'id = "feed-{number}"', 'kind = "feed"',
                  f'lab = "Lab {number}"', 'region = "elsewhere"', f'url = "{feed}"', ""]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claimwatch.toml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "claims.toml").write_text(CLAIMS, encoding="utf-8")
    return folder / "claimwatch.toml"


# --- the cycle ---------------------------------------------------------------------------

def worker(config_path: str, ready, go, results) -> None:
    """Child process: a daemon's poll job, back to back, until nothing due is free."""
    from monitor.config import load_config
    from monitor.daemon import Daemon, RunOptions
    from monitor.logs import setup_logging
    from storage.db import open_store

    config = load_config(Path(config_path))
    store = open_store(config.store_url)
    daemon = Daemon(config, store, setup_logging(json_lines=True, stream=io.StringIO()),
                    RunOptions(per_tick=PER_TICK))
    ready.release()
    go.wait()
    polled = batches = skipped = 0
    while (done := daemon.poll_once()) > 0:
        polled += done
        batches += 1
        skipped += daemon.evaluation_owed
    results.put((os.getpid(), polled, batches, skipped, time.monotonic()))
    store.close()


def run_cycle(scratch: Scratch, feeds: list[str], workers: int, pipe) -> str:
    from monitor.config import load_config
    from monitor.pipeline import sync_config
    from storage.db import open_store

    url, _schema = scratch.schema_url()
    config_path = _site(Path(tempfile.mkdtemp(prefix="claimwatch-bench-")), url, feeds)
    config = load_config(config_path)
    store = open_store(url)
    sync_config(config, store, now=datetime.now(UTC), by="bench")
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    processes = [context.Process(target=worker, args=(str(config_path), ready, go, results))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    pipe.send("count")
    before = pipe.recv()
    started = time.monotonic()
    go.set()
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(60)
    wall = max(r[4] for r in reports) - started
    pipe.send("count")
    requests = pipe.recv() - before
    with store.session() as session:
        per_source = list(session.execute(
            select(RunSourceRow.source_id, func.count()).group_by(RunSourceRow.source_id)))
    store.close()
    once = len(per_source) == len(feeds) and all(n == 1 for _, n in per_source)
    polled = sum(r[1] for r in reports)
    shares = "/".join(str(r[1]) for r in sorted(reports, key=lambda r: -r[1]))
    return (f"{workers} worker(s): wall {wall:6.2f} s  requests {requests:5}  "
            f"{polled / wall:6.1f} sources/s  polled {polled} ({shares})  "
            f"batches {sum(r[2] for r in reports):3}  judging skipped "
            f"{sum(r[3] for r in reports):2}  each source once: {'yes' if once else 'NO'}")


# --- the growth --------------------------------------------------------------------------

def _findings(source: int, week: int, start: datetime) -> list[Finding]:
    newest = NEW_PER_WEEK * (week + 1)
    items = range(max(0, newest - WINDOW), newest)
    return [Finding(key=f"https://lab{source}.example/p/{i}", title=f"Lab {source} release {i}",
                    kind="post", url=f"https://lab{source}.example/p/{i}",
                    published=start + timedelta(days=7 * (i // NEW_PER_WEEK)),
                    attributes={"summary": f"Notes on release {i} of lab {source}: weights, "
                                           "context window, license and benchmarks."})
            for i in items]


def grow(url: str, sources: int, weeks: int, keep: tuple[str, str] | None) -> dict[str, int]:
    """Run ``weeks`` weekly cycles on the store at ``url``; rows per table at the end."""
    from monitor.storing import store_result
    from rules.duration import parse_duration
    from storage import runs as run_store
    from storage import sources as source_store
    from storage.db import open_store
    from storage.retention import Retention, prune

    store = open_store(url)
    week = timedelta(days=7)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with store.session() as session:
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=f"feed-{n}", kind="feed", lab=f"Lab {n}",
                                          region="elsewhere", interval=week,
                                          params={"url": f"https://lab{n}.example/feed"})
            for n in range(sources)])
    retention = Retention(parse_duration(keep[0]), parse_duration(keep[1])) if keep else None
    for number in range(weeks):
        now = start + number * week
        with store.session() as session:
            run_id = run_store.start_run(session, "run", now=now).id
        for source in range(sources):
            result = SourceResult(f"feed-{source}", Category.OK,
                                  findings=_findings(source, number, start), requests=1,
                                  bytes_received=2500, duration_s=0.06, etag=f'"w{number}"')
            store_result(store, run_id, result, week, now)
        with store.session() as session:
            run_store.finish_run(session, run_id, now=now, status="done",
                                 counts={"sources": sources})
            if retention is not None:
                prune(session, retention, now=now + timedelta(hours=1))
    with store.session() as session:
        rows = {table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}
    store.close()
    return rows


def _table(rows: dict[str, int], sizes: dict[str, int] | None) -> list[str]:
    lines = []
    for name, count in rows.items():
        if count or (sizes and sizes.get(name)):
            size = f"  {sizes.get(name, 0) / 1e6:8.2f} MB" if sizes is not None else ""
            lines.append(f"    {name:16} {count:9,} rows{size}")
    return lines


def growth_pg(scratch: Scratch, sources: int, weeks: int) -> None:
    for keep in (None, KEEP):
        url, schema = scratch.schema_url()
        started = time.monotonic()
        rows = grow(url, sources, weeks, keep)
        sizes = scratch.sizes(schema)
        compact = scratch.sizes(schema, compact=True)
        label = f"keep_runs={keep[0]}, keep_findings={keep[1]}" if keep else "no retention"
        print(f"  PostgreSQL, {label}: {sum(sizes.values()) / 1e6:.2f} MB on disk, "
              f"{sum(compact.values()) / 1e6:.2f} MB after VACUUM FULL "
              f"({time.monotonic() - started:.0f} s to simulate); per table after VACUUM FULL:")
        print("\n".join(_table(rows, compact)))


def growth_sqlite(sources: int, weeks: int) -> None:
    import sqlite3

    for keep in (None, KEEP):
        path = Path(tempfile.mkdtemp(prefix="claimwatch-bench-")) / "store.sqlite"
        started = time.monotonic()
        rows = grow(f"sqlite:///{path}", sources, weeks, keep)
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        free = connection.execute("PRAGMA freelist_count").fetchone()[0]
        page = connection.execute("PRAGMA page_size").fetchone()[0]
        connection.close()
        label = f"keep_runs={keep[0]}, keep_findings={keep[1]}" if keep else "no retention"
        print(f"  SQLite, {label}: file {path.stat().st_size / 1e6:.2f} MB, of which "
              f"{free * page / 1e6:.2f} MB free pages ({time.monotonic() - started:.0f} s "
              "to simulate)")
        print("\n".join(_table(rows, None)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("CLAIMWATCH_BENCH_PG", DEFAULT_PG),
                        help="a PostgreSQL server URL to create a scratch database on")
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--workers", default="1,3")
    parser.add_argument("--growth-sources", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--skip-cycle", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--growth-on", default="postgresql,sqlite",
                        help="the backends of the growth runs")
    args = parser.parse_args()
    scratch = Scratch(args.pg)
    try:
        if not args.skip_cycle:
            ours, theirs = multiprocessing.Pipe()
            server = multiprocessing.Process(target=serve, args=(args.sources, theirs),
                                             daemon=True)
            server.start()
            feeds = ours.recv()
            print(f"cycle: {args.sources} feeds on {HOSTS} loopback hosts, {LATENCY * 1000:.0f} "
                  f"ms latency, per_tick {PER_TICK}, PostgreSQL")
            try:
                for count in (int(n) for n in args.workers.split(",")):
                    print("  " + run_cycle(scratch, feeds, count, ours), flush=True)
            finally:
                ours.send("stop")
                server.join(5)
        if not args.skip_growth:
            print(f"growth: {args.growth_sources} sources, {args.weeks} weekly cycles, "
                  f"{WINDOW} items a feed, {NEW_PER_WEEK} new a week")
            if "postgresql" in args.growth_on:
                growth_pg(scratch, args.growth_sources, args.weeks)
            if "sqlite" in args.growth_on:
                growth_sqlite(args.growth_sources, args.weeks)
    finally:
        scratch.drop()


if __name__ == "__main__":
    main()
