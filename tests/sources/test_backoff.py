from datetime import UTC, datetime, timedelta

import pytest

from sources.backoff import next_due

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("interval", "failures", "retry_after", "expected_wait"),
    [
        (HOUR, 0, None, HOUR),  # success: the plain interval
        (HOUR, 1, None, 2 * HOUR),
        (HOUR, 2, None, 4 * HOUR),
        (HOUR, 4, None, 16 * HOUR),
        (HOUR, 5, None, timedelta(days=1)),  # 32 h capped at a day
        (HOUR, 500, None, timedelta(days=1)),  # never abandoned, no overflow
        (timedelta(minutes=15), 3, None, 2 * HOUR),
        (timedelta(days=7), 0, None, timedelta(days=7)),
        (timedelta(days=7), 3, None, timedelta(days=7)),  # failing never means sooner
        (HOUR, 0, 7200.0, 2 * HOUR),  # Retry-After longer than the interval wins
        (HOUR, 1, 60.0, 2 * HOUR),  # shorter Retry-After does not shorten the wait
        (HOUR, 1, 3 * 86400.0, timedelta(days=1)),  # absurd Retry-After capped
        (HOUR, 0, 0.0, HOUR),
        (HOUR, -1, None, HOUR),
    ],
)
def test_next_due(interval, failures, retry_after, expected_wait):
    assert next_due(NOW, interval, failures, retry_after) == NOW + expected_wait


@pytest.mark.parametrize(
    ("now", "interval"),
    [
        (datetime(2026, 5, 4, 9, 0), HOUR),  # naive
        (NOW, timedelta(0)),
        (NOW, -HOUR),
    ],
)
def test_next_due_rejects_bad_input(now, interval):
    with pytest.raises(ValueError):
        next_due(now, interval, 0)


@pytest.mark.parametrize(
    ("interval", "failures", "retry_after", "expected_wait"),
    [
        # a daily source failing 30 times: 2**30 days overflowed timedelta and crashed
        # the storing of every result (issue 14 fault matrix)
        (timedelta(days=1), 30, None, timedelta(days=1)),
        (timedelta(days=7), 28, None, timedelta(days=7)),
        (timedelta(days=1), 10**6, None, timedelta(days=1)),
        # a hostile Retry-After: 99999999999999999999
        (HOUR, 1, 1e20, timedelta(days=1)),
        (HOUR, 1, float("inf"), timedelta(days=1)),
    ],
)
def test_next_due_never_overflows(interval, failures, retry_after, expected_wait):
    assert next_due(NOW, interval, failures, retry_after) == NOW + expected_wait
