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
