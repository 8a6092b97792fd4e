"""Helpers for tests that run ``claimwatch`` in a subprocess: a site, a start, a wait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CLAIMS, CONFIG, REPO, write_config
from tests.monitor.test_cli import _snapshot


def site_config(
    *, interval: str = "6h", email: str = "", schedule: str = ""
) -> str:
    """The shared test config with every source on ``interval`` and optional sections."""
    config = CONFIG.replace('poll_interval = "6h"', f'poll_interval = "{interval}"')
    config = config.replace('interval = "12h"', f'interval = "{interval}"')
    if schedule:
        config = config.replace('poll_interval = "', f'{schedule.strip()}\npoll_interval = "', 1)
    if email:
        config = config.replace("[claims]", f"{email.strip()}\n\n[claims]", 1)
    return config


def email_section(port: int, *, digest: bool = True, alerts: bool = True) -> str:
    lines = ["[email]", 'smtp_host = "127.0.0.1"', f"smtp_port = {port}", 'tls = "none"',
             'from = "claimwatch@example.org"']
    if digest:
        lines.append('digest_to = ["editors@example.org"]')
    if alerts:
        lines.append('alert_to = ["editors@example.org"]')
    return "\n".join(lines)


def make_site(folder: Path, config: str | None = None) -> tuple[Path, Path]:
    """(config path, replay snapshot) for a two-source site in ``folder``."""
    path = write_config(folder / "site", config or site_config(), CLAIMS)
    return path, _snapshot(folder / "snap")


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
    env.update(CLAIMWATCH_USER="tester", PYTHONUNBUFFERED="1", **extra)
    return env


def claimwatch(config: Path, *args: str, env: dict[str, str] | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run one claimwatch command to its end in a fresh Python process."""
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), *args],
        cwd=REPO, env=env or cli_env(), capture_output=True, text=True, timeout=timeout,
    )


@dataclass
class Running:
    """A claimwatch process in the background whose stderr goes to ``log``."""

    process: subprocess.Popen[str]
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def events(self) -> list[dict]:
        """The JSON log lines (``--log-json``) written so far."""
        events = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                events.append(json.loads(line))
        return events

    def named(self, event: str) -> list[dict]:
        return [e for e in self.events() if e["event"] == event]

    def finish(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start(config: Path, *args: str, log: Path, env: dict[str, str] | None = None) -> Running:
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), *args],
        cwd=REPO, env=env or cli_env(), stdout=handle, stderr=subprocess.STDOUT, text=True,
    )
    handle.close()
    return Running(process, log)


def wait_for(condition: Callable[[], object], timeout: float = 20, what: str = "") -> object:
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
