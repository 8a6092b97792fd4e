"""Digest and alert rendering from plain data: content, order, grouping, layout."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from reports.model import (
    Alert,
    AttentionItem,
    Digest,
    DueItem,
    EvidenceLink,
    ReleaseRow,
    SourceHealthRow,
    iso_week_bounds,
    week_of,
)
from reports.render import render_alert, render_digest, safe_url
from reports.samples import sample_alert, sample_digest

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def flag(status: str, claim_text: str, *, flag_id: int = 1, opened_days_ago: int = 1,
         evidence: list[EvidenceLink] | None = None, suggestion: str = "") -> AttentionItem:
    return AttentionItem(
        flag_id=flag_id, claim_id=f"claim-{flag_id}", claim_text=claim_text,
        section="Full dimension comparison", status=status, rule="superseded",
        reason=f"Reason for {claim_text}", suggestion=suggestion,
        evidence=evidence or [], opened_at=NOW - timedelta(days=opened_days_ago),
    )


def release(region: str, lab: str, title: str, days_ago: float = 1,
            url: str | None = "https://huggingface.co/x/y") -> ReleaseRow:
    return ReleaseRow(region, lab, title, "model", NOW - timedelta(days=days_ago),
                      "apache-2.0", url)


def digest(**parts) -> Digest:
    return Digest.for_week("2026-W48", NOW, **parts)


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


# --- weeks -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("week", "monday", "sunday"),
    [
        ("2026-W48", date(2026, 11, 23), date(2026, 11, 29)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        ("2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        (" 2024-W09 ", date(2024, 2, 26), date(2024, 3, 3)),
    ],
)
def test_iso_week_bounds(week, monday, sunday):
    assert iso_week_bounds(week) == (monday, sunday)


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W60", "has no ISO week 60"),
        ("2026-W00", "has no ISO week 0"),
        ("2025-W53", "2025 has no ISO week 53"),
        ("2026W48", "write YYYY-Www"),
        ("2026-W4", "write YYYY-Www"),
        ("2026-48", "write YYYY-Www"),
        ("", "write YYYY-Www"),
    ],
)
def test_iso_week_bounds_rejects_bad_weeks(week, message):
    with pytest.raises(ValueError, match=message):
        iso_week_bounds(week)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 11, 23), "2026-W48"),
        (date(2026, 11, 29), "2026-W48"),
        (date(2026, 11, 30), "2026-W49"),
        (date(2027, 1, 1), "2026-W53"),
        (date(2024, 12, 30), "2025-W01"),
        (date(2026, 3, 2), "2026-W10"),
    ],
)
def test_week_of(day, week):
    assert week_of(day) == week
    assert iso_week_bounds(week)[0] <= day <= iso_week_bounds(week)[1]


# --- counts and subjects -----------------------------------------------------------

@pytest.mark.parametrize(
    ("statuses", "releases", "subject"),
    [
        ([], 0, "claimwatch 2026-W48: 0 contradicted, 0 stale, 0 new releases"),
        (["contradicted"] * 3 + ["stale"] * 7 + ["review"] * 2, 12,
         "claimwatch 2026-W48: 3 contradicted, 7 stale, 12 new releases"),
        (["stale", "review"], 1, "claimwatch 2026-W48: 0 contradicted, 1 stale, 1 new release"),
    ],
)
def test_digest_counts_and_subject(statuses, releases, subject):
    d = digest(
        attention=[flag(s, f"claim {i}", flag_id=i) for i, s in enumerate(statuses)],
        releases=[release("us", "Meta", f"model {i}") for i in range(releases)],
    )
    assert d.subject == subject
    assert render_digest(d).subject == subject
    assert d.contradicted_count == statuses.count("contradicted")
    assert d.stale_count == statuses.count("stale")
    assert d.review_count == statuses.count("review")
    assert d.new_release_count == releases


@pytest.mark.parametrize(
    ("statuses", "subject"),
    [
        (["contradicted"], "claimwatch alert: 1 claim contradicted"),
        (["contradicted", "contradicted"], "claimwatch alert: 2 claims contradicted"),
        (["contradicted", "stale"], "claimwatch alert: 1 claim contradicted, 1 stale"),
    ],
)
def test_alert_subject(statuses, subject):
    alert = Alert(NOW, [flag(s, f"claim {i}", flag_id=i) for i, s in enumerate(statuses)])
    assert alert.subject == subject
    assert render_alert(alert).subject == subject


def test_failing_sources_are_counted_and_recoveries_are_not():
    d = digest(sources=[
        SourceHealthRow("hf-a", "A", "timeout", "read timed out", 3, NOW - timedelta(days=2),
                        False),
        SourceHealthRow("hf-b", "B", "ok", "", 0, NOW, recovered=True),
        SourceHealthRow("hf-c", "C", "ok", "", 0, NOW, recovered=False),
    ])
    assert d.failing_source_count == 1
    assert [s.source_id for s in d.recovered_sources] == ["hf-b"]
    text = render_digest(d).text
    assert "hf-a (A): timeout, 3 in a row, last success 2 days ago" in text
    assert "hf-b (B) works again" in text
    assert "hf-c" not in text


def test_unknown_status_and_region_are_rejected():
    with pytest.raises(ValueError, match="status 'fresh'"):
        flag("fresh", "x")
    with pytest.raises(ValueError, match="region 'europe'"):
        release("europe", "Mistral AI", "x")


# --- order and grouping ------------------------------------------------------------

def test_attention_order_contradicted_then_stale_then_review():
    d = digest(attention=[
        flag("review", "REVIEW-CLAIM", flag_id=1, opened_days_ago=9),
        flag("stale", "STALE-NEWER", flag_id=2, opened_days_ago=1),
        flag("contradicted", "CONTRA-CLAIM", flag_id=3, opened_days_ago=0),
        flag("stale", "STALE-OLDER", flag_id=4, opened_days_ago=5),
    ])
    wanted = ["CONTRA-CLAIM", "STALE-OLDER", "STALE-NEWER", "REVIEW-CLAIM"]
    report = render_digest(d)
    for body in (report.text, report.html):
        assert positions(body, wanted) == sorted(positions(body, wanted))
    assert positions(report.text, ["Contradicted (1)", "Stale (2)", "To review (1)"]) == sorted(
        positions(report.text, ["Contradicted (1)", "Stale (2)", "To review (1)"]))


def test_releases_grouped_by_region_then_lab():
    d = digest(releases=[
        release("elsewhere", "Mistral AI", "mistral-model"),
        release("us", "OpenAI", "openai-model"),
        release("china", "Moonshot AI", "kimi-model"),
        release("us", "Meta", "llama-old", days_ago=4),
        release("china", "DeepSeek", "deepseek-model"),
        release("us", "Meta", "llama-new", days_ago=1),
    ])
    wanted = ["China", "DeepSeek", "deepseek-model", "Moonshot AI", "kimi-model",
              "US", "Meta", "llama-new", "llama-old", "OpenAI", "openai-model",
              "Elsewhere", "Mistral AI", "mistral-model"]
    report = render_digest(d)
    section = report.text[report.text.index("NEW RELEASES AND POSTS"):]
    assert positions(section, wanted) == sorted(positions(section, wanted))
    html = report.html[report.html.index("New releases and posts"):]
    assert positions(html, wanted) == sorted(positions(html, wanted))
    assert [region for region, _ in d.releases_by_region] == ["china", "us", "elsewhere"]


def test_due_items_in_date_order_with_their_dates():
    d = digest(due_soon=[DueItem("b", "Later claim", date(2026, 12, 10)),
                         DueItem("a", "Sooner claim", date(2026, 12, 2))])
    text = render_digest(d).text
    assert positions(text, ["2026-12-02  Sooner claim [a]", "2026-12-10  Later claim [b]"]) \
        == sorted(positions(text, ["2026-12-02  Sooner claim", "2026-12-10  Later claim"]))


# --- empty week --------------------------------------------------------------------

def test_empty_week_says_so_in_one_line():
    report = render_digest(digest())
    lines = report.text.splitlines()
    assert lines[0] == "claimwatch digest 2026-W48 (2026-11-23 to 2026-11-29)"
    body = lines[1:lines.index("----")]
    assert [line for line in body if line] == [
        "A quiet week: nothing flagged or due, no new releases, all sources healthy."
    ]
    assert "A quiet week" in report.html
    assert "Claims needing attention" not in report.html
    assert "New releases" not in report.html


def test_week_with_only_releases_says_no_claims_need_attention():
    report = render_digest(digest(releases=[release("us", "Meta", "llama")]))
    assert "No claims need attention." in report.text
    assert "No claims need attention." in report.html


# --- content of each item ----------------------------------------------------------

def test_attention_item_shows_claim_reason_suggestion_and_evidence():
    evidence = [EvidenceLink("Qwen/Qwen9-72B", "https://huggingface.co/Qwen/Qwen9-72B",
                             NOW - timedelta(days=1), "hf-qwen")]
    d = digest(attention=[flag("contradicted", "Qwen9 (April 2026)", evidence=evidence,
                               suggestion="Qwen9 (June 2026)")])
    report = render_digest(d)
    for body in (report.text, report.html):
        for needle in ["Qwen9 (April 2026)", "Reason for Qwen9 (April 2026)",
                       "Qwen9 (June 2026)", "Qwen/Qwen9-72B", "hf-qwen", "2026-11-29"]:
            assert needle in body
    assert '<a href="https://huggingface.co/Qwen/Qwen9-72B"' in report.html
    assert "          https://huggingface.co/Qwen/Qwen9-72B" in report.text.splitlines()


def test_release_table_has_model_date_license_link():
    d = digest(releases=[release("china", "Alibaba Qwen", "Qwen9-7B", days_ago=2,
                                 url="https://huggingface.co/Qwen/Qwen9-7B")])
    html = render_digest(d).html
    row = re.search(r"<tr>\s*<td[^>]*>Qwen9-7B</td>.*?</tr>", html, re.S)
    assert row, html
    assert "2026-11-28" in row[0] and "apache-2.0" in row[0]
    assert '<a href="https://huggingface.co/Qwen/Qwen9-7B"' in row[0]
    assert ">huggingface.co</a>" in row[0]


# --- text part ---------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: render_digest(sample_digest(NOW)),
                                  lambda: render_alert(sample_alert(NOW)),
                                  lambda: render_digest(digest())])
def test_text_part_is_plain_and_wrapped(make):
    text = make().text
    assert not TAG.search(text), TAG.search(text)
    assert "&amp;" not in text and "&#" not in text
    for line in text.splitlines():
        is_url = re.fullmatch(r"\s*https?://\S+", line)
        assert len(line) <= 78 or is_url, line
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_urls_stand_on_their_own_lines_in_text():
    text = render_digest(sample_digest(NOW)).text
    urls = re.findall(r"https?://\S+", text)
    assert len(urls) >= 10
    for line in text.splitlines():
        if "://" in line:
            assert re.fullmatch(r"\s*https?://\S+", line), line


def test_untrusted_newlines_do_not_break_text_layout():
    d = digest(releases=[release("us", "Meta", "Llama\n\n* fake bullet\nINJECTED")])
    text = render_digest(d).text
    assert "  - Llama * fake bullet INJECTED, 2026-11-29, apache-2.0" in text


# --- HTML layout for mail clients --------------------------------------------------

@pytest.mark.parametrize("make", [lambda: render_digest(sample_digest(NOW)),
                                  lambda: render_alert(sample_alert(NOW))])
def test_html_layout_is_mail_client_safe(make):
    html = make().html
    visible = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Outlook's conditional table
    assert "max-width:640px" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    for table in re.findall(r"<table[^>]*>", visible):
        assert 'width="100%"' in table, table
    assert not re.search(r"display\s*:\s*(flex|grid)", html)
    assert "<style" not in html and "<link" not in html and "<script" not in html
    # Everything that holds text wraps long words rather than overflowing at 375 px.
    for cell in re.findall(r"<td[^>]*>", visible):
        if "padding:16px 8px" in cell:  # the grey outer margin, which holds no text
            continue
        assert "overflow-wrap:anywhere" in cell, cell


def test_sample_reports_cover_every_section():
    d = sample_digest(NOW)
    assert d.week == "2026-W48"
    assert d.contradicted_count and d.stale_count and d.review_count
    assert {region for region, _ in d.releases_by_region} == {"china", "us", "elsewhere"}
    assert all(d.start <= r.time.date() <= d.end for r in d.releases)
    assert d.failing_sources and d.recovered_sources and d.due_soon
    alert = sample_alert(NOW)
    assert alert.items and all(i.status == "contradicted" for i in alert.items)


# --- safe_url ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://huggingface.co/Qwen/Qwen3-8B", "https://huggingface.co/Qwen/Qwen3-8B"),
        ("http://example.org/a?b=1&c=2", "http://example.org/a?b=1&c=2"),
        ("  HTTPS://Example.org/x  ", "HTTPS://Example.org/x"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("http\n://x", None),
        ("https://exa mple.org/", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("vbscript:msgbox(1)", None),
        ("/relative/path", None),
        ("//evil.example/x", None),
        ("https:/no-host", None),
        ("https://", None),
        ("ftp://example.org/file", None),
        ("mailto:a@example.org", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected
