"""The store lock: one holder at a time, and an expired lease can be taken over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.lock import LockBusy, lease, try_acquire


def test_second_holder_waits_then_gives_up(store) -> None:
    with (
        lease(store, holder="first", wait=0),
        pytest.raises(LockBusy, match="first"),
        lease(store, holder="second", wait=0.3),
    ):
        pass


def test_released_lease_can_be_taken(store) -> None:
    with lease(store, holder="first", wait=0):
        pass
    with lease(store, holder="second", wait=0) as holder:
        assert holder == "second"


def test_expired_lease_is_taken_over(store) -> None:
    past = datetime(2026, 1, 1, tzinfo=UTC)
    assert try_acquire(store, "worker", "dead", timedelta(minutes=1), clock=lambda: past)
    assert not try_acquire(
        store, "worker", "alive", timedelta(minutes=1), clock=lambda: past + timedelta(seconds=30)
    )
    assert try_acquire(
        store, "worker", "alive", timedelta(minutes=1), clock=lambda: past + timedelta(minutes=2)
    )


def test_a_lease_of_a_dead_process_on_this_host_is_taken_at_once(store) -> None:
    import socket
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = f"{socket.gethostname()}:{gone.pid}"
    assert try_acquire(store, "worker", dead, timedelta(minutes=30))
    with lease(store, holder="me", wait=0) as holder:  # no 30-minute wait for the dead
        assert holder == "me"


def test_a_live_holder_on_this_host_is_respected(store) -> None:
    import os
    import socket

    alive = f"{socket.gethostname()}:{os.getppid()}"
    assert try_acquire(store, "worker", alive, timedelta(minutes=30))
    with pytest.raises(LockBusy), lease(store, holder="me", wait=0):
        pass
