"""``claimwatch init`` and ``claimwatch config check``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from monitor import exitcodes
from monitor.context import AppContext, fail
from monitor.problems import ConfigError

SCAFFOLD = ("claimwatch.toml", "claims.toml")


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from-page", "page_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Draft the claims from this Markdown page, with sources "
              "from the catalog of labs.")
@click.option("--dir", "dir_option", type=click.Path(file_okay=False, path_type=Path),
              help="Write into this folder (same as DIRECTORY).")
@click.option("--page-date", help="Date for the page's undated statements (YYYY[-MM[-DD]]).")
@click.option("--follow/--no-follow", default=True, show_default=True,
              help="With --from-page: the claims follow the page at each check ([[page]]); "
              "--no-follow writes every draft into claims.toml instead.")
def init(directory: Path, page_file: Path | None, dir_option: Path | None,
         page_date: str | None, follow: bool) -> None:
    """Create a starter claimwatch.toml and claims.toml in DIRECTORY.

    With --from-page, the claims are drafted from the page and the config watches the
    sources its claims need, so `claimwatch check` runs at once. Existing files are
    never overwritten.
    """
    directory = dir_option or directory
    directory.mkdir(parents=True, exist_ok=True)
    clashes = [name for name in SCAFFOLD if (directory / name).exists()]
    if clashes:
        raise fail(
            f"{', '.join(clashes)} already exist in {directory}; nothing written", exitcodes.USAGE
        )
    if page_file is not None:
        from monitor.cli_page import init_from_page  # the page reader: only with --from-page

        init_from_page(directory, page_file, page_date, follow)
        return
    for name in SCAFFOLD:
        text = resources.files("monitor").joinpath("scaffold", name).read_text("utf-8")
        (directory / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {directory / name}")
    click.echo("next: edit both files, then `claimwatch config check`")


@click.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@click.pass_obj
def config_check(app: AppContext) -> None:
    """Validate the config and its claims files; list every mistake (exit 2 if any)."""
    from monitor.claimsfile import load_claims  # pydantic and the source kinds: not for init
    from rules.claim import family_assumption

    config = app.config
    try:
        claims = load_claims(config.claims_files, {s.id for s in config.sources})
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    click.echo(
        f"{config.path}: ok — {len(config.sources)} sources, {len(claims)} claims "
        f"in {len(config.claims_files)} file(s)"
    )
    for claim in claims:
        assumed = family_assumption(claim)
        if assumed:
            click.echo(f"note: claim {claim.id!r}: {assumed} (legacy key; write the role)")
