"""Three ``claimwatch run`` workers on one PostgreSQL store, one killed mid-run.

200 feeds on a loopback server, each growing by one item per request; ten claims
watch keywords that appear in some feeds' second item, so flags open (and alerts go
out) while the workers race. Checked: no feed is requested twice within its
interval (except the sources the killed worker had in flight), every source is polled
again and again, every item served is stored, each digest recipient gets one digest,
each flag exists once and is alerted once.

PostgreSQL only: sharing a store between workers is what PostgreSQL adds; on SQLite
one daemon runs at a time (tests/monitor/test_daemon.py checks that).
"""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import load_config
from storage.db import open_store
from storage.models import DeliveryRow, FindingRow, FlagRow, SourceStateRow
from tests.conftest import write_config
from tests.support.daemon import Running, claimwatch, start, wait_for
from tests.support.httpserver import LoopbackServer, Reply
from tests.support.smtpserver import running_inbox

FEEDS = 200
GROWTH = 8  # a feed's k-th answer holds its first k items (the 8th repeats)
INTERVAL = 10.0  # seconds; the tick is a quarter of it
KEYWORDS = [f"kestrel{j}" for j in range(10)]
EDITORS = ["ed1@example.org", "ed2@example.org"]
ALERTS = "alerts@example.org"


