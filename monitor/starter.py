"""From a page to a monitor: the sources its claims need, and a config that runs them.

``needed_sources`` turns drafted claims into the catalog's ``[[source]]`` entries that
their ``watch`` names; ``render_sources`` writes them as TOML; ``render_config`` writes
a whole ``claimwatch.toml`` around them (SQLite store beside it, the claims file and
the page), ready for ``claimwatch check``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tomli_w

from monitor.catalog import Catalog
from monitor.page.draft import DraftClaim


def needed_sources(drafts: Iterable[DraftClaim], catalog: Catalog,
                   known: set[str] = frozenset()) -> list[dict[str, Any]]:
    """The catalog sources the drafts watch, in catalog order, minus ``known`` ids."""
    wanted = {source_id for draft in drafts for source_id in draft.inferred.watch}
    entries = [entry for lab in catalog.labs for entry in lab.sources()]
    return [entry for entry in entries if entry["id"] in wanted and entry["id"] not in known]


def render_sources(entries: list[dict[str, Any]]) -> str:
    return "".join("\n[[source]]\n" + tomli_w.dumps(entry) for entry in entries)


def render_config(entries: list[dict[str, Any]], *, claims_file: str, page: str,
                  follow: str | None = None) -> str:
    """The config; ``follow`` names the page when its claims follow it ([[page]])."""
    head = {
        "store": {"url": "sqlite:///claimwatch.sqlite"},
        "schedule": {"timezone": "UTC", "poll_interval": "6h"},
        "claims": {"files": [claims_file], "page": page},
        "reports": {"archive_dir": "digests"},
    }
    followed = ""
    if follow is not None:
        followed = ("\n# The page is read again at every check: its claims follow its edits.\n"
                    "[[page]]\n" + tomli_w.dumps({"name": follow, "source": page}))
    return (
        "# Written by `claimwatch init --from-page`: the sources come from the catalog of\n"
        "# labs (the labs the page's claims name). Add [email] to receive the digest.\n\n"
        + tomli_w.dumps(head) + followed + render_sources(entries)
    )


PINS_HEADER = """\
# Overrides and pins for the claims of the page {page}, which claimwatch drafts from the
# page itself at every check (see the config's [[page]]). To pin a claim, copy its entry
# here (`claimwatch claims import PAGE.md` prints every draft with its id) and edit it:
# the page keeps giving its text, section and as-of; this file gives the rest.
"""
