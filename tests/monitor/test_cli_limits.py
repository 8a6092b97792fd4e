"""Values as long as the store holds, and one longer (issue 14, item 2).

Each string a config or claims file puts in a bounded column is checked at load time:
the maximum loads and runs a whole check on the tested backend (PostgreSQL refuses
what does not fit, SQLite does not), the maximum + 1 is a config mistake naming the
entry. Causes the rules build from untrusted names are cut to fit at the storage
boundary, keeping them distinct and stable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import load_config
from storage.db import open_store
from storage.flags import stored_cause
from storage.models import ClaimRow, DeliveryRow, FlagEventRow, FlagRow, SourceRow
from tests.conftest import CLAIMS, CONFIG, write_config
from tests.monitor.test_cli import _snapshot, run
from tests.support.daemon import email_section


def _limit(column) -> int:
    return column.property.columns[0].type.length


# (what, column, how to put a value of length n into (config, claims))
FIELDS = {
    "source id": (SourceRow.id, lambda n, cfg, cl: (
        cfg.replace('id = "blog-qwen"', f'id = "{"b" * n}"'), cl)),
    "source lab": (SourceRow.lab, lambda n, cfg, cl: (
        cfg.replace('lab = "Alibaba Qwen"', f'lab = "{"L" * n}"', 1), cl)),
    "claim id": (ClaimRow.id, lambda n, cfg, cl: (
        cfg, cl.replace('id = "cac-rules"', f'id = "{"c" * n}"'))),
    "claim page": (ClaimRow.page, lambda n, cfg, cl: (
        cfg, cl.replace('page = "test-page"', f'page = "{"p" * n}"', 1))),
    "claim subject": (ClaimRow.subject, lambda n, cfg, cl: (
        cfg, cl.replace('subject = "Qwen3"', f'subject = "{"s" * n}"', 1))),
    "digest recipient": (DeliveryRow.recipient, lambda n, cfg, cl: (
        cfg.replace("[claims]", email_section(2525).replace(
            "editors@example.org", "e" * (n - len("@example.org")) + "@example.org", 1)
            + "\n\n[claims]", 1), cl)),
}


def _site(folder: Path, field: str, length: int) -> Path:
    column, put = FIELDS[field]
    config, claims = put(length, CONFIG, CLAIMS)
    return write_config(folder, config, claims)


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_the_longest_value_the_store_holds_loads_and_checks(
        field: str, tmp_path: Path) -> None:
    column, _ = FIELDS[field]
    config = _site(tmp_path / "site", field, _limit(column))
    assert run("config", "check", config=config).exit_code == 0
    result = run("check", "--all", "--no-alerts", "--replay", str(_snapshot(tmp_path / "snap")),
                 config=config)
    assert result.exit_code in (0, 1), result.output  # not 3: the store took every value


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_one_character_more_is_a_config_mistake(field: str, tmp_path: Path) -> None:
    column, _ = FIELDS[field]
    limit = _limit(column)
    config = _site(tmp_path / "site", field, limit + 1)
    result = run("config", "check", config=config)
    assert result.exit_code == 2, result.output
    assert str(limit) in result.output


def test_an_exists_name_longer_than_a_cause_is_stored_and_kept_stable(
        tmp_path: Path) -> None:
    long_name = "Qwen/" + "x" * 420
    claims = CLAIMS.replace('watch = ["hf-qwen"]',
                            f'watch = ["hf-qwen"]\nexists = [{json.dumps(long_name)}]')
    config = write_config(tmp_path / "site", CONFIG, claims)
    snapshot = _snapshot(tmp_path / "snap")
    first = run("check", "--all", "--no-alerts", "--replay", str(snapshot), config=config)
    assert first.exit_code == 1, first.output
    second = run("check", "--all", "--no-alerts", "--replay", str(snapshot), config=config)
    assert second.exit_code == 0, second.output  # the same cause, recognised: not reopened
    store = open_store(load_config(config).store_url)
    try:
        with store.session() as session:
            causes = [f.cause for f in session.scalars(select(FlagRow).where(
                FlagRow.rule == "exists"))]
    finally:
        store.close()
    assert len(causes) == 1 and len(causes[0]) <= _limit(FlagRow.cause)


def test_stored_causes_fit_and_stay_distinct() -> None:
    limit = _limit(FlagRow.cause)
    short = "exists:qwen/qwen3-8b"
    assert stored_cause(short) == short
    exact = "m" * limit
    assert stored_cause(exact) == exact
    one, two = "exists:" + "a" * limit, "exists:" + "a" * (limit - 1) + "b"
    assert len(stored_cause(one)) == limit and len(stored_cause(two)) == limit
    assert stored_cause(one) != stored_cause(two)
    assert stored_cause(one) == stored_cause(one)


@pytest.mark.parametrize(("length", "code"), [(_limit(FlagEventRow.by), 0),
                                              (_limit(FlagEventRow.by) + 1, 2)])
def test_who_acts_fits_the_store(length: int, code: int, config_path: Path) -> None:
    result = run("claims", "load", "--by", "u" * length, config=config_path)
    assert result.exit_code == code, result.output


def test_a_duration_too_long_for_the_calendar_is_a_config_mistake(tmp_path: Path) -> None:
    claims = CLAIMS.replace('review_every = "90d"', 'review_every = "99999999999999999999d"')
    config = write_config(tmp_path / "site", CONFIG.replace(
        'interval = "12h"', 'interval = "99999999999999999999d"'), claims)
    result = run("config", "check", config=config)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "too long" in result.output


@pytest.mark.parametrize("claim_change", [
    ('as_of = "2023"', 'as_of = "9999"'),
    ('review_every = "never"', 'review_every = "1y"\nreleased = "9999-12-31"'),
])
def test_dates_at_the_end_of_the_calendar_are_a_claims_mistake_not_a_crash(
        claim_change, tmp_path: Path) -> None:
    claims = CLAIMS.replace(*claim_change)
    if claim_change[0].startswith("as_of"):
        claims = claims.replace('review_every = "never"', 'review_every = "1y"')
    config = write_config(tmp_path / "site", CONFIG, claims)
    result = run("config", "check", config=config)
    assert result.exit_code == 2, result.output
    assert "calendar" in result.output


def test_a_config_file_that_is_not_utf8_is_a_config_mistake(tmp_path: Path) -> None:
    config = write_config(tmp_path / "site")
    config.write_bytes(b"\xff\xfe[store]\n")
    result = run("config", "check", config=config)
    assert result.exit_code == 2, result.output
    assert "UTF-8" in result.output


@pytest.mark.parametrize(("interval", "code"), [("3650d", (0, 1)), ("3651d", (2,))])
def test_a_poll_interval_fits_the_store(interval: str, code, tmp_path: Path) -> None:
    config = write_config(tmp_path / "site", CONFIG.replace('interval = "12h"',
                                                            f'interval = "{interval}"'))
    result = run("check", "--all", "--no-alerts", "--replay", str(_snapshot(tmp_path / "snap")),
                 config=config)
    assert result.exit_code in code, result.output
