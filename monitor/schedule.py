"""When the daemon works: the digest's weekly trigger, the poll tick, which sources.

Pure functions of the config and the clock, so they are tested without waiting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from monitor.config import ScheduleSection, SourceConfig

LONGEST_TICK = timedelta(seconds=60)
SHORTEST_TICK = timedelta(seconds=1)
LONGEST_JITTER = timedelta(minutes=10)


class OncePerLocalTime(BaseTrigger):
    """A CronTrigger that fires once per local wall-clock time.

    On the night clocks go back, 01:30 happens twice and a CronTrigger fires at both;
    this one skips the repeat. A time skipped by clocks going forward (02:30 on the
    night they spring ahead) still fires, an hour later by the wall clock, as
    CronTrigger does: a digest is late, never lost.
    """

    __slots__ = ("cron", "zone")

    def __init__(self, cron: CronTrigger, zone: tzinfo) -> None:
        self.cron = cron
        self.zone = zone

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        candidate = self.cron.get_next_fire_time(previous_fire_time, now)
        if candidate is None or previous_fire_time is None:
            return candidate
        if _wall(candidate, self.zone) == _wall(previous_fire_time, self.zone):
            return self.cron.get_next_fire_time(candidate, candidate)
        return candidate

    def __str__(self) -> str:
        return f"{self.cron} (once per local time)"


def _wall(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)


def digest_trigger(schedule: ScheduleSection) -> OncePerLocalTime:
    """Every ``digest_weekday`` at ``digest_time`` in the config's timezone."""
    zone = ZoneInfo(schedule.timezone)
    at = time.fromisoformat(schedule.digest_time)
    cron = CronTrigger(
        day_of_week=schedule.digest_weekday[:3],
        hour=at.hour,
        minute=at.minute,
        second=at.second,
        timezone=zone,
    )
    return OncePerLocalTime(cron, zone)


def poll_tick(sources: Sequence[SourceConfig]) -> timedelta:
    """How often the daemon looks for due sources: a quarter of the shortest interval,
    between 1 s and 60 s, so a source is never more than a tick late."""
    if not sources:
        return LONGEST_TICK
    quarter = min(s.interval for s in sources) / 4
    return max(SHORTEST_TICK, min(LONGEST_TICK, quarter))


def jitter(source_id: str, interval: timedelta) -> timedelta:
    """A stable per-source delay, up to 10% of the interval (at most 10 minutes).

    Sources sharing an interval (all "6h") then fall due at different moments instead
    of hitting their hosts together; stable so a source's rhythm does not wander.
    """
    spread = min(interval / 10, LONGEST_JITTER)
    fraction = int.from_bytes(hashlib.sha256(source_id.encode()).digest()[:4]) / 2**32
    return spread * fraction


def pick_due(
    sources: Sequence[SourceConfig],
    next_due: Mapping[str, datetime | None],
    now: datetime,
    limit: int,
) -> list[str]:
    """The ids of at most ``limit`` sources due at ``now``, the most overdue first.

    ``next_due`` holds the store's back-off-aware due time per source; a source
    missing from it or without a time was never polled and is due at once. Capping
    each tick spreads a backlog (after the daemon was down) over several ticks.
    """
    ready: list[tuple[datetime, str]] = []
    for source in sources:
        due = next_due.get(source.id)
        if due is None:
            ready.append((datetime.min.replace(tzinfo=now.tzinfo), source.id))
            continue
        at = due + jitter(source.id, source.interval)
        if at <= now:
            ready.append((at, source.id))
    ready.sort()
    return [source_id for _, source_id in ready[: max(limit, 0)]]
