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

Every path stays inside ``DIR``: a host of dots (``http://../``), a ``body`` naming
another folder or an absolute path, or a symlink leading out is refused with
:class:`UnsafeSnapshotPath`, so a hand-edited snapshot cannot read or write elsewhere.
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


class SnapshotError(Exception):
    """A URL cannot be answered from, or recorded into, a snapshot; the message says why."""


class MissingExchange(SnapshotError, LookupError):
    """The snapshot has no recorded answer for a URL."""


class UnsafeSnapshotPath(SnapshotError, ValueError):
    """A path the snapshot names, or a URL maps to, lies outside the snapshot folder."""


class BadExchange(SnapshotError, ValueError):
    """A recorded exchange file is not what record writes (hand-edited or damaged)."""


def exchange_path(folder: Path, url: str) -> Path:
    """Where the ``.json`` of the exchange for ``url`` lives inside ``folder``."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    slug = _UNSAFE.sub("_", tail).strip("_")[:80] or "root"
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    host = _UNSAFE.sub("_", parts.hostname or "unknown-host")
    if not host.strip("."):
        raise UnsafeSnapshotPath(f"{url}: its host {parts.hostname!r} would lead outside the "
                                 f"snapshot {folder}; refused")
    return Path(folder) / host / f"{slug}-{digest}.json"


def _inside(folder: Path, path: Path, url: str) -> Path:
    """``path``, once sure that it (after symlinks) lies inside ``folder``."""
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise UnsafeSnapshotPath(f"{url}: the snapshot {folder} names {path}, which is outside "
                                 "the snapshot; refused (keep every file inside the folder)")
    return path


def _extension(content_type: str) -> str:
    for marker, ext in _EXTENSIONS.items():
        if marker in content_type:
            return ext
    return "txt" if content_type.startswith("text/") else "bin"


def save_exchange(folder: Path, url: str, response: HttpResponse) -> Path:
    """Write one exchange (request URL -> response) into ``folder``; return its path."""
    meta_path = exchange_path(folder, url)
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    _inside(folder, meta_path.parent, url)
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
    _inside(folder, meta_path, url)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body_name = meta["body"]
        if not isinstance(body_name, str) or not body_name:
            raise TypeError(f"body is {body_name!r}, not a file name")
        body = _inside(folder, meta_path.parent / body_name, url).read_bytes()
        headers = {str(k).lower(): str(v) for k, v in meta.get("headers", {}).items()}
        return HttpResponse(url=str(meta.get("final_url", url)), status=int(meta["status"]),
                            headers=headers, body=body)
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, UnsafeSnapshotPath):
            raise
        raise BadExchange(f"{url}: the snapshot's {meta_path.relative_to(folder)} cannot be "
                          f"replayed ({type(error).__name__}: {error})") from None
