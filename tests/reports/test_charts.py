"""Weekly stacked bar charts: proportional bars, twelve labelled weeks, zero data, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports.charts import PLOT_H, Series, nice_max, stacked_bars
from storage.history import last_weeks
from tests.conftest import NOW

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = last_weeks(NOW)
SERIES = (Series("china", "China", "#e69f00"), Series("us", "US", "#0072b2"))


def _chart(values, title="Releases", series=SERIES) -> ET.Element:
    svg = stacked_bars(chart_id="c", title=title, description="d", weeks=WEEKS,
                       series=series, values=values, unit="releases")
    return ET.fromstring(str(svg))  # also proves it is well-formed XML


def _bars(root: ET.Element) -> list[tuple[str, str, int, float, float]]:
    """(week, series, value, y, height) of every drawn bar segment."""
    out = []
    for group in root.iter(f"{SVG}g"):
        for rect in group.iter(f"{SVG}rect"):
            out.append((group.get("data-week"), rect.get("data-series"),
                        int(rect.get("data-value")), float(rect.get("y")),
                        float(rect.get("height"))))
    return out


def test_bar_heights_are_proportional_and_stacked() -> None:
    root = _chart({WEEKS[0]: {"china": 2, "us": 1}, WEEKS[5]: {"china": 4}, WEEKS[11]: {"us": 3}})
    bars = _bars(root)
    assert {(w, s, v) for w, s, v, _, _ in bars} == {
        (WEEKS[0], "china", 2), (WEEKS[0], "us", 1), (WEEKS[5], "china", 4), (WEEKS[11], "us", 3)
    }
    per_unit = {round(h / v, 6) for _, _, v, _, h in bars}
    assert len(per_unit) == 1  # one scale for every bar
    top, _ = nice_max(4)
    assert per_unit == {round(PLOT_H / top, 6)}
    china, us = (b for b in bars if b[0] == WEEKS[0])
    assert us[3] + us[4] == pytest.approx(china[3])  # US sits on top of China


def test_twelve_week_labels_axis_title_and_legend() -> None:
    root = _chart({WEEKS[3]: {"china": 1}})
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-label"]
    assert labels == [w.split("-")[1] for w in WEEKS] and len(labels) == 12
    assert root.find(f"{SVG}title").text == "Releases"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "China" in texts and "US" in texts and "releases" in texts
    assert "ISO weeks 2026-W37 to 2026-W48" in texts
    assert all(g.find(f"{SVG}title") is not None for g in root.iter(f"{SVG}g"))


def test_zero_data_draws_axes_and_says_so() -> None:
    root = _chart({})
    assert _bars(root) == []
    texts = [t for t in root.iter(f"{SVG}text")]
    assert [t.text for t in texts if t.get("class") == "y-tick"] == ["0", "1"]
    assert [t.text for t in texts if t.get("class") == "no-data"] == ["No data in these 12 weeks"]
    assert len([t for t in texts if t.get("class") == "x-label"]) == 12


def test_with_data_there_is_no_no_data_note() -> None:
    root = _chart({WEEKS[0]: {"us": 1}})
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "no-data"]


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (4, 4, 1), (5, 5, 1), (6, 6, 2), (7, 8, 2), (13, 15, 5),
     (53, 60, 20), (99, 100, 20), (100, 100, 20), (101, 150, 50), (1234, 1500, 500)],
)
def test_nice_max(value, top, step) -> None:
    assert nice_max(value) == (top, step)
    assert top >= value and top // step <= 5


def test_text_is_escaped() -> None:
    hostile = Series("x", "<script>alert(1)</script>", "#000")
    svg = str(stacked_bars(chart_id='c"><script>', title="<img src=x onerror=alert(1)>",
                           description="&", weeks=WEEKS, series=(hostile,),
                           values={WEEKS[0]: {"x": 1}}, unit="<b>"))
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "<img src=x onerror=alert(1)>"
