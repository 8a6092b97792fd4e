"""What a source kind's parser takes in and gives back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sources.finding import Finding


@dataclass(frozen=True)
class HttpResponse:
    """A complete HTTP response as the parsers see it (after redirects)."""

    url: str
    status: int
    headers: dict[str, str]  # keys lower-cased
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Parsed:
    """A parser's answer for one response.

    ``warnings`` are shown on the source but do not fail it (e.g. an ill-formed feed
    that still yielded entries); ``dropped`` counts malformed items left out;
    ``next_url`` asks the poller for one more page; ``complete`` is False when the
    listing is known to stop short of everything the source has.
    """

    findings: Sequence[Finding]
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    next_url: str | None = None
    complete: bool = True


class ParseError(Exception):
    """The response cannot be read as this kind of source; the message says why."""
