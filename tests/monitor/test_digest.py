"""The weekly digest from a store filled by real checks, mailed over real SMTP on loopback.

The store is filled by ``run_check`` replaying snapshots made from real feeds already
in the repo (tests/data/sources/feeds/, see its SOURCES.md: Anthropic news, Google AI,
Mistral and the Qwen blog, all captured) cut at each check's date, as if polled then;
the Hugging Face listing is hand-written. The timeline is 2026-W31 (a first check:
the back catalogue) and 2026-W32 (two checks: news, a source down, then back).
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from monitor.cli import cli
from monitor.config import Config, load_config
from monitor.digest import (
    deliver_digest,
    digest_due,
    last_completed_week,
    window_start,
)
from monitor.pipeline import run_check
from reports.mail import SmtpSettings
from sources.replay import save_exchange
from sources.response import HttpResponse
from storage import deliveries as delivery_store
from storage.db import Store
from tests.support.smtpserver import HOST, free_port, running_inbox, text_of

FEEDS = Path(__file__).resolve().parents[1] / "data" / "sources" / "feeds"
HF_URL = ("https://huggingface.co/api/models?author=Qwen&sort=createdAt&direction=-1"
          "&limit=100&full=true")
FEED_SOURCES = {  # source id -> (url, the real feed it serves)
    "blog-qwen": ("https://qwenlm.github.io/blog/index.xml", "qwen_blog_index_latest.xml"),
    "blog-anthropic": ("https://www.anthropic.com/news/rss.xml",
                       "olshansk_feed_anthropic_news.xml"),
    "blog-google": ("https://developers.googleblog.com/feeds/ai.xml",
                    "olshansk_feed_google_ai.xml"),
    "blog-mistral": ("https://mistral.ai/news/rss.xml", "olshansk_feed_mistral.xml"),
}
EDITORS = ["ed@example.org", "chief@example.org"]

CHECK_W31 = datetime(2026, 7, 29, 10, 0, tzinfo=UTC)
CHECK_W32_GOOGLE_DOWN = datetime(2026, 8, 4, 10, 0, tzinfo=UTC)
CHECK_W32 = datetime(2026, 8, 6, 10, 0, tzinfo=UTC)
MONDAY_W33 = datetime(2026, 8, 10, 7, 30, tzinfo=UTC)  # 08:30 in London

CONFIG = """\
[schedule]
timezone = "Europe/London"
digest_weekday = "monday"
digest_time = "08:00"

[email]
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
from = "claimwatch <claimwatch@example.org>"
digest_to = {digest_to}

[claims]
files = ["claims.toml"]

[reports]
archive_dir = "digests"

[[source]]
id = "hf-qwen"
kind = "huggingface"
lab = "Alibaba Qwen"
region = "china"
author = "Qwen"

[[source]]
id = "blog-qwen"
kind = "feed"
lab = "Alibaba Qwen"
region = "china"
url = "https://qwenlm.github.io/blog/index.xml"

[[source]]
id = "blog-anthropic"
kind = "feed"
lab = "Anthropic"
region = "us"
url = "https://www.anthropic.com/news/rss.xml"

[[source]]
id = "blog-google"
kind = "feed"
lab = "Google"
region = "us"
url = "https://developers.googleblog.com/feeds/ai.xml"

[[source]]
id = "blog-mistral"
kind = "feed"
lab = "Mistral AI"
region = "elsewhere"
url = "https://mistral.ai/news/rss.xml"

[[source]]
id = "blog-gone"
kind = "feed"
lab = "Example Lab"
region = "elsewhere"
url = "https://gone.example.org/feed.xml"
"""

CLAIMS = """\
[[claim]]
id = "qwen3-release"
page = "p"
section = "Models"
text = "Qwen3 came out under Apache 2.0 in April 2026."
subject = "Qwen3"
as_of = "2026-04"
review_every = "1y"
family = "Qwen3"
released = "2026-04"
watch = ["hf-qwen"]

