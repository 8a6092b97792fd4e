"""When a source is due again: its interval, doubled per consecutive failure.

A failing source is backed off, never abandoned: the wait stops growing at one day (or
at the source's own interval when that is longer), so it is still tried daily.
"""

from __future__ import annotations

from datetime import datetime, timedelta

LONGEST_BACKOFF = timedelta(days=1)
_MAX_DOUBLINGS = 30  # far past any ceiling


def next_due(now: datetime, interval: timedelta, consecutive_failures: int,
             retry_after: float | None = None) -> datetime:
    """The time a source should next be polled.

    ``consecutive_failures`` is 0 after a success. Each failure doubles ``interval``,
    up to ``max(interval, 1 day)``. A server's Retry-After (seconds) wins when it asks
    for longer, within the same ceiling.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if interval <= timedelta(0):
        raise ValueError(f"interval must be positive, got {interval}")
    ceiling = max(interval, LONGEST_BACKOFF)
    doublings = min(max(consecutive_failures, 0), _MAX_DOUBLINGS)
    # in seconds, capped before a timedelta is made: 1 day * 2**30 overflows timedelta
    wait = min(interval.total_seconds() * 2**doublings, ceiling.total_seconds())
    if retry_after is not None and retry_after > 0:
        wait = max(wait, min(retry_after, ceiling.total_seconds()))
    return now + timedelta(seconds=wait)
