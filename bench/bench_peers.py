"""Whole commands beside urlwatch: `claimwatch fetch --all` and `check --all` as cron runs them.

    .venv/bin/python bench/bench_peers.py [--runs N] [--feeds N] [--no-urlwatch]

The loopback feed server of bench_fetch.py (tests/support/feedserver.py: bench_fetch's
generated RSS/Atom feeds of 30-80 KB, spread over 30 hosts 127.0.0.1-30, 100 ms of
latency per request, real ETag / Last-Modified / 304) serves ``--feeds`` feeds (300).
A config gets one ``feed`` source per URL and a few claims; each measured command is a
fresh process, timed from start to exit, with its own peak RSS (``os.wait4``):
- cold: an empty store (the schema is created in the process, as a first run does);
- warm: the store the cold run left, nothing changed (every feed answers 304).
Each of the ``--runs`` rounds runs every command once, interleaved, so a change in the
machine's load falls on all of them; medians are printed.

urlwatch, the closest peer, runs in the same rounds on the same server when it is
installed in bench/.peers-venv (gitignored), the venv being separate so its
dependencies never mix with ours:

    python3 -m venv bench/.peers-venv && bench/.peers-venv/bin/pip install urlwatch==2.29

(or point ``--urlwatch`` at its executable). It gets one ``url`` job per feed in its
own urls.yaml, its own cache and config, and its default worker threads; cold is an
empty cache, warm its second run. Without urlwatch the script says so and prints
claimwatch's numbers alone.

Targets (issue 13), same run, 300 feeds: warm fetch <= 0.35x urlwatch's wall, warm
check <= 0.45x, cold fetch <= 0.6x, cold check <= 0.7x, peak RSS <= 150 MB. With
``--feeds 3000`` the 300-feed warm check is measured as well: a 3,000-feed warm check
<= 2x it and <= 200 MB. The machine's other work shows in every wall time: run it on
an otherwise idle machine, and read the ratios rather than the seconds.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from bench_fetch import HOSTS, LAST_MODIFIED, LATENCY, make_feed  # noqa: E402

from tests.support.feedserver import Feed, FeedServer, Route  # noqa: E402

CLAIMWATCH = Path(sys.executable).with_name("claimwatch")
URLWATCH = BENCH / ".peers-venv" / "bin" / "urlwatch"
TARGETS = {  # issue 13: claimwatch's wall as a fraction of urlwatch's, same run
    ("fetch", "warm"): 0.35, ("check", "warm"): 0.45,
    ("fetch", "cold"): 0.6, ("check", "cold"): 0.7,
}
RSS_TARGET_MB = 150
SCALE_WALL_RATIO, SCALE_RSS_MB = 2.0, 200  # 3,000 feeds against the 300-feed warm check

CLAIMS = """\
[[claim]]
id = "feed-0-cadence"
page = "bench"
section = "Releases"
text = "Lab 0 posts a release every month, as of April 2026."
subject = "Lab 0 releases"
as_of = "2026-04"
review_every = "90d"
watch = ["feed-0"]

[[claim]]
id = "frontier-mentions"
page = "bench"
section = "Releases"
text = "No lab calls its model frontier, as of 2026."
subject = "frontier models"
as_of = "2026"
review_every = "never"
keywords = ["frontier multimodal"]
watch = ["feed-1", "feed-2", "feed-3"]

[[claim]]
id = "old-policy"
page = "bench"
section = "Policy"
text = "The rules date from 2023."
subject = "rules"
as_of = "2023"
review_every = "365d"
"""


def routes(feeds: int) -> list[Route]:
    """bench_fetch's feeds (same seed, same bodies), ``feeds`` of them over its 30 hosts."""
    rng = random.Random(20260504)
    made = []
    for number in range(feeds):
        body = make_feed(number, rng)
        kind = "atom" if number % 2 else "rss"
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        made.append(Route(f"127.0.0.{number % HOSTS + 1}", f"/feeds/{number}.{kind}", Feed(
            body, etag=etag, last_modified=LAST_MODIFIED,
            content_type=f"application/{kind}+xml")))
    return made


