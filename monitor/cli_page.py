"""What the page commands share: reading a page file, drafting its claims, the catalog."""

from __future__ import annotations

import os
from pathlib import Path

import click

from monitor import exitcodes
from monitor.catalog import Catalog, shipped_catalog
from monitor.config import find_config, load_config, read_toml
from monitor.context import AppContext, fail
from monitor.importer import DraftClaim, PageImportError, import_page, render_claims_toml
from monitor.page.ids import insert_id_comments
from monitor.problems import ConfigError
from monitor.starter import PINS_HEADER, needed_sources, render_config
from rules.asof import AsOf


def read_page(page_file: Path) -> str:
    try:
        return page_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise fail(f"{page_file}: not a UTF-8 text file, so not a Markdown page; nothing "
                   "written", exitcodes.USAGE) from None


def page_drafts(
    page_file: Path, page: str, when: AsOf | None, catalog: Catalog
) -> list[DraftClaim]:
    try:
        return import_page(read_page(page_file), page=page, page_date=when, catalog=catalog)
    except PageImportError as exc:
        raise fail(f"{page_file}: {exc}; nothing written", exitcodes.USAGE) from None


def write_page_ids(page_file: Path, drafts: list[DraftClaim]) -> None:
    """Put ``<!-- claim: ID -->`` after each drafted statement of the page, in place."""
    markdown = read_page(page_file)
    marked, placed = insert_id_comments(markdown, [(d.id, d.text, d.fact) for d in drafts])
    page_file.write_text(marked, encoding="utf-8")
    click.echo(f"{page_file}: {placed} claim id comments written"
               + (f"; {len(drafts) - placed} statements already had one or were not found "
                  "as written" if placed < len(drafts) else ""), err=True)


def optional_catalog(app: AppContext) -> Catalog:
    """The config's catalog when a config is found, else the shipped one."""
    try:
        return load_config(find_config(app.config_path)).catalog
    except ConfigError:
        return shipped_catalog()


def init_from_page(directory: Path, page_file: Path, page_date: str | None,
                   follow: bool = True) -> None:
    """Write a claimwatch.toml watching the sources the page's claims need, and a claims
    file: with ``follow``, one for pins only (the claims come from the page at each
    check); without, every draft."""
    try:
        when = AsOf.parse(page_date) if page_date else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--page-date") from None
    catalog = shipped_catalog()
    name = page_file.stem
    drafts = page_drafts(page_file, name, when, catalog)
    entries = needed_sources(drafts, catalog)
    page_path = str(page_file.resolve())
    if page_file.resolve().is_relative_to(directory.resolve()):
        page_path = os.path.relpath(page_file.resolve(), directory.resolve())
    claims_text = (PINS_HEADER.format(page=name) if follow
                   else render_claims_toml(drafts, page=name))
    config_text = render_config(entries, claims_file="claims.toml", page=page_path,
                                follow=name if follow else None)
    if follow and when is not None:
        config_text = config_text.replace(f'source = "{page_path}"\n',
                                          f'source = "{page_path}"\npage_date = "{when}"\n', 1)
    (directory / "claims.toml").write_text(claims_text, encoding="utf-8")
    (directory / "claimwatch.toml").write_text(config_text, encoding="utf-8")
    click.echo(f"wrote {directory / 'claimwatch.toml'} ({len(entries)} sources from the catalog"
               + (f"; the claims follow {page_file})" if follow else ")"))
    click.echo(f"wrote {directory / 'claims.toml'} "
               + ("(for pins and overrides)" if follow else
                  f"({len(drafts)} claims drafted from {page_file})"))
    click.echo(f"{len(drafts)} claims drafted; next: `claimwatch check`")


def suggest_drafts(path: Path, catalog: Catalog) -> list[DraftClaim]:
    """Drafts for a page, or for a claims file: each claim's text read as a statement."""
    if path.suffix != ".toml":
        return page_drafts(path, path.stem, None, catalog)
    try:
        entries = read_toml(path).get("claim", [])
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    texts = [entry["text"] for entry in entries
             if isinstance(entry, dict) and isinstance(entry.get("text"), str)]
    if not texts:
        raise fail(f"{path}: no [[claim]] with a text", exitcodes.USAGE)
    page = "\n\n".join(texts)
    try:
        return import_page(page, page=path.stem, page_date=AsOf.parse("2000"), catalog=catalog)
    except PageImportError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
