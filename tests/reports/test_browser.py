"""How the digest email and the dashboard look in a real browser: headless Chromium.

Each page is screenshotted at 1200 px and 375 px, and measured: at 375 px nothing may
make the page scroll sideways. Headless Chromium does not lay out a window narrower
than 500 px (a 375 px window is a 500 px layout cropped), so narrow widths are
rendered in an iframe of exactly that width, which is what media queries and
percentages see on a phone.

The measurement needs script, which the product pages never carry (the dashboard's
Content-Security-Policy forbids it): a test-only probe is added to a copy of each
page, with the policy removed from the copy, and posts ``scrollWidth`` to the frame
around it; ``--dump-dom`` reads it back.

Without Chromium these tests are skipped on a developer's machine and fail under CI
(``CI`` set), where ``.ci/run`` installs Debian's ``chromium``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from reports.dashboard import DashboardData, claim_marks, render_index, render_page
from reports.pagemark import mark_page
from reports.render import render_digest
from reports.samples import sample_digest
from storage.history import ClaimView, EvidenceView, FlagView, HistoryEntry, last_weeks
from tests.conftest import EXAMPLE, NOW

TIMEOUT_S = 30
MIN_WINDOW = 500  # headless Chromium's narrowest layout
WIDTHS = (1200, 375)
PAGES = ("digest.html", "index.html", "page.html")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

PROBE = """<script>
window.addEventListener("load", function () {
  var root = document.documentElement, wide = [];
  var all = document.body.getElementsByTagName("*");
  for (var i = 0; i < all.length && wide.length < 8; i++) {
    var box = all[i].getBoundingClientRect();
    if (box.right > root.clientWidth + 1) {
      wide.push(all[i].tagName.toLowerCase() + "." + all[i].className + " right=" + box.right);
    }
  }
  window.parent.postMessage({scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
                             wide: wide}, "*");
});
</script>"""

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; }}
iframe {{ display: block; border: 0; width: {width}px; height: {height}px; }}
</style></head><body>
<pre id="result">no answer</pre>
<iframe src="{src}" title="page under test"></iframe>
{script}
</body></html>"""

LISTEN = """<script>
window.addEventListener("message", function (event) {
  document.getElementById("result").textContent = JSON.stringify(event.data);
});
</script>"""


def _find_chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    return _require_chromium()


def _require_chromium() -> str:
    found = _find_chromium()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed but CI is set: the browser tests must run "
                    "in CI (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium); "
                "the browser tests need headless Chromium")


def _browse(chromium: str, workdir: Path, url: str, width: int, height: int,
            *args: str) -> subprocess.CompletedProcess[str]:
    profile = workdir / f"profile-{len(list(workdir.glob('profile-*')))}"
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
        f"--window-size={width},{height}", *args, url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                            check=False)
    assert result.returncode == 0, f"chromium failed: {result.stderr[-2000:]}"
    return result


def _dashboard_data() -> DashboardData:
    """The example's 58 claims with every status, flags, long evidence URLs and history:
    contradicted ones with a second cause, every other stale one stale only by age
    (a row of the compact table, watching sources with long ids)."""
    with (EXAMPLE / "claims.toml").open("rb") as handle:
        raw = tomllib.load(handle)["claim"]
    statuses = ("contradicted", "stale", "review", "unchecked", "fresh")
    claims = []
    for number, entry in enumerate(raw):
        status = statuses[number % len(statuses)]
        flags: tuple[FlagView, ...] = ()
        if status == "contradicted":
            flags = (_flag(number, entry["id"], status),
                     _flag(1000 + number, entry["id"], "review"))
        elif status == "stale" and number % 2:
            flags = (_flag(number, entry["id"], status, rule="age"),)
        elif status in ("stale", "review"):
            flags = (_flag(number, entry["id"], status),)
        history = (
            HistoryEntry(NOW - timedelta(days=40), "importer", "claim", "created",
                         f"as of {entry['as_of']}"),
            *(HistoryEntry(NOW - timedelta(days=2), "claimwatch", f"{status} flag #{number}",
                           "opened", f.reason) for f in flags),
        )
        claims.append(ClaimView(
            id=entry["id"], page=entry["page"], section=entry["section"], text=entry["text"],
            subject=entry["subject"], as_of=entry["as_of"], review_every=entry["review_every"],
            status=status, flags=flags, history=history,
            watch=("hf-qwen-" + "z" * 90, "blog-qwen") if number % 2 else (),
        ))
    weeks = last_weeks(NOW)
    releases = {w: {"china": i % 4, "us": (i * 2) % 5, "elsewhere": i % 2}
                for i, w in enumerate(weeks)}
    open_flags = {w: {"contradicted": i, "stale": 2 * i, "review": 1} for i, w in enumerate(weeks)}
    return DashboardData(generated_at=NOW, claims=tuple(claims), weeks=tuple(weeks),
                         releases=releases, open_flags=open_flags)


