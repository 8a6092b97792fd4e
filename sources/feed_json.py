"""JSON Feed (jsonfeed.org) for the ``feed`` kind; not a kind itself."""

from __future__ import annotations

import json
from typing import Any

from sources.feed_entry import FeedEntry, collapse, plain_text
from sources.response import ParseError


def read_json_feed(body: bytes, limit: int) -> tuple[list[FeedEntry], int, int]:
    """Up to ``limit`` entries, items that are not objects, and items past the limit."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ParseError(f"the body looks like JSON but is not valid JSON: {exc}") from exc
    version = document.get("version") if isinstance(document, dict) else None
    items = document.get("items") if isinstance(document, dict) else None
    if not (isinstance(version, str) and "jsonfeed.org" in version and isinstance(items, list)):
        raise ParseError(
            "got JSON that is not a feed: a JSON Feed is an object with a 'version' of "
            "https://jsonfeed.org/version/1 (or 1.1) and an 'items' list"
        )
    objects = [item for item in items if isinstance(item, dict)]
    entries = [_entry(item) for item in objects[:limit]]
    return entries, len(items) - len(objects), max(0, len(objects) - limit)


def _entry(item: dict[str, Any]) -> FeedEntry:
    authors = item.get("authors") or [item.get("author")]
    tags = item.get("tags")
    return FeedEntry(
        id=str(item["id"]) if isinstance(item.get("id"), str | int) else "",
        link=_text(item.get("url")) or _text(item.get("external_url")),
        title=collapse(_text(item.get("title"))),
        summary=plain_text(_text(item.get("summary")) or _text(item.get("content_text"))
                           or _text(item.get("content_html"))),
        published=_text(item.get("date_published")) or None,
        updated=_text(item.get("date_modified")) or _text(item.get("date_updated")) or None,
        tags=_terms(tags if isinstance(tags, list) else []),
        authors=_names(authors),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _terms(tags: list[Any]) -> list[str]:
    terms = (_text(tag) for tag in tags)
    return [term for term in dict.fromkeys(terms) if term]


def _names(authors: Any) -> list[str]:
    if not isinstance(authors, list):
        return []
    names = (_text(a.get("name")) if isinstance(a, dict) else _text(a) for a in authors)
    return [name for name in names if name]
