"""The ``feed`` kind: any RSS, Atom or RDF feed, and JSON Feed.

Covers lab blogs, GitHub ``releases.atom`` and arXiv API queries. One entry becomes
one :class:`Finding`; the finding kind is ``post``, ``release`` or ``paper`` (set in
the config, or guessed from the URL). At most ``max_entries`` entries are read.

Why an lxml walk first and feedparser only when lxml fails: the walk reads what feedparser
reads (bench/bench_feed_conformance.py) in 0.1-0.35x its CPU time (bench/bench_parse.py).

HTML pages and JSON are told apart first; XML goes to :mod:`sources.feed_xml`, and only
a body lxml finds ill-formed to :mod:`sources.feed_lenient`. Neither parser is ever
given anything but the body's bytes.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources import feed_xml
from sources.feed_entry import FeedEntry, plain_text, to_utc
from sources.feed_json import read_json_feed
from sources.feed_lenient import read_leniently, recovered_entries
from sources.finding import Finding
from sources.outcome import DEFAULT_MAX_ENTRIES, entry_cap_warning
from sources.response import HttpResponse, Parsed, ParseError

KIND = "feed"

SUMMARY_LIMIT = 500
FindingKind = Literal["post", "release", "paper"]

__all__ = ["KIND", "Params", "first_url", "parse", "plain_text", "to_utc"]


class Params(BaseModel):
    """Config keys of a ``feed`` source."""

    model_config = ConfigDict(extra="forbid")

    url: str
    finding_kind: FindingKind | None = None  # None: guessed from the URL
    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=1)

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
        entries, warnings, dropped, capped = read_body(response, params.max_entries)
        _raise_for_arxiv_error(entries)
        kind = params.finding_kind or guess_finding_kind(params.url)
        parsed = _parsed(entries, kind, warnings, dropped, base_url=response.url)
    except ParseError:
        raise
    except Exception as exc:  # a parser answers with findings or ParseError, nothing else
        raise ParseError(f"feed could not be read: {type(exc).__name__}: {exc}") from exc
    if capped:
        parsed.warnings.append(entry_cap_warning(params.max_entries))
        parsed.complete = False
    return parsed


# --- reading the body ---------------------------------------------------------------


def read_body(response: HttpResponse, limit: int = DEFAULT_MAX_ENTRIES
              ) -> tuple[list[FeedEntry], list[str], int, bool]:
    """(entries, warnings, malformed items dropped, whether entries past ``limit``
    were left unread)."""
    body = response.body
    head = _head(body)
    if not head:
        raise ParseError(f"empty response body (HTTP {response.status}), not a feed")
    if _looks_like_html(head):
        raise ParseError(_html_message(response))
    if head[:1] in (b"{", b"["):
        entries, dropped, past_cap = read_json_feed(body, limit)
        return entries, [], dropped, past_cap > 0
    entries, warnings, capped = _xml_entries(body, response, limit)
    return entries, warnings, 0, capped


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


def _xml_entries(body: bytes, response: HttpResponse, limit: int
                 ) -> tuple[list[FeedEntry], list[str], bool]:
    try:
        entries, capped, root = feed_xml.read_document(body, response.url, limit)
    except (etree.XMLSyntaxError, ValueError):
        return _lenient_entries(body, response, limit)
    if root is not None and all(entry.is_empty for entry in entries):
        _raise_unless_empty_feed(root, entries)
    return entries, [], capped


def _raise_unless_empty_feed(root: Any, entries: list[FeedEntry]) -> None:
    """A well-formed document without entries to show is an empty feed, or says what
    it is instead."""
    if not feed_xml.is_feed_root(root):
        raise ParseError("the document is XML but not an RSS, Atom or RDF feed")
    if entries:
        return
    stray = next(root.iter("{*}item", "{*}entry", "item", "entry"), None)
    if stray is not None:
        raise ParseError(f"the feed's entries are in a namespace claimwatch does not read "
                         f"({etree.QName(stray).namespace or 'none'})")


def _lenient_entries(body: bytes, response: HttpResponse, limit: int
                     ) -> tuple[list[FeedEntry], list[str], bool]:
    entries, parsed = read_leniently(body, response.url, response.content_type)
    capped = len(entries) > limit
    entries = entries[:limit]
    if not parsed.bozo:
        if not entries and not parsed.version:
            raise ParseError("the document is XML but not an RSS, Atom or RDF feed")
        return entries, [], capped
    problem = str(parsed.get("bozo_exception", "")) or "unknown problem"
    if not any(not entry.is_empty for entry in entries):
        entries = recovered_entries(body, response.url)
        capped = len(entries) > limit
        entries = entries[:limit]
    if not entries:
        raise ParseError(f"not a readable feed ({problem}), and no entries could be recovered")
    warning = f"the feed is not well-formed ({problem}); entries read anyway: {len(entries)}"
    return entries, [warning], capped


# --- from entries to findings ------------------------------------------------------


def _raise_for_arxiv_error(entries: list[FeedEntry]) -> None:
    """arXiv answers a bad query with a feed whose one entry is the error."""
    for entry in entries:
        if "arxiv.org/api/errors" in entry.id:
            detail = entry.summary or entry.id.rsplit("#", 1)[-1]
            raise ParseError(f"arXiv API error: {detail}")


def _parsed(
    entries: list[FeedEntry],
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
        finding = to_finding(entry, finding_kind, base_url)
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


def to_finding(entry: FeedEntry, finding_kind: FindingKind, base_url: str = "") -> Finding:
    published = to_utc(entry.published)
    updated = to_utc(entry.updated)
    key = entry.id or entry.link or _hash_key(entry.title or entry.summary, published or updated)
    attributes: dict[str, Any] = {"summary": _truncate(entry.summary)}
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
        title=entry.title or _truncate(attributes["summary"], 80) or "(untitled)",
        kind=finding_kind,
        url=web_url(entry.link, base_url),
        # Atom entries may carry only <updated> (GitHub releases.atom does).
        published=published or updated,
        updated=updated,
        attributes=attributes,
    )


_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?\Z")


def web_url(link: str, base_url: str = "") -> str | None:
    """The entry link made absolute; None unless a valid http(s) URL (it becomes an href
    in mail)."""
    if not link:
        return None
    if _PLAIN_WEB_URL.match(link):
        return link  # the common case, valid as written: no parsing needed
    try:
        url = link if link.startswith(("https://", "http://")) else urljoin(base_url, link)
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a port that is not a number
    except ValueError:
        return None  # e.g. "http://example.c[o.test/": an unbalanced IPv6 bracket
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.geturl() if url.isprintable() and " " not in url else None


def _github_release_tag(entry: FeedEntry) -> str | None:
    match = _GITHUB_RELEASE_ID.match(entry.id) or _GITHUB_RELEASE_LINK.match(entry.link)
    return match.group(1) if match else None


def _hash_key(title: str, when: datetime | None) -> str:
    stamp = when.isoformat() if when else ""
    return "sha256:" + hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()[:32]


def _truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"
