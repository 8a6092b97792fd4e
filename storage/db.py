"""Opening a store from a URL: engine setup, SQLite pragmas, migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
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


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    except ImportError as exc:
        reason = missing_driver(url, exc)
        raise StoreError(f"cannot open the store {redact(url)}: {reason}") from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"cannot open the store {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        revisions = list(rows)
    if len(revisions) > 1:
        raise StoreError(f"the store has several schema revisions: {', '.join(revisions)}")
    return revisions[0] if revisions else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


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
