"""The ``huggingface`` kind: an author's model repos on the Hugging Face Hub.

``GET {base_url}/api/models?author=A&sort=createdAt&direction=-1&limit=N&full=true``
answers a JSON list of model objects, newest first, with a ``Link: <...>; rel="next"``
header when there are more. One repo becomes one ``model`` finding keyed by the repo
id. The answer of ``/api/models/{id}`` (one object) is read as one finding too.

Validation is lenient per item, strict per response: an item that is not an object,
has no id or carries a bad date is dropped and counted; a response that is not a list
of models (an error object, a changed shape such as ``{"models": [...]}``) is a
ParseError saying what was expected.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.finding import Finding
from sources.jsonapi import describe_shape, http_base_url, iso_utc, json_document, next_link
from sources.outcome import DEFAULT_MAX_ENTRIES, entry_cap_warning
from sources.response import HttpResponse, Parsed, ParseError

KIND = "huggingface"

HUB_URL = "https://huggingface.co"
_AUTHOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Params(BaseModel):
    """Config keys of a ``huggingface`` source."""

    model_config = ConfigDict(extra="forbid")

    author: str
    limit: int = Field(default=100, ge=1, le=1000)
    max_pages: int = Field(default=1, ge=1)
    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=1)
    base_url: str = HUB_URL

    @field_validator("author")
    @classmethod
    def _hub_name(cls, value: str) -> str:
        if not _AUTHOR.match(value):
            raise ValueError(f"author must be a Hub user or organisation name, got {value!r}")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        return http_base_url(value)


def first_url(params: Params) -> str:
    return (
        f"{params.base_url}/api/models?author={params.author}"
        f"&sort=createdAt&direction=-1&limit={params.limit}&full=true"
    )


def parse(response: HttpResponse, params: Params) -> Parsed:
    listing = _listing_head(response, params.max_entries)
    if listing is not None:
        return _listing_findings(response, params, *listing)
    document = json_document(response, "Hugging Face")
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict) and isinstance(document.get("id"), str):
        items = [document]  # GET /api/models/{id} answers one model
    elif isinstance(document, dict) and isinstance(document.get("error"), str):
        error = document["error"]
        raise ParseError(f"Hugging Face answered with an error instead of models: {error}")
    else:
        raise ParseError(
            "expected a JSON list of models (or one model object with an 'id'), "
            f"got {describe_shape(document)}"
        )
    return _listing_findings(response, params, items[: params.max_entries],
                             capped=len(items) > params.max_entries)


def _listing_head(response: HttpResponse, limit: int) -> tuple[list[Any], bool] | None:
    """The first ``limit`` items of a JSON list, decoded one by one so that a huge
    listing costs memory by the cap, and whether more follow; None when the body is
    not a list (or not valid JSON: json_document then says what it is)."""
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    at = _skip_space(text, 0)
    if not text.startswith("[", at):
        return None
    items: list[Any] = []
    at = _skip_space(text, at + 1)
    try:
        while not text.startswith("]", at):
            if len(items) >= limit:
                return items, True
            item, at = decoder.raw_decode(text, at)
            items.append(item)
            at = _skip_space(text, at)
            if text.startswith(",", at):
                at = _skip_space(text, at + 1)
            elif not text.startswith("]", at):
                return None
    except (ValueError, RecursionError):
        return None
    return (items, False) if not text[at + 1 :].strip() else None


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _listing_findings(response: HttpResponse, params: Params, items: list[Any],
                      capped: bool) -> Parsed:
    findings: list[Finding] = []
    for item in items:
        finding = model_finding(item)
        if finding is not None:
            findings.append(finding)
    dropped = len(items) - len(findings)
    if capped:  # no next page either: the cap is reached
        warning = entry_cap_warning(params.max_entries)
        return Parsed(findings=findings, dropped=dropped, warnings=[warning], complete=False)
    # More pages are announced by next_url; the poller decides whether the listing it
    # assembled is complete (it stops at max_pages, or at max_entries in all).
    next_url = next_link(response.headers.get("link", ""), response.url)
    return Parsed(findings=findings, dropped=dropped, next_url=next_url)


def model_finding(model: Any) -> Finding | None:
    """A finding for one model object, or None when it is malformed."""
    if not isinstance(model, dict):
        return None
    repo_id = model.get("id") or model.get("modelId")
    if not isinstance(repo_id, str) or not repo_id.strip():
        return None
    try:
        published = iso_utc(model.get("createdAt"))
        updated = iso_utc(model.get("lastModified"))
    except ValueError:
        return None
    return Finding(
        key=repo_id,
        title=repo_id,
        kind="model",
        url=f"{HUB_URL}/{repo_id}",
        published=published,
        updated=updated,
        attributes=_attributes(model),
    )


def _attributes(model: dict[str, Any]) -> dict[str, Any]:
    tags = [tag for tag in model.get("tags") or [] if isinstance(tag, str)]
    attributes: dict[str, Any] = {
        "license": _license(tags, model.get("cardData")),
        "pipeline_tag": _string(model.get("pipeline_tag")),
        "library_name": _string(model.get("library_name")),
        "gated": _gated(model.get("gated")),
        "downloads": _count(model.get("downloads")),
        "likes": _count(model.get("likes")),
        "tags": tags if "tags" in model else None,
    }
    return {name: value for name, value in attributes.items() if value is not None}


def _license(tags: list[str], card_data: Any) -> str | None:
    """The Hub license id: the ``license:`` tag, else the model card's ``license``."""
    for tag in tags:
        if tag.startswith("license:") and tag[len("license:") :].strip():
            return tag[len("license:") :].strip().lower()
    card_license = card_data.get("license") if isinstance(card_data, dict) else None
    if isinstance(card_license, list):
        card_license = next((item for item in card_license if isinstance(item, str)), None)
    if isinstance(card_license, str) and card_license.strip():
        return card_license.strip().lower()
    return None


def _gated(value: Any) -> bool | str | None:
    """False, True, or the approval mode the Hub gives (``"auto"`` / ``"manual"``)."""
    if isinstance(value, bool):
        return value
    return value if isinstance(value, str) and value else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
