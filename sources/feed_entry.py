"""One feed entry as read from the body, and the text and date rules both readers share.

Part of the ``feed`` kind (see :mod:`sources.feed`); not a kind itself. A title keeps
the text its type says it has: a text title keeps ``<T>`` and ``<blink>``, an HTML
title loses its tags, like feedparser's own reading of the same element.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any


@dataclass
class FeedEntry:
    """One entry, its text already plain, its link absolute where a base allowed it."""

    id: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    published: Any = None  # a date string, or a struct_time from feedparser
    updated: Any = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to identify or show: what a truncated ``<item>`` leaves behind."""
        return not (self.id or self.link or self.title or self.summary)


# --- text ----------------------------------------------------------------------------

_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_HIDDEN = re.compile(r"<(script|style|applet)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
_C1_CONTROL = re.compile("[\x80-\x9f]")


def _demoronize(match: re.Match[str]) -> str:
    """A C1 control character is almost always a Windows-1252 byte decoded as Latin-1."""
    return bytes([ord(match.group())]).decode("cp1252", "ignore")


def collapse(text: str) -> str:
    """Whitespace collapsed, Windows-1252 bytes read as Latin-1 repaired."""
    if not text.isascii():
        text = _C1_CONTROL.sub(_demoronize, text)
    return " ".join(text.split())


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded once."""
    if "<" not in markup and "&" not in markup:
        return collapse(markup)
    return collapse(html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", markup))))


def plain_text(markup: str) -> str:
    """Text of a summary: tags and entities gone, even where a feed escaped them twice."""
    if "<" not in markup and "&" not in markup and markup.isascii():
        return " ".join(markup.split())  # nothing to strip: the common case
    text = markup
    for _ in range(2):  # twice: some feeds escape their HTML once more than needed
        text = html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", text)))
        if not _TAG.search(text):
            break
    return collapse(text)


# The elements feedparser's sanitizer accepts: a text that holds only these tags (or
# only known entities) is HTML written where plain text was due, the others are text.
_HTML_ELEMENT_NAMES = (
    "a abbr acronym address area article aside audio b bdi bdo big blockquote br button "
    "canvas caption center cite code col colgroup command datagrid datalist dd del details "
    "dfn dialog dir div dl dt em event-source fieldset figcaption figure font footer form "
    "h1 h2 h3 h4 h5 h6 header hr i img input ins kbd keygen label legend li m map menu "
    "meter multicol nav nextid noscript ol optgroup option output p pre progress q s samp "
    "section select small sound source spacer span strike strong sub summary sup table "
    "tbody td textarea tfoot th thead time tr tt u ul var video"
)
_HTML_ELEMENTS = frozenset(_HTML_ELEMENT_NAMES.split())


_CLOSE_TAG_OR_ENTITY = re.compile(r"</\w+>|&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_ENTITY_NAME = re.compile(r"&(\w+);")


def looks_like_html(text: str) -> bool:
    """True when an untyped RSS text is HTML after all (feedparser's rule)."""
    if ("<" not in text and "&" not in text) or not _CLOSE_TAG_OR_ENTITY.search(text):
        return False
    if any(tag.lower() not in _HTML_ELEMENTS for tag in _TAG_NAME.findall(text)):
        return False
    return all(name in html.entities.entitydefs for name in _ENTITY_NAME.findall(text))


def untyped_text(text: str) -> str:
    """An RSS title or description: HTML if it looks like HTML, else text."""
    return html_to_text(text) if looks_like_html(text) else collapse(text)


def repair_double_utf8(text: str) -> str:
    """``Ã©`` back to ``é``: UTF-8 bytes that were read as Latin-1, then encoded again."""
    if text.isascii() or max(text) > "\xff":
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text


# --- dates ---------------------------------------------------------------------------

_ZONES = {  # RFC 822 zone names dateutil does not know by itself
    name: offset * 3600
    for name, offset in {
        "UT": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
        "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    }.items()
}
_YEAR = re.compile(r"\d{4}")
_START_OF_TIME = datetime(2000, 1, 1)  # a missing month or day reads as the first


def to_utc(value: Any) -> datetime | None:
    """A feed's date (ISO 8601, RFC 822, W3DTF, date-only, a struct_time) as aware UTC."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):  # feedparser's *_parsed struct_time, already UTC
            return datetime(*value[:6], tzinfo=UTC)
        moment = _parse_date_text(value.strip())
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError):
        pass
    if not _YEAR.search(text):
        return None  # dateutil reads "5" as the fifth of this month
    from dateutil import parser as dateutil_parser  # ~50 ms to import: only odd dates pay

    try:
        return dateutil_parser.parse(text, default=_START_OF_TIME, tzinfos=_ZONES)
    except (ValueError, OverflowError, dateutil_parser.ParserError):
        return None
