"""Claims in the store: syncing from claims files, history, verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.asof import AsOf
from rules.claim import Claim, Leaders
from rules.duration import format_duration, parse_duration
from rules.restate import restate
from storage.models import ClaimRevisionRow, ClaimRow

_FIELDS = ("page", "section", "text", "subject", "as_of", "review_every", "expectations")


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.restored)


def claim_values(claim: Claim) -> dict[str, Any]:
    """The stored form of a claim's fields.

    Roles that the legacy ``family`` implies are not stored: reading the row derives
    them again, so rows of older versions and of this one read and write alike.
    """
    about, latest = claim.about, claim.latest
    if claim.family:
        implied = replace(claim, about=None, latest=())
        if (implied.about, implied.latest) == (about, latest):
            about, latest = None, ()
    expectations: dict[str, Any] = {
        "family": claim.family, "license": claim.license,
        "released": str(claim.released) if claim.released else None,
        "exists": list(claim.exists), "keywords": list(claim.keywords), "watch": list(claim.watch),
        "latest": list(latest), "baseline": list(claim.baseline), "about": about,
        "leaders": {"names": list(claim.leaders.names), "region": claim.leaders.region,
                    "weights": claim.leaders.weights} if claim.leaders else None,
        "closed": list(claim.closed), "open": list(claim.open),
    }
    return {
        "page": claim.page, "section": claim.section, "text": claim.text,
        "subject": claim.subject, "as_of": str(claim.as_of),
        "review_every": "never" if claim.review_every is None
        else format_duration(claim.review_every),
        "expectations": {k: v for k, v in expectations.items() if v not in (None, [])},
    }


def _digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def row_to_claim(row: ClaimRow) -> Claim:
    exp = row.expectations or {}
    return Claim(
        id=row.id, page=row.page, section=row.section, text=row.text, subject=row.subject,
        as_of=AsOf.parse(row.as_of),
        review_every=None if row.review_every == "never" else parse_duration(row.review_every),
        family=exp.get("family"), license=exp.get("license"),
        released=AsOf.parse(exp["released"]) if exp.get("released") else None,
        exists=tuple(exp.get("exists", ())), keywords=tuple(exp.get("keywords", ())),
        watch=tuple(exp.get("watch", ())),
        latest=tuple(exp.get("latest", ())), baseline=tuple(exp.get("baseline", ())),
        about=exp.get("about"), leaders=_leaders(exp.get("leaders")),
        closed=tuple(exp.get("closed", ())), open=tuple(exp.get("open", ())),
    )


def _leaders(value: Any) -> Leaders | None:
    if not value:
        return None
    return Leaders(tuple(value["names"]), value["region"], value.get("weights", "open"))


def sync_claims(
    session: Session, claims: Sequence[Claim], *, now: datetime, by: str,
    files: dict[str, str] | None = None,
) -> SyncReport:
    """Make the store's claims match the files: create, update, retire, restore.

    Idempotent: loading the same files twice changes nothing. A claim whose file
    values did not change since the last load keeps what ``verify`` set; a claim no
    longer in any file is retired (its flags are kept). A claim re-worded in its file
    has its expectations follow the edit, as ``verify --text`` does (rules/restate.py).
    """
    report = SyncReport()
    rows = {row.id: row for row in session.scalars(select(ClaimRow))}
    for claim in claims:
        digest = _digest(claim_values(claim))
        row = rows.get(claim.id)
        if row is not None and row.file_digest != digest:
            loaded = _loaded_text(row)
            if loaded is not None and loaded != claim.text:
                # the editor re-worded the claim in its file: the roles follow the edit
                claim = restate(replace(claim, text=loaded), claim.text)[0]
        values = claim_values(claim)
        if row is None:
            row = ClaimRow(id=claim.id, **values, file=(files or {}).get(claim.id, ""),
                           file_digest=digest, status="active", created_at=now, updated_at=now)
            session.add(row)
            _revision(session, row.id, now, by, "created", {}, values)
            report.created.append(claim.id)
            continue
        if row.status == "retired":
            row.status = "active"
            _revision(session, row.id, now, by, "restored", {}, {})
            report.restored.append(claim.id)
        if row.file_digest == digest:
            report.unchanged += claim.id not in report.restored
            continue
        before = {k: getattr(row, k) for k in _FIELDS}
        for key, value in values.items():
            setattr(row, key, value)
        row.file_digest, row.updated_at = digest, now
        changed_before = {k: v for k, v in before.items() if values[k] != v}
        changed_after = {k: values[k] for k in changed_before}
        _revision(session, row.id, now, by, "updated", changed_before, changed_after)
        report.updated.append(claim.id)
    loaded = {claim.id for claim in claims}
    for row in rows.values():
        if row.id not in loaded and row.status == "active":
            row.status, row.updated_at = "retired", now
            _revision(session, row.id, now, by, "retired", {}, {})
            report.retired.append(row.id)
    return report


def _loaded_text(row: ClaimRow) -> str | None:
    """The text the claims file last gave this claim (``verify`` may have changed it since)."""
    for revision in reversed(row.revisions):
        if revision.action in ("created", "updated") and "text" in (revision.after or {}):
            return str(revision.after["text"])
    return None


def _revision(session: Session, claim_id: str, now: datetime, by: str, action: str,
              before: dict[str, Any], after: dict[str, Any]) -> None:
    session.add(ClaimRevisionRow(claim_id=claim_id, at=now, by=by, action=action,
                                 before=before, after=after))


# The file of a followed page's own claim (monitor.pagesync): it holds the page's flags
# (new claims to confirm, a page that lost half its claims) and no rule judges it.
PAGE_CLAIM_FILE = "(page)"


def active_claims(session: Session) -> list[Claim]:
    """The claims the rules judge."""
    query = select(ClaimRow).where(ClaimRow.status == "active",
                                   ClaimRow.file != PAGE_CLAIM_FILE).order_by(ClaimRow.id)
    rows = session.scalars(query)
    return [row_to_claim(row) for row in rows]


def list_claims(session: Session, *, status: str | None = None,
                page: str | None = None) -> list[ClaimRow]:
    query = select(ClaimRow).order_by(ClaimRow.page, ClaimRow.id)
    if status:
        query = query.where(ClaimRow.status == status)
    if page:
        query = query.where(ClaimRow.page == page)
    return list(session.scalars(query))


def verify_claim(session: Session, claim_id: str, *, as_of: AsOf, now: datetime, by: str,
                 text: str | None = None, expectations: dict[str, Any] | None = None,
                 notes: list[str] | None = None) -> ClaimRow:
    """Re-date a claim (and optionally re-word it); the caller resolves its flags.

    New text re-derives the expectations it states (rules/restate.py): a replaced model
    name moves its role, a corrected date moves ``released``. ``notes``, when given, is
    filled with what changed.
    """
    row = session.get(ClaimRow, claim_id)
    if row is None:
        raise KeyError(f"no claim {claim_id!r}")
    before = {"as_of": row.as_of, "text": row.text, "expectations": row.expectations}
    row.as_of = str(as_of)
    if text and text != row.text:
        restated, changed = restate(row_to_claim(row), text)
        row.text = text
        row.expectations = claim_values(restated)["expectations"]
        if notes is not None:
            notes.extend(changed)
    if expectations:
        row.expectations = {**row.expectations, **expectations}
    row.updated_at = now
    after = {"as_of": row.as_of, "text": row.text, "expectations": row.expectations}
    _revision(session, claim_id, now, by, "verified", before, after)
    return row


def claims_by_id(session: Session, ids: Iterable[str]) -> dict[str, ClaimRow]:
    ids = list(ids)
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(ClaimRow).where(ClaimRow.id.in_(ids)))}
