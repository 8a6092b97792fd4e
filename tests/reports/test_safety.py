"""Hostile feed titles, reasons and links arrive inert in the HTML emails.

Every text field a feed, a rule or an editor fills is set to markup that would run
script if it reached the HTML unescaped, and every URL to a scheme that would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from reports.model import (
    Alert,
    AttentionItem,
    Digest,
    DueItem,
    EvidenceLink,
    ReleaseRow,
    SourceHealthRow,
)
from reports.render import render_alert, render_digest

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


def hostile_item(status: str, flag_id: int) -> AttentionItem:
    return AttentionItem(
        flag_id=flag_id,
        claim_id=f"claim-{flag_id}",
        claim_text=f"Claim {SCRIPT}",
        section=f"Section {IMG}",
        status=status,
        rule="superseded",
        reason=f"Reason {SCRIPT} {IMG}",
        suggestion=f"Suggestion {IMG}",
        evidence=[EvidenceLink(f"Title {SCRIPT}", url, NOW - timedelta(days=1), f"src {IMG}")
                  for url in HOSTILE_URLS],
        opened_at=NOW - timedelta(days=2),
    )


def hostile_digest() -> Digest:
    releases = [ReleaseRow(region, f"Lab {IMG}", f"Model {SCRIPT}", "model",
                           NOW - timedelta(days=2), f"license {IMG}", url)
                for region in ("china", "us", "elsewhere") for url in HOSTILE_URLS]
    return Digest.for_week(
        "2026-W48", NOW,
        attention=[hostile_item("contradicted", 1), hostile_item("stale", 2),
                   hostile_item("review", 3)],
        releases=releases,
        due_soon=[DueItem(f"due {IMG}", f"Due claim {SCRIPT}", NOW.date() + timedelta(days=3))],
        sources=[SourceHealthRow("hf-x", f"Lab {IMG}", "parse", f"bad feed {SCRIPT}", 2,
                                 None, False),
                 SourceHealthRow("hf-y", f"Lab {SCRIPT}", "ok", "", 0, NOW, True)],
    )


def hostile_alert() -> Alert:
    return Alert(NOW, [hostile_item("contradicted", 7), hostile_item("contradicted", 8)])


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
