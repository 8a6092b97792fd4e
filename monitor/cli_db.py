"""``claimwatch db``: the store's schema version, upgrades, export, import and pruning."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import click
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from monitor import exitcodes
from monitor.context import AppContext, fail, is_terminal, utcnow
from storage import transfer
from storage.db import (
    StoreError,
    current_revision,
    half_made,
    head_revision,
    make_engine,
    redact,
    repair_half_made,
    upgrade,
)
from storage.retention import Retention, prune

BACKUP_HINT = (
    "claimwatch makes no backup: copy the SQLite file, or pg_dump the database, "
    "or `claimwatch db export -o FILE` before upgrading"
)


@click.group("db")
def db() -> None:
    """The store itself: schema version, upgrade, export, import and prune."""


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    database = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and (
        not Path(database).exists()
    )


def _engine(url: str) -> Engine:
    try:
        return make_engine(url)
    except StoreError as exc:
        raise fail(str(exc), exitcodes.FAILURE) from None


HALF_MADE = "its first schema creation was interrupted (empty claimwatch tables, no version)"


def _schema_of(engine: Engine, url: str, *, repair: bool = False) -> str | None:
    """The store's revision; None for an empty store. Fails for a store not ours.

    A store left half-made by an interrupted creation is emptied when ``repair``, else
    reported as needing `db upgrade` (None).
    """
    try:
        revision = current_revision(engine)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        if revision is None and tables and half_made(engine):
            if repair:
                repair_half_made(engine)
                click.echo(f"the store {redact(url)}: {HALF_MADE}; dropped them")
            else:
                click.echo(f"half-made: {HALF_MADE}; `claimwatch db upgrade` repairs it")
            return None
    except SQLAlchemyError as exc:
        raise fail(f"cannot read the store {redact(url)}: {exc}", exitcodes.FAILURE) from None
    if revision is None and tables:
        raise fail(f"the store {redact(url)} holds tables but no claimwatch schema version; "
                   "point [store] url at a claimwatch store or an empty one", exitcodes.FAILURE)
    if revision is not None and revision not in transfer.known_revisions():
        raise fail(f"the store {redact(url)} is at schema {revision}, which this claimwatch does "
                   "not know: a newer claimwatch wrote it; upgrade claimwatch", exitcodes.FAILURE)
    return revision


@db.command("current")
@click.pass_obj
def current(app: AppContext) -> None:
    """Show the store's schema revision and the newest one; exit 1 if an upgrade is due.

    Exit 0: the store is at the newest schema. Exit 1: it is older or empty, and
    `claimwatch db upgrade` has work to do. Exit 3: it cannot be read, or a newer
    claimwatch wrote it. Creates nothing.
    """
    url = app.config.store_url
    head = head_revision()
    click.echo(f"store:   {redact(url)}")
    if _missing_sqlite_file(url):
        revision = None
    else:
        engine = _engine(url)
        try:
            revision = _schema_of(engine, url)
        finally:
            engine.dispose()
    click.echo(f"schema:  {revision or '(empty)'}")
    click.echo(f"newest:  {head}")
    if revision == head:
        click.echo("up to date")
        return
    if revision is None:
        click.echo("empty: any command creates the newest schema (or `claimwatch db upgrade`)")
    else:
        click.echo(f"upgrade needed: run `claimwatch db upgrade` ({BACKUP_HINT})")
    raise click.exceptions.Exit(exitcodes.NEWS)


@db.command("upgrade")
@click.pass_obj
def upgrade_command(app: AppContext) -> None:
    """Migrate the store's schema to the newest (Alembic); makes no backup itself."""
    url = app.config.store_url
    head = head_revision()
    engine = _engine(url)
    try:
        before = _schema_of(engine, url, repair=True)
        if before == head:
            click.echo(f"the store {redact(url)} is at schema {head}, the newest; nothing to do")
            return
        if before is not None:
            click.echo(BACKUP_HINT)
        try:
            upgrade(engine)
        except SQLAlchemyError as exc:
            raise fail(f"upgrading {redact(url)} from {before} failed and was rolled back "
                       f"where the database allows: {exc}", exitcodes.FAILURE) from None
        click.echo(f"upgraded the store {redact(url)} from schema {before or '(empty)'} to {head}")
    finally:
        engine.dispose()


def _summary(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{table} {count}" for table, count in counts.items() if count)
    return f"{total} rows" + (f" ({parts})" if parts else "")


@db.command("export")
@click.option("-o", "--output", "output", metavar="FILE",
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here (replaced only once complete) instead of to stdout.")
@click.pass_obj
def export(app: AppContext, output: Path | None) -> None:
    """Write the store as JSON lines: claims, revisions, sources, findings, flags, runs."""
    store = app.store
    with store.session() as session:
        counts = transfer.row_counts(session)
        if output is None:
            _write(transfer.export_lines(session), sys.stdout)
        else:
            _write_file(session, output)
    if output is not None:
        click.echo(f"exported {_summary(counts)} to {output}")
    elif is_terminal():
        click.echo(f"exported {_summary(counts)}", err=True)


def _write_file(session: Session, output: Path) -> None:
    """The export into ``output``, replaced only once complete."""
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            _write(transfer.export_lines(session), out)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        code = exitcodes.USAGE if isinstance(exc, FileNotFoundError | NotADirectoryError |
                                             IsADirectoryError | PermissionError) \
            else exitcodes.FAILURE
        raise fail(f"cannot write {output}: {exc.strerror or exc}", code) from None


def _write(lines: Iterable[str], out: IO[str]) -> None:
    for line in lines:
        out.write(line + "\n")


@db.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_obj
def import_command(app: AppContext, file: IO[str]) -> None:
    """Load a `db export` file (or - for stdin) into an empty store, keeping every id."""
    store = app.store
    try:
        with store.session() as session:
            counts = transfer.import_lines(session, file, name=file.name)
    except transfer.TransferError as exc:
        raise fail(f"{exc}; nothing was imported", exitcodes.USAGE) from None
    except UnicodeDecodeError as exc:
        raise fail(f"{file.name} is not UTF-8 text (byte {exc.start} of a block); "
                   "nothing was imported", exitcodes.USAGE) from None
    click.echo(f"imported {_summary(counts)} into {redact(store.url)}")


@db.command("prune")
@click.option("--dry-run", is_flag=True, help="Count what would go; delete nothing.")
@click.pass_obj
def prune_command(app: AppContext, dry_run: bool) -> None:
    """Forget runs and findings older than [store] keep_runs / keep_findings.

    A finding goes only once its source has answered in full without it, and never
    while a flag cites it; claims, flags, their history and deliveries are never
    deleted. The daemon does the same every hour. Exit 2 when neither is set.
    """
    config = app.config
    retention = Retention(config.keep_runs, config.keep_findings)
    if not retention.active:
        raise fail("nothing to prune by: set [store] keep_runs and/or keep_findings "
                   'in the config (e.g. keep_runs = "180d")', exitcodes.USAGE)
    with app.store.session() as session:
        report = prune(session, retention, now=utcnow(), dry_run=dry_run)
        if dry_run:
            session.rollback()
    verb = "would forget" if dry_run else "forgot"
    click.echo(f"{verb} {report.runs} run(s) with {report.run_sources} source outcome(s) "
               f"and {report.findings} finding(s)")
