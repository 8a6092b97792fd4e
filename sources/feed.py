"""The ``feed`` kind: any RSS, Atom or RDF feed, and JSON Feed.

Covers lab blogs, GitHub ``releases.atom`` and arXiv API queries. One entry becomes
one :class:`Finding`; the finding kind is ``post``, ``release`` or ``paper`` (set in
the config, or guessed from the URL).

How a body is read (``bench/bench_parse.py`` over the corpus copies in
tests/data/sources: fastfeedparser 0.1-1.1 ms per feed, feedparser 3-79 ms; this whole
module 0.3-4.6 ms per well-formed feed, 21.6 ms for all 17 against feedparser's 253):

1. An HTML page (a 404 page, a moved blog) or JSON is recognised first: HTML is a
   ParseError naming the meta-refresh target if any; JSON Feed is read here.
2. Well-formed XML (checked with a strict lxml parse that expands no entities and
   loads nothing from the network) goes to **fastfeedparser**, the fast path.
3. Anything else (ill-formed XML, encoding lies, what fastfeedparser rejects) goes to
   **feedparser**, the lenient reference. Entries it recovers from an ill-formed feed
   are used with a warning; if it recovers none, fastfeedparser's recovering parser is
   tried before giving up with a ParseError.

Both paths feed the same normalisation (:func:`_finding`), and a test checks they give
the same keys, titles, links and times for every well-formed corpus feed.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import fastfeedparser
import feedparser
from feedparser.datetimes import _parse_date as feedparser_parse_date
from lxml import etree
from pydantic import BaseModel, ConfigDict, field_validator

from sources.finding import Finding
from sources.response import HttpResponse, Parsed, ParseError

KIND = "feed"

SUMMARY_LIMIT = 500
FindingKind = Literal["post", "release", "paper"]


class Params(BaseModel):
    """Config keys of a ``feed`` source."""

    model_config = ConfigDict(extra="forbid")

    url: str
    finding_kind: FindingKind | None = None  # None: guessed from the URL

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"feed url must be an http:// or https:// URL, got {value!r}")
        return value


def first_url(params: Params) -> str:
    return params.url


def guess_finding_kind(url: str) -> FindingKind:
    """``release`` for GitHub releases.atom, ``paper`` for arXiv, else ``post``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "github.com" and parts.path.rstrip("/").endswith("/releases.atom"):
        return "release"
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return "paper"
    return "post"


def parse(response: HttpResponse, params: Params) -> Parsed:
    try:
        return _parse(response, params.finding_kind or guess_finding_kind(params.url))
    except ParseError:
        raise
    except Exception as exc:  # a parser answers with findings or ParseError, nothing else
        raise ParseError(f"feed could not be read: {type(exc).__name__}: {exc}") from exc


# --- reading the body ---------------------------------------------------------------


@dataclass
class _Entry:
    """One entry as either parser saw it, before normalisation."""

    id: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    published: Any = None  # raw date string, or a struct_time from feedparser
    updated: Any = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to identify or show: what a truncated ``<item>`` leaves behind."""
        return not (self.id or self.link or self.title or self.summary)


def _parse(response: HttpResponse, finding_kind: FindingKind) -> Parsed:
    body = response.body
    head = _head(body)
    if not head:
        raise ParseError(f"empty response body (HTTP {response.status}), not a feed")
    if _looks_like_html(head):
        raise ParseError(_html_message(response))
    if head[:1] in (b"{", b"["):
        entries, warnings, dropped = _json_feed_entries(body)
    else:
        entries, warnings = _xml_entries(body, response.content_type)
        dropped = 0
    _raise_for_arxiv_error(entries)
    return _parsed(entries, finding_kind, warnings, dropped, base_url=response.url)


def _head(body: bytes) -> bytes:
    """The start of the body without BOM, whitespace, XML declaration or comments."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")) * 8:
        end = head.find(closing) if head.startswith(opening) else -1
        if end >= 0:
            head = head[end + len(closing) :].lstrip(b" \t\r\n")
    return head


