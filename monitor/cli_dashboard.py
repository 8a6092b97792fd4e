"""``claimwatch report``: write the static dashboard (claims, charts, annotated page)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor import exitcodes
from monitor.context import AppContext, fail, utcnow
from reports.dashboard import build_dashboard


@click.command("report")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html and page.html into "
    "(default: [reports] dashboard_dir of the config).",
)
@click.pass_obj
def report(app: AppContext, out_dir: Path | None) -> None:
    """Write the static dashboard: every claim's status, open flags with their
    evidence, history, weekly charts, and the page with each claim marked.

    The files need no server and run no script; open index.html in a browser or
    publish the folder. The store is only read.
    """
    config = app.config
    target = (out_dir or config.dashboard_dir).resolve()
    try:
        written = build_dashboard(app.store, target, now=utcnow(), page=config.page)
    except OSError as exc:
        raise fail(f"cannot write the dashboard to {target}: {exc.strerror or exc}",
                   exitcodes.FAILURE) from None
    tally = written.tally
    click.echo(f"wrote {written.index} and {written.page}")
    click.echo(f"Claims: {tally.line()}; {tally.flags_line}.")
    if written.marked is not None and written.marked.missing:
        click.echo(
            f"{len(written.marked.missing)} claim(s) not found on the page "
            f"{config.page}: {', '.join(written.marked.missing)}",
            err=True,
        )
