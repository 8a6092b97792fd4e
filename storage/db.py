"""Opening a store from a URL: engine setup, SQLite pragmas, migrations."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# a migration file's own revision and the one(s) it follows, as Alembic writes them
_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=(.*)$", re.MULTILINE)


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do."""


class StoreOutdated(StoreError):
    """The store's schema is older than this claimwatch."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file this process cannot write (a read-only mount, a file it does not
    own) is opened read-only, so commands that only read still work; any write then
    fails with SQLite's "attempt to write a readonly database".
    """
    read_only = _read_only_sqlite_file(url)
    target = f"sqlite:///file:{quote(read_only)}?mode=ro&immutable=1&uri=true" if read_only \
        else url
    try:
        engine = create_engine(target, future=True, pool_pre_ping=not url.startswith("sqlite"))
    except ImportError as exc:
        reason = missing_driver(url, exc)
        raise StoreError(f"cannot open the store {redact(url)}: {reason}") from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"cannot open the store {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only
                     else _sqlite_pragmas)
    return engine


def _read_only_sqlite_file(url: str) -> str | None:
    """The path of the SQLite file ``url`` names, if it exists and cannot be written.

    SQLite writes beside the file (its -wal and -shm), so an unwritable folder counts.
    Opened read-only and immutable: with nobody able to write it here, SQLite need not
    create the -shm it would otherwise insist on for a WAL database.
    """
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - create_engine reports a bad URL
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or \
            database.startswith("file:") or parsed.query:
        return None
    path = Path(database)
    if not path.is_file():
        return None
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    return None if writable else str(path.resolve())


def describe_store_failure(error: BaseException, url: str | None) -> str:
    """One line saying what went wrong with the store, from a database error."""
    cause = getattr(error, "orig", None) or error
    detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    where = f"the store {redact(url)}" if url else "the store"
    said = detail.lower()
    if "readonly" in said or "read-only" in said:
        what = (f"{where} is read-only ({detail}): commands that change it cannot run "
                "(status, flags list, claims list and report can); make it writable")
    elif "full" in said or "no space" in said or "could not extend" in said:
        what = f"the disk holding {where} is full ({detail}); free space, then run again"
    elif "database is locked" in said:
        what = (f"{where} stayed locked by another process past the busy timeout ({detail});"
                " try again")
    elif isinstance(error, DBAPIError) and error.connection_invalidated or any(
            word in said for word in ("terminat", "server closed", "connection", "shutdown")):
        what = (f"lost the connection to {where} ({detail}); check the database server, "
                "then run again")
    else:
        what = f"{where} failed: {type(cause).__name__}: {detail}"
    return what + "; nothing half-done was kept"


def missing_driver(url: str, error: ImportError) -> str:
    """What to install when the database driver of ``url`` is not there."""
    if url.startswith("postgresql"):
        return (f"PostgreSQL's driver is not installed ({error}); install claimwatch "
                "with it: pip install 'claimwatch[postgres]'")
    return f"its driver is not installed ({error})"


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given
        return url


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest schema revision, read from the migration files' headers.

    Importing Alembic costs more than a command like ``status`` takes otherwise, so
    opening a store reads the revision lines itself; anything unusual (several heads,
    a header it cannot read) is left to Alembic.
    """
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            continue
        revisions.add(revision.group(1))
        followed.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - followed
    if len(heads) == 1 and followed <= revisions:
        return heads.pop()
    return alembic_head_revision()


def alembic_head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (Alembic's version table), None when it has none."""
    with engine.connect() as connection:
        return _stored_revision(connection)


def _stored_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = list(connection.execute(text("SELECT version_num FROM alembic_version"))
                     .scalars())
    if len(revisions) > 1:
        raise StoreError(f"the store has several schema revisions: {', '.join(revisions)}")
    return revisions[0] if revisions else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` in one transaction (see ``one_transaction``)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@contextmanager
def one_transaction(connection: Connection) -> Iterator[None]:
    """Run the block in one transaction, DDL included, on every backend.

    Python 3.11's sqlite3 driver, in its legacy transaction mode, runs CREATE TABLE
    and the like outside any transaction, so a kill halfway through a migration kept
    the tables made so far. With the driver's own handling off and an explicit BEGIN
    (SQLAlchemy's documented pysqlite recipe), SQLite rolls DDL back like PostgreSQL.
    """
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    driver = connection.connection.driver_connection
    legacy_mode = driver.isolation_level  # type: ignore[union-attr]
    driver.isolation_level = None  # type: ignore[union-attr]
    try:
        with connection.begin():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield
    finally:
        driver.isolation_level = legacy_mode  # type: ignore[union-attr]


def half_made(engine: Engine) -> bool:
    """Whether the store holds what an interrupted first schema creation left: no schema
    version, only tables of claimwatch's own schema, every one of them empty."""
    with engine.connect() as connection:
        return _half_made_tables(connection) is not None


def _half_made_tables(connection: Connection) -> set[str] | None:
    if _stored_revision(connection) is not None:
        return None
    tables = set(inspect(connection).get_table_names())
    if not tables - {"alembic_version"} or not tables <= {*_our_tables(), "alembic_version"}:
        return None
    for name in tables:
        if connection.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first():
            return None
    return tables


def repair_half_made(engine: Engine) -> bool:
    """Drop what an interrupted first schema creation left (see ``half_made``), if that is
    all the store holds; anything else is left alone. Returns whether tables were
    dropped; the store is then empty. claimwatch before upgrades were made atomic on
    SQLite could leave such a store.
    """
    with engine.connect() as connection, one_transaction(connection):
        tables = _half_made_tables(connection)
        if tables is None:
            return False
        # children before parents, so no foreign key stops a drop
        for name in [*reversed(_our_tables()), "alembic_version"]:
            if name in tables:
                connection.exec_driver_sql(f'DROP TABLE "{name}"')
    return True


def _our_tables() -> list[str]:
    """claimwatch's table names, parents first (storage.models; imported late: the
    models import nothing from here, but keep the engine setup free of them)."""
    from storage.models import Base

    return [table.name for table in Base.metadata.sorted_tables]


@dataclass
class Store:
    """An open store: its engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in one transaction, committed on success, rolled back on error.

        For hot paths written in Core statements: no ORM session to set up and flush.
        """
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url``, creating an empty one at the newest schema.

    A store whose schema is older than the code is refused with StoreOutdated naming
    ``claimwatch db upgrade``; nothing is changed in it.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot read the store {redact(url)}: {exc}") from exc
    head = head_revision()
    if current is None and create and tables - {"alembic_version"} and repair_half_made(engine):
        tables = set()
    if current is None and not (tables - {"alembic_version"}):
        if not create:
            raise StoreError(f"the store {redact(url)} is empty; run `claimwatch db upgrade`")
        upgrade(engine)
    elif current != head:
        engine.dispose()
        raise StoreOutdated(
            f"the store {redact(url)} is at schema {current or 'unknown'}, this claimwatch "
            f"needs {head}; back it up, then run `claimwatch db upgrade`"
        )
    return Store(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
