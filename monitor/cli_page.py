"""What the page commands share: reading a page file, drafting its claims, the catalog."""

from __future__ import annotations

from pathlib import Path

from monitor import exitcodes
from monitor.catalog import Catalog, shipped_catalog
from monitor.config import find_config, load_config
from monitor.context import AppContext, fail
from monitor.importer import DraftClaim, PageImportError, import_page, render_claims_toml
from monitor.problems import ConfigError
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


def render_page_claims(page_file: Path, page: str, when: AsOf | None, catalog: Catalog) -> str:
    return render_claims_toml(page_drafts(page_file, page, when, catalog), page=page)


def optional_catalog(app: AppContext) -> Catalog:
    """The config's catalog when a config is found, else the shipped one."""
    try:
        return load_config(find_config(app.config_path)).catalog
    except ConfigError:
        return shipped_catalog()
