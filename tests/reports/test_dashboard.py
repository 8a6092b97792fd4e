"""The static dashboard, built from a store the real check pipeline filled.

The store is filled by ``monitor.pipeline.run_check`` replaying a snapshot written with
``sources.replay.save_exchange``: a Qwen Hub listing and a blog feed whose post title
and link are hostile. Then ``claimwatch report`` writes the site and the tests read it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.pipeline import run_check
from rules.verdict import Evidence, Status, Verdict
from sources.finding import Finding
from sources.replay import save_exchange
from sources.response import HttpResponse
from storage import findings as finding_store
from storage import flags as flag_store
from storage.db import open_store
from tests.conftest import CLAIMS, CONFIG, NOW, write_config

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"
HOSTILE_FINDING = Finding(
    key="hostile", title=f"Qwen3.5 preview {SCRIPT} {IMG}", kind="post", url=JS_URL,
    published=datetime(2026, 11, 25, tzinfo=UTC),
)

CLAIMS_WITH_WATCH = CLAIMS + """
[[claim]]
id = "qwen-next"
page = "test-page"
section = "Models"
text = "Qwen3 is the newest Qwen line."
subject = "Qwen line-up"
as_of = "2026-05"
review_every = "never"
keywords = ["Qwen3.5"]
watch = ["blog-qwen"]

[[claim]]
id = "gone-from-page"
page = "test-page"
section = "Models"
text = "This sentence is not on the page."
subject = "nothing"
as_of = "2026-05"
review_every = "never"
"""

PAGE = f"""\
# Test page

## Models

Qwen3 came out under Apache 2.0 in April 2026. Qwen3 is the newest Qwen line.

| Region | Rules |
|---|---|
| China | China's generative AI rules date from 2023. |

{SCRIPT}

Raw {IMG} and [a link]({JS_URL}) and [a good one](https://example.org/ok).
"""


def _snapshot(folder: Path) -> Path:
    listing = [
        {"id": "Qwen/Qwen3-8B", "createdAt": "2025-04-28T15:00:00.000Z",
         "tags": ["license:apache-2.0"], "pipeline_tag": "text-generation"},
        {"id": "Qwen/Qwen3-30B-A3B", "createdAt": "2026-11-18T01:00:00.000Z",
         "tags": ["license:apache-2.0"]},
    ]
    save_exchange(
        folder,
        "https://huggingface.co/api/models?author=Qwen&sort=createdAt"
        "&direction=-1&limit=100&full=true",
        HttpResponse("https://huggingface.co/api/models", 200,
                     {"content-type": "application/json"}, json.dumps(listing).encode()),
    )
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Qwen</title>'
        b"<item><title>Qwen3.5 is out</title>"
        b"<link>https://qwenlm.github.io/blog/qwen3.5/</link>"
        b"<pubDate>Tue, 24 Nov 2026 04:00:00 +0800</pubDate></item></channel></rss>"
    )
    save_exchange(
        folder, "https://qwenlm.github.io/blog/index.xml",
        HttpResponse("https://qwenlm.github.io/blog/index.xml", 200,
                     {"content-type": "application/rss+xml"}, feed),
    )
    return folder


@pytest.fixture(autouse=True)
def _clock(monkeypatch) -> None:
    """The report is dated NOW, like the checks below, whatever today is."""
    monkeypatch.setattr("monitor.cli_dashboard.utcnow", lambda: NOW + timedelta(hours=2))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A config with a page, its store filled by replayed checks.

    Feed parsers strip markup from titles, so the hostile finding a less careful
    source kind could report is stored through the findings API between two checks;
    the second check cites it as evidence.
    """
    config_text = CONFIG.replace('files = ["claims.toml"]',
                                 'files = ["claims.toml"]\npage = "page.md"')
    path = write_config(tmp_path / "site", config_text, CLAIMS_WITH_WATCH)
    (path.parent / "page.md").write_text(PAGE, encoding="utf-8")
    config = load_config(path)
    store = open_store(config.store_url)
    try:
        snapshot = _snapshot(tmp_path / "snap")
        report = run_check(config, store, everything=True, replay_dir=snapshot,
                           clock=lambda: NOW, by="tester")
        assert {s.category for s in report.sources} == {"ok"}
        with store.session() as session:
            finding_store.upsert_findings(session, "blog-qwen", [HOSTILE_FINDING], now=NOW)
        run_check(config, store, everything=True, replay_dir=snapshot,
                  clock=lambda: NOW + timedelta(hours=1), by="tester")
        _hostile_flag(store)
    finally:
        store.close()
    return path


def _hostile_flag(store) -> None:
    """A flag whose every text and link is hostile, through the real flag API."""
    verdict = Verdict(
        claim_id="cac-rules", rule="mention", status=Status.STALE, cause="mention:hostile",
        reason=f"Reason {SCRIPT}", suggestion=f"Suggest {IMG}",
        evidence=(Evidence("blog-qwen", "k1", f"Title {SCRIPT}", JS_URL, NOW),
                  Evidence("blog-qwen", "k2", f"Other {IMG}", " JavaScript:alert(2)", None)),
    )
    with store.session() as session:
        flag_store.reconcile(session, [verdict], [], now=NOW + timedelta(minutes=1))


def _report(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), "report", *args],
                              env={"CLAIMWATCH_USER": "tester"}, catch_exceptions=False)


