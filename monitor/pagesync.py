"""Claims follow their pages: each ``[[page]]`` is read again at every claims sync.

``sync_with_pages`` is the one call the check makes (through ``sync_config``): it
reads each page, matches its statements to the claims it had (monitor.page.follow),
then stores the claims files' claims and the pages' claims together:

- an edited statement revises its claim: new text, section, as-of and expectations
  re-inferred, unless a claims-file entry of the same id pins them (the page then
  gives only text, section and as-of);
- a removed statement retires its claim and resolves its flags "removed from the page";
- a new statement is drafted and flagged "new claim, please confirm" until the flag
  is acknowledged (``claimwatch flags ack N``); the page's first reading drafts its
  claims without a flag each;
- a page that lost more than half its claims retires nothing: a flag says so, and
  acknowledging it confirms the removals at the next check;
- a page that cannot be read (missing, a failing URL, HTML, not text) keeps its claims
  as they were, and a flag says why.

Page-level flags sit on the page's own claim, id ``page.NAME``, which no rule judges.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, PageConfig
from monitor.page.follow import Known, Match, Seen, match_statements
from monitor.page.ids import strip_markers
from rules.asof import AsOf
from rules.claim import Claim, Leaders
from rules.duration import parse_duration
from rules.verdict import Status, Verdict
from storage import claims as claim_store
from storage import flags as flag_store
from storage.claims import PAGE_CLAIM_FILE
from storage.models import ClaimRow, FlagRow

if TYPE_CHECKING:  # the page reader (markdown-it) loads only for a config with pages
    from monitor.importer import DraftClaim

HOLD_WHEN_LOST = 0.5
TIMEOUT = 30.0


@dataclass
class PageSyncReport(claim_store.SyncReport):
    """The claims sync, and what following the pages did, one line per event."""

    pages: list[str] = field(default_factory=list)
    opened_flags: list[int] = field(default_factory=list)  # so ``check`` shows them


@dataclass
class _Outcome:
    page: PageConfig
    claims: list[Claim] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    verdicts: list[Verdict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    news: list[str] = field(default_factory=list)

    @property
    def own_id(self) -> str:
        return page_claim_id(self.page.name)


def page_claim_id(name: str) -> str:
    return f"page.{name}"


def sync_with_pages(session: Session, config: Config, claims: Sequence[Claim],
                    files: dict[str, str], *, now: datetime, by: str) -> PageSyncReport:
    """Store the files' claims and the followed pages' claims; report what changed."""
    followed = {page.name for page in config.pages}
    outcomes = [_follow(session, config, page, claims, files, now) for page in config.pages]
    final = [claim for claim in claims if claim.page not in followed]
    for outcome in outcomes:
        final += outcome.claims
        files.update(outcome.files)
    synced = claim_store.sync_claims(session, final, now=now, by=by, files=files)
    report = PageSyncReport(**vars(synced))
    for outcome in outcomes:
        for claim_id in outcome.removed:
            flag_store.resolve_for_claim(session, claim_id, now=now, by=by,
                                         note="removed from the page")
        reconciled = flag_store.reconcile(session, outcome.verdicts, [outcome.own_id],
                                          now=now, by=by)
        report.opened_flags += [flag.id for flag in reconciled.opened]
        own = session.get(ClaimRow, outcome.own_id)
        if own is not None:  # judged by following the page, not by the rules
            own.judged_at = now
        report.pages += outcome.news
    return report


def _follow(session: Session, config: Config, page: PageConfig, claims: Sequence[Claim],
            files: dict[str, str], now: datetime) -> _Outcome:
    from monitor.importer import PageImportError

    outcome = _Outcome(page)
    outcome.files[outcome.own_id] = PAGE_CLAIM_FILE
    pinned = {claim.id: claim for claim in claims if claim.page == page.name}
    rows = [row for row in claim_store.list_claims(session, status="active", page=page.name)
            if row.file != PAGE_CLAIM_FILE]
    known = {**{row.id: claim_store.row_to_claim(row) for row in rows}, **pinned}
    try:
        drafts, page_text, title = _read_drafts(page, config)
    except PageImportError as exc:
        outcome.claims.append(_own_claim(session, page, now, None))
        outcome.claims += known.values()
        outcome.verdicts.append(_verdict(outcome, "unreadable", Status.REVIEW,
                                         f"{exc}; its {len(known)} claims are kept as they were"))
        outcome.news.append(f"page {page.name}: {exc}; claims kept")
        return outcome
    first_read = session.get(ClaimRow, outcome.own_id) is None
    outcome.claims.append(_own_claim(session, page, now, title))
    match = match_statements([Seen(d.text, d.id) for d in drafts],
                             [Known(i, c.text) for i, c in known.items()], page_text)
    sources = {source.id for source in config.sources}
    held = _held(session, outcome, match.removed, len(known))
    _keep_matched(session, outcome, drafts, match, known, pinned, sources)
    outcome.claims += [known[claim_id] for claim_id in match.kept + held]
    _add_new(outcome, drafts, match.new, set(known), sources, first_read)
    outcome.removed = [claim_id for claim_id in match.removed if claim_id not in held]
    for claim_id in outcome.removed:
        outcome.news.append(f"page {page.name}: claim {claim_id} removed from the page"
                            + (f" (delete it from {files[claim_id]})" if claim_id in pinned
                               and claim_id in files else ""))
    return outcome


def _keep_matched(session: Session, outcome: _Outcome, drafts: list[DraftClaim], match: Match,
                  known: dict[str, Claim], pinned: dict[str, Claim], sources: set[str]) -> None:
    """Statements matched to a claim: the same claim, revised when its words changed."""
    open_new = _unconfirmed(session, outcome.own_id)
    for index, claim_id in match.matched.items():
        changed = index in match.revised
        claim = _revised(drafts[index], claim_id, pinned, changed, sources)
        if not changed:
            # Same words, same date: an edit elsewhere on the page may move the page's
            # date, which must not re-date this statement.
            claim = replace(claim, as_of=known[claim_id].as_of)
        outcome.claims.append(claim)
        if claim_id not in pinned:
            outcome.files[claim_id] = f"page {outcome.page.name}"
        if changed:
            outcome.news.append(f"page {outcome.page.name}: claim {claim_id} revised: "
                                f"{claim.text!r}")
        if claim_id in open_new:
            outcome.verdicts.append(_new_verdict(outcome, claim))


def _add_new(outcome: _Outcome, drafts: list[DraftClaim], new: list[int], taken: set[str],
             sources: set[str], first_read: bool) -> None:
    """New statements become claims; after the page's first reading each asks to be
    confirmed (the first reading is reviewed as a whole)."""
    taken |= {claim.id for claim in outcome.claims}
    name = outcome.page.name
    for index in new:
        claim = _draft_claim(drafts[index], _free_id(drafts[index].id, taken), sources)
        taken.add(claim.id)
        outcome.claims.append(claim)
        outcome.files[claim.id] = f"page {name}"
        if not first_read:
            outcome.verdicts.append(_new_verdict(outcome, claim))
            outcome.news.append(f"page {name}: new claim {claim.id}, please confirm: "
                                f"{claim.text!r}")
    if first_read:
        outcome.news.append(f"page {name}: {len(new)} claims drafted; review them with "
                            f"`claimwatch claims list --page {name}`")


def _read_drafts(page: PageConfig, config: Config) -> tuple[list[DraftClaim], str, str | None]:
    """The page's drafts, its plain text (each text run on a line of its own), its title."""
    from monitor.importer import import_page
    from monitor.page.markdown import page_title, read_units

    text = _read(page)
    when = AsOf.parse(page.page_date) if page.page_date else None
    drafts = import_page(text, page=page.name, page_date=when, catalog=config.catalog)
    plain = "\n".join(strip_markers(run) for unit in read_units(text) for run in unit.runs)
    return drafts, plain, page_title(text)


