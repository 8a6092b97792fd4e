"""Golden files: what an editor reads, as text, so any change to it shows up as a diff.

A fixture store (``tests/reports/cardworld.py``) goes in; the digest's text part and
the alert's text part come out and are compared with ``tests/data/golden/*.txt``
byte for byte, as rss2email tests its mails. After a change meant to alter what an
editor reads, regenerate the files and review the diff like code:

    CLAIMWATCH_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/reports/test_golden.py
    git diff tests/data/golden/
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from reports import gather
from reports.render import render_alert, render_digest
from storage.db import Store
from storage.models import FlagRow
from tests.reports import cardworld
from tests.reports.cardworld import MONDAY, NOW, WEEK

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
REGENERATE = os.environ.get("CLAIMWATCH_REGENERATE_GOLDEN", "") == "1"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; set CLAIMWATCH_REGENERATE_GOLDEN=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from {path}; if the change is meant, regenerate with "
        "CLAIMWATCH_REGENERATE_GOLDEN=1 and review the diff"
    )


@pytest.fixture
def world(store: Store) -> tuple[Store, dict[tuple[str, str], int]]:
    return store, cardworld.fill(store)


def test_digest_text_matches_the_golden_file(world) -> None:
    store, _ = world
    window = gather.Window(MONDAY, MONDAY + timedelta(days=7))
    with store.session() as session:
        digest = gather.build_digest(session, WEEK, first_day=MONDAY.date(),
                                     last_day=MONDAY.date() + timedelta(days=6),
                                     window=window, now=NOW)
    report = render_digest(digest)
    check_golden("digest.txt", f"Subject: {report.subject}\n\n{report.text}")


def test_alert_text_matches_the_golden_file(world) -> None:
    store, flags = world
    with store.session() as session:
        new = [session.get(FlagRow, flags[key]) for key in
               (("qwen3-release", "released"), ("us-frontier", "superseded"))]
        alert = gather.build_alert(session, new, now=NOW)
    report = render_alert(alert)
    check_golden("alert.txt", f"Subject: {report.subject}\n\n{report.text}")
