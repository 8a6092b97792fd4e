"""Dates that keep their precision: "2026-04-15", "2026-04" and "2026" stay what they are."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class AsOf:
    """A calendar period: one day, one month or one year."""

    start: date
    precision: Precision

    @classmethod
    def parse(cls, text: str | date) -> AsOf:
        """Read "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise ValueError with the reason."""
        if isinstance(text, datetime):
            return cls(text.date(), Precision.DAY)
        if isinstance(text, date):
            return cls(text, Precision.DAY)
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        try:
            if day:
                return cls(date(int(year), int(month), int(day)), Precision.DAY)
            if month:
                return cls(date(int(year), int(month), 1), Precision.MONTH)
            return cls(date(int(year), 1, 1), Precision.YEAR)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date ({exc})") from None

    @property
    def end(self) -> date:
        """The last day of the period ("2025" ends 2025-12-31)."""
        if self.precision is Precision.DAY:
            return self.start
        if self.precision is Precision.MONTH:
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return date(self.start.year, 12, 31)

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_utc(self) -> datetime:
        """The first instant after the period, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def counts_from(self) -> date:
        """Where age and news count from: the end of the period, but 1 July for a year.

        "as of 2025" counted from 2025-12-31 would keep a claim silent for a whole year
        (and a claim of the current year silent until next year); the middle of the year
        is the period's expected moment, so a year-only claim ages like a dated one.
        """
        if self.precision is Precision.YEAR:
            return date(self.start.year, 7, 1)
        return self.end

    @property
    def news_after(self) -> datetime:
        """The first instant whose news the claim could not know: after the period,
        or 1 July for a year (see ``counts_from``)."""
        if self.precision is Precision.YEAR:
            return datetime.combine(self.counts_from, time.min, tzinfo=UTC)
        return self.end_utc

    def compare(self, moment: datetime | date) -> int:
        """-1 when ``moment`` is before the period, 0 within it, 1 after it."""
        day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
        return -1 if day < self.start else (1 if day > self.end else 0)

    def contains(self, moment: datetime | date) -> bool:
        day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
        return self.start <= day <= self.end

    def __str__(self) -> str:
        if self.precision is Precision.DAY:
            return self.start.isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}"

    def human(self) -> str:
        """"April 2026", "2025", "15 April 2026"."""
        if self.precision is Precision.YEAR:
            return str(self.start.year)
        month = calendar.month_name[self.start.month]
        if self.precision is Precision.MONTH:
            return f"{month} {self.start.year}"
        return f"{self.start.day} {month} {self.start.year}"
