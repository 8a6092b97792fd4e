"""Sources: where claimwatch looks, and what it finds there.

Holds the HTTP fetch layer (timeouts, retries, conditional GET, size cap, per-host
limits), record and replay of HTTP exchanges, one module per source kind (``feed``,
``huggingface``, ``github``) and the kind registry. A kind turns one HTTP response into
plain :class:`Finding` values; it never touches the database or email.

May import: nothing of claimwatch's own (only the standard library and third-party
packages).
"""

from sources.finding import Finding
from sources.outcome import Category, FetchOutcome
from sources.response import HttpResponse, Parsed, ParseError

__all__ = ["Category", "FetchOutcome", "Finding", "HttpResponse", "ParseError", "Parsed"]
