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
def init(directory: Path) -> None:
    """Create a starter claimwatch.toml and claims.toml in DIRECTORY.

    Existing files are never overwritten.
    """
    directory.mkdir(parents=True, exist_ok=True)
    clashes = [name for name in SCAFFOLD if (directory / name).exists()]
    if clashes:
        raise fail(
            f"{', '.join(clashes)} already exist in {directory}; nothing written", exitcodes.USAGE
        )
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

    config = app.config
    try:
        claims = load_claims(config.claims_files, {s.id for s in config.sources})
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    click.echo(
        f"{config.path}: ok — {len(config.sources)} sources, {len(claims)} claims "
        f"in {len(config.claims_files)} file(s)"
    )