def _keyword_of(feed: int) -> str | None:
    """Every 20th feed names a claim's keyword in its second item (from its second poll)."""
    return KEYWORDS[feed // 20] if feed % 20 == 0 else None


def _item(feed: int, number: int) -> str:
    word = _keyword_of(feed) if number == 2 else None
    title = f"Release {feed}.{number}" + (f" ships {word}" if word else "")
    link = f"https://lab{feed}.example/posts/{number}"
    return (f"<item><guid>{link}</guid><title>{title}</title><link>{link}</link>"
            f"<pubDate>{number:02d} May 2026 10:00:00 +0000</pubDate></item>")


def _feed(feed: int, items: int) -> bytes:
    body = "".join(_item(feed, n) for n in range(1, items + 1))
    return ('<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Lab {feed}</title><link>https://lab{feed}.example/</link>"
            f"<description>releases</description>{body}</channel></rss>").encode()


def _config(server: LoopbackServer, smtp_port: int) -> str:
    lines = [
        "[schedule]", 'timezone = "UTC"', f'poll_interval = "{INTERVAL:g}s"', "",
        "[fetch]", "concurrency = 30", "per_host = 16", 'timeout = "10s"', "retries = 0", "",
        "[email]", 'smtp_host = "127.0.0.1"', f"smtp_port = {smtp_port}", 'tls = "none"',
        'from = "claimwatch@example.org"', f"digest_to = {EDITORS!r}".replace("'", '"'),
        f'alert_to = ["{ALERTS}"]', 'alert_on = ["review"]', "",
        "[claims]", 'files = ["claims.toml"]', "",
    ]
    for feed in range(FEEDS):
        lines += ["[[source]]", f'id = "feed-{feed}"', 'kind = "feed"', f'lab = "Lab {feed}"',
                  'region = "elsewhere"', f'url = "{server.url(f"/feeds/{feed}.xml")}"', ""]
    return "\n".join(lines)


def _claims() -> str:
    return "\n".join(
        f'[[claim]]\nid = "watch-{word}"\npage = "p"\nsection = "S"\n'
        f'text = "Nothing named {word} is out."\nsubject = "{word}"\nas_of = "2026-01"\n'
        f'review_every = "never"\nkeywords = ["{word}"]\n'
        for word in KEYWORDS
    )


def _holder(worker: Running) -> str:
    return f"{socket.gethostname()}:{worker.process.pid}"


@pytest.fixture
def inbox():
    with running_inbox() as server:
        yield server


@pytest.mark.timeout(300)
def test_three_workers_split_the_polling_and_survive_a_kill(
    tmp_path: Path, backend: str, inbox
) -> None:
    if backend != "postgresql":
        pytest.skip("several workers share a PostgreSQL store only; SQLite runs one daemon "
                    "(test_daemon.py::test_two_daemons_on_one_store)")
    mail, smtp_port = inbox
    with LoopbackServer() as server:
        for feed in range(FEEDS):
            server.route(f"/feeds/{feed}.xml",
                         *(Reply(body=_feed(feed, k), delay=0.05) for k in range(1, GROWTH + 1)))
        config_path = write_config(tmp_path / "site", _config(server, smtp_port), _claims())
        store = open_store(load_config(config_path).store_url)  # the schema, before the race

        def leased_by(holder: str) -> list[str]:
            with store.session() as session:
                return list(session.scalars(select(SourceStateRow.source_id).where(
                    SourceStateRow.lease_owner == holder)))

        workers = [start(config_path, "run", "--log-json", log=tmp_path / f"w{n}.log")
                   for n in range(3)]
        try:
            victim = workers[0]
            in_flight = wait_for(lambda: leased_by(_holder(victim)), timeout=30,
                                 what="the first worker in the middle of a batch")
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait(timeout=10)
            killed_at = time.monotonic()
            in_flight_feeds = {int(source.removeprefix("feed-")) for source in in_flight}

            def polled_enough() -> bool:
                return all(server.count(f"/feeds/{feed}.xml") >= 2 for feed in range(FEEDS)) \
                    and any(t > killed_at for feed in in_flight_feeds
                            for t in server.times(f"/feeds/{feed}.xml"))

            wait_for(polled_enough, timeout=90, what="every feed polled twice, and one of "
                     "the killed worker's again")
            stop_at = time.monotonic()
            for worker in workers[1:]:
                worker.process.send_signal(signal.SIGTERM)
            codes = [worker.finish() for worker in workers[1:]]
        finally:
            for worker in workers:
                worker.kill()
        assert all(code in (0, 3) for code in codes), [w.text()[-2000:] for w in workers]
        times = {feed: server.times(f"/feeds/{feed}.xml") for feed in range(FEEDS)}

        # the store is left as cron's next check would find it: anything dropped whole
        # by the stop is still due, and one check polls it
        final = claimwatch(config_path, "check", "--quiet")
        assert final.returncode in (0, 1), final.stderr
        served = {feed: min(server.count(f"/feeds/{feed}.xml"), GROWTH) for feed in range(FEEDS)}

    with store.session() as session:
        stored = set(map(tuple, session.execute(select(FindingRow.source_id, FindingRow.key))))
        flags = list(session.scalars(select(FlagRow)))
        deliveries = list(session.scalars(select(DeliveryRow)))
        leftover = list(session.scalars(select(SourceStateRow.source_id).where(
            SourceStateRow.lease_owner.is_not(None))))
    store.close()

    # every source polled again and again; never twice within its interval, except the
    # killed worker's sources in flight, which another worker took over at once
    for feed, seen in times.items():
        before_stop = [t for t in seen if t < stop_at]
        assert len(before_stop) >= 2, f"feed {feed} polled {len(before_stop)} time(s)"
        gaps = [b - a for a, b in zip(before_stop, before_stop[1:], strict=False)]
        short = [g for g in gaps if g < INTERVAL - 0.2]
        if feed in in_flight_feeds:
            assert len(short) <= 1, f"feed {feed}: gaps {gaps}"
        else:
            assert not short, f"feed {feed} polled twice within its interval: gaps {gaps}"
    retaken = [f for f in in_flight_feeds if any(killed_at < t < killed_at + INTERVAL
                                                 for t in times[f])]
    assert retaken, "the killed worker's sources waited for their leases to run out"
    assert not leftover, f"leases left behind: {leftover}"

    # no finding lost: every item any answer held is stored
    missing = [(feed, n) for feed, count in served.items() for n in range(1, count + 1)
               if (f"feed-{feed}", f"https://lab{feed}.example/posts/{n}") not in stored]
    assert not missing, f"{len(missing)} items served but not stored, e.g. {missing[:5]}"

    # each flag once, each flag alerted once, one digest per editor
    causes = sorted((f.claim_id, f.cause) for f in flags)
    assert causes == sorted((f"watch-{w}", f"mention:{w}") for w in KEYWORDS)
    assert all(f.alerted_at is not None for f in flags)
    alert_keys = {d.key for d in deliveries if d.kind == "alert"}
    flags_alerted = sum(int(key.split("-")[2]) for key in alert_keys)  # alert-<min>-<n>-<hash>
    assert flags_alerted == len(flags), alert_keys  # no flag in two alerts
    assert mail.received_by(ALERTS) == len(alert_keys)
    for editor in EDITORS:
        assert mail.received_by(editor) == 1, editor
    digests = [d for d in deliveries if d.kind == "digest"]
    assert sorted(d.recipient for d in digests) == EDITORS