class _Audit(HTMLParser):
    """Collects what could run script: tags, event handlers, link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.hrefs: list[str] = []
        self.marks: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "xlink:href", "action", "formaction"):
                self.hrefs.append(value or "")
        if tag == "mark":
            self.marks.append(dict(attrs))


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    return audit


def _assert_inert(html: str) -> None:
    audit = _audit(html)
    assert "script" not in audit.tags and "img" not in audit.tags and "iframe" not in audit.tags
    assert audit.handlers == []
    for href in audit.hrefs:
        assert re.match(r"(https?://|#|index\.html|page\.html)", href), href
    assert 'http-equiv="Content-Security-Policy"' in html


def test_report_writes_both_pages_with_statuses_and_evidence(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _report(site, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert ("Claims: 1 contradicted, 1 stale, 1 to review, 0 unchecked, 1 fresh; "
            "4 open flags on 3 claims.") in result.output
    assert "1 claim(s) not found on the page" in result.output and "gone-from-page" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    # every claim, with its status as word and colour class
    for claim_id, status in [("qwen3-release", "contradicted"), ("cac-rules", "stale"),
                             ("qwen-next", "review"), ("gone-from-page", "fresh")]:
        article = re.search(rf'<article class="claim status-(\w+)" id="claim-{claim_id}">'
                            r"(.*?)</article>", index, re.S)
        assert article and article[1] == status, claim_id
        word = "to review" if status == "review" else status
        assert f'<span class="status status-{status}">{word}</span>' in article[2]
    qwen = re.search(r'id="claim-qwen3-release">(.*?)</article>', index, re.S)[1]
    assert 'href="https://huggingface.co/Qwen/Qwen3-8B"' in qwen  # the evidence link
    assert "2025-04" in qwen  # the reason dates the evidence
    assert "History (" in qwen and "<strong>opened</strong> by tester" in qwen
    assert "<strong>created</strong> by tester" in qwen
    counts = re.search(r'<ul class="counts".*?</ul>', index, re.S)[0]
    assert re.findall(r'<span class="n">(\d+)</span>([\w ]+)', counts) == [
        ("1", "contradicted"), ("1", "stale"), ("1", "to review"), ("0", "unchecked"),
        ("1", "fresh"), ("4", "open flags")]
    assert index.count("<svg") == 2 and "<title id=\"chart-releases-title\">" in index
    assert 'data-week="2026-W47"><title>2026-W47: China 1, US 0, Elsewhere 0</title>' in index

    page = (out / "page.html").read_text(encoding="utf-8")
    marks = {m["data-claims"]: m["class"] for m in _audit(page).marks if m.get("data-claims")}
    assert marks == {"qwen3-release": "claim status-contradicted",
                     "qwen-next": "claim status-review", "cac-rules": "claim status-stale"}
    assert "3 of 4 claims found on the page" in page
    assert '<h3 id="not-found">Not found on the page (1)</h3>' in page
    notes = re.search(r'<ol class="footnotes">(.*?)</ol>', page, re.S)[1]
    assert notes.count("<li id=\"claim-") == 3
    assert 'href="https://huggingface.co/Qwen/Qwen3-8B"' in notes


def test_default_folder_is_the_configured_dashboard_dir(site: Path) -> None:
    assert _report(site).exit_code == 0
    assert (site.parent / "dashboard" / "index.html").is_file()
    assert (site.parent / "dashboard" / "page.html").is_file()


def test_hostile_titles_links_and_page_html_are_inert(site: Path, tmp_path: Path) -> None:
    assert _report(site, "--out", str(tmp_path / "out")).exit_code == 0
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    for html in (index, page):
        _assert_inert(html)
        assert SCRIPT not in html and IMG not in html
    # the hostile feed title reached the index as evidence, as text
    assert "Qwen3.5 preview &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x" in index
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in index  # not a link ...
    assert '<span class="muted">(javascript:alert(1))</span>' in index  # ... its URL as text
    assert "Reason &lt;script&gt;" in index and "Suggest &lt;img" in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # raw HTML in page.md
    assert "[a link](javascript:alert(1))" in page
    assert '<a href="https://example.org/ok">a good one</a>' in page
    assert "Title &lt;script&gt;" in page  # the footnote's evidence, escaped


def test_without_a_page_the_page_file_says_how_to_add_one(config_path: Path,
                                                        tmp_path: Path) -> None:
    result = _report(config_path, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    # nothing loaded yet
    assert "Claims: 0 contradicted, 0 stale, 0 to review, 0 unchecked, 0 fresh" in result.output
    page = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    assert "No page is configured" in page and "[claims]" in page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "No data in these 12 weeks" in index and "No claims in the store yet" in index