def _flag(number: int, claim_id: str, status: str, rule: str = "superseded") -> FlagView:
    long_url = ("https://huggingface.co/Qwen/Qwen3-235B-A22B-Instruct-2507-FP8/resolve/main/"
                "model-00001-of-00024.safetensors?download=true&" + "x" * 120)
    return FlagView(
        id=number, claim_id=claim_id, verdict=status, status="open", rule=rule,
        reason="Qwen/Qwen3-235B-A22B-Instruct-2507-FP8-with-a-very-long-unbroken-model-name "
               "appeared on 2026-07-21, after the claim's as-of date.",
        suggestion="Qwen3-235B-A22B-Instruct-2507 (July 2026)",
        evidence=(EvidenceView("Qwen3-235B-A22B-Instruct-2507-FP8-" + "y" * 80, long_url,
                               "hf-qwen", NOW),
                  EvidenceView("a post with no usable link", long_url.replace("https", "ftp"),
                               "blog-qwen", None)),
        opened_at=NOW - timedelta(days=2),
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The digest email and both dashboard pages, written side by side."""
    folder = tmp_path_factory.mktemp("browser")
    (folder / "digest.html").write_text(render_digest(sample_digest(NOW)).html, encoding="utf-8")
    data = _dashboard_data()
    page = (EXAMPLE / "page.md").read_text(encoding="utf-8")
    marked = mark_page(page, claim_marks(data))
    assert marked.missing == ()
    index = render_index(data)
    # every kind of card is on the pages measured below
    assert 'id="stale-by-age"' in index and '<h2 id="unchecked">' in index
    assert "2 causes" in index
    (folder / "index.html").write_text(index, encoding="utf-8")
    (folder / "page.html").write_text(render_page(data, marked, "page.md"), encoding="utf-8")
    return folder


def _png(path: Path) -> tuple[int, int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height, len(data)


def _screenshot(chromium: str, folder: Path, name: str, width: int) -> Path:
    """A PNG of ``name`` as a ``width`` px screen shows it."""
    height = 900 if width >= MIN_WINDOW else 1400
    shot = folder / f"{Path(name).stem}-{width}.png"
    if width >= MIN_WINDOW:
        target = folder / name
        window = width
    else:
        target = folder / f"frame-{Path(name).stem}-{width}.html"
        target.write_text(HARNESS.format(width=width, height=height, src=name, script="")
                          .replace('<pre id="result">no answer</pre>', ""), encoding="utf-8")
        window = MIN_WINDOW
    _browse(chromium, folder, target.as_uri(), window, height, f"--screenshot={shot}")
    return shot


@pytest.fixture(scope="module")
def blank_sizes(chromium: str, site: Path) -> dict[int, int]:
    """PNG bytes of an empty page at each width: what 'nothing rendered' weighs."""
    (site / "blank.html").write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    return {width: _png(_screenshot(chromium, site, "blank.html", width))[2] for width in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot_is_produced_and_not_blank(chromium: str, site: Path,
                                              blank_sizes: dict[int, int], name: str,
                                              width: int) -> None:
    shot = _screenshot(chromium, site, name, width)
    png_width, png_height, size = _png(shot)
    assert png_width == max(width, MIN_WINDOW) and png_height in (900, 1400)
    assert size > 4 * blank_sizes[width], f"{shot} looks empty ({size} bytes)"


def _measure(chromium: str, folder: Path, name: str, width: int) -> dict:
    """scrollWidth and clientWidth of ``name`` laid out ``width`` px wide."""
    original = (folder / name).read_text(encoding="utf-8")
    probed = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", original)
    has_policy = 'http-equiv="Content-Security-Policy"' in original
    assert has_policy == (probed != original)  # the policy is gone from the copy
    assert "</body>" in probed
    copy = folder / f"probe-{width}-{name}"
    copy.write_text(probed.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    harness = folder / f"probe-{width}-{Path(name).stem}-frame.html"
    harness.write_text(HARNESS.format(width=width, height=900, src=copy.name, script=LISTEN),
                       encoding="utf-8")
    result = _browse(chromium, folder, harness.as_uri(), max(width, MIN_WINDOW) + 20, 1000,
                     "--dump-dom", "--virtual-time-budget=2000")
    answer = re.search(r'<pre id="result">(.*?)</pre>', result.stdout, re.S)
    assert answer and answer[1] != "no answer", f"the probe did not answer: {result.stdout[:500]}"
    return json.loads(html.unescape(answer[1]))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_overflow(chromium: str, site: Path, name: str, width: int) -> None:
    measured = _measure(chromium, site, name, width)
    assert measured["clientWidth"] == width
    assert measured["scrollWidth"] <= width, f"{name} overflows: {measured}"


def test_the_probe_sees_an_overflowing_page(chromium: str, site: Path) -> None:
    (site / "wide.html").write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body style="margin:0"><div style="width:600px;height:10px"></div></body></html>',
        encoding="utf-8",
    )
    assert _measure(chromium, site, "wide.html", 375)["scrollWidth"] == 600
    assert _measure(chromium, site, "wide.html", 1200)["scrollWidth"] == 1200


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception),
                                             ("", pytest.skip.Exception)])
def test_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome) -> None:
    monkeypatch.setattr(f"{__name__}._find_chromium", lambda: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="chromium is not installed"):
        _require_chromium()
