"""Alert mail after a check: one email per batch of new flags, never a flag twice.

Flags come from real checks (``run_check``) on a hand-written Hugging Face listing
replayed from a snapshot; mail goes to aiosmtpd on loopback.
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.alerts import alert_key, send_alerts
from monitor.cli import cli
from monitor.config import Config, load_config
from monitor.pipeline import run_check
from reports.mail import SmtpSettings
from sources.replay import save_exchange
from sources.response import HttpResponse
from storage import deliveries as delivery_store
from storage import flags as flag_store
from storage.db import Store
from tests.support.smtpserver import HOST, free_port, running_inbox, text_of

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HF_URL = ("https://huggingface.co/api/models?author=Qwen&sort=createdAt&direction=-1"
          "&limit=100&full=true")
EDITORS = ["ed@example.org", "chief@example.org"]

CONFIG = """\
[email]
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
from = "claimwatch@example.org"
alert_to = {alert_to}
alert_on = {alert_on}

[claims]
files = ["claims.toml"]

[[source]]
id = "hf-qwen"
kind = "huggingface"
lab = "Alibaba Qwen"
region = "china"
author = "Qwen"
"""

CLAIMS = """\
[[claim]]
id = "qwen3-release"
page = "p"
section = "Models"
text = "Qwen3 came out in April 2026."
subject = "Qwen3"
as_of = "2026-04"
review_every = "1y"
family = "Qwen3"
released = "2026-04"

[[claim]]
id = "qwen3-license"
page = "p"
section = "Models"
text = "Qwen3 is MIT licensed."
subject = "Qwen3"
as_of = "2026-04"
review_every = "1y"
family = "Qwen3"
license = "mit"

[[claim]]
id = "qwen2-vl"
page = "p"
section = "Models"
text = "Qwen2-VL-72B is on the Hub."
subject = "Qwen2-VL"
as_of = "2026-04"
review_every = "1y"
exists = ["Qwen/Qwen2-VL-72B-Instruct"]

