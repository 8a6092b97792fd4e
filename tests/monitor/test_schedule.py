"""The daemon's timing, computed without waiting: digest trigger across DST, tick, jitter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.config import ScheduleSection, SourceConfig
from monitor.schedule import digest_trigger, jitter, pick_due, poll_tick


def _fires(zone: str, weekday: str, at: str, start: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire times after ``start``, in UTC, as APScheduler walks them."""
    trigger = digest_trigger(
        ScheduleSection(timezone=zone, digest_weekday=weekday, digest_time=at)
    )
    fires, previous, now = [], None, start
    for _ in range(count):
        moment = trigger.get_next_fire_time(previous, now)
        assert moment is not None
        fires.append(moment.astimezone(UTC))
        previous = now = moment
    return fires


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# (zone, weekday, time, start, expected UTC instants)
DIGEST_CASES = [
    # control: Shanghai has no DST; Monday 08:00 CST is always Monday 00:00 UTC
    ("Asia/Shanghai", "monday", "08:00", utc(2026, 3, 1),
     [utc(2026, 3, 2, 0), utc(2026, 3, 9, 0), utc(2026, 3, 16, 0)]),
    ("Asia/Shanghai", "monday", "08:00", utc(2026, 10, 26, 1),
     [utc(2026, 11, 2, 0), utc(2026, 11, 9, 0)]),
    # New York springs forward on Sunday 2026-03-08: 08:00 EST = 13:00, 08:00 EDT = 12:00
    ("America/New_York", "monday", "08:00", utc(2026, 3, 1),
     [utc(2026, 3, 2, 13), utc(2026, 3, 9, 12), utc(2026, 3, 16, 12)]),
    # ... and falls back on Sunday 2026-11-01
    ("America/New_York", "monday", "08:00", utc(2026, 10, 25),
     [utc(2026, 10, 26, 12), utc(2026, 11, 2, 13), utc(2026, 11, 9, 13)]),
    # a digest at 02:30 on the night 02:00-03:00 does not exist: late (03:30 EDT), not lost
    ("America/New_York", "sunday", "02:30", utc(2026, 3, 2),
     [utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]),
    # a digest at 01:30 on the night 01:00-02:00 happens twice: sent once, at the first
    ("America/New_York", "sunday", "01:30", utc(2026, 10, 26),
     [utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)]),
    # London: BST from Sunday 2026-03-29, GMT again from Sunday 2026-10-25
    ("Europe/London", "monday", "08:00", utc(2026, 3, 22),
     [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), utc(2026, 4, 6, 7)]),
    ("Europe/London", "monday", "08:00", utc(2026, 10, 18),
     [utc(2026, 10, 19, 7), utc(2026, 10, 26, 8)]),
    ("Europe/London", "sunday", "01:30", utc(2026, 10, 19),
     [utc(2026, 10, 25, 0, 30), utc(2026, 11, 1, 1, 30)]),
]


@pytest.mark.parametrize(("zone", "weekday", "at", "start", "expected"), DIGEST_CASES)
def test_digest_fires_at_the_local_time_across_dst(
    zone: str, weekday: str, at: str, start: datetime, expected: list[datetime]
) -> None:
    assert _fires(zone, weekday, at, start, len(expected)) == expected


def test_a_restart_between_the_two_fall_back_times_fires_the_second() -> None:
    """Without a previous fire the trigger cannot know the first one happened; the
    digest's delivery rows are what keeps that week from being mailed twice."""
    trigger = digest_trigger(
        ScheduleSection(timezone="America/New_York", digest_weekday="sunday", digest_time="01:30")
    )
    moment = trigger.get_next_fire_time(None, utc(2026, 11, 1, 6))
    assert moment is not None and moment.astimezone(UTC) == utc(2026, 11, 1, 6, 30)


def _source(source_id: str, interval: timedelta) -> SourceConfig:
    return SourceConfig(source_id, "feed", "Lab", "us", interval, params=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("intervals", "tick"),
    [
        ([], timedelta(seconds=60)),
        ([timedelta(hours=6)], timedelta(seconds=60)),
        ([timedelta(hours=6), timedelta(minutes=2)], timedelta(seconds=30)),
        ([timedelta(seconds=2)], timedelta(seconds=1)),
    ],
)
def test_poll_tick_is_a_quarter_of_the_shortest_interval_within_1_to_60_s(
    intervals: list[timedelta], tick: timedelta
) -> None:
    sources = [_source(f"s{i}", interval) for i, interval in enumerate(intervals)]
    assert poll_tick(sources) == tick


def test_jitter_is_stable_bounded_and_spreads_sources() -> None:
    six_hours = timedelta(hours=6)
    delays = [jitter(f"source-{i}", six_hours) for i in range(50)]
    assert all(timedelta(0) <= d <= timedelta(minutes=10) for d in delays)
    assert len(set(delays)) == 50  # fifty sources on "6h" do not fire together
    assert jitter("source-7", six_hours) == delays[7]
    assert jitter("x", timedelta(seconds=20)) <= timedelta(seconds=2)


NOW = utc(2026, 3, 9, 12)


def test_pick_due_takes_never_polled_then_most_overdue_and_caps_a_backlog() -> None:
    hour = timedelta(hours=1)
    sources = [_source(name, hour) for name in ("a", "b", "c", "d", "e")]
    next_due = {
        "a": NOW - 3 * hour,  # overdue
        "b": NOW + hour,  # not yet (backed off or just polled)
        "c": None,  # never polled
        "d": NOW - 10 * hour,  # most overdue
        # "e" has no state row yet: a new source
    }
    assert pick_due(sources, next_due, NOW, limit=10) == ["c", "e", "d", "a"]
    assert pick_due(sources, next_due, NOW, limit=2) == ["c", "e"]
    assert pick_due(sources, next_due, NOW + 2 * hour, limit=10)[-1] == "b"


def test_pick_due_waits_for_the_sources_jitter() -> None:
    interval = timedelta(hours=6)
    source = _source("blog-qwen", interval)
    delay = jitter("blog-qwen", interval)
    assert delay > timedelta(0)
    assert pick_due([source], {"blog-qwen": NOW}, NOW, 1) == []
    assert pick_due([source], {"blog-qwen": NOW}, NOW + delay, 1) == ["blog-qwen"]
