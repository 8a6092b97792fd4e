"""How one fetch ended: a category and a message, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sources.response import HttpResponse


class Category(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not-modified"
    TIMEOUT = "timeout"
    NETWORK = "network"
    TLS = "tls"
    HTTP_4XX = "http-4xx"
    HTTP_5XX = "http-5xx"
    RATE_LIMITED = "rate-limited"
    TOO_LARGE = "too-large"
    PARSE = "parse"

    @property
    def is_failure(self) -> bool:
        return self not in (Category.OK, Category.NOT_MODIFIED)


@dataclass
class FetchOutcome:
    """The end of one HTTP fetch (after retries and redirects)."""

    category: Category
    message: str = ""
    response: HttpResponse | None = None
    requests: int = 0
    bytes_received: int = 0
    retry_after: float | None = None


# Entries a source reads per poll unless its config says otherwise (``max_entries``):
# far above any real feed or listing (the largest seen, ~1,000), low enough that a
# hostile answer of 100,000 entries costs a bounded amount of memory and time.
DEFAULT_MAX_ENTRIES = 5000


def entry_cap_warning(cap: int) -> str:
    """What a source's status says when it stopped at its entry cap."""
    return (f"stopped at the entry cap of {cap:,} entries (max_entries); more were not "
            f"read: raise max_entries if this source really has that many")
