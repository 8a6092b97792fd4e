"""Helpers shared by the JSON API source kinds (``github``, ``huggingface``).

Not a source kind itself (it has no ``KIND``): reading a JSON body into a clear
ParseError when it is not JSON, ISO times to aware UTC, RFC 8288 ``Link`` headers, and
checking a configured base URL.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from sources.response import HttpResponse, ParseError


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
