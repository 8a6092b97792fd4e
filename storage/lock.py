"""A lock in the store: a lease row with an expiry, so a dead process never holds it.

Taking the lease is one conditional statement (insert, or take over an expired
lease), so two processes racing on SQLite or PostgreSQL cannot both win.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.db import Store
from storage.models import LeaseRow

WORKER_LOCK = "worker"
EVALUATE_LOCK = "evaluate"  # judging claims: one process at a time, the others skip
DAEMON_LEASE = "daemon"  # the daemon's heartbeat; "daemon:<host>:<pid>" per shared worker


class LockBusy(Exception):
    """Another process holds the lease; the message says who and until when."""


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


def try_acquire(
    store: Store, name: str, holder: str, ttl: timedelta, clock: Callable[[], datetime] = _now
) -> bool:
    now = clock()
    try:
        with store.session() as session:
            taken = session.execute(
                update(LeaseRow)
                .where(
                    LeaseRow.name == name, (LeaseRow.expires_at < now) | (LeaseRow.holder == holder)
                )
                .values(holder=holder, expires_at=now + ttl, heartbeat_at=now)
            ).rowcount
            if taken:
                return True
            if session.get(LeaseRow, name) is not None:
                return False
            session.add(
                LeaseRow(name=name, holder=holder, expires_at=now + ttl, heartbeat_at=now, info={})
            )
        return True
    except IntegrityError:
        return False  # another process inserted the lease first
    except OperationalError as error:
        if _busy(error):
            return False
        raise  # read-only, full, gone: not "busy", and the caller must say what it is


def _busy(error: OperationalError) -> bool:
    """SQLite's "database is locked": another writer outlasted the busy timeout."""
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database table is locked" in text


def current_holder(store: Store, name: str) -> LeaseRow | None:
    with store.session() as session:
        return session.scalars(select(LeaseRow).where(LeaseRow.name == name)).first()


def renew(store: Store, name: str, holder: str, ttl: timedelta) -> bool:
    now = _now()
    with store.session() as session:
        return bool(
            session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == name, LeaseRow.holder == holder)
                .values(expires_at=now + ttl, heartbeat_at=now)
            ).rowcount
        )


def release(store: Store, name: str, holder: str) -> None:
    with store.session() as session:
        session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def several_workers(store: Store) -> bool:
    """Whether several claimwatch processes may work on this store at once.

    PostgreSQL: yes, they split the sources with row leases (FOR UPDATE SKIP LOCKED).
    SQLite: no, one process works at a time under the worker lease.
    """
    return store.engine.dialect.name == "postgresql"


def dead_here(holder: str) -> bool:
    """Whether ``holder`` ("host:pid") names a process of this host that no longer exists.

    A holder on another host, or this very process, is never called dead.
    """
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    return not pid_alive(int(pid))


def reclaim_dead_lease(store: Store, name: str) -> str | None:
    """Free ``name`` when its holder is a process of this host that no longer exists.

    A killed worker's lease would otherwise block the store until it expires. Returns
    the freed holder, if any. A holder on another host is left to its expiry.
    """
    row = current_holder(store, name)
    holder = row.holder if row else None
    if holder is None or not dead_here(holder):
        return None
    release(store, name, holder)
    return holder


@contextmanager
def lease(
    store: Store,
    name: str = WORKER_LOCK,
    *,
    ttl: timedelta = timedelta(minutes=30),
    wait: float = 10.0,
    holder: str | None = None,
) -> Iterator[str]:
    """Hold ``name`` for the block; wait up to ``wait`` seconds, then LockBusy."""
    me = holder or holder_id()
    deadline = time.monotonic() + wait
    looked_for_dead_holder = False
    while not try_acquire(store, name, me, ttl):
        if not looked_for_dead_holder:
            looked_for_dead_holder = True
            if reclaim_dead_lease(store, name):
                continue  # a killed process of this host held it; try again at once
        if time.monotonic() >= deadline:
            other = current_holder(store, name)
            who = f"{other.holder} until {other.expires_at:%Y-%m-%d %H:%M:%S} UTC" if other else "?"
            raise LockBusy(
                f"another claimwatch is working on this store ({who}); "
                "try again when it has finished"
            )
        time.sleep(0.2)
    try:
        yield me
    finally:
        release(store, name, me)
