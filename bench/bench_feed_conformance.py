"""Feed conformance: the ``feed`` kind against feedparser's own test corpus.

    .venv/bin/python bench/bench_feed_conformance.py [--corpus DIR] [--list]

For each file of feedparser's test corpus (``../shared/corpus/feedparser-tests`` when
present, else the subset copied into tests/data/feedparser-tests; it says which), the
project's reading is compared

- with the file's ``Expect:`` lines, read as data with ``ast`` (never evaluated): only
  ``entries[i]['title'] == '...'`` (or ``title_detail['value']``), ``entries[i]['link']``
  and ``entries[i]['published_parsed' | 'updated_parsed' | 'created_parsed']`` against
  a literal are checked, the rest of a line is ignored, and a title, link or date
  comparison against anything but a literal counts as not checkable;
- with feedparser's answer on the same bytes: entries found, titles, links, dates,
  and whether a body that yields nothing is an error.

Each file is served as feedparser's own test harness serves it: from
``http://127.0.0.1:8097/tests/<path>`` (relative links resolve against it) with the
``Header:`` lines of the file as HTTP headers. A title is compared as text: an HTML
title (by feedparser's ``title_detail.type``) by its text, a text title as written.
It prints agreement per class, the total parse time of each, and with ``--list`` every
disagreement, with the reason when it is kept on purpose (``KEPT``).
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sources import HttpResponse, ParseError, feed  # noqa: E402
from sources.feed_entry import collapse, html_to_text, to_utc  # noqa: E402

SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "feedparser-tests"
COPIED_CORPUS = ROOT / "tests" / "data" / "feedparser-tests"
HARNESS_URL = "http://127.0.0.1:8097/tests/"
CLASSES = ("titles", "links", "dates", "entries", "errors")

_ENCLOSURE = ("rel=enclosure is not the entry's page, the alternate link is (as the file's own "
              "Expect line says; feedparser takes the last link)")
_OPAQUE_ID = ("an opaque id ('right', '1') is the entry's key, not made into a link by "
              "joining it to the feed's address (feedparser does)")
# Disagreements kept on purpose, by file path (relative to the corpus) prefix.
KEPT: dict[str, str] = {
    "wellformed/base/http_": "Content-Location is no longer a base URI (RFC 7231, 3.1.4.2): "
    "relative links resolve against the response URL and xml:base",
    "wellformed/atom/entry_link_no_href_link_priority": _ENCLOSURE,
    "wellformed/atom10/entry_link_no_href_link_priority": _ENCLOSURE,
    "wellformed/atom/entry_link_rel_enclosure_no_href": _ENCLOSURE,
    "wellformed/atom10/entry_link_rel_enclosure_no_href": _ENCLOSURE,
    "wellformed/rss/item_category_image": "'Savage Love' is the title of an image inside a "
    "category, not the item's: the item has nothing to show",
    "wellformed/rss/item_description_not_a_doctype": "a description that is only a broken "
    "markup declaration has no text to show",
    "wellformed/rss/item_guid_isPermaLink_ValueError": "an item with only a guid keeps it as "
    "its key; the invalid URL is dropped, not the item",
    "wellformed/atom10/entry_id_with_attributes": _OPAQUE_ID,
    "wellformed/lang/http_content_language_entry_title_inherit_2": _OPAQUE_ID,
    "wellformed/base/cdf_item_abstract_xml_base": "CDF's BASE attribute is not read (CDF, "
    "Microsoft's 1997 format, is served by no source claimwatch watches)",
    "encoding/bozo_http_": "a well-formed feed without entries whose fault is only its "
    "Content-Type or charset is an empty feed, not an error",
    "illformed/http_high_bit_date": "a well-formed feed without entries (an undecodable "
    "channel date) is an empty feed, not an error",
    "wellformed/sanitize/item_content_encoded_script_nested_cdata": "the item's only text "
    "is inside a <script>: nothing to show",
    "wellformed/sanitize/entry_title_crazy": "HTML comments and script bodies in an HTML "
    "title are not text",
}


@dataclass
class Tally:
    agree: int = 0
    disagree: int = 0
    not_checkable: int = 0
    disagreements: list[str] = field(default_factory=list)

    def add(self, ok: bool, name: str, detail: str) -> None:
        if ok:
            self.agree += 1
        else:
            self.disagree += 1
            self.disagreements.append(f"{name}: {detail}")


@dataclass
class Report:
    corpus: Path
    files: int = 0
    by_expect: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in CLASSES})
    by_feedparser: dict[str, Tally] = field(
        default_factory=lambda: {c: Tally() for c in CLASSES})
    project_seconds: float = 0.0
    feedparser_seconds: float = 0.0


# --- reading a corpus file ------------------------------------------------------------

_EXPECT = re.compile(r"^\s*Expect:\s*(.*?)\s*(?:-->)?\s*$", re.MULTILINE)
_HEADER = re.compile(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".xml", ".rdf"))


def expectations(body: bytes) -> list[str]:
    head = body[:8192].decode("latin-1")
    return [line for line in _EXPECT.findall(head) if line]


def headers_of(body: bytes) -> dict[str, str]:
    head = body[:8192].decode("latin-1")
    headers = {name.lower(): value for name, value in _HEADER.findall(head)}
    headers.setdefault("content-type", "application/xml")  # what the harness serves
    return headers


def _path(node: ast.AST) -> list[Any] | None:
    """``entries[0]['title']`` as ["entries", 0, "title"]; None for anything else."""
    parts: list[Any] = []
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            parts.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return parts[::-1]
        else:
            return None


def _class_of(path: list[Any]) -> str | None:
    if len(path) < 3 or path[0] != "entries" or not isinstance(path[1], int):
        return None
    rest = path[2:]
    if rest in (["title"], ["title_detail", "value"]):
        return "titles"
    if rest == ["link"]:
        return "links"
    if rest in (["published_parsed"], ["updated_parsed"], ["created_parsed"]):
        return "dates"
    return None


def checks(expect: str) -> tuple[list[tuple[str, list[Any], Any]], set[str]]:
    """The (class, path, literal) comparisons of one Expect line, and the classes it
    mentions in a way that cannot be checked."""
    try:
        tree = ast.parse(expect, mode="eval").body
    except SyntaxError:
        return [], set()
    found: list[tuple[str, list[Any], Any]] = []
    unreadable: set[str] = set()
    nodes = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) \
        else [tree]
    for node in nodes:
        if not isinstance(node, ast.Compare):
            continue
        path = _path(node.left)
        kind = _class_of(path) if path else None
        if kind is None:
            continue
        if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq):
            unreadable.add(kind)
            continue
        try:
            literal = ast.literal_eval(node.comparators[0])
        except ValueError:
            unreadable.add(kind)
            continue
        found.append((kind, path, literal))
    return found, unreadable


# --- the two readings ----------------------------------------------------------------


@dataclass
class Reading:
    entries: list[Any]  # FeedEntry for the project, FeedParserDict for feedparser
    # findings for the project, for feedparser its entries the project would keep
    findings: int = 0
    error: str = ""
    bozo: bool = False


def parse_project(response: HttpResponse) -> Any:
    """What a poll does with the body: findings, or the ParseError."""
    try:
        return feed.parse(response, feed.Params(url=response.url))
    except ParseError as error:
        return error


def read_project(response: HttpResponse) -> Reading:
    parsed = parse_project(response)
    if isinstance(parsed, ParseError):
        return Reading([], error=str(parsed))
    return Reading(feed.read_body(response)[0], findings=len(parsed.findings))


def parse_feedparser(response: HttpResponse) -> Any:
    headers = {"content-location": response.url, **response.headers}
    return feedparser.parse(io.BytesIO(response.body), response_headers=headers)


def read_feedparser(response: HttpResponse) -> Reading:
    parsed = parse_feedparser(response)
    keys = {_key(entry) for entry in parsed.entries if _has_something(entry)}
    return Reading(list(parsed.entries), findings=len(keys), bozo=bool(parsed.bozo))


def _has_something(entry: Any) -> bool:
    """What the project keeps: an id, a link, or some text (not markup alone)."""
    if entry.get("id") or entry.get("link") or feedparser_title(entry):
        return True
    texts = [entry.get("summary", "")] + [c.get("value", "") for c in entry.get("content", [])]
    return any(html_to_text(text) for text in texts)


def _key(entry: Any) -> tuple[str, ...]:
    """Entries the project reads as one finding (same id, link, or text) count once."""
    if entry.get("id") or entry.get("link"):
        return (entry.get("id") or entry.get("link"),)
    return (entry.get("title", ""), entry.get("summary", ""))


def feedparser_title(entry: Any) -> str:
    title = entry.get("title", "")
    kind = (entry.get("title_detail") or {}).get("type", "text/plain")
    return html_to_text(title) if kind in ("text/html", "application/xhtml+xml") \
        else collapse(title)


def _as_title(expected: Any, fp_entry: Any) -> str:
    kind = (fp_entry.get("title_detail") or {}).get("type", "text/plain") if fp_entry else ""
    text = str(expected)
    return html_to_text(text) if kind in ("text/html", "application/xhtml+xml") \
        else collapse(text)


def _date_of(entry: Any, which: str) -> tuple[int, ...] | None:
    value = {"published_parsed": entry.published or None,
             "created_parsed": entry.published or None,
             "updated_parsed": entry.updated or entry.published or None}[which]
    moment = to_utc(value)
    return moment.timetuple()[:6] if moment else None


def _fp_date(fp_entry: Any, which: str) -> tuple[int, ...] | None:
    value = dict.get(fp_entry, which)
    return tuple(value[:6]) if value else None


# --- comparing -------------------------------------------------------------------------


def compare_expect(name: str, body: bytes, ours: Reading, theirs: Reading,
                   report: Report) -> None:
    seen: dict[str, bool] = {}
    unreadable: set[str] = set()
    details: dict[str, str] = {}
    for expect in expectations(body):
        found, cannot = checks(expect)
        unreadable |= cannot
        for kind, path, literal in found:
            index = path[1]
            entry = ours.entries[index] if index < len(ours.entries) else None
            fp_entry = theirs.entries[index] if index < len(theirs.entries) else None
            ok, detail = _expect_holds(kind, path, literal, entry, fp_entry)
            seen[kind] = seen.get(kind, True) and ok
            if not ok:
                details[kind] = detail
    for kind in unreadable - set(seen):
        report.by_expect[kind].not_checkable += 1
    for kind, ok in seen.items():
        report.by_expect[kind].add(ok, name, details.get(kind, ""))


def _expect_holds(kind: str, path: list[Any], literal: Any, entry: Any, fp_entry: Any
                  ) -> tuple[bool, str]:
    if entry is None:
        return False, "entry not found"
    if kind == "titles":
        want = _as_title(literal, fp_entry)
        return entry.title == want, f"{entry.title!r} != {want!r}"
    if kind == "links":
        want = feed.web_url(str(literal))
        got = feed.web_url(entry.link)
        return got == want, f"{got!r} != {want!r}"
    want = tuple(literal[:6]) if isinstance(literal, tuple) and literal else None
    got = _date_of(entry, path[2])
    return got == want, f"{got} != {want}"


def compare_feedparser(name: str, ours: Reading, theirs: Reading, report: Report) -> None:
    tallies = report.by_feedparser
    tallies["entries"].add(ours.findings == theirs.findings, name,
                           f"{ours.findings} findings, feedparser {theirs.findings}"
                           + (f" ({ours.error})" if ours.error else ""))
    unreadable = theirs.bozo and not theirs.entries
    if ours.error or unreadable:
        # never an empty success on what feedparser cannot read; never an error on
        # what it reads entries from
        agree = bool(ours.error) and theirs.findings == 0
        tallies["errors"].add(agree, name, f"project error {ours.error!r}, feedparser "
                                           f"bozo={theirs.bozo} with {theirs.findings} entries")
    pairs = list(zip(ours.entries, theirs.entries, strict=False))
    if not pairs:
        return
    titles = [(e.title, feedparser_title(f)) for e, f in pairs if f.get("title")]
    if titles:
        bad = [pair for pair in titles if pair[0] != pair[1]]
        tallies["titles"].add(not bad, name, f"{bad[0][0]!r} != {bad[0][1]!r}" if bad else "")
    links = [(feed.web_url(e.link), feed.web_url(f.get("link", ""))) for e, f in pairs
             if f.get("link")]
    if links:
        bad = [pair for pair in links if pair[0] != pair[1]]
        tallies["links"].add(not bad, name, f"{bad[0][0]!r} != {bad[0][1]!r}" if bad else "")
    dates = []
    for entry, fp_entry in pairs:
        for which in ("published_parsed", "updated_parsed"):
            if _fp_date(fp_entry, which):
                dates.append((_date_of(entry, which), _fp_date(fp_entry, which)))
    if dates:
        bad = [pair for pair in dates if pair[0] != pair[1]]
        tallies["dates"].add(not bad, name, f"{bad[0][0]} != {bad[0][1]}" if bad else "")


# --- running ---------------------------------------------------------------------------


def default_corpus() -> Path:
    return SHARED_CORPUS if SHARED_CORPUS.is_dir() else COPIED_CORPUS


def _best_time(parse: Any, responses: list[HttpResponse], repeat: int) -> float:
    """CPU seconds for one pass over every body, best of ``repeat`` (CPU time, not wall:
    the machine is shared, and both parsers run on this one thread)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for response in responses:
            parse(response)
        best = min(best, time.process_time() - started)
    return best


