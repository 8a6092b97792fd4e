"""Date phrases in statements: each form with its precision, and look-alikes that are not dates."""

import pytest

from monitor.dates import FoundDate, find_dates, latest
from rules.asof import AsOf, Precision

DATES = [
    # text, phrase, as_of, precision, kind
    ("Qwen3 (Apache 2.0, April 2026)", "April 2026", "2026-04", Precision.MONTH, "point"),
    ("DeepSeek-V3 (Dec 2024)", "(Dec 2024)", "2024-12", Precision.MONTH, "parenthetical"),
    ("estimate, Dec. 2024)", "Dec. 2024", "2024-12", Precision.MONTH, "point"),
    ("DeepSeek-V3 (MIT, December 2024)", "December 2024", "2024-12", Precision.MONTH, "point"),
    ("no federal law as of May 2026", "as of May 2026", "2026-05", Precision.MONTH, "as-of"),
    ("available globally as of 2025;", "as of 2025", "2025", Precision.YEAR, "as-of"),
    ("As of 2025-01, both shipped", "As of 2025-01", "2025-01", Precision.MONTH, "as-of"),
    ("CAC generative AI rules (2023), PIPL", "(2023)", "2023", Precision.YEAR, "parenthetical"),
    ("Executive Order on AI (Oct 2023)", "(Oct 2023)", "2023-10", Precision.MONTH, "parenthetical"),
    ("near-parity in 2024–2025.", "2024–2025", "2025", Precision.YEAR, "range"),
    ("near-parity in 2024-2025.", "2024-2025", "2025", Precision.YEAR, "range"),
    ("price cuts in 2023—2024", "2023—2024", "2024", Precision.YEAR, "range"),
    ("the 2024–25 season", "2024–25", "2025", Precision.YEAR, "range"),
    ("from 2022 to 2024", "2022 to 2024", "2024", Precision.YEAR, "range"),
    ("(2024–2025)", "(2024–2025)", "2025", Precision.YEAR, "range"),
    (
        "Manus (March 2025) demonstrated",
        "(March 2025)",
        "2025-03",
        Precision.MONTH,
        "parenthetical",
    ),
    ("released 2026-04-15", "2026-04-15", "2026-04-15", Precision.DAY, "point"),
    ("on 15 April 2026 at noon", "15 April 2026", "2026-04-15", Precision.DAY, "point"),
    ("on 1st March 2025", "1st March 2025", "2025-03-01", Precision.DAY, "point"),
    ("on April 15, 2026 at noon", "April 15, 2026", "2026-04-15", Precision.DAY, "point"),
    ("on Sept 3 2024", "Sept 3 2024", "2024-09-03", Precision.DAY, "point"),
    ("shipped in Q3 2025", "Q3 2025", "2025-09", Precision.MONTH, "point"),
    ("as of Q1 2026", "as of Q1 2026", "2026-03", Precision.MONTH, "as-of"),
    ("How does X compare in 2026?", "2026", "2026", Precision.YEAR, "point"),
    ("planned since 2019", "2019", "2019", Precision.YEAR, "point"),
    ("shipping by mid-2025", "2025", "2025", Precision.YEAR, "point"),
    ("Gap (2026)", "(2026)", "2026", Precision.YEAR, "parenthetical"),
    ("the 2024-06 release", "2024-06", "2024-06", Precision.MONTH, "point"),
]


@pytest.mark.parametrize(("text", "phrase", "as_of", "precision", "kind"), DATES)
def test_each_date_form_is_found_with_its_precision(text, phrase, as_of, precision, kind):
    [found] = find_dates(text)
    assert found == FoundDate(phrase, AsOf.parse(as_of), kind)
    assert found.as_of.precision is precision
    assert text[found.span[0] : found.span[1]] == phrase


NOT_DATES = [
    "NVIDIA H100/H200 clusters",
    "Huawei Ascend 910B",
    "HeyGen reached 40M+ videos/month",
    "10–30x cheaper per token",
    "1,000+ robotaxis",
    "matches GPT-4o on MMLU",
    "Qwen3-30B-A3B (MoE, 3B active)",
    "≈ 70–80% A100 performance",
    "training cost ($5.6M per reported estimate)",
    "Qwen3-235B-A22B",
    "a 2048 token context",
    "RTX 4090 cards",
    "snapshot o1-2024-12-17",
    "model gpt-4o-2024-08-06",
    "C23 (ISO/IEC 9899:2024)",
    "sold 2025 units",
    "priced at $2025",
    "version 2024.1 is out",
    "grew 2020% in a year",
    "may 2026 bring change",
    "a 1920x1080 screen",
    "Claude 3.7 and Gemini 2.0",
    "Decision in 20 seconds",
    "2,025 cars",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_look_alikes_are_not_dates(text):
    assert find_dates(text) == []


def test_dates_come_in_reading_order():
    text = "Qwen3 (Apache 2.0, April 2026) and DeepSeek-V3 (MIT, December 2024)"
    assert [d.phrase for d in find_dates(text)] == ["April 2026", "December 2024"]


def test_an_impossible_day_is_not_a_date():
    assert find_dates("on 2026-02-30") == []


LATEST = [
    # text, the phrase that wins
    ("Qwen3 (April 2026) and DeepSeek-V3 (December 2024)", "(April 2026)"),
    ("rules (2023); order (Oct 2023); no law as of May 2026", "as of May 2026"),
    ("as of 2025, after (March 2026)", "as of 2025"),  # "as of" wins over a later point
    ("parity in 2024–2025 after (March 2025)", "2024–2025"),  # the end of a range
    ("in Q4 2023, best seller (2023)", "Q4 2023"),  # same end: the narrower period
]


@pytest.mark.parametrize(("text", "phrase"), LATEST)
def test_latest_picks_as_of_first_then_the_latest_end(text, phrase):
    assert latest(find_dates(text)).phrase == phrase