def _read(page: PageConfig) -> str:
    from monitor.importer import PageImportError

    if page.is_url:
        try:
            response = httpx.get(page.source, timeout=TIMEOUT, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise PageImportError(f"{page.source} could not be fetched ({exc})") from None
        if response.status_code != 200:
            raise PageImportError(f"{page.source} answered {response.status_code}")
        if "html" in response.headers.get("content-type", ""):
            raise PageImportError(f"{page.source} now serves HTML, not Markdown")
        return response.text
    try:
        with open(page.source, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PageImportError(f"{page.source} could not be read ({exc})") from None


def _held(session: Session, outcome: _Outcome, removed: list[str], total: int) -> list[str]:
    """The removed claims kept for now: all of them when the page lost more than half."""
    if total < 2 or len(removed) <= total * HOLD_WHEN_LOST:
        return []
    cause = "lost:" + hashlib.sha1(" ".join(sorted(removed)).encode()).hexdigest()[:12]
    confirmed = session.scalar(select(FlagRow.id).where(
        FlagRow.claim_id == outcome.own_id, FlagRow.cause == cause,
        FlagRow.status == "acknowledged"))
    if confirmed is not None:
        return []
    outcome.verdicts.append(Verdict(
        outcome.own_id, "page", Status.REVIEW, cause,
        f"the page lost {len(removed)} of its {total} claims ({', '.join(removed[:5])}"
        f"{', …' if len(removed) > 5 else ''}); none was retired. If the page is right, "
        "acknowledge this flag and the next check retires them; else restore the page."))
    outcome.news.append(f"page {outcome.page.name}: lost {len(removed)} of {total} claims; "
                        "nothing retired until its flag is acknowledged")
    return list(removed)


def _unconfirmed(session: Session, own_id: str) -> set[str]:
    causes = session.scalars(select(FlagRow.cause).where(
        FlagRow.claim_id == own_id, FlagRow.status == "open", FlagRow.cause.like("new:%")))
    return {cause.removeprefix("new:") for cause in causes}


def _verdict(outcome: _Outcome, cause: str, status: Status, reason: str) -> Verdict:
    return Verdict(outcome.own_id, "page", status, cause, reason)


def _new_verdict(outcome: _Outcome, claim: Claim) -> Verdict:
    return _verdict(outcome, f"new:{claim.id}", Status.REVIEW,
                    f"new claim {claim.id} from the page, please confirm: {claim.text!r} "
                    "(acknowledge this flag to confirm it)")


def _own_claim(session: Session, page: PageConfig, now: datetime, title: str | None) -> Claim:
    """The page's own claim; its text is the page's title, so the dashboard marks the
    title with the page's flags (a page without one: a sentence naming it)."""
    row = session.get(ClaimRow, page_claim_id(page.name))
    as_of = row.as_of if row is not None else now.date().isoformat()
    text = title or (row.text if row is not None else f"The page {page.name} ({page.source})")
    return Claim(id=page_claim_id(page.name), page=page.name, section="", text=text,
                 subject=page.name, as_of=AsOf.parse(as_of), review_every=None)


def _revised(draft: DraftClaim, claim_id: str, pinned: dict[str, Claim], text_changed: bool,
             sources: set[str]) -> Claim:
    if claim_id in pinned:
        if not text_changed:
            return pinned[claim_id]
        return replace(pinned[claim_id], text=draft.text, section=draft.section,
                       as_of=draft.as_of)
    return _draft_claim(draft, claim_id, sources)


def _free_id(wanted: str, taken: set[str]) -> str:
    number, candidate = 2, wanted
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


def _draft_claim(draft: DraftClaim, claim_id: str, sources: set[str]) -> Claim:
    """The draft as a claim; ``watch`` keeps only the config's sources (the others:
    ``claimwatch sources suggest`` adds them)."""
    inferred = draft.inferred
    leaders = inferred.leaders
    return Claim(
        id=claim_id, page=draft.page, section=draft.section, text=draft.text,
        subject=draft.subject, as_of=draft.as_of,
        review_every=None if draft.review_every == "never"
        else parse_duration(draft.review_every),
        license=inferred.license,
        released=AsOf.parse(inferred.released) if inferred.released else None,
        exists=tuple(inferred.exists), keywords=tuple(inferred.keywords),
        watch=tuple(w for w in inferred.watch if w in sources), latest=tuple(inferred.latest),
        baseline=tuple(inferred.baseline), about=inferred.about,
        leaders=Leaders(tuple(leaders["names"]), leaders["region"], leaders["weights"])
        if leaders else None,
        closed=tuple(inferred.closed), open=tuple(inferred.open),
    )
