"""The ``github`` kind: a repository's releases from the GitHub REST API.

``GET {base_url}/repos/{owner}/{name}/releases?per_page=N`` answers a JSON list of
Release objects, newest first, with an RFC 8288 ``Link`` header for the next page.
One release becomes one ``release`` finding keyed by its tag. Drafts are skipped
(they are not public); items that are not Release objects are dropped and counted.
A release feed without an API token works too: use the ``feed`` kind on
``https://github.com/{owner}/{name}/releases.atom``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.finding import Finding
from sources.response import HttpResponse, Parsed, ParseError

KIND = "github"

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class Params(BaseModel):
    """Config keys of a ``github`` source."""

    model_config = ConfigDict(extra="forbid")

    repo: str  # "owner/name"
    per_page: int = Field(default=30, ge=1, le=100)
    include_prereleases: bool = True
    max_pages: int = Field(default=1, ge=1)
    base_url: str = "https://api.github.com"

    @field_validator("repo")
    @classmethod
    def _owner_slash_name(cls, value: str) -> str:
        if not _REPO.match(value) or value.split("/")[1] in (".", ".."):
            raise ValueError(f'repo must look like "owner/name", got {value!r}')
        return value

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        return http_base_url(value)


def first_url(params: Params) -> str:
    return f"{params.base_url}/repos/{params.repo}/releases?per_page={params.per_page}"


def parse(response: HttpResponse, params: Params) -> Parsed:
    document = json_document(response, "GitHub")
    if isinstance(document, dict) and "tag_name" in document:
        items: list[Any] = [document]  # GET /releases/tags/{tag} answers one release
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict) and isinstance(document.get("message"), str):
        message = document["message"]
        raise ParseError(f"GitHub answered with an error instead of releases: {message}")
    else:
        raise ParseError(
            f"expected a JSON list of GitHub releases, got {describe_shape(document)}"
        )
    findings: list[Finding] = []
    dropped = 0
    for item in items:
        if isinstance(item, dict) and _skipped(item, params):
            continue
        finding = _release_finding(item)
        if finding is None:
            dropped += 1
        else:
            findings.append(finding)
    next_url = next_link(response.headers.get("link", ""), response.url)
    # More pages are announced by next_url; the poller decides whether the listing it
    # assembled is complete (it stops at max_pages).
    return Parsed(findings=findings, dropped=dropped, next_url=next_url)


def _skipped(release: dict[str, Any], params: Params) -> bool:
    if release.get("draft") is True:
        return True
    return release.get("prerelease") is True and not params.include_prereleases


def _release_finding(release: Any) -> Finding | None:
    """A finding for one Release object, or None when it is not one."""
    if not isinstance(release, dict):
        return None
    tag = release.get("tag_name")
    if not isinstance(tag, str) or not tag.strip():
        return None
    try:
        published = iso_utc(release.get("published_at")) or iso_utc(release.get("created_at"))
    except ValueError:
        return None
    name = release.get("name")
    html_url = release.get("html_url")
    body = release.get("body")
    attributes: dict[str, Any] = {"version": tag, "prerelease": release.get("prerelease") is True}
    if isinstance(body, str) and body.strip():
        attributes["summary"] = " ".join(body.split())[:500]
    return Finding(
        key=tag,
        title=name.strip() if isinstance(name, str) and name.strip() else tag,
        kind="release",
        url=html_url if isinstance(html_url, str) else None,
        published=published,
        attributes=attributes,
    )


# --- helpers shared by the JSON API kinds (huggingface imports them) -----------------


def http_base_url(value: str) -> str:
    """An http(s) base URL without its trailing slash; ValueError otherwise."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


def json_document(response: HttpResponse, service: str) -> Any:
    """The body as JSON, or a ParseError that says what came instead."""
    try:
        return json.loads(response.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        start = response.body[:80].decode("utf-8", "replace").strip()
        raise ParseError(
            f"{service} answered HTTP {response.status} with a body that is not JSON "
            f"({type(exc).__name__}); it starts with {start!r}"
        ) from exc


def describe_shape(document: Any) -> str:
    if isinstance(document, dict):
        keys = ", ".join(sorted(map(str, document))[:8])
        return f"an object with keys [{keys}]"
    return f"a JSON {type(document).__name__}"


def iso_utc(value: Any) -> datetime | None:
    """An ISO 8601 time (``2022-07-19T04:40:21Z``) as aware UTC; None when absent.

    Raises ValueError for a value that is present but not such a time.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:  # year 1 with a positive offset
        raise ValueError(f"time out of range: {value!r}") from exc


_LINK_PART = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]*)*)')


def next_link(header: str, base_url: str = "") -> str | None:
    """The ``rel="next"`` target of an RFC 8288 Link header, made absolute."""
    for target, params in _LINK_PART.findall(header):
        rels = re.findall(r'rel\s*=\s*"?([^";,]+)"?', params)
        if any("next" in rel.lower().split() for rel in rels):
            return urljoin(base_url, target.strip())
    return None
