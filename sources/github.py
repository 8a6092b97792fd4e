"""The ``github`` kind: a repository's releases from the GitHub REST API.

``GET {base_url}/repos/{owner}/{name}/releases?per_page=N`` answers a JSON list of
Release objects, newest first, with an RFC 8288 ``Link`` header for the next page.
One release becomes one ``release`` finding keyed by its tag. Drafts are skipped
(they are not public); items that are not Release objects are dropped and counted.
A release feed without an API token works too: use the ``feed`` kind on
``https://github.com/{owner}/{name}/releases.atom``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.finding import Finding
from sources.jsonapi import describe_shape, http_base_url, iso_utc, json_document, next_link
from sources.outcome import DEFAULT_MAX_ENTRIES, entry_cap_warning
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
    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=1)
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
        if len(findings) >= params.max_entries:  # memory stays bounded by the cap
            warning = entry_cap_warning(params.max_entries)
            return Parsed(findings=findings, dropped=dropped, warnings=[warning],
                          complete=False)
        if isinstance(item, dict) and _skipped(item, params):
            continue
        finding = _release_finding(item)
        if finding is None:
            dropped += 1
        else:
            findings.append(finding)
    next_url = next_link(response.headers.get("link", ""), response.url)
    # More pages are announced by next_url; the poller decides whether the listing it
    # assembled is complete (it stops at max_pages, or at max_entries in all).
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
