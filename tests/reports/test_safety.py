"""Hostile feed titles, reasons and links arrive inert in the HTML emails.

Every text field a feed, a rule or an editor fills is set to markup that would run
script if it reached the HTML unescaped, and every URL to a scheme that would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from reports.dashboard import DashboardData, claim_marks, render_index, render_page
from reports.model import (
    Alert,
    AttentionItem,
    Digest,
    DueItem,
    EvidenceLink,
    ReleaseRow,
    SourceHealthRow,
)
from reports.pagemark import mark_page
from reports.render import render_alert, render_digest
from storage.history import ClaimView, EvidenceView, FlagView

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG = "<img src=x onerror=alert(1)>"
IMG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
JS_URL = "javascript:alert(1)"
BREAKOUT_URL = 'https://example.org/"onmouseover="alert(1)'
HOSTILE_URLS = [
    JS_URL,
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    BREAKOUT_URL,
]


def _rotated(urls: list[str], by: int) -> list[str]:
    """A card shows three links per cause: each cause starts elsewhere in the list, so
    the causes of each report show every hostile URL between them."""
    by %= len(urls)
    return urls[by:] + urls[:by]


def hostile_item(status: str, flag_id: int, *, claim: int | None = None, rule: str = "superseded",
                 watched: tuple[str, ...] = ()) -> AttentionItem:
    return AttentionItem(
        flag_id=flag_id,
        claim_id=f"claim-{flag_id if claim is None else claim} {IMG}",
        claim_text=f"Claim {SCRIPT}",
        section=f"Section {IMG}",
        status=status,
        rule=rule,
        reason=f"Reason {SCRIPT} {IMG}",
        suggestion=f"Suggestion {IMG}",
        evidence=[EvidenceLink(f"Title {SCRIPT}", url, NOW - timedelta(days=1), f"src {IMG}")
                  for url in _rotated(HOSTILE_URLS, 3 * flag_id)],
        opened_at=NOW - timedelta(days=2),
        review_due=NOW.date() - timedelta(days=30),
        watched=watched,
    )


def hostile_digest() -> Digest:
    releases = [ReleaseRow(region, f"Lab {IMG}", f"Model {SCRIPT}", "model",
                           NOW - timedelta(days=2), f"license {IMG}", url)
                for region in ("china", "us", "elsewhere") for url in HOSTILE_URLS]
    return Digest.for_week(
        "2026-W48", NOW,
        # claim 1 has two causes (one card); claim 4 is stale by age only (a list line)
        attention=[hostile_item("contradicted", 1), hostile_item("stale", 2),
                   hostile_item("review", 3), hostile_item("review", 5, claim=1),
                   hostile_item("stale", 4, rule="age", watched=(f"src {IMG}", SCRIPT))],
        releases=releases,
        due_soon=[DueItem(f"due {IMG}", f"Due claim {SCRIPT}", NOW.date() + timedelta(days=3))],
        sources=[SourceHealthRow("hf-x", f"Lab {IMG}", "parse", f"bad feed {SCRIPT}", 2,
                                 None, False),
                 SourceHealthRow("hf-y", f"Lab {SCRIPT}", "ok", "", 0, NOW, True)],
    )


def hostile_alert() -> Alert:
    # flag 9 is an older cause of claim 7: the card marks 7 as new, not 9
    return Alert(NOW, [hostile_item("contradicted", 7), hostile_item("contradicted", 8),
                       hostile_item("review", 9, claim=7),
                       hostile_item("stale", 10, rule="age", watched=(SCRIPT,))],
                 new_flag_ids=frozenset({7, 8, 10}))


def test_the_hostile_reports_hold_every_kind_of_card() -> None:
    digest, alert = hostile_digest(), hostile_alert()
    assert [len(c.causes) for c in digest.cards if not c.age_only] == [2, 1, 1]
    assert len(digest.age_only) == 1 and len(alert.age_only) == 1
    assert alert.new_marks == {7, 8, 10}


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


RENDERED = {
    "digest": lambda: render_digest(hostile_digest()).html,
    "alert": lambda: render_alert(hostile_alert()).html,
}


@pytest.fixture(params=sorted(RENDERED))
def html(request) -> str:
    return RENDERED[request.param]()


def test_markup_in_titles_and_reasons_is_escaped(html):
    assert SCRIPT not in html and "<script" not in html.lower()
    assert IMG not in html and "<img" not in html.lower()
    assert SCRIPT_ESCAPED in html
    assert IMG_ESCAPED in html


def test_no_tag_a_browser_would_run(html):
    tags = tags_of(html)
    names = {name for name, _ in tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "svg"}
    for name, attrs in tags:
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, (name, attrs)


def test_only_http_links_become_hrefs(html):
    hrefs = [attrs["href"] for name, attrs in tags_of(html) if "href" in attrs]
    assert hrefs, "the safe evidence links are still linked"
    for href in hrefs:
        assert href.lower().startswith(("http://", "https://")), href
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
    assert 'href="javascript:' not in html.lower()


def test_hostile_links_are_shown_as_text(html):
    assert JS_URL in html  # visible to the editor, not clickable
    assert "vbscript:msgbox(1)" in html
    assert 'onmouseover="' not in html  # the quote cannot close the attribute
    assert "https://example.org/&#34;onmouseover=&#34;alert(1)" in html


@pytest.mark.parametrize("render", [lambda: render_digest(hostile_digest()).text,
                                    lambda: render_alert(hostile_alert()).text])
def test_plain_text_shows_the_titles_literally(render):
    # The text part is not HTML: escaping it would show "&lt;" to the reader.
    text = render()
    assert SCRIPT in text and IMG in text
    assert "&lt;" not in text


# --- the dashboard's cards, age-only table and page notes ----------------------------

def _flag_view(flag_id: int, claim_id: str, verdict: str, rule: str) -> FlagView:
    return FlagView(
        id=flag_id, claim_id=claim_id, verdict=verdict, status="open", rule=rule,
        reason=f"Reason {flag_id} {SCRIPT}", suggestion=f"Suggestion {IMG}",
        evidence=tuple(EvidenceView(f"Title {SCRIPT}", url, f"src {IMG}", NOW)
                       for url in HOSTILE_URLS),
        opened_at=NOW - timedelta(days=1),
    )


def _claim_view(claim_id: str, status: str, flags: tuple[FlagView, ...],
                watch: tuple[str, ...] = ()) -> ClaimView:
    return ClaimView(id=claim_id, page="p", section=f"Section {IMG}",
                     text=f"Claim {claim_id} {SCRIPT}", subject="x", as_of="2026-04",
                     review_every="90d", status=status, flags=flags, history=(), watch=watch)


def hostile_dashboard() -> DashboardData:
    claims = (
        _claim_view("two-causes", "contradicted", (
            _flag_view(1, "two-causes", "contradicted", "released"),
            _flag_view(2, "two-causes", "review", "mention"))),
        _claim_view("age-only", "stale", (_flag_view(3, "age-only", "stale", "age"),),
                    watch=(f"src {IMG}", SCRIPT)),
        _claim_view("never-judged", "unchecked", ()),
    )
    return DashboardData(generated_at=NOW, claims=claims, weeks=("2026-W48",),
                         releases={"2026-W48": {"china": 1, "us": 0, "elsewhere": 0}},
                         open_flags={"2026-W48": {"contradicted": 1, "stale": 1, "review": 1}})


def test_dashboard_cards_age_only_rows_and_page_notes_are_inert() -> None:
    data = hostile_dashboard()
    page = "\n\n".join(claim.text for claim in data.claims) + "\n"
    marked = mark_page(page, claim_marks(data))
    for html in (render_index(data), render_page(data, marked, "page.md")):
        names = {name for name, _ in tags_of(html)}
        assert not names & {"script", "img", "iframe", "object", "embed"}
        assert not [a for _, attrs in tags_of(html) for a in attrs if a.startswith("on")]
        assert SCRIPT not in html and IMG not in html
        assert SCRIPT_ESCAPED in html and IMG_ESCAPED in html
        hrefs = [attrs["href"] for _, attrs in tags_of(html) if "href" in attrs]
        assert not [h for h in hrefs if not h.startswith(("http://", "https://", "#",
                                                           "index.html", "page.html"))]
    notes = render_page(data, marked, "page.md")
    # both causes of the first claim reach its note, escaped
    assert f"Reason 1 {SCRIPT_ESCAPED}" in notes and f"Reason 2 {SCRIPT_ESCAPED}" in notes
    assert f"src {IMG_ESCAPED}, {SCRIPT_ESCAPED}" in render_index(data)  # watched sources