[[claim]]
id = "robotaxi-fleet"
page = "p"
section = "Autonomy"
text = "1,000+ robotaxis operating in China as of 2025."
subject = "robotaxis"
as_of = "2025"
review_every = "180d"

[[claim]]
id = "claude-frontier"
page = "p"
section = "Frontier"
text = "Claude Opus 4 is Anthropic's frontier model."
subject = "Claude"
as_of = "2026-06"
review_every = "1y"
keywords = ["Claude Opus 5"]
watch = ["blog-anthropic"]

[[claim]]
id = "vram-prices"
page = "p"
section = "Hardware"
text = "A 24 GB card costs about $1,500 (May 2026)."
subject = "GPU prices"
as_of = "2026-05-20"
review_every = "90d"

[[claim]]
id = "eu-ai-act"
page = "p"
section = "Policy"
text = "The EU AI Act's GPAI duties apply from August 2025."
subject = "EU AI Act"
as_of = "2026-06-30"
review_every = "90d"

[[claim]]
id = "cac-rules"
page = "p"
section = "Policy"
text = "China's generative AI rules date from 2023."
subject = "CAC rules"
as_of = "2023"
review_every = "never"
"""


def write_site(folder: Path, *, port: int = 25, digest_to: list[str] = EDITORS) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claimwatch.toml").write_text(
        CONFIG.format(port=port, digest_to=json.dumps(digest_to)), encoding="utf-8")
    (folder / "claims.toml").write_text(textwrap.dedent(CLAIMS), encoding="utf-8")
    return load_config(folder / "claimwatch.toml")


def feed_as_of(name: str, cutoff: datetime) -> bytes:
    """The real feed with only the items published by ``cutoff``, as a poll then saw it."""
    tree = etree.fromstring((FEEDS / name).read_bytes())
    channel = tree.find("channel")
    for item in channel.findall("item"):
        if parsedate_to_datetime(item.findtext("pubDate")) > cutoff:
            channel.remove(item)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def hub_listing(*repos: tuple[str, str]) -> bytes:
    return json.dumps([
        {"id": repo, "createdAt": created, "tags": ["license:apache-2.0"],
         "pipeline_tag": "text-generation", "downloads": 1}
        for repo, created in repos
    ]).encode()


def snapshot(folder: Path, cutoff: datetime, *, hub: bytes,
             missing: tuple[str, ...] = ()) -> Path:
    for source_id, (url, name) in FEED_SOURCES.items():
        if source_id not in missing:
            save_exchange(folder, url, HttpResponse(
                url, 200, {"content-type": "application/rss+xml"}, feed_as_of(name, cutoff)))
    save_exchange(folder, HF_URL, HttpResponse(
        "https://huggingface.co/api/models", 200, {"content-type": "application/json"}, hub))
    return folder


def fill(config: Config, store: Store, tmp_path: Path) -> None:
    """Three checks: W31 (back catalogue), W32 with Google down, W32 with Google back."""
    old = ("Qwen/Qwen3-8B", "2025-04-28T15:00:00.000Z")
    new = ("Qwen/Qwen3-Omni-30B-A3B-Instruct", "2026-08-03T09:00:00.000Z")
    checks = [
        (CHECK_W31, snapshot(tmp_path / "w31", CHECK_W31, hub=hub_listing(old))),
        (CHECK_W32_GOOGLE_DOWN, snapshot(tmp_path / "w32a", CHECK_W32_GOOGLE_DOWN,
                                         hub=hub_listing(new, old), missing=("blog-google",))),
        (CHECK_W32, snapshot(tmp_path / "w32b", CHECK_W32, hub=hub_listing(new, old))),
    ]
    for moment, folder in checks:
        run_check(config, store, everything=True, replay_dir=folder, clock=lambda m=moment: m)


@pytest.fixture
def site(tmp_path: Path, store: Store) -> tuple[Config, Store]:
    config = write_site(tmp_path / "site")
    fill(config, store, tmp_path / "snapshots")
    return config, store


@pytest.fixture
def smtp_inbox():
    with running_inbox() as inbox_and_port:
        yield inbox_and_port


def smtp_for(port: int) -> SmtpSettings:
    return SmtpSettings(HOST, port, tls="none", timeout=5)


def archived_text(config: Config, week: str) -> str:
    return (config.archive_dir / f"{week}.txt").read_text(encoding="utf-8")


# --- what the digest says --------------------------------------------------------------

def test_digest_of_a_week_from_real_checks(site):
    config, store = site

    outcome = deliver_digest(config, store, week=None, now=MONDAY_W33, send=False)

    assert outcome.week == "2026-W32"
    assert outcome.archived == [config.archive_dir / "2026-W32.html",
                                config.archive_dir / "2026-W32.txt"]
    assert outcome.delivered == [] and outcome.eml == []
    text = archived_text(config, "2026-W32")
    assert text.startswith("claimwatch digest 2026-W32 (2026-08-03 to 2026-08-09)\n")
    assert "Catching up" not in text

    # attention: contradicted, then to review, each with its claim; the claim stale
    # only by age is a line in the list after them, not a card
    order = [text.index(h) for h in ("Contradicted (", "To review (", "Stale by age only (1)")]
    assert order == sorted(order)
    assert "\nStale (" not in text
    assert text.index("Qwen3 came out under Apache 2.0") < text.index("To review (")
    assert text.index("To review (") < text.index("Claude Opus 4 is Anthropic's")
    assert text.index("Stale by age only (1)") < text.index("1,000+ robotaxis")
    assert text.index("1,000+ robotaxis") < text.index("NEW RELEASES AND POSTS")
    assert "https://huggingface.co/Qwen/Qwen3-8B" in text  # evidence link

    # new this week, grouped China, US; labs A-Z; the back catalogue left out
    releases = text[text.index("NEW RELEASES AND POSTS"):text.index("DUE FOR REVIEW")]
    assert [releases.index(s) for s in ("China\n", "US\n", "Anthropic\n", "Google\n")] == sorted(
        releases.index(s) for s in ("China\n", "US\n", "Anthropic\n", "Google\n"))
    assert "Qwen/Qwen3-Omni-30B-A3B-Instruct, 2026-08-03, apache-2.0" in releases
    assert "Mariano-Florentino (Tino) Cuéllar to join Anthropic" in releases  # 08-04
    assert "Investigating three real-world incidents" in releases  # 07-30, first seen 08-04
    assert "Introducing Claude Opus 5" not in releases  # seen in W31 already
    assert "Model routing with Google Cloud API Gateway (post), 2026-08-04" in releases
    assert "Qwen/Qwen3-8B" not in releases and "Qwen3Guard" not in releases
    assert "Elsewhere" not in releases  # Mistral had nothing new

    # due soon: 2026-05-20 + 90d = 2026-08-18, within two weeks of Sunday 08-09
    due = text[text.index("DUE FOR REVIEW"):text.index("SOURCE HEALTH")]
    assert "2026-08-18  A 24 GB card costs about $1,500" in due
    assert "EU AI Act" not in due and "generative AI rules" not in due

    # sources: the one never answering fails; Google failed this week and is back
    health = text[text.index("SOURCE HEALTH"):]
    assert "blog-gone (Example Lab): network, 3 in a row, never succeeded" in health
    assert "blog-google (Google) works again" in health
    assert "blog-anthropic" not in health


def test_digest_of_the_week_with_the_first_check_shows_its_catalogue_only_if_recent(site):
    config, store = site

    deliver_digest(config, store, week="2026-W31", now=MONDAY_W33, send=False)

    releases = archived_text(config, "2026-W31").split("NEW RELEASES AND POSTS")[1]
    assert "Introducing Claude Opus 5" in releases  # 07-24, within the 14 days' grace
    assert "Qwen3Guard" not in releases  # 2025: back catalogue, not news


def test_empty_week_is_one_line(tmp_path, store):
    config = write_site(tmp_path / "quiet")

    deliver_digest(config, store, week="2026-W10", now=MONDAY_W33, send=False)

    text = archived_text(config, "2026-W10")
    body = text.split("\n----\n")[0].strip().splitlines()
    assert body == ["claimwatch digest 2026-W10 (2026-03-02 to 2026-03-08)",
                    "A quiet week: nothing flagged or due, no new releases, all sources healthy."]


def test_out_dir_gets_a_copy_and_a_bad_week_is_refused(site, tmp_path):
    config, store = site
    outcome = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, send=False,
                             out_dir=tmp_path / "look")
    assert (tmp_path / "look" / "2026-W32.html") in outcome.archived
    html = (tmp_path / "look" / "2026-W32.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Qwen/Qwen3-Omni-30B-A3B-Instruct" in html
    with pytest.raises(ValueError, match="no ISO week 60"):
        deliver_digest(config, store, week="2026-W60", now=MONDAY_W33, send=False)


# --- catch-up --------------------------------------------------------------------------

def test_catch_up_covers_everything_since_the_last_delivered_digest(tmp_path, store):
    config = write_site(tmp_path / "site")
    with store.session() as session:
        for recipient in EDITORS:
            delivery_store.record_delivery(session, "digest", "2026-W45", recipient,
                                           sent_at=datetime(2026, 11, 9, 8, tzinfo=UTC))
    hub = [("Qwen/Qwen9-W46-Model", "2026-11-11T09:00:00.000Z")]
    w46 = snapshot(tmp_path / "w46", datetime(2026, 11, 12, tzinfo=UTC),
                   hub=hub_listing(*hub))
    run_check(config, store, everything=True, replay_dir=w46,
              clock=lambda: datetime(2026, 11, 12, 10, tzinfo=UTC))

    assert window_start(store, "2026-W47") == date(2026, 11, 9)
    assert window_start(store, "2026-W46") == date(2026, 11, 9)  # no gap: its own Monday
    outcome = deliver_digest(config, store, week="2026-W47",
                             now=datetime(2026, 11, 23, 8, tzinfo=UTC), send=False)

    assert outcome.window_start == date(2026, 11, 9)
    text = archived_text(config, "2026-W47")
    assert text.startswith("claimwatch digest 2026-W47 (2026-11-09 to 2026-11-22)\n"
                           "Catching up: no digest went out since 2026-11-09")
    assert "Qwen/Qwen9-W46-Model" in text  # first seen in W46, reported in W47's digest


def test_without_any_delivery_the_week_starts_on_its_monday(store):
    assert window_start(store, "2026-W47") == date(2026, 11, 16)


# --- sending, once ---------------------------------------------------------------------

def test_digest_job_run_three_times_sends_once_per_recipient(site, smtp_inbox):
    config, store = site
    inbox, port = smtp_inbox

    runs = [deliver_digest(config, store, week=None, now=MONDAY_W33, smtp=smtp_for(port))
            for _ in range(3)]

    assert runs[0].delivered == EDITORS and runs[0].failed == {}
    assert runs[1].delivered == [] and runs[1].skipped == EDITORS
    assert runs[2].delivered == [] and runs[2].skipped == EDITORS
    assert len(inbox.envelopes) == 1 and inbox.envelopes[0].rcpt_tos == EDITORS
    message = inbox.messages()[0]
    assert message["Subject"] == runs[0].subject
    assert message["Subject"].startswith("claimwatch 2026-W32: 1 contradicted, ")
    assert text_of(message) == archived_text(config, "2026-W32")
    with store.session() as session:
        rows = delivery_store.deliveries(session, "digest")
    assert [(r.key, r.recipient, r.forced) for r in rows] == [
        ("2026-W32", r, False) for r in EDITORS]
    assert all(r.message_id == message["Message-ID"] for r in rows)


def test_force_resends_and_records_each_send(site, smtp_inbox):
    config, store = site
    inbox, port = smtp_inbox
    deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, smtp=smtp_for(port))

    forced = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, force=True,
                            smtp=smtp_for(port))

    assert forced.delivered == EDITORS and forced.skipped == []
    assert len(inbox.envelopes) == 2
    with store.session() as session:
        rows = delivery_store.deliveries(session, "digest")
        assert delivery_store.last_delivered_week(session) == "2026-W32"
    assert [r.forced for r in rows] == [False, False, True, True]
    assert all(r.key.startswith("2026-W32+forced-") for r in rows[2:])


def test_server_down_records_nothing_and_the_next_run_sends(site, smtp_inbox):
    config, store = site
    inbox, port = smtp_inbox

    down = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33,
                          smtp=smtp_for(free_port()))

    assert down.delivered == [] and down.all_failed
    assert "ConnectionRefusedError" in down.failed["ed@example.org"]
    with store.session() as session:
        assert delivery_store.deliveries(session) == []
    assert down.archived  # archived all the same

    up = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, smtp=smtp_for(port))

    assert up.delivered == EDITORS
    assert len(inbox.envelopes) == 1


def test_a_refused_recipient_does_not_stop_the_others_and_alone_is_retried(site, smtp_inbox):
    config, store = site
    inbox, port = smtp_inbox
    inbox.refuse = {"chief@example.org"}

    first = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, smtp=smtp_for(port))

    assert first.delivered == ["ed@example.org"]
    assert first.failed == {"chief@example.org": "550 5.1.1 No such user here"}
    assert not first.all_failed

    inbox.refuse = set()  # the mailbox is back
    second = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33, smtp=smtp_for(port))

    assert second.delivered == ["chief@example.org"] and second.skipped == ["ed@example.org"]
    assert inbox.received_by("ed@example.org") == 1
    assert inbox.received_by("chief@example.org") == 1


def test_dry_run_writes_the_email_and_records_nothing(site, tmp_path):
    config, store = site

    outcome = deliver_digest(config, store, week="2026-W32", now=MONDAY_W33,
                             dry_run_dir=tmp_path / "outbox")

    assert outcome.eml == [tmp_path / "outbox" / "digest-2026-W32.eml"]
    raw = outcome.eml[0].read_bytes()
    assert b"To: ed@example.org, chief@example.org" in raw
    with store.session() as session:
        assert delivery_store.deliveries(session) == []


# --- when it is due --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("now", "week"),
    [
        (datetime(2026, 8, 10, 7, 30, tzinfo=UTC), "2026-W32"),  # Mon 08:30 London
        (datetime(2026, 8, 10, 6, 59, tzinfo=UTC), "2026-W31"),  # Mon 07:59 London
        (datetime(2026, 8, 16, 22, 0, tzinfo=UTC), "2026-W32"),  # Sun 23:00 London
        (datetime(2026, 8, 16, 23, 30, tzinfo=UTC), "2026-W32"),  # Mon 00:30: not yet 08:00
    ],
)
def test_digest_due_is_the_week_before_the_last_scheduled_time(tmp_path, store, now, week):
    config = write_site(tmp_path / "site")
    assert digest_due(config, store, now) == week


def test_digest_due_until_every_recipient_has_it(tmp_path, store):
    config = write_site(tmp_path / "site")
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W32", "ed@example.org",
                                       sent_at=MONDAY_W33)
    assert digest_due(config, store, MONDAY_W33) == "2026-W32"
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W32", "chief@example.org",
                                       sent_at=MONDAY_W33)
    assert digest_due(config, store, MONDAY_W33) is None
    nobody = write_site(tmp_path / "nobody", digest_to=[])
    assert digest_due(nobody, store, MONDAY_W33) is None


@pytest.mark.parametrize(
    ("now", "zone", "week"),
    [
        (datetime(2026, 11, 30, 7, 0, tzinfo=UTC), "UTC", "2026-W48"),
        (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "UTC", "2026-W47"),  # still Sunday
        (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "Asia/Shanghai", "2026-W48"),  # Monday
        (datetime(2026, 1, 4, 12, 0, tzinfo=UTC), "UTC", "2025-W52"),
        (datetime(2027, 1, 4, 12, 0, tzinfo=UTC), "UTC", "2026-W53"),
    ],
)
def test_last_completed_week(now, zone, week):
    from zoneinfo import ZoneInfo

    assert last_completed_week(now, ZoneInfo(zone)) == week


# --- the command -----------------------------------------------------------------------

def run_cli(config: Config, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config.path), *args],
                              catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W60"], "2026 has no ISO week 60"),
        (["--week", "last"], "write YYYY-Www"),
        (["--send", "--dry-run", "x"], "not both"),
        (["--force"], "--force only means something"),
    ],
)
def test_digest_command_bad_usage_is_exit_2(tmp_path, args, message):
    config = write_site(tmp_path / "site")
    result = run_cli(config, "digest", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_digest_command_archives_and_prints_paths(site):
    config, _ = site
    result = run_cli(config, "digest", "--week", "2026-W32")
    assert result.exit_code == 0, result.output
    assert str(config.archive_dir / "2026-W32.html") in result.output
    assert (config.archive_dir / "2026-W32.txt").is_file()


def test_digest_command_dry_run_writes_eml(site, tmp_path):
    config, _ = site
    result = run_cli(config, "digest", "--week", "2026-W32", "--dry-run",
                     str(tmp_path / "outbox"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "outbox" / "digest-2026-W32.eml").is_file()
    assert "dry run: wrote" in result.output


def test_digest_command_sends_then_skips(tmp_path, store, smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site", port=port)
    first = run_cli(config, "digest", "--week", "2026-W32", "--send")
    again = run_cli(config, "digest", "--week", "2026-W32", "--send")
    assert first.exit_code == 0 and "sent to ed@example.org, chief@example.org" in first.output
    assert again.exit_code == 0 and "already delivered to ed@example.org" in again.output
    assert len(inbox.envelopes) == 1


def test_digest_command_exit_3_when_every_recipient_failed(tmp_path):
    config = write_site(tmp_path / "site", port=free_port())
    result = run_cli(config, "digest", "--week", "2026-W32", "--send")
    assert result.exit_code == 3
    assert "not sent to ed@example.org" in result.output


def test_digest_command_needs_recipients_to_send(tmp_path):
    config = write_site(tmp_path / "site", digest_to=[])
    result = run_cli(config, "digest", "--send")
    assert result.exit_code == 2 and "digest_to" in result.output


def test_test_report_writes_html_and_text(tmp_path):
    config = write_site(tmp_path / "site")
    for kind in ("digest", "alert"):
        result = run_cli(config, "test-report", kind, "--out", str(tmp_path / "look"))
        assert result.exit_code == 0, result.output
        html = (tmp_path / "look" / f"sample-{kind}.html").read_text(encoding="utf-8")
        text = (tmp_path / "look" / f"sample-{kind}.txt").read_text(encoding="utf-8")
        assert "Qwen9" in html and "Qwen9" in text
    assert not config.archive_dir.exists()  # --out given: nothing in the archive


def test_test_report_send_mails_it_marked_as_a_test(tmp_path, store, smtp_inbox):
    inbox, port = smtp_inbox
    config = write_site(tmp_path / "site", port=port)
    result = run_cli(config, "test-report", "digest", "--send")
    assert result.exit_code == 0, result.output
    assert (config.archive_dir / "test-report" / "sample-digest.html").is_file()
    assert inbox.envelopes[0].rcpt_tos == EDITORS
    assert inbox.messages()[0]["Subject"].startswith("[test] claimwatch ")
    no_alert_to = run_cli(config, "test-report", "alert", "--send")
    assert no_alert_to.exit_code == 2 and "alert_to" in no_alert_to.output
    assert len(inbox.envelopes) == 1