def run(corpus: Path, repeat: int = 3) -> Report:
    report = Report(corpus)
    responses = []
    for path in corpus_files(corpus):
        name = path.relative_to(corpus).as_posix()
        body = path.read_bytes()
        responses.append((name, body, HttpResponse(
            url=HARNESS_URL + name, status=200, headers=headers_of(body), body=body)))
    report.files = len(responses)
    bodies = [response for _, _, response in responses]
    report.project_seconds = _best_time(parse_project, bodies, repeat)
    report.feedparser_seconds = _best_time(parse_feedparser, bodies, repeat)
    ours = [read_project(response) for response in bodies]
    theirs = [read_feedparser(response) for response in bodies]
    for (name, body, _), mine, fps in zip(responses, ours, theirs, strict=True):
        compare_expect(name, body, mine, fps, report)
        compare_feedparser(name, mine, fps, report)
    return report


def kept_reason(disagreement: str) -> str | None:
    name = disagreement.split(":", 1)[0]
    return next((why for prefix, why in KEPT.items() if name.startswith(prefix)), None)


def print_report(report: Report, listing: bool) -> None:
    which = "shared copy" if report.corpus == SHARED_CORPUS else "subset copied into tests/data"
    print(f"corpus: {report.corpus} ({which}), {report.files} files")
    for title, tallies in (("by the files' Expect lines", report.by_expect),
                           ("against feedparser on the same bytes", report.by_feedparser)):
        print(f"\n{title}:")
        for kind, tally in tallies.items():
            checked = tally.agree + tally.disagree
            if not checked and not tally.not_checkable:
                continue
            kept = sum(1 for d in tally.disagreements if kept_reason(d))
            print(f"  {kind:<8} {tally.agree:>5} / {checked:<5} agree"
                  f"  ({kept} kept on purpose, {tally.not_checkable} not checkable)")
            if listing:
                for disagreement in tally.disagreements:
                    reason = kept_reason(disagreement)
                    print(f"      {disagreement}" + (f"\n        KEPT: {reason}" if reason else ""))
    ratio = report.project_seconds / report.feedparser_seconds
    print(f"\ntotal parse CPU time: project {report.project_seconds:.2f} s, feedparser "
          f"{report.feedparser_seconds:.2f} s ({ratio:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--list", action="store_true", help="list every disagreement")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes, best kept")
    arguments = parser.parse_args()
    print_report(run(arguments.corpus, arguments.repeat), arguments.list)


if __name__ == "__main__":
    main()
