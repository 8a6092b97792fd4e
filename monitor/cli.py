"""The ``claimwatch`` command line (click): one group, a module per command family.

Exit codes (monitor.exitcodes): 0 ok / nothing new, 1 new flags (check), 2 bad usage
or config, 3 every source failed, the store is unusable or busy.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import DBAPIError, PendingRollbackError

from monitor import exitcodes
from monitor.cli_check import check, fetch
from monitor.cli_claims import claims
from monitor.cli_config import config_group, init
from monitor.cli_dashboard import report
from monitor.cli_db import db
from monitor.cli_flags import flags
from monitor.cli_reports import digest, test_report
from monitor.cli_run import run, status
from monitor.cli_sources import sources
from monitor.context import AppContext, fail
from storage.db import describe_store_failure

EPILOG = """\b
Exit codes:
  0  done (check: nothing new)
  1  check raised new flags; db current: the store needs `claimwatch db upgrade`
  2  bad usage, or a config / claims file with mistakes
  3  every source failed, the store is unusable, or another worker holds it
"""


class _Commands(click.Group):
    """The group, turning a store that fails under a command (disk full, read-only, the
    server gone) into one line and exit 3, never a traceback and exit 1 ("new flags")."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DBAPIError, PendingRollbackError) as error:
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            url = app.store_url if app is not None else None
            raise fail(describe_store_failure(error, url), exitcodes.FAILURE) from None


@click.group(cls=_Commands, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    envvar="CLAIMWATCH_CONFIG",
    help="Config file (default: $CLAIMWATCH_CONFIG, then ./claimwatch.toml).",
)
@click.version_option(package_name="claimwatch", prog_name="claimwatch")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """claimwatch: which sentence of your page is now wrong, and why.

    Keeps the dated claims of a page, polls lab feeds and model hubs, flags claims
    that are stale or contradicted with the evidence, and mails a Monday digest.
    """
    app = AppContext(config_path=config_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (init, config_group, claims, sources, fetch, check, flags, digest, test_report,
                report, run, status, db):
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(prog_name="claimwatch", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("claimwatch: interrupted", err=True)
        sys.exit(exitcodes.FAILURE)
