"""The page's Markdown as HTML, with each claim's text marked by its status.

The Markdown is rendered by markdown-it-py (CommonMark plus GFM tables and
strikethrough) with raw HTML disabled, so HTML written in the page is shown as text; a table
scrolls inside its own box so a narrow screen never scrolls sideways.
Only http(s) links become links; images become links to the image, so the page loads
nothing.

Claims are marked in the parsed page's text tokens, which are exactly the text nodes
of the rendered HTML: a claim is found inside one run of text and wrapped there, so a
tag or an attribute is never touched. A claim whose text spans inline markup (a link,
emphasis, code) is not found and is reported as such. Only a claim's first occurrence
is marked. Where claims overlap, the shared stretch takes the worse status and each
claim still gets its footnote number right after its own end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from reports.model import STATUS_WORDS
from reports.render import safe_url

STATUS_ORDER = ("contradicted", "stale", "review", "unchecked", "fresh")
# "<!-- claim: ID -->" after a statement keeps its claim's id on the page (see
# monitor.page.ids); a published page hides it, and so does this one.
CLAIM_ID_COMMENT = re.compile(r"[ \t]*<!--\s*claim:\s*[A-Za-z0-9][A-Za-z0-9._:-]*\s*-->")


@dataclass(frozen=True)
class ClaimMark:
    """What the highlighter needs to know about one claim: every open cause, as
    (verdict, reason) worst first, or one (status, why) for a claim with none."""

    id: str
    text: str
    status: str  # contradicted | stale | review | unchecked | fresh
    causes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MarkedPage:
    html: Markup
    found: tuple[str, ...]  # claim ids in footnote order: footnote n is found[n - 1]
    missing: tuple[str, ...]  # claim ids whose text is not on the page as one run

    def number(self, claim_id: str) -> int | None:
        return self.found.index(claim_id) + 1 if claim_id in self.found else None


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    claim: ClaimMark
    number: int


def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: safe_url(url) is not None
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # a wide table scrolls inside its own box instead of widening the page
    return '<div class="table-scroll">\n' + self.renderToken(tokens, idx, options, env)


def _table_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _image_as_link(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or ()) or "image"
    href = safe_url(token.attrGet("src"))
    if href is None:
        return str(escape(alt))
    return f'<a class="image-link" href="{escape(href)}">[image: {escape(alt)}]</a>'


def mark_page(markdown: str, claims: Sequence[ClaimMark]) -> MarkedPage:
    """Render ``markdown`` and mark the first occurrence of each claim's text."""
    md = markdown_renderer()
    tokens = md.parse(CLAIM_ID_COMMENT.sub("", markdown))
    patterns = {claim.id: _pattern(claim.text) for claim in claims}
    found: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _mark_children(token.children, claims, patterns, found)
    html = md.renderer.render(tokens, md.options, {})
    missing = tuple(claim.id for claim in claims if claim.id not in found)
    return MarkedPage(html=Markup(html), found=tuple(found), missing=missing)


def _pattern(text: str) -> re.Pattern[str] | None:
    words = text.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def _mark_children(children: list[Token], claims: Sequence[ClaimMark],
                   patterns: dict[str, re.Pattern[str] | None], found: list[str]) -> list[Token]:
    result: list[Token] = []
    for token in _join_text_runs(children):
        if token.type != "text":
            result.append(token)
            continue
        spans = _find(token.content, claims, patterns, found)
        result.extend(_split(token, spans) if spans else [token])
    return result


def _join_text_runs(children: list[Token]) -> list[Token]:
    """Merge neighbouring text and soft line breaks into one text token each.

    A soft break renders as a newline, so the merged token renders the same HTML.
    """
    joined: list[Token] = []
    for token in children:
        piece = "\n" if token.type == "softbreak" else token.content
        if token.type in ("text", "softbreak") and joined and joined[-1].type == "text":
            joined[-1] = _text(joined[-1].content + piece)
        elif token.type == "softbreak":
            joined.append(_text(piece))
        else:
            joined.append(token)
    return joined


def _find(text: str, claims: Sequence[ClaimMark], patterns: dict[str, re.Pattern[str] | None],
          found: list[str]) -> list[_Span]:
    hits: list[tuple[int, int, ClaimMark]] = []
    for claim in claims:
        pattern = patterns[claim.id]
        if claim.id in found or pattern is None:
            continue
        match = pattern.search(text)
        if match:
            hits.append((match.start(), match.end(), claim))
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    spans = []
    for start, end, claim in hits:
        found.append(claim.id)
        spans.append(_Span(start, end, claim, len(found)))
    return spans


def _split(token: Token, spans: list[_Span]) -> list[Token]:
    """Cut one text token at every span edge; wrap the covered pieces in <mark>."""
    text = token.content
    edges = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    pieces: list[Token] = []
    for start, end in zip(edges, edges[1:], strict=False):
        covering = [s for s in spans if s.start <= start and end <= s.end]
        if covering:
            pieces.extend(_marked(text[start:end], covering))
        else:
            pieces.append(_text(text[start:end]))
        for span in spans:
            if span.end == end:
                pieces.extend(_footnote_ref(span.number))
    return pieces


def _marked(content: str, covering: list[_Span]) -> list[Token]:
    worst = min(covering, key=lambda s: STATUS_ORDER.index(s.claim.status)).claim.status
    title = "\n".join(
        f"{STATUS_WORDS.get(status, status)}: {reason}" if len(covering) == 1
        else f"[{s.number}] {STATUS_WORDS.get(status, status)}: {reason}"
        for s in covering for status, reason in s.claim.causes
    )
    opening = Token("claim_mark_open", "mark", 1)
    opening.attrs = {
        "class": f"claim status-{worst}",
        "title": title,
        "data-claims": " ".join(s.claim.id for s in covering),
    }
    return [opening, _text(content), Token("claim_mark_close", "mark", -1)]


def _footnote_ref(number: int) -> list[Token]:
    sup = Token("footnote_ref_open", "sup", 1)
    sup.attrs = {"class": "footnote-ref"}
    link = Token("link_open", "a", 1)
    link.attrs = {"href": f"#claim-{number}", "id": f"ref-{number}",
                  "aria-label": f"claim note {number}"}
    return [sup, link, _text(str(number)), Token("link_close", "a", -1),
            Token("footnote_ref_close", "sup", -1)]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
