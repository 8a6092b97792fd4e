"""Crash and pause points for tests: prove that a kill at any step loses nothing.

``crash_point("mid-store")`` is a no-op unless ``$CLAIMWATCH_CRASH_AT`` names that
point, in which case the process is killed with SIGKILL on the spot (no cleanup, no
``finally``, no commit), as a power cut or the OOM killer would. ``$CLAIMWATCH_PAUSE_AT``
set to ``name:SECONDS`` sleeps there instead, first writing ``paused at name`` to
stderr, so a test can wait for that line and signal a process while work is certainly
in flight.

The points in use: ``mid-fetch`` (a source committed, the others not), ``mid-store``
(inside one source's transaction), ``mid-evaluate`` (flags reconciled, not committed),
``after-evaluate`` (flags committed, the run not finished), ``mid-send`` (a mail
handed to SMTP, its delivery row not written).
"""

from __future__ import annotations

import os
import signal
import sys
import time

CRASH_ENV = "CLAIMWATCH_CRASH_AT"
PAUSE_ENV = "CLAIMWATCH_PAUSE_AT"


def crash_point(name: str) -> None:
    """Die here (SIGKILL) or pause here when a test asks for it; otherwise nothing."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        point, _, seconds = pause.partition(":")
        if point == name:
            print(f"paused at {name}", file=sys.stderr, flush=True)
            time.sleep(float(seconds or 1))
