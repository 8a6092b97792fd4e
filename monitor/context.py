"""What every CLI command needs: the config, the store, who is acting, the clock."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor import exitcodes

if TYPE_CHECKING:  # loaded by the first command that reads them: `--help` never does
    from monitor.config import Config
    from storage.db import Store


@functools.cache
def actor_length() -> int:
    """The longest name the store keeps for who acted (the models load with the store)."""
    from monitor.config import column_length
    from storage.models import FlagEventRow

    return column_length(FlagEventRow.by)  # and ClaimRevisionRow.by, the same


def actor(explicit: str | None = None) -> str:
    """Who is acting: --by, else $CLAIMWATCH_USER, else the login name."""
    if explicit:
        who, said = explicit, "--by"
    elif os.environ.get("CLAIMWATCH_USER"):
        who, said = os.environ["CLAIMWATCH_USER"], "$CLAIMWATCH_USER"
    else:
        try:
            who, said = getpass.getuser(), "the login name"
        except (KeyError, OSError):
            return "unknown"
    if len(who) > actor_length():
        raise fail(f"{said} is {len(who)} characters; the store keeps at most {actor_length()}",
                   exitcodes.USAGE)
    return who


NOW_ENV = "CLAIMWATCH_NOW"


def utcnow() -> datetime:
    """The current time in UTC, or the fixed moment $CLAIMWATCH_NOW names (ISO 8601).

    A fixed now lets tests and benchmarks replay a world as of one moment; a value
    without a zone is taken as UTC.
    """
    fixed = os.environ.get(NOW_ENV, "").strip()
    if not fixed:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise fail(
            f"{NOW_ENV}={fixed!r} is not an ISO date or datetime "
            "(e.g. 2026-06-15T09:00:00Z); unset it to use the clock",
            exitcodes.USAGE,
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def fail(message: str, code: int) -> click.exceptions.Exit:
    click.echo(f"claimwatch: {message}", err=True)
    return click.exceptions.Exit(code)


@dataclass
class AppContext:
    config_path: str | None
    _config: Config | None = None
    _store: Store | None = None
    stores: list[Store] = field(default_factory=list)

    @property
    def config(self) -> Config:
        if self._config is None:
            from monitor.config import find_config, load_config
            from monitor.problems import ConfigError

            try:
                self._config = load_config(find_config(self.config_path))
            except ConfigError as exc:
                raise fail(str(exc), exitcodes.USAGE) from None
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            from storage.db import StoreError, open_store

            try:
                self._store = open_store(self.config.store_url)
            except StoreError as exc:
                raise fail(str(exc), exitcodes.FAILURE) from None
        return self._store

    @property
    def store_url(self) -> str | None:
        """The store's URL once the config is read (for messages), else None."""
        return self._config.store_url if self._config is not None else None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def is_terminal() -> bool:
    return sys.stderr.isatty()


def resolve_dir(path: str | None) -> Path | None:
    return Path(path).resolve() if path else None
