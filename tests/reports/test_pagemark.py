"""The annotated page: claims marked in text nodes only, markup and attributes untouched."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser

import pytest

from reports.pagemark import ClaimMark, mark_page
from tests.conftest import EXAMPLE


class _Tags(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _claim(claim_id: str, text: str, status: str = "stale") -> ClaimMark:
    return ClaimMark(claim_id, text, status, ((status, f"reason of {claim_id}"),))


def test_every_example_claim_is_found_on_the_example_page() -> None:
    page = (EXAMPLE / "page.md").read_text(encoding="utf-8")
    with (EXAMPLE / "claims.toml").open("rb") as handle:
        claims = [_claim(c["id"], c["text"]) for c in tomllib.load(handle)["claim"]]
    marked = mark_page(page, claims)
    assert marked.missing == ()
    assert sorted(marked.found) == sorted(c.id for c in claims) and len(claims) == 58
    marks = [attrs for tag, attrs in _tags(marked.html) if tag == "mark"]
    assert {claim for m in marks for claim in m["data-claims"].split()} == set(marked.found)
    refs = re.findall(r'href="#claim-(\d+)"', marked.html)
    # one note each, numbered by where the claim starts; a claim nested in another
    # gets its number after the outer one's, its reference at its own end
    assert sorted(map(int, refs)) == list(range(1, 59))


def test_links_titles_and_code_are_never_altered() -> None:
    page = (
        'See [Qwen3 today](https://example.org/Qwen3-today "Qwen3 today") and `Qwen3 today` '
        "and ![Qwen3 today](https://example.org/Qwen3-today.png).\n"
    )
    marked = mark_page(page, [_claim("q", "Qwen3 today"), _claim("u", "example.org/Qwen3")])
    html = str(marked.html)
    assert marked.found == ("q",) and marked.missing == ("u",)
    link = next(attrs for tag, attrs in _tags(html) if tag == "a" and "title" in attrs)
    assert link == {"href": "https://example.org/Qwen3-today", "title": "Qwen3 today"}
    assert '<code>Qwen3 today</code>' in html  # code is not prose
    assert html.count("<mark") == 1
    # the mark sits inside the link text, between the tags
    assert '"Qwen3 today"><mark class="claim status-stale"' in html


def test_a_claim_spanning_inline_markup_is_reported_not_found() -> None:
    marked = mark_page("Qwen3 is **very** good.\n", [_claim("c", "Qwen3 is very good")])
    assert marked.found == () and marked.missing == ("c",)
    assert "<mark" not in marked.html


def test_overlapping_claims_share_the_worse_status_and_keep_their_notes() -> None:
    marked = mark_page("one two three four\n", [
        _claim("a", "one two three", "review"),
        _claim("b", "two three four", "contradicted"),
    ])
    assert marked.found == ("a", "b")
    plain = re.sub(r' (title|data-claims|aria-label|id)="[^"]*"', "", str(marked.html))
    assert plain == (
        '<p><mark class="claim status-review">one </mark>'
        '<mark class="claim status-contradicted">two three</mark>'
        '<sup class="footnote-ref"><a href="#claim-1">1</a></sup>'
        '<mark class="claim status-contradicted"> four</mark>'
        '<sup class="footnote-ref"><a href="#claim-2">2</a></sup></p>\n'
    )
    shared = [a for t, a in _tags(marked.html) if t == "mark"][1]
    assert shared["data-claims"] == "a b"
    assert shared["title"] == "[1] to review: reason of a\n[2] contradicted: reason of b"


def test_adjacent_and_nested_claims() -> None:
    marked = mark_page("alpha beta gamma\n", [
        _claim("a", "alpha", "fresh"), _claim("b", "beta", "stale"),
        _claim("ab", "alpha beta gamma", "review"),
    ])
    assert marked.found == ("ab", "a", "b")  # same start: the longer one first
    plain = re.sub(r' (title|data-claims|aria-label|id)="[^"]*"', "", str(marked.html))
    assert plain == (
        '<p><mark class="claim status-review">alpha</mark>'
        '<sup class="footnote-ref"><a href="#claim-2">2</a></sup>'
        '<mark class="claim status-review"> </mark>'
        '<mark class="claim status-stale">beta</mark>'
        '<sup class="footnote-ref"><a href="#claim-3">3</a></sup>'
        '<mark class="claim status-review"> gamma</mark>'
        '<sup class="footnote-ref"><a href="#claim-1">1</a></sup></p>\n'
    )


def test_only_the_first_occurrence_is_marked_and_line_breaks_match_spaces() -> None:
    marked = mark_page("GPT-4o leads.\n\nStill GPT-4o\nleads.\n",
                       [_claim("g", "GPT-4o leads."), _claim("s", "Still GPT-4o leads.")])
    assert marked.found == ("g", "s")
    html = str(marked.html)
    assert html.count('data-claims="g"') == 1
    assert '<mark class="claim status-stale" title="stale: reason of s" data-claims="s">' \
           "Still GPT-4o\nleads.</mark>" in html


@pytest.mark.parametrize(
    ("markdown", "absent", "present"),
    [
        ("<script>alert(1)</script>\n", "<script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("x <img src=x onerror=alert(1)> y\n", "<img", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[click](javascript:alert(1))\n", "<a", "[click](javascript:alert(1))"),
        ("[c](data:text/html;base64,PHNjcmlwdD4=)\n", "<a", "[c](data:text/html"),
        ("![x](javascript:alert(1))\n", "<img", "![x](javascript:alert(1))"),
        ("![x](https://example.org/a.png)\n", "<img",
         '<a class="image-link" href="https://example.org/a.png">[image: x]</a>'),
        ('<a href="javascript:alert(1)">x</a>\n', "<a ", "&lt;a href="),
    ],
)
def test_raw_html_and_unsafe_links_are_inert(markdown, absent, present) -> None:
    html = str(mark_page(markdown, []).html)
    assert absent not in html
    assert present in html


def test_claim_text_with_markup_characters_is_escaped_in_the_title() -> None:
    claim = ClaimMark("x", "a <b> c", "stale", (("stale", 'reason "with" <script>'),))
    html = str(mark_page("say a <b> c now\n", [claim]).html)
    assert "<b>" not in html and "<script>" not in html
    mark = next(a for t, a in _tags(html) if t == "mark")
    assert mark["title"] == 'stale: reason "with" <script>'


def test_tables_scroll_in_their_own_box() -> None:
    html = str(mark_page("| a | b |\n|---|---|\n| 1 | 2 |\n", []).html)
    assert html.startswith('<div class="table-scroll">\n<table>') and "</table>\n</div>" in html