def _looks_like_html(head: bytes) -> bool:
    start = head[:64].lower()
    return start.startswith((b"<!doctype html", b"<html"))


_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s>]+)", re.IGNORECASE)


def meta_refresh_target(body: bytes) -> str | None:
    """The URL an HTML page's ``<meta http-equiv=refresh>`` sends the reader to."""
    for tag in _META_TAG.findall(body[:65536]):
        text = tag.decode("utf-8", "replace")
        if re.search(r"http-equiv\s*=\s*['\"]?refresh", text, re.IGNORECASE):
            match = _REFRESH_URL.search(text.split("content", 1)[-1])
            if match:
                return html.unescape(match.group(1))
    return None


def _html_message(response: HttpResponse) -> str:
    message = f"got an HTML page (HTTP {response.status}), not a feed"
    target = meta_refresh_target(response.body)
    if target:
        return f"{message}; the page redirects to {target} (meta refresh): has the feed moved?"
    return f"{message}: is the feed URL still right?"


# --- XML: fast path and lenient path -----------------------------------------------

class _StrictParser(threading.local):
    """One strict parser per thread: lxml lets one parse at a time use a parser."""

    def __init__(self) -> None:
        # No entity expansion (billion laughs), no DTD or network access (XXE).
        self.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )


_STRICT_XML = _StrictParser()


def well_formed_root(body: bytes) -> Any:
    """The document's root element if the body is well-formed XML, else None."""
    try:
        return etree.fromstring(body, parser=_STRICT_XML.parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _xml_entries(body: bytes, content_type: str) -> tuple[list[_Entry], list[str]]:
    root = well_formed_root(body)
    if root is not None:
        try:
            return fast_entries(body, root), []
        except ValueError:
            pass  # fastfeedparser rejects some valid documents (an empty <rss/>, UTF-16)
    return _lenient_entries(body, content_type)


def fast_entries(body: bytes, root: Any = None) -> list[_Entry]:
    """Entries read by fastfeedparser. Raises ValueError on what it cannot read."""
    # Always bytes: fastfeedparser fetches a str that starts with http:// itself.
    parsed = fastfeedparser.parse(bytes(body), include_media=False, include_enclosures=False)
    entries = [_from_fastfeedparser(entry) for entry in parsed.get("entries", [])]
    if root is not None:
        _add_atom_authors(entries, root)
    return entries


_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_AUTHOR_NAME = f"{_ATOM}author/{_ATOM}name"


def _add_atom_authors(entries: list[_Entry], root: Any) -> None:
    """fastfeedparser keeps one author per entry; arXiv entries list them all."""
    if root.tag != f"{_ATOM}feed":
        return
    authors_by_id = {}
    for element in root.iterfind(f"{_ATOM}entry"):
        names = [(name.text or "").strip() for name in element.iterfind(_ATOM_AUTHOR_NAME)]
        authors_by_id[(element.findtext(f"{_ATOM}id") or "").strip()] = [n for n in names if n]
    for entry in entries:
        if authors_by_id.get(entry.id):
            entry.authors = authors_by_id[entry.id]


def slow_entries(body: bytes, content_type: str = "") -> tuple[list[_Entry], Any]:
    """Entries read by feedparser, and feedparser's whole answer (for bozo details)."""
    headers = {"content-type": content_type} if content_type else {}
    # A stream, never bytes or str: feedparser opens a short one that names a path or URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    return [_from_feedparser(entry) for entry in parsed.entries], parsed


def _lenient_entries(body: bytes, content_type: str) -> tuple[list[_Entry], list[str]]:
    entries, parsed = slow_entries(body, content_type)
    entries = [entry for entry in entries if not entry.is_empty]
    if not parsed.bozo:
        if not entries and not parsed.version:
            raise ParseError("the document is XML but not an RSS, Atom or RDF feed")
        return entries, []
    problem = str(parsed.get("bozo_exception", "")) or "unknown problem"
    if not entries:
        try:
            # Its recovering parser reads some feeds feedparser cannot; what it recovers
            # without an id or link is too likely debris of a cut-off document.
            entries = [entry for entry in fast_entries(body) if entry.id or entry.link]
        except ValueError:
            entries = []
    if not entries:
        raise ParseError(f"not a readable feed ({problem}), and no entries could be recovered")
    warning = f"the feed is not well-formed ({problem}); entries read anyway: {len(entries)}"
    return entries, [warning]


def _from_fastfeedparser(entry: dict[str, Any]) -> _Entry:
    return _Entry(
        id=_text(entry.get("id")),
        link=_text(entry.get("link")),
        title=_text(entry.get("title")),
        summary=_text(entry.get("description")),
        published=entry.get("published"),
        updated=entry.get("updated"),
        tags=_terms(entry.get("tags")),
        authors=_names(entry.get("authors")) or _names([entry.get("author_detail")]),
    )


def _from_feedparser(entry: Any) -> _Entry:
    return _Entry(
        id=_text(entry.get("id")),
        link=_text(entry.get("link")),
        title=_text(entry.get("title")),
        summary=_text(entry.get("summary")),
        # dict.get: feedparser's own get() answers "updated" with the published date
        published=dict.get(entry, "published") or dict.get(entry, "published_parsed"),
        updated=dict.get(entry, "updated") or dict.get(entry, "updated_parsed"),
        tags=_terms(entry.get("tags")),
        authors=_names(entry.get("authors")),
    )


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


# --- JSON Feed (jsonfeed.org) --------------------------------------------------------


def _json_feed_entries(body: bytes) -> tuple[list[_Entry], list[str], int]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"the body looks like JSON but is not valid JSON: {exc}") from exc
    version = document.get("version") if isinstance(document, dict) else None
    items = document.get("items") if isinstance(document, dict) else None
    if not (isinstance(version, str) and "jsonfeed.org" in version and isinstance(items, list)):
        raise ParseError(
            "got JSON that is not a feed: a JSON Feed is an object with a 'version' of "
            "https://jsonfeed.org/version/1 (or 1.1) and an 'items' list"
        )
    entries = [_from_json_item(item) for item in items if isinstance(item, dict)]
    return entries, [], len(items) - len(entries)


