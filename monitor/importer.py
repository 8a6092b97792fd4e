"""Import a published Markdown page into draft claims, and write them as a claims file.

``import_page`` reads the page through markdown-it-py (monitor.page.markdown), makes
one statement per sentence, list item sentence, table cell sentence or model fact span
(monitor.page.statements), dates it (monitor.page.draft), infers its expectations and
the sources to watch from the catalog of labs (monitor.page.infer, monitor.catalog),
and returns one ``DraftClaim`` per dated or checkable statement, ids unique and stable.
``render_claims_toml`` writes them with a comment on each inferred key.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from monitor.catalog import Catalog, shipped_catalog
from monitor.dates import find_dates
from monitor.page.draft import (
    DraftClaim,
    cadence,
    claim_id,
    date_statement,
    is_checkable,
    own_dates,
)
from monitor.page.infer import infer
from monitor.page.markdown import front_matter, read_units
from monitor.page.prose import find_names, subject_for
from monitor.page.render import render_claims_toml as _render
from monitor.page.statements import Statement, unit_statements
from rules.asof import AsOf

__all__ = ["DraftClaim", "PageImportError", "import_page", "page_date_of", "render_claims_toml"]


class PageImportError(Exception):
    """The page cannot be imported; the message says why and what to do."""


def import_page(markdown: str, *, page: str, page_date: AsOf | None = None,
                catalog: Catalog | None = None) -> list[DraftClaim]:
    """The draft claims of one page, in page order."""
    _refuse_non_markdown(markdown, page)
    catalog = catalog or shipped_catalog()
    statements = [s for unit in read_units(markdown) for s in unit_statements(unit, catalog)]
    when = page_date or page_date_of(markdown, statements)
    drafts: list[DraftClaim] = []
    seen: set[str] = set()
    texts: set[tuple[str, str]] = set()
    for statement in statements:
        draft = _draft(statement, page, when, catalog, seen)
        if draft is not None and (draft.section, draft.text) in texts:
            continue  # a statement a section repeats is one claim: the first place holds it
        if draft is not None:
            texts.add((draft.section, draft.text))
            seen.add(draft.id)
            drafts.append(draft)
    _watch_leaders_region(drafts, catalog)
    if not drafts:
        raise PageImportError(
            f"{page}: no dated or checkable statement found (none names a model, a licence, "
            "a number or a date); is this the page's Markdown?"
        )
    return drafts


def _watch_leaders_region(drafts: list[DraftClaim], catalog: Catalog) -> None:
    """A leaders claim is broken by another lab of its region: it watches the sources
    of the region's labs the page names (their hubs only, for open-weight leaders)."""
    named = {m.lab.id for d in drafts for m in d.inferred.mentions}
    for draft in drafts:
        leaders = draft.inferred.leaders
        if not leaders:
            continue
        kinds = ("huggingface",) if leaders["weights"] == "open" else ("huggingface", "feed")
        extra = {entry["id"] for lab in catalog.labs
                 if lab.id in named and lab.region == leaders["region"]
                 for entry in lab.sources() if entry["kind"] in kinds}
        if extra - set(draft.inferred.watch):
            draft.inferred.watch = sorted(set(draft.inferred.watch) | extra)
            draft.inferred.why["watch"] = (
                draft.inferred.why.get("watch", "") + f"; the {leaders['region']} labs the "
                "page names, whose releases would challenge the leaders").lstrip("; ")


def _refuse_non_markdown(markdown: str, page: str) -> None:
    head = markdown[:2000].lstrip().lower()
    if "\x00" in markdown:
        raise PageImportError(f"{page}: this is a binary file, not a Markdown page")
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        raise PageImportError(
            f"{page}: this is an HTML document, not Markdown; import the page's Markdown "
            "source instead"
        )


def page_date_of(markdown: str, statements: list[Statement]) -> AsOf | None:
    """The front matter's ``date:`` (or ``updated:``), else the latest date the page states."""
    matter = front_matter(markdown)
    stamped = re.search(r"^(?:date|updated|last_modified):\s*['\"]?([^'\"\n]+)", matter, re.M)
    if stamped:
        try:
            return AsOf.parse(stamped.group(1).strip()[:10])
        except ValueError:
            pass
    found = [d for s in statements for d in find_dates(s.text)]
    return max((d.as_of for d in found), key=lambda a: a.end, default=None)


def _draft(statement: Statement, page: str, page_date: AsOf | None, catalog: Catalog,
           seen: set[str]) -> DraftClaim | None:
    text = statement.text
    inferred = infer(text, catalog, row=statement.row, column=statement.column,
                     hidden=statement.hidden)
    checkable = is_checkable(_masked(text, statement.hidden), inferred)
    dating = date_statement(text, statement.hidden, statement.context, page_date, checkable)
    if dating is None:
        return None
    if statement.hidden and not checkable and not own_dates(text, statement.hidden):
        return None  # all it asserts is in its fact spans
    review_every, why = cadence(text, dating, inferred)
    subject = _subject(text, inferred, statement)
    section = statement.section
    if statement.row:
        section = f"{section} / {statement.row} / {statement.column}".strip(" /")
    return DraftClaim(
        id=_chosen_id(statement, section, subject, seen), page=page, section=section, text=text,
        subject=subject, as_of=dating.as_of, review_every=review_every, dating=dating.how,
        cadence=why, inferred=inferred,
        date_source="page" if dating.kind == "page" else "stated", fact=statement.fact,
    )


def _chosen_id(statement: Statement, section: str, subject: str, seen: set[str]) -> str:
    """The page's own ``<!-- claim: ID -->`` when it has one, else a fresh stable id."""
    if statement.marked_id and statement.marked_id not in seen:
        return statement.marked_id
    return claim_id(section, subject, statement.text, seen)


def _masked(text: str, hidden: tuple[tuple[int, int], ...]) -> str:
    """The text with its fact spans blanked (same length), so they are not inferred twice."""
    for start, end in hidden:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _subject(text: str, inferred, statement: Statement) -> str:
    if inferred.about:
        return inferred.about
    if inferred.latest:
        return inferred.latest[0]
    if inferred.mentions:
        return inferred.mentions[0].text
    return subject_for(text, find_names(text), None) or statement.row


def render_claims_toml(drafts: list[DraftClaim], *, imported_on: date | None = None,
                       page: str | None = None) -> str:
    """A commented ``[[claim]]`` TOML file of the drafts."""
    day = imported_on or datetime.now(UTC).date()
    return _render(drafts, imported_on=day, page=page or (drafts[0].page if drafts else "?"))
