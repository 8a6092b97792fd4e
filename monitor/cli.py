"""The ``claimwatch`` command line (click): one group, a module per command family.

Each command's module is imported only when that command runs, so ``claimwatch --help``
or ``claimwatch status`` never pays for Jinja2, Alembic or APScheduler; ``COMMANDS``
lists every command with the summary ``--help`` shows (tests/monitor/test_startup.py
checks it against the commands themselves).

Exit codes (monitor.exitcodes): 0 ok / nothing new, 1 new flags (check), 2 bad usage
or config, 3 every source failed, the store is unusable or busy.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import NamedTuple

import click

from monitor import exitcodes
from monitor.context import AppContext, fail


class LazyCommand(NamedTuple):
    module: str
    attribute: str
    summary: str  # the first paragraph of the command's help, as --help lists it


COMMANDS: dict[str, LazyCommand] = {
    "check": LazyCommand(
        "monitor.cli_check", "check",
        "Fetch due sources, judge every claim, raise and clear flags, mail the alert."),
    "claims": LazyCommand("monitor.cli_claims", "claims", "Work with the page's claims."),
    "config": LazyCommand("monitor.cli_config", "config_group", "Inspect the configuration."),
    "db": LazyCommand(
        "monitor.cli_db", "db",
        "The store itself: schema version, upgrade, export, import and prune."),
    "digest": LazyCommand(
        "monitor.cli_reports", "digest",
        "Render the weekly digest, archive it, and with --send mail it once per recipient."),
    "fetch": LazyCommand(
        "monitor.cli_check", "fetch",
        "Poll due sources and store their findings (no rules, no flags)."),
    "flags": LazyCommand(
        "monitor.cli_flags", "flags", "Review flags: list, show, acknowledge, dismiss, snooze."),
    "init": LazyCommand(
        "monitor.cli_config", "init",
        "Create a starter claimwatch.toml and claims.toml in DIRECTORY."),
    "report": LazyCommand(
        "monitor.cli_dashboard", "report",
        "Write the static dashboard: every claim's status, open flags with their evidence, "
        "history, weekly charts, and the page with each claim marked."),
    "run": LazyCommand(
        "monitor.cli_run", "run",
        "Keep the schedule: poll due sources, judge claims, alert, mail the digest."),
    "sources": LazyCommand("monitor.cli_sources", "sources", "The configured sources."),
    "status": LazyCommand(
        "monitor.cli_run", "status",
        "Show the daemon's heartbeat, next jobs, the last run, failing sources, flags by "
        "status and the last digest delivered."),
    "test-report": LazyCommand(
        "monitor.cli_reports", "test_report",
        "Render a made-up digest or alert, to see the email without waiting for news."),
}

EPILOG = """\b
Exit codes:
  0  done (check: nothing new)
  1  check raised new flags; db current: the store needs `claimwatch db upgrade`
  2  bad usage, or a config / claims file with mistakes
  3  every source failed, the store is unusable, or another worker holds it
"""


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is looked up, and turns
    a store that fails under a command (disk full, read-only, the server gone) into one
    line and exit 3, never a traceback and exit 1 ("new flags")."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if not _is_store_failure(error):
                raise
            from storage.db import describe_store_failure

            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            url = app.store_url if app is not None else None
            raise fail(describe_store_failure(error, url), exitcodes.FAILURE) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        entry = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Lists the commands as click would, from their summaries: nothing is imported."""
        listing = click.Group(commands=[
            self.commands.get(name) or click.Command(name, help=COMMANDS[name].summary)
            for name in self.list_commands(ctx)
        ])
        listing.format_commands(ctx, formatter)


def _is_store_failure(error: Exception) -> bool:
    errors = sys.modules.get("sqlalchemy.exc")  # not loaded: the error cannot be one of its
    return errors is not None and isinstance(
        error, (errors.DBAPIError, errors.PendingRollbackError))


@click.group(
    cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
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


def main() -> None:
    try:
        cli.main(prog_name="claimwatch", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("claimwatch: interrupted", err=True)
        sys.exit(exitcodes.FAILURE)
    finally:
        # The interpreter's last collection walks every object of every module loaded;
        # frozen, they are skipped: 0.3 s of CPU less for `status` (README: Performance).
        gc.freeze()
