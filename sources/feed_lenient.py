"""The fallbacks of the ``feed`` kind: feedparser for bodies lxml cannot read, then
fastfeedparser's recovering parser for what feedparser cannot read either.

An ill-formed feed (an undeclared HTML entity, an encoding lie, a cut-off document)
is read by feedparser's lenient parser. Part of the ``feed`` kind, not a kind itself.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urljoin

from sources.feed_entry import (
    FeedEntry,
    collapse,
    html_to_text,
    plain_text,
    to_utc,
    untyped_text,
)


def read_leniently(body: bytes, base_url: str, content_type: str = "") -> tuple[
        list[FeedEntry], Any]:
    """Entries read by feedparser, and feedparser's whole answer (for bozo details)."""
    import feedparser  # only the few ill-formed feeds pay for importing it

    headers = {"content-location": base_url} if base_url else {}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser opens a short one that names a path or URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    return [_entry(entry) for entry in parsed.entries], parsed


def recovered_entries(body: bytes, base_url: str) -> list[FeedEntry]:
    """What fastfeedparser's recovering parser reads where feedparser reads nothing (a
    feed after junk, unbound prefixes); an entry without an id or link is too likely
    debris of a cut-off document to keep."""
    import fastfeedparser

    try:
        # Always bytes: fastfeedparser fetches a str that starts with http:// itself.
        parsed = fastfeedparser.parse(bytes(body), include_media=False,
                                      include_enclosures=False)
    except ValueError:
        return []
    entries = [_recovered_entry(entry, base_url) for entry in parsed.get("entries", [])]
    return [entry for entry in entries if entry.id or entry.link]


def _recovered_entry(entry: dict[str, Any], base_url: str) -> FeedEntry:
    link = _text(entry.get("link"))
    return FeedEntry(
        id=_text(entry.get("id")),
        link=urljoin(base_url, link) if link and base_url else link,
        title=untyped_text(_text(entry.get("title"))),
        summary=plain_text(_text(entry.get("description"))),
        published=entry.get("published"),
        updated=entry.get("updated"),
        tags=_terms(entry.get("tags")),
        authors=_names(entry.get("authors")) or _names([entry.get("author_detail")]),
    )


def _entry(entry: Any) -> FeedEntry:
    return FeedEntry(
        id=_text(entry.get("id")),
        link=_text(entry.get("link")),
        title=_detail_text(entry.get("title"), entry.get("title_detail"), html_to_text),
        summary=_detail_text(entry.get("summary"), entry.get("summary_detail"), plain_text),
        published=_date(entry, "published") or _date(entry, "created"),
        updated=_date(entry, "updated"),
        tags=_terms(entry.get("tags")),
        authors=_names(entry.get("authors")),
    )


def _date(entry: Any, name: str) -> Any:
    """The date as written when it reads as one (it keeps fractions of a second that
    feedparser's struct_time drops), else feedparser's reading of it."""
    # dict.get: feedparser's own get() answers "updated" with the published date
    written = dict.get(entry, name)
    if isinstance(written, str) and to_utc(written) is not None:
        return written
    return dict.get(entry, f"{name}_parsed")


def _detail_text(value: Any, detail: Any, html_reader: Any) -> str:
    """feedparser keeps a text title as text and an HTML one as (sanitized) HTML."""
    text = _text(value)
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    return html_reader(text) if kind in ("text/html", "application/xhtml+xml") else collapse(text)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _terms(tags: Any) -> list[str]:
    if not isinstance(tags, list):
        return []
    terms = (_text(tag.get("term")) if isinstance(tag, dict) else _text(tag) for tag in tags)
    return [term for term in dict.fromkeys(terms) if term]


def _names(authors: Any) -> list[str]:
    if not isinstance(authors, list):
        return []
    names = (_text(a.get("name")) if isinstance(a, dict) else _text(a) for a in authors)
    return [name for name in names if name]