def _from_json_item(item: dict[str, Any]) -> _Entry:
    authors = item.get("authors") or [item.get("author")]
    tags = item.get("tags")
    return _Entry(
        id=str(item["id"]) if isinstance(item.get("id"), str | int) else "",
        link=_text(item.get("url")) or _text(item.get("external_url")),
        title=_text(item.get("title")),
        summary=_text(item.get("summary"))
        or _text(item.get("content_text"))
        or _text(item.get("content_html")),
        published=_text(item.get("date_published")) or None,
        updated=_text(item.get("date_modified")) or _text(item.get("date_updated")) or None,
        tags=_terms(tags if isinstance(tags, list) else []),
        authors=_names(authors),
    )


# --- from entries to findings ------------------------------------------------------


def _raise_for_arxiv_error(entries: list[_Entry]) -> None:
    """arXiv answers a bad query with a feed whose one entry is the error."""
    for entry in entries:
        if "arxiv.org/api/errors" in entry.id:
            detail = plain_text(entry.summary) or entry.id.rsplit("#", 1)[-1]
            raise ParseError(f"arXiv API error: {detail}")


def _parsed(
    entries: list[_Entry],
    finding_kind: FindingKind,
    warnings: list[str],
    dropped: int,
    base_url: str,
) -> Parsed:
    findings: dict[str, Finding] = {}
    duplicates = 0
    empty = sum(entry.is_empty for entry in entries)
    if empty:
        warnings = [*warnings, f"entries with no id, link, title or text left out: {empty}"]
    for entry in (entry for entry in entries if not entry.is_empty):
        finding = _finding(entry, finding_kind, base_url)
        if finding.key in findings:
            duplicates += 1
        else:
            findings[finding.key] = finding
    if duplicates:
        warnings = [*warnings, f"entries repeating an earlier entry's key left out: {duplicates}"]
    return Parsed(
        findings=list(findings.values()), warnings=warnings, dropped=dropped + empty + duplicates
    )


