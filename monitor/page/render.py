"""Drafts as a claims file: ``[[claim]]`` tables, each inferred key under a comment
saying what in the sentence produced it, so the editor can trust or delete it."""

from __future__ import annotations

from datetime import date

import tomli_w

from monitor.page.draft import DraftClaim

_ROLE_KEYS = ("latest", "baseline", "about", "closed", "open", "license", "released",
              "exists", "keywords", "watch")


def _line(key: str, value: object) -> str:
    return tomli_w.dumps({key: value})


def render_claim(draft: DraftClaim) -> str:
    lines = ["[[claim]]\n"]
    lines += [_line(key, getattr(draft, key)) for key in ("id", "page", "section", "text",
                                                          "subject")]
    lines.append(f"# as_of: {draft.dating}\n")
    lines.append(_line("as_of", str(draft.as_of)))
    lines.append(f"# review_every: {draft.cadence}\n")
    lines.append(_line("review_every", draft.review_every))
    inferred = draft.inferred
    for key in _ROLE_KEYS:
        value = getattr(inferred, key)
        if value:
            lines.append(f"# {key}: {inferred.why.get(key, 'inferred')}\n")
            lines.append(_line(key, value))
    if "license" in inferred.why and not inferred.license:
        lines.append(f"# license: {inferred.why['license']}\n")
    if inferred.leaders:
        lines.append(f"# leaders: {inferred.why.get('leaders', 'inferred')}\n")
        # a sub-table closes the entry's plain keys, so it comes last
        lines.append(tomli_w.dumps({"claim": {"leaders": inferred.leaders}}))
    return "".join(lines)


def render_claims_toml(drafts: list[DraftClaim], *, imported_on: date, page: str) -> str:
    header = (
        f"# Claims drafted from {page} on {imported_on.isoformat()} by `claimwatch claims "
        "import`.\n# Each inferred key sits under a comment saying what in the sentence "
        "produced it:\n# keep it, fix it or delete it. `text` is the page's own words.\n"
    )
    return header + "".join("\n" + render_claim(draft) for draft in drafts)
