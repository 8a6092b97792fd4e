"""Times in the store: aware UTC in, aware UTC out, and SQLite text in SQLAlchemy's format.

``UtcDateTime`` writes SQLite's text with one ``isoformat`` call instead of SQLAlchemy's
%-format (a check stores ten thousand of them); the text must stay byte for byte what
SQLAlchemy writes, or stores written before and after would sort and compare apart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite

from sources.finding import Finding
from storage import findings as finding_store
from storage.models import FindingRow, UtcDateTime
from tests.storage.test_findings import _source

SHANGHAI = timezone(timedelta(hours=8))
TIMES = [
    datetime(2026, 4, 28, 9, 0, tzinfo=UTC),
    datetime(2026, 4, 28, 9, 0, 5, 123456, tzinfo=UTC),
    datetime(2026, 4, 28, 1, 30, tzinfo=SHANGHAI),  # the previous day in UTC
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),  # a year below 1000 keeps four digits
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", TIMES, ids=str)
def test_sqlite_text_is_sqlalchemys_own_format(moment: datetime) -> None:
    dialect = sqlite.dialect()
    ours = UtcDateTime().bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None))


def test_repeated_and_alternating_values_each_get_their_own_text() -> None:
    """The processor remembers the last value (a poll's `now`): never its text for another."""
    dialect = sqlite.dialect()
    ours = UtcDateTime().bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    now = TIMES[1]
    for moment in [now, now, TIMES[0], now, TIMES[2], TIMES[2], now, None, now]:
        expected = None if moment is None else theirs(
            moment.astimezone(UTC).replace(tzinfo=None))
        assert ours(moment) == expected
    with pytest.raises(ValueError, match="naive datetime"):
        ours(now.replace(tzinfo=None))  # equal-looking, but another object: checked


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()],
                         ids=["sqlite", "postgresql"])
def test_naive_times_are_refused_and_none_passes(dialect) -> None:
    process = UtcDateTime().bind_processor(dialect) or (lambda value: value)
    assert process(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        process(datetime(2026, 4, 28, 9, 0))


def test_times_come_back_aware_utc_and_sort_as_text(store) -> None:
    _source(store)
    findings = [Finding(key=f"k{n}", title="t", kind="post", published=moment)
                for n, moment in enumerate(TIMES)]
    with store.transaction() as connection:
        finding_store.upsert_findings(connection, "hf-qwen", findings,
                                      now=datetime(2026, 5, 4, tzinfo=UTC))
    with store.session() as session:
        back = {row.key: row.published for row in session.scalars(select(FindingRow))}
        newest_first = session.scalars(
            select(FindingRow.key).order_by(FindingRow.published.desc())).all()
        if store.engine.dialect.name == "sqlite":
            raw = session.execute(text("SELECT published FROM finding WHERE key = 'k2'")).scalar()
            assert raw == "2026-04-27 17:30:00.000000"
    assert back == {f"k{n}": moment.astimezone(UTC) for n, moment in enumerate(TIMES)}
    assert all(value.tzinfo is UTC for value in back.values())
    assert newest_first == ["k4", "k1", "k0", "k2", "k3"]