_GITHUB_RELEASE_ID = re.compile(r"^tag:github\.com,2008:Repository/\d+/(.+)$")
_GITHUB_RELEASE_LINK = re.compile(r"^https?://github\.com/[^/]+/[^/]+/releases/tag/([^?#]+)")
_ARXIV_ID = re.compile(r"arxiv\.org/abs/([^?#]+)$")


def _finding(entry: _Entry, finding_kind: FindingKind, base_url: str = "") -> Finding:
    published = to_utc(entry.published)
    updated = to_utc(entry.updated)
    title = plain_text(entry.title)
    summary = plain_text(entry.summary)
    key = entry.id or entry.link or _hash_key(title or summary, published or updated)
    attributes: dict[str, Any] = {"summary": _truncate(summary)}
    if entry.tags:
        attributes["tags"] = entry.tags
    if entry.authors:
        attributes["authors"] = entry.authors
    version = _github_release_tag(entry)
    if version:
        attributes["version"] = version
    arxiv_match = _ARXIV_ID.search(entry.id)
    if arxiv_match:
        attributes["arxiv_id"] = arxiv_match.group(1)
        attributes["categories"] = entry.tags
    return Finding(
        key=key,
        title=title or _truncate(attributes["summary"], 80) or "(untitled)",
        kind=finding_kind,
        url=_web_url(entry.link, base_url),
        # Atom entries may carry only <updated> (GitHub releases.atom does).
        published=published or updated,
        updated=updated,
        attributes=attributes,
    )


def _web_url(link: str, base_url: str) -> str | None:
    """The entry link made absolute; None unless http(s) (it becomes an href in mail)."""
    if not link:
        return None
    if link.startswith(("https://", "http://")) and link.isprintable() and " " not in link:
        return link  # already absolute web URL: the common case, no parsing needed
    url = urljoin(base_url, link)
    return url if urlsplit(url).scheme in ("http", "https") else None


def _github_release_tag(entry: _Entry) -> str | None:
    match = _GITHUB_RELEASE_ID.match(entry.id) or _GITHUB_RELEASE_LINK.match(entry.link)
    return match.group(1) if match else None


def _hash_key(title: str, when: datetime | None) -> str:
    stamp = when.isoformat() if when else ""
    return "sha256:" + hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()[:32]


_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
_C1_CONTROL = re.compile("[\x80-\x9f]")


def _demoronize(match: re.Match[str]) -> str:
    """A C1 control character is almost always a Windows-1252 byte decoded as Latin-1."""
    return bytes([ord(match.group())]).decode("cp1252", "ignore")


def plain_text(markup: str) -> str:
    """Text without tags or entities, whitespace collapsed (escaping is for templates)."""
    if "<" not in markup and "&" not in markup and markup.isascii():
        return " ".join(markup.split())  # nothing to strip: the common title
    text = markup
    for _ in range(2):  # twice: some feeds escape their HTML once more than needed
        text = html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", text)))
        if not _TAG.search(text):
            break
    return _SPACE.sub(" ", _C1_CONTROL.sub(_demoronize, text)).strip()


def _truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"


def to_utc(value: Any) -> datetime | None:
    """A feed's date (ISO 8601, RFC 822, date-only, or a struct_time) as aware UTC."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):  # feedparser's *_parsed struct_time, already UTC
            return datetime(*value[:6], tzinfo=UTC)
        return _parse_date_text(value.strip())
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def _parse_date_text(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            parsed = feedparser_parse_date(text)  # the many odd formats feeds use
            return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