[[claim]]
id = "robotaxi-fleet"
page = "p"
section = "Autonomy"
text = "1,000+ robotaxis operating in China as of 2025."
subject = "robotaxis"
as_of = "2025"
review_every = "180d"
"""


def write_site(folder: Path, *, port: int = 25, alert_to: list[str] = EDITORS,
               alert_on: tuple[str, ...] = ("contradicted",)) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claimwatch.toml").write_text(CONFIG.format(
        port=port, alert_to=json.dumps(alert_to), alert_on=json.dumps(list(alert_on))),
        encoding="utf-8")
    (folder / "claims.toml").write_text(textwrap.dedent(CLAIMS), encoding="utf-8")
    return load_config(folder / "claimwatch.toml")


def snapshot(folder: Path) -> Path:
    listing = [
        {"id": "Qwen/Qwen3-8B", "createdAt": "2025-04-28T15:00:00.000Z",
         "tags": ["license:apache-2.0"], "downloads": 5},
        {"id": "Qwen/Qwen3-30B-A3B", "createdAt": "2025-04-29T01:00:00.000Z",
         "tags": ["license:apache-2.0"], "downloads": 7},
    ]
    save_exchange(folder, HF_URL, HttpResponse(
        "https://huggingface.co/api/models", 200, {"content-type": "application/json"},
        json.dumps(listing).encode()))
    return folder


def check(config: Config, store: Store, folder: Path, now: datetime = NOW):
    return run_check(config, store, everything=True, replay_dir=folder, clock=lambda: now)


def smtp_for(port: int) -> SmtpSettings:
    return SmtpSettings(HOST, port, tls="none", timeout=5)


@pytest.fixture
def smtp_inbox():
    with running_inbox() as inbox_and_port:
        yield inbox_and_port


def test_three_contradicted_flags_make_one_email_and_the_next_check_sends_nothing(
        tmp_path, store, smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site")
    report = check(config, store, snapshot(tmp_path / "snap"))
    contradicted = [f for f in report.opened if f.status == "contradicted"]
    assert sorted(f.claim_id for f in contradicted) == ["qwen2-vl", "qwen3-license",
                                                        "qwen3-release"]

    first = send_alerts(config, store, now=NOW, smtp=smtp_for(port))

    assert first.delivered == EDITORS and first.failed == {}
    assert sorted(first.flag_ids) == sorted(f.flag_id for f in contradicted)
    assert len(inbox.envelopes) == 1
    message = inbox.messages()[0]
    assert message["Subject"] == "claimwatch alert: 3 claims contradicted"
    text = text_of(message)
    for claim_text in ("Qwen3 came out in April 2026.", "Qwen3 is MIT licensed.",
                       "Qwen2-VL-72B is on the Hub."):
        assert claim_text in text
    assert "robotaxis" not in text  # stale: not in alert_on

    check(config, store, tmp_path / "snap", NOW + timedelta(hours=1))
    second = send_alerts(config, store, now=NOW + timedelta(hours=1), smtp=smtp_for(port))

    assert second.flag_ids == [] and second.delivered == []
    assert len(inbox.envelopes) == 1
    with store.session() as session:
        flags = {f.claim_id: f for f in flag_store.list_flags(session)}
        rows = delivery_store.deliveries(session, "alert")
        events = [e.action for e in flags["qwen2-vl"].events]
    assert all(flags[c].alerted_at == NOW for c in ("qwen2-vl", "qwen3-release"))
    assert flags["robotaxi-fleet"].alerted_at is None
    assert [(r.key, r.recipient) for r in rows] == [(first.key, r) for r in EDITORS]
    assert events == ["opened", "alerted"]


def test_a_failed_send_marks_nothing_and_the_next_check_sends_once(tmp_path, store,
                                                                    smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site")
    check(config, store, snapshot(tmp_path / "snap"))

    down = send_alerts(config, store, now=NOW, smtp=smtp_for(free_port()))

    assert down.delivered == [] and set(down.failed) == set(EDITORS)
    with store.session() as session:
        assert all(f.alerted_at is None for f in flag_store.list_flags(session))
        assert delivery_store.deliveries(session) == []

    later = NOW + timedelta(hours=1)
    up = send_alerts(config, store, now=later, smtp=smtp_for(port))
    again = send_alerts(config, store, now=later, smtp=smtp_for(port))

    assert up.delivered == EDITORS and up.flag_ids == down.flag_ids
    assert again.flag_ids == []
    assert len(inbox.envelopes) == 1


def test_stale_flags_are_alerted_only_when_alert_on_says_so(tmp_path, store, smtp_inbox):
    inbox, port = smtp_inbox
    folder = snapshot(tmp_path / "snap")
    check(write_site(tmp_path / "site"), store, folder)

    contradicted_only = send_alerts(write_site(tmp_path / "site"), store, now=NOW,
                                    smtp=smtp_for(port))
    with_stale = send_alerts(write_site(tmp_path / "site", alert_on=("contradicted", "stale")),
                             store, now=NOW, smtp=smtp_for(port))

    assert len(contradicted_only.flag_ids) == 3
    assert len(with_stale.flag_ids) == 1  # only the stale one is left to alert
    assert inbox.messages()[1]["Subject"] == "claimwatch alert: 0 claims contradicted, 1 stale"
    assert "1,000+ robotaxis" in text_of(inbox.messages()[1])


def test_no_alert_to_is_silent_and_a_dry_run_marks_nothing(tmp_path, store):
    folder = snapshot(tmp_path / "snap")
    check(write_site(tmp_path / "site"), store, folder)

    nobody = send_alerts(write_site(tmp_path / "site", alert_to=[]), store, now=NOW)
    dry = send_alerts(write_site(tmp_path / "site"), store, now=NOW,
                      dry_run_dir=tmp_path / "outbox")

    assert nobody.flag_ids == [] and nobody.eml == []
    assert dry.eml == [tmp_path / "outbox" / f"{dry.key}.eml"]
    assert b"3 claims contradicted" in dry.eml[0].read_bytes()
    with store.session() as session:
        assert all(f.alerted_at is None for f in flag_store.list_flags(session))


@pytest.mark.parametrize(
    ("ids", "key"),
    [
        ([7], "alert-7-1-"),
        ([9, 3, 12], "alert-3-3-"),
    ],
)
def test_alert_key_names_the_batch(ids, key):
    assert alert_key(ids).startswith(key)
    assert alert_key(ids) == alert_key(list(reversed(ids)))
    assert alert_key(ids) != alert_key([*ids, 99])


# --- through `claimwatch check` ----------------------------------------------------------

def run_check_cli(config: Config, *args: str):
    return CliRunner().invoke(
        cli, ["--config", str(config.path), "check", "--all", *args],
        env={"CLAIMWATCH_USER": "tester"}, catch_exceptions=False)


def test_check_mails_the_alert_once(tmp_path, smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site", port=port)
    folder = snapshot(tmp_path / "snap")

    first = run_check_cli(config, "--replay", str(folder))
    second = run_check_cli(config, "--quiet", "--replay", str(folder))

    assert first.exit_code == 1, first.output
    assert "alert for 3 flag(s) sent to ed@example.org, chief@example.org" in first.output
    assert second.exit_code == 0 and second.output == ""
    assert len(inbox.envelopes) == 1


def test_check_with_the_mail_server_down_still_exits_1_and_says_why(tmp_path):
    config = write_site(tmp_path / "site", port=free_port())
    result = run_check_cli(config, "--quiet", "--replay", str(snapshot(tmp_path / "snap")))
    assert result.exit_code == 1
    assert "alert not sent to ed@example.org: ConnectionRefusedError" in result.output


def test_check_no_alerts_and_alerts_dry_run(tmp_path, smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site", port=port)
    folder = snapshot(tmp_path / "snap")

    skipped = run_check_cli(config, "--no-alerts", "--replay", str(folder))
    dry = run_check_cli(config, "--alerts-dry-run", str(tmp_path / "outbox"),
                        "--replay", str(folder))

    assert skipped.exit_code == 1 and "alert" not in skipped.output
    assert dry.exit_code == 0  # no new flags the second time
    assert len(list((tmp_path / "outbox").glob("alert-*.eml"))) == 1
    assert inbox.envelopes == []
