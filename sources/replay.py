"""Record and replay of HTTP exchanges, in a layout a person can read and edit.

Layout of a snapshot folder ``DIR``::

    DIR/
      README.md                         what is captured and what is hand-made
      <host>/<slug>.json                one exchange: url, status, headers, body file
      <host>/<slug>.body.<ext>          the response body, byte for byte

``<host>`` is the URL's host (``huggingface.co``). ``<slug>`` is the URL's path and
query with every run of characters outside ``[A-Za-z0-9._-]`` turned into ``_``
(at most 80 characters), a ``-`` and the first 10 hex digits of the SHA-256 of the
full URL, so every URL has exactly one place and the name still says what it is.
``<ext>`` follows the content type (``xml``, ``json``, ``html``, ``txt``, ``bin``).

The ``.json`` file holds ``{"url", "status", "headers", "body"}`` where ``body`` is
the body file's name. Headers are stored lower-cased; secrets (Authorization,
Cookie, Set-Cookie) are never written.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from sources.response import HttpResponse

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
_EXTENSIONS = {"xml": "xml", "rss": "xml", "atom": "xml", "json": "json", "html": "html"}


class MissingExchange(LookupError):
    """The snapshot has no recorded answer for a URL."""


def exchange_path(folder: Path, url: str) -> Path:
    """Where the ``.json`` of the exchange for ``url`` lives inside ``folder``."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    slug = _UNSAFE.sub("_", tail).strip("_")[:80] or "root"
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    host = _UNSAFE.sub("_", parts.hostname or "unknown-host")
    return Path(folder) / host / f"{slug}-{digest}.json"


def _extension(content_type: str) -> str:
    for marker, ext in _EXTENSIONS.items():
        if marker in content_type:
            return ext
    return "txt" if content_type.startswith("text/") else "bin"


def save_exchange(folder: Path, url: str, response: HttpResponse) -> Path:
    """Write one exchange (request URL -> response) into ``folder``; return its path."""
    meta_path = exchange_path(folder, url)
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    body_name = f"{meta_path.stem}.body.{_extension(response.content_type)}"
    (meta_path.parent / body_name).write_bytes(response.body)
    headers = {
        k.lower(): v for k, v in response.headers.items() if k.lower() not in _SECRET_HEADERS
    }
    meta = {
        "url": url,
        "final_url": response.url,
        "status": response.status,
        "headers": headers,
        "body": body_name,
    }
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return meta_path


def load_exchange(folder: Path, url: str) -> HttpResponse:
    """The recorded response for ``url``; MissingExchange names the file looked for."""
    meta_path = exchange_path(folder, url)
    if not meta_path.is_file():
        raise MissingExchange(
            f"{url} is not in the snapshot {folder} "
            f"(looked for {meta_path.relative_to(folder)})"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    body = (meta_path.parent / meta["body"]).read_bytes()
    headers = {str(k).lower(): str(v) for k, v in meta.get("headers", {}).items()}
    return HttpResponse(
        url=meta.get("final_url", url), status=int(meta["status"]), headers=headers, body=body
    )
