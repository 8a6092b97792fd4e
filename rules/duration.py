"""Durations as people write them in config and claims files: "90d", "2w", "6h", "1y"."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "y": timedelta(days=365),
}
_PART = re.compile(r"(\d+)\s*([smhdwy])")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[smhdwy]\s*)+$")


def parse_duration(text: str) -> timedelta:
    """Read "30m", "6h", "90d", "2w", "1y" or combinations like "1d12h".

    Raises ValueError naming the accepted units.
    """
    if not isinstance(text, str) or not _WHOLE.match(text.lower()):
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit, "
            "e.g. 30m, 6h, 90d, 2w, 1y (units s m h d w y)"
        )
    total = timedelta()
    try:
        for amount, unit in _PART.findall(text.lower()):
            total += int(amount) * _UNITS[unit]
    except OverflowError:
        raise ValueError(f"{text!r} is too long; durations go up to 999999999d") from None
    if total <= timedelta():
        raise ValueError(f"{text!r} must be longer than zero")
    return total


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling: 7776000s -> "90d"."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