def claimwatch_config(urls: list[str]) -> str:
    lines = ['[schedule]\ntimezone = "UTC"\npoll_interval = "6h"\n',
             '[claims]\nfiles = ["claims.toml"]\n']
    for number, url in enumerate(urls):
        lines.append(f'[[source]]\nid = "feed-{number}"\nkind = "feed"\nlab = "Lab {number}"\n'
                     f'region = "elsewhere"\nurl = "{url}"\n')
    return "\n".join(lines)


def urlwatch_jobs(urls: list[str]) -> str:
    return "---\n".join(f"name: feed-{number}\nurl: {url}\n" for number, url in enumerate(urls))


@dataclass
class Sample:
    wall_s: float
    rss_mb: float
    code: int


def timed(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run one whole process; its wall time from spawn to exit, and its own peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would keep the largest ever
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}:\n{errors[-2000:]}")
    return Sample(wall, usage.ru_maxrss / 1024, process.returncode)


@dataclass
class Bench:
    urls: list[str]
    work: Path
    urlwatch: Path | None
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)

    def keep(self, name: str, phase: str, sample: Sample) -> None:
        self.samples.setdefault((name, phase), []).append(sample)

    def claimwatch_round(self, command: str) -> None:
        folder = self.work / f"claimwatch-{command}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "claimwatch.toml").write_text(claimwatch_config(self.urls), encoding="utf-8")
        (folder / "claims.toml").write_text(CLAIMS, encoding="utf-8")
        argv = [str(CLAIMWATCH), "--config", str(folder / "claimwatch.toml"), command, "--all"]
        env = {**os.environ, "CLAIMWATCH_USER": "bench", "CLAIMWATCH_CONFIG": ""}
        for phase in ("cold", "warm"):
            self.keep(command, phase, timed(argv, cwd=folder, env=env))

    def urlwatch_round(self) -> None:
        assert self.urlwatch is not None
        folder = self.work / "urlwatch"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "urls.yaml").write_text(urlwatch_jobs(self.urls), encoding="utf-8")
        argv = [str(self.urlwatch), "--urls", str(folder / "urls.yaml"),
                "--config", str(folder / "urlwatch.yaml"), "--hooks", str(folder / "hooks.py"),
                "--cache", str(folder / "cache.db")]
        # its first start writes a default config: outside the timing, as a set-up would
        subprocess.run([*argv, "--list"], cwd=folder, stdout=subprocess.DEVNULL, check=True)
        env = {**os.environ, "HOME": str(folder)}
        for phase in ("cold", "warm"):
            self.keep("urlwatch", phase, timed(argv, cwd=folder, env=env))

    def median(self, name: str, phase: str) -> Sample | None:
        samples = self.samples.get((name, phase))
        if not samples:
            return None
        return Sample(statistics.median(s.wall_s for s in samples),
                      max(s.rss_mb for s in samples), samples[-1].code)


