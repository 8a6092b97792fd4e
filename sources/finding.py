"""The normalized item every source kind reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One item a source reported: a model repo, a release, a post, a paper, a package.

    ``key`` is unique within its source and stable across polls (guid, repo id, tag).
    Times are timezone-aware UTC or ``None`` when the source gave none.
    ``attributes`` holds kind-specific facts as JSON-safe values, e.g. ``license``,
    ``version``, ``tags``, ``pipeline_tag``, ``gated``, ``downloads``, ``prerelease``.
    """

    key: str
    title: str
    kind: str  # "model", "release", "post", "paper", "package"
    url: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