def run_rounds(feeds: int, runs: int, urlwatch: Path | None,
               commands: tuple[str, ...] = ("fetch", "check")) -> Bench:
    work = Path(tempfile.mkdtemp(prefix=f"claimwatch-peers-{feeds}-"))
    with FeedServer(functools.partial(routes, feeds), latency=LATENCY) as server:
        bench = Bench(server.urls, work, urlwatch)
        for number in range(runs):
            for command in commands:
                bench.claimwatch_round(command)
            if urlwatch is not None:
                bench.urlwatch_round()
            print(f"  round {number + 1}/{runs} done", file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return bench


def report(bench: Bench, feeds: int, runs: int) -> list[str]:
    """The medians table, then each target with its ratio; returns the missed targets."""
    print(f"\n{feeds} feeds, median of {runs} whole processes each "
          f"(peak RSS: the largest of the runs)")
    print(f"{'command':32} {'cold wall':>10} {'warm wall':>10} {'peak RSS':>9}")
    names = [("claimwatch fetch --all", "fetch"), ("claimwatch check --all", "check")]
    if bench.urlwatch is not None:
        names.append(("urlwatch 2.29 (default threads)", "urlwatch"))
    for label, name in names:
        cold, warm = bench.median(name, "cold"), bench.median(name, "warm")
        if cold is None or warm is None:
            continue
        print(f"{label:32} {cold.wall_s:9.2f}s {warm.wall_s:9.2f}s "
              f"{max(cold.rss_mb, warm.rss_mb):6.0f} MB")
    missed = []
    for (name, phase), target in TARGETS.items():
        ours, theirs = bench.median(name, phase), bench.median("urlwatch", phase)
        if ours is None:
            continue
        if theirs is None:
            continue
        missed += _verdict(f"{phase} {name} / urlwatch", ours.wall_s / theirs.wall_s, target, "x")
    for name in ("fetch", "check") if feeds == 300 else ():  # the scale has its own target
        peaks = [s.rss_mb for phase in ("cold", "warm")
                 for s in bench.samples.get((name, phase), [])]
        if peaks:
            missed += _verdict(f"{name} peak RSS", max(peaks), RSS_TARGET_MB, " MB")
    return missed


def _verdict(what: str, value: float, target: float, unit: str) -> list[str]:
    met = value <= target
    print(f"  {what:32} {value:7.2f}{unit}  target <= {target:g}{unit}  "
          f"{'met' if met else 'MISSED'}")
    return [] if met else [what]


def scale_report(small: Bench, large: Bench, feeds: int) -> list[str]:
    base, big = small.median("check", "warm"), large.median("check", "warm")
    assert base is not None and big is not None
    print(f"\nwarm check at {feeds} feeds against 300 feeds: "
          f"{big.wall_s:.2f} s / {base.wall_s:.2f} s")
    return (_verdict(f"warm check {feeds} / 300 feeds", big.wall_s / base.wall_s,
                     SCALE_WALL_RATIO, "x")
            + _verdict(f"warm check {feeds} feeds peak RSS", big.rss_mb, SCALE_RSS_MB, " MB"))


def find_urlwatch(given: str | None, skip: bool) -> Path | None:
    if skip:
        print("urlwatch: not run (--no-urlwatch, or not 300 feeds); claimwatch's numbers alone")
        return None
    path = Path(given) if given else URLWATCH
    if path.exists():
        return path
    print(f"urlwatch: not installed at {path}; claimwatch's numbers alone. To compare:\n"
          f"  python3 -m venv {BENCH / '.peers-venv'} && "
          f"{BENCH / '.peers-venv' / 'bin' / 'pip'} install urlwatch==2.29")
    return None


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--feeds", type=int, default=300, help="feeds served (default 300)")
    parser.add_argument("--urlwatch", help=f"urlwatch executable (default {URLWATCH})")
    parser.add_argument("--no-urlwatch", action="store_true", help="measure claimwatch alone")
    args = parser.parse_args(argv)
    if not CLAIMWATCH.exists():
        raise SystemExit(f"no claimwatch beside {sys.executable}: run `make setup` first")
    print(f"bench_peers: {args.feeds} feeds, {args.runs} rounds; {machine_load()} at start")
    urlwatch = find_urlwatch(args.urlwatch, args.no_urlwatch or args.feeds != 300)
    # beyond 300 feeds the targets are the warm check's: fetch is not timed there
    commands = ("fetch", "check") if args.feeds == 300 else ("check",)
    bench = run_rounds(args.feeds, args.runs, urlwatch, commands)
    missed = report(bench, args.feeds, args.runs)
    if args.feeds != 300:
        print("\nthe 300-feed warm check, for the scale target:", file=sys.stderr)
        small = run_rounds(300, args.runs, None, commands=("check",))
        report(small, 300, args.runs)
        missed += scale_report(small, bench, args.feeds)
    print(f"\n{machine_load()} at the end")
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
