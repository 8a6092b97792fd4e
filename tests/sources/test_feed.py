"""The feed kind on real captured feeds (tests/data/sources, see SOURCES.md)."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import pytest

from sources import HttpResponse, Parsed, ParseError, feed, feed_xml
from sources.feed_lenient import read_leniently

DATA = Path(__file__).resolve().parent.parent / "data" / "sources"


def response(body: bytes, status: int = 200, content_type: str = "") -> HttpResponse:
    headers = {"content-type": content_type} if content_type else {}
    return HttpResponse(url="https://example.org/feed", status=status, headers=headers, body=body)


def arxiv_capture(name: str) -> HttpResponse:
    """arxiv.py keeps each capture as JSON: {url, status_code, body}."""
    capture = json.loads((DATA / "arxiv" / name).read_text(encoding="utf-8"))
    return HttpResponse(
        url=capture["url"], status=capture["status_code"], headers={},
        body=capture["body"].encode("utf-8"),
    )


def parse_file(relative: str, url: str = "https://example.org/feed") -> Parsed:
    return feed.parse(response((DATA / relative).read_bytes()), feed.Params(url=url))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- real feeds: keys, titles and UTC times taken from the files ----------------------

REAL_FEEDS = [
    # file, feed url, count, first key, first title, first published (UTC), kind
    ("feeds/qwen_blog_index_latest.xml", "https://qwenlm.github.io/blog/index.xml", 44,
     "https://qwenlm.github.io/blog/qwen3guard/",
     "Qwen3Guard: Real-time Safety for Your Token Stream",
     utc(2025, 9, 22, 20, 0), "post"),  # pubDate Tue, 23 Sep 2025 04:00:00 +0800
    ("feeds/olshansk_feed_openai_research.xml", "https://example.org/openai.xml", 194,
     "https://openai.com/index/how-two-settings-tripled-our-arc-agi-3-scores",  # no guid: link
     "How enabling two settings tripled our scores on the ARC-AGI-3 benchmark",
     utc(2026, 7, 29, 15, 0), "post"),
    ("feeds/olshansk_feed_anthropic_news.xml", "https://example.org/a.xml", 255,
     "https://www.anthropic.com/news/claude-text-watermark",
     "How Claude\u2019s text watermark works", utc(2026, 8, 14), "post"),
    ("feeds/olshansk_feed_meta_ai.xml", "https://example.org/m.xml", 88,
     "https://ai.meta.com/blog/assistive-robotics-university-of-pittsburgh-sam-dino/",
     "Reimagining Independence: How Meta\u2019s AI Models Are Helping the University of "
     "Pittsburgh Transform Assistive Robotics", utc(2026, 7, 27), "post"),
    ("feeds/olshansk_feed_mistral.xml", "https://example.org/m.xml", 54,
     "https://mistral.ai/news/accelerate-ai-native-industry",
     "Emmi joins Mistral to accelerate the AI-native industry", utc(2026, 5, 22), "post"),
    ("feeds/olshansk_feed_google_ai.xml", "https://example.org/g.xml", 10,
     "https://developers.googleblog.com/build-zero-trust-ai-agents-with-googles-agent-development-kit/",
     "Build zero-trust AI agents with Google's Agent Development Kit", utc(2026, 8, 17), "post"),
    ("feeds/fastfeedparser_real_kagi_blog_rss.xml", "https://blog.kagi.com/rss.xml", 42,
     "https://blog.kagi.com/kagi-translate-mobile", "Kagi Translate Arrives on Mobile",
     utc(2026, 2, 3), "post"),
    ("feeds/fastfeedparser_real_blogger_atom.xml", "https://example.blogspot.com/feeds", 25,
     "tag:blogger.com,1999:blog-10944560.post-2659469769582980699", "Naming the Infinite",
     utc(2025, 12, 31, 17, 40, 0, 8000), "post"),  # 2025-12-31T12:40:00.008-05:00
    ("feeds/feedrs_real_cloudflare_blog_ghost_rss.xml", "https://blog.cloudflare.com/rss/", 1,
     "6166e7e065133e02a961145d", "Privacy-Preserving Compromised Credential Checking",
     utc(2021, 10, 14, 12, 59, 53), "post"),  # GMT
    ("github/newsyacht_real_releases_atom_astral-sh_ty.xml",
     "https://github.com/astral-sh/ty/releases.atom", 10,
     "tag:github.com,2008:Repository/976731654/0.0.1-alpha.34", "0.0.1-alpha.34",
     utc(2025, 12, 12, 18, 30, 16), "release"),
    ("github/rssfeedfilterer_real_releases_atom_tz_offset.xml",
     "https://github.com/bilalcaliskan/s3-manager/releases.atom", 10,
     "tag:github.com,2008:Repository/621493965/v2.1.1", "v2.1.1",
     utc(2023, 8, 4, 9, 21, 41), "release"),  # <updated>2023-08-04T12:21:41+03:00
]


@pytest.mark.parametrize(("relative", "url", "count", "key", "title", "published", "kind"),
                         REAL_FEEDS, ids=[row[0] for row in REAL_FEEDS])
def test_real_feed_gives_its_entries(relative, url, count, key, title, published, kind):
    parsed = parse_file(relative, url)
    assert parsed.warnings == []
    assert len(parsed.findings) == count
    newest = parsed.findings[0]
    assert (newest.key, newest.title, newest.published) == (key, title, published)
    assert newest.kind == kind
    assert len({finding.key for finding in parsed.findings}) == count
    for finding in parsed.findings:
        assert finding.published is not None and finding.published.tzinfo == UTC
        assert "<" not in finding.title or finding.title in TEXT_TITLES_WITH_BRACKETS


# Text titles whose angle brackets are text (feedparser reads them so too): kept.
TEXT_TITLES_WITH_BRACKETS = {"<think>...</think> QwQ-Max-Preview"}


def test_a_text_title_keeps_its_angle_brackets():
    titles = [f.title for f in parse_file("feeds/qwen_blog_index_latest.xml").findings]
    assert "<think>...</think> QwQ-Max-Preview" in titles


def test_github_releases_atom_gives_version_and_times():
    parsed = parse_file("github/newsyacht_real_releases_atom_astral-sh_ty.xml",
                        "https://github.com/astral-sh/ty/releases.atom")
    newest = parsed.findings[0]
    assert newest.attributes["version"] == "0.0.1-alpha.34"
    assert newest.url == "https://github.com/astral-sh/ty/releases/tag/0.0.1-alpha.34"
    # the entry has only <updated>; published falls back to it
    assert newest.updated == newest.published == utc(2025, 12, 12, 18, 30, 16)
    assert newest.attributes["authors"] == ["github-actions[bot]"]
    assert [f.attributes["version"] for f in parsed.findings][-1] == "0.0.1-alpha.25"


def test_releases_atom_local_offset_becomes_utc_everywhere():
    parsed = parse_file("github/rssfeedfilterer_real_releases_atom_tz_offset.xml",
                        "https://github.com/bilalcaliskan/s3-manager/releases.atom")
    oldest = parsed.findings[-1]
    assert oldest.attributes["version"] == "v1.0.13"
    assert oldest.published == utc(2023, 7, 4, 18, 1, 22)  # 21:01:22+03:00
    assert all(f.published.utcoffset().total_seconds() == 0 for f in parsed.findings)


def test_summary_is_plain_text_and_bounded():
    parsed = parse_file("github/newsyacht_real_releases_atom_astral-sh_ty.xml")
    summary = parsed.findings[0].attributes["summary"]
    assert summary.startswith("Release Notes Released on 2025-12-12.")
    assert "<" not in summary and "&lt;" not in summary
    assert len(summary) <= feed.SUMMARY_LIMIT


def test_qwen_summary_entities_are_decoded():
    parsed = parse_file("feeds/qwen_blog_index_latest.xml")
    summaries = " ".join(f.attributes["summary"] for f in parsed.findings)
    assert "&rsquo;" not in summaries and "\u2019" in summaries


def test_rss_categories_become_tags_and_creators_authors():
    cloudflare = parse_file("feeds/feedrs_real_cloudflare_blog_ghost_rss.xml").findings[0]
    assert cloudflare.attributes["tags"] == ["Research", "Security", "Product News"]
    assert cloudflare.attributes["authors"] == ["Luke Valenta"]


# --- arXiv ---------------------------------------------------------------------------


def test_arxiv_search_gives_papers_with_ids_categories_and_all_authors():
    capture = arxiv_capture("arxivpy_golden_search_testing_p0.json")
    parsed = feed.parse(capture, feed.Params(url=capture.url))
    assert len(parsed.findings) == 10
    first = parsed.findings[0]
    assert first.kind == "paper"
    assert first.key == "http://arxiv.org/abs/2202.12139v1"
    assert first.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert first.published == utc(2022, 2, 24, 15, 5, 19)
    assert first.attributes["arxiv_id"] == "2202.12139v1"
    assert first.attributes["categories"] == ["cs.SE", "cs.LG"]
    assert first.attributes["authors"] == ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"]


def test_arxiv_legacy_capture_keeps_published_and_updated_apart():
    body = (DATA / "arxiv" / "arxivpy_2016_raw_id_list_1111.2011v2.xml").read_bytes()
    parsed = feed.parse(response(body), feed.Params(url="http://export.arxiv.org/api/query"))
    (paper,) = parsed.findings
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large "
        "Connectivity Limit"
    )
    assert (paper.published, paper.updated) == (utc(2011, 11, 8, 18, 48, 36),
                                                utc(2012, 4, 2, 12, 38, 54))
    assert paper.attributes["arxiv_id"] == "1111.2011v2"


def test_arxiv_empty_result_is_zero_findings_without_error():
    capture = arxiv_capture("arxivpy_golden_id_list_empty.json")
    parsed = feed.parse(capture, feed.Params(url=capture.url))
    assert (parsed.findings, parsed.warnings, parsed.dropped) == ([], [], 0)


def test_arxiv_error_feed_is_a_parse_error_not_a_paper():
    capture = arxiv_capture("arxivpy_golden_error_400_bad_id.json")
    assert capture.status == 400
    with pytest.raises(ParseError, match="arXiv API error: incorrect id format for abc"):
        feed.parse(capture, feed.Params(url=capture.url))


# --- broken and odd inputs: every one ends as findings(+warning) or ParseError -------

EDGE_OUTCOMES = [
    # file, expected: number of findings or the ParseError text, warning text or None
    ("fastfeedparser_handwritten_declared_utf16_but_utf8_bytes.xml", 1, "not well-formed"),
    ("fastfeedparser_real_malformed_rss_prefixed_dylanharris.xml", 34, "not well-formed"),
    ("fastfeedparser_real_rss10_rdf_iso8859-1_davidbau.xml", 15, None),
    ("fastfeedparser_real_jsonfeed_humanwhocodes.json", 10, None),
    ("feedparser_encoding_bozo_http_text_plain.xml", 0, None),
    ("feedparser_encoding_bozo_invalid-bytes-with-bom.xml", "no entries could be recovered", None),
    ("feedparser_encoding_demoronize-1.xml", 1, None),
    ("feedparser_encoding_http_text_xml_charset_overrides_encoding.xml", 0, None),
    ("feedparser_encoding_utf-16le-bom.xml", 0, None),
    ("feedparser_illformed_aaa_illformed.xml", "unclosed token", None),
    ("feedparser_illformed_chardet_shiftjis.xml", 1, "not well-formed"),
    ("feedparser_illformed_rss_incomplete_cdata.xml", "no entries could be recovered", None),
    ("feedparser_illformed_undeclared_namespace.xml", "unbound prefix", None),
    ("qwen_github_pages_404_html_meta_refresh.html", "https://qwen.ai/research", None),
]


@pytest.mark.parametrize(("name", "expected", "warning"), EDGE_OUTCOMES,
                         ids=[row[0] for row in EDGE_OUTCOMES])
def test_edge_file_ends_in_a_clear_outcome(name, expected, warning):
    body = (DATA / "edge" / name).read_bytes()
    if isinstance(expected, str):
        with pytest.raises(ParseError, match=expected.replace(".", r"\.")):
            feed.parse(response(body), feed.Params(url="https://example.org/feed"))
        return
    parsed = feed.parse(response(body), feed.Params(url="https://example.org/feed"))
    assert len(parsed.findings) == expected
    if warning is None:
        assert parsed.warnings == []
    else:
        assert warning in parsed.warnings[0]


def test_dylanharris_recovered_entries_are_real_posts():
    parsed = parse_file("edge/fastfeedparser_real_malformed_rss_prefixed_dylanharris.xml")
    first = parsed.findings[0]
    assert first.key == "https://dylanharris.org/blog/2026/b5.shtml"
    assert first.title == "jenni tucker"
    assert first.published == utc(2026, 1, 19)
    assert parsed.dropped == 1 and "repeating an earlier entry" in parsed.warnings[1]


def test_windows_1252_smart_quote_is_repaired():
    finding = parse_file("edge/feedparser_encoding_demoronize-1.xml").findings[0]
    assert finding.attributes["summary"] == "don\u2019t"
    assert finding.key.startswith("sha256:")  # no guid, no link


def test_html_404_page_says_so_and_names_the_refresh_target():
    body = (DATA / "edge" / "qwen_github_pages_404_html_meta_refresh.html").read_bytes()
    with pytest.raises(ParseError) as caught:
        feed.parse(response(body, status=404, content_type="text/html"),
                   feed.Params(url="https://qwenlm.github.io/blog/index.xml"))
    message = str(caught.value)
    assert "HTML page (HTTP 404)" in message
    assert "redirects to https://qwen.ai/research" in message


def test_html_page_without_refresh_is_still_named_as_html():
    with pytest.raises(ParseError, match="got an HTML page"):
        feed.parse(response(b"<!DOCTYPE html><html><body>gone</body></html>"),
                   feed.Params(url="https://example.org/feed"))


def test_json_feed_is_read():
    parsed = parse_file("edge/fastfeedparser_real_jsonfeed_humanwhocodes.json")
    first = parsed.findings[0]
    assert first.key == (
        "https://humanwhocodes.com/snippets/2026/02/using-your-own-supabase-signing-keys/"
    )
    assert first.title == "Using your own Supabase signing keys"
    assert first.published == utc(2026, 2, 16)
    assert first.attributes["tags"] == ["Supabase", "JWT", "Security"]
    assert first.attributes["authors"] == ["Nicholas C. Zakas"]


@pytest.mark.parametrize(("body", "message"), [
    (b'{"models": []}', "JSON that is not a feed"),
    (b"[1, 2, 3]", "JSON that is not a feed"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": 5}', "JSON that is not a feed"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": [', "not valid JSON"),
    (b"", "empty response body"),
    (b"   \n", "empty response body"),
    (b'<?xml version="1.0"?><catalog><book/></catalog>', "not an RSS, Atom or RDF feed"),
    (b"\x00\x01\x02garbage", "not a readable feed"),
])
def test_unreadable_bodies_are_parse_errors(body, message):
    with pytest.raises(ParseError, match=message):
        feed.parse(response(body), feed.Params(url="https://example.org/feed"))


def test_json_feed_items_that_are_not_objects_are_dropped():
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "a", "title": "A", "date_published": "2024-05-01T10:00:00+02:00"}, "junk", 7,
    ]}).encode()
    parsed = feed.parse(response(body), feed.Params(url="https://example.org/feed.json"))
    assert [f.key for f in parsed.findings] == ["a"]
    assert parsed.findings[0].published == utc(2024, 5, 1, 8)
    assert parsed.dropped == 2


def test_empty_rss_channel_is_zero_findings():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    parsed = feed.parse(response(body), feed.Params(url="https://example.org/feed"))
    assert (parsed.findings, parsed.warnings) == ([], [])


# --- the two parsing paths agree -------------------------------------------------------

WELL_FORMED = sorted(
    [f"feeds/{p.name}" for p in (DATA / "feeds").glob("*.xml")]
    + [f"github/{p.name}" for p in (DATA / "github").glob("*.xml")]
    + [f"arxiv/{p.name}" for p in (DATA / "arxiv").glob("*")]
)


def _body(relative: str) -> bytes:
    if relative.startswith("arxiv/") and relative.endswith(".json"):
        return arxiv_capture(Path(relative).name).body
    return (DATA / relative).read_bytes()


@pytest.mark.parametrize("relative", WELL_FORMED)
def test_fast_and_lenient_paths_give_the_same_findings(relative):
    body = _body(relative)
    url = "https://example.org/feed"
    root = feed_xml.parse_document(body, url)  # raises on a body that is not well-formed
    fast = [feed.to_finding(e, "post", url) for e in feed_xml.read_entries(root, 10_000)[0]]
    lenient = [feed.to_finding(e, "post", url) for e in read_leniently(body, url)[0]]

    def facts(findings):
        return [(f.key, f.title, f.url, f.published, f.updated, f.attributes.get("tags"),
                 f.attributes.get("authors"), f.attributes.get("version"),
                 f.attributes.get("arxiv_id")) for f in findings]

    assert facts(fast) == facts(lenient)
    assert len(fast) == len(lenient)


# --- safety: entities, and no exception but ParseError on any input ------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
               for i in range(1, 10))
    + b']>\n<rss version="2.0"><channel><item><title>&lol9;</title><guid>a</guid></item>'
    b"</channel></rss>"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><item><title>x&xxe;y</title><guid>a</guid></item>'
    b"</channel></rss>"
)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_never_expanded(body):
    started = time.perf_counter()
    try:
        parsed = feed.parse(response(body), feed.Params(url="https://example.org/feed"))
    except ParseError:
        parsed = None
    assert time.perf_counter() - started < 2
    if parsed is not None:
        for finding in parsed.findings:
            assert len(finding.title) < 100
            assert "root:" not in finding.title


def _fuzz_bodies() -> list[bytes]:
    rng = random.Random(20260501)
    bodies: list[bytes] = []
    for relative in WELL_FORMED[:6] + ["edge/fastfeedparser_real_jsonfeed_humanwhocodes.json"]:
        body = _body(relative)
        bodies += [body[: rng.randrange(1, len(body))] for _ in range(4)]
        flipped = bytearray(body)
        for _ in range(30):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        bodies.append(bytes(flipped))
    bodies += [rng.randbytes(rng.randrange(1, 3000)) for _ in range(20)]
    bodies += [b"<", b"<?xml", b"{", b"[", b"\xff\xfe", b"<rss><channel><item>",
               b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": {}}]}',
               b'{"version": "https://jsonfeed.org/version/1", "items": [{"date_published": 5}]}']
    return bodies


def test_fuzzed_bodies_give_findings_or_parse_error_only():
    for body in _fuzz_bodies():
        try:
            parsed = feed.parse(response(body), feed.Params(url="https://example.org/feed"))
        except ParseError as exc:
            assert str(exc)
        else:
            assert isinstance(parsed, Parsed)


# --- small pure functions ---------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("Tue, 23 Sep 2025 04:00:00 +0800", utc(2025, 9, 22, 20, 0)),
    ("2023-08-04T12:21:41+03:00", utc(2023, 8, 4, 9, 21, 41)),
    ("2026-02-16T08:57:12.340-05:00", utc(2026, 2, 16, 13, 57, 12, 340000)),
    ("Thu, 14 Oct 2021 12:59:53 GMT", utc(2021, 10, 14, 12, 59, 53)),
    ("2024-05-01", utc(2024, 5, 1)),
    ("2024-05-01T10:00:00", utc(2024, 5, 1, 10)),  # no offset: taken as UTC
    ("2025-12-12T18:30:16Z", utc(2025, 12, 12, 18, 30, 16)),
    ("Wed, 02 Oct 2002 08:00:00 EST", utc(2002, 10, 2, 13)),
    ("2003-12", utc(2003, 12, 1)),  # W3DTF month precision: python-dateutil
    ("Sun 31 December 2003 10:14 EST", utc(2003, 12, 31, 15, 14)),
    ("not a date", None),
    ("12", None),  # no year: not a date, though dateutil would read one
    ("", None),
    (None, None),
    ("9999-12-31T23:59:59-23:00", None),  # past the end of time once in UTC
    ((2020, 1, 2, 3, 4, 5, 0, 0, 0), utc(2020, 1, 2, 3, 4, 5)),  # feedparser's struct_time
])
def test_to_utc(raw, expected):
    assert feed.to_utc(raw) == expected


@pytest.mark.parametrize(("markup", "text"), [
    ("<p>Hello <b>world</b></p>", "Hello world"),
    ("AT&amp;T &rsquo;s", "AT&T \u2019s"),
    ("&lt;img src=x&gt;Caption", "Caption"),  # escaped once too often
    ("a < b and c > d", "a < b and c > d"),
    ("<script>alert(1)</script>Text", "Text"),
    ("  many\n\n  spaces\t", "many spaces"),
])
def test_plain_text(markup, text):
    assert feed.plain_text(markup) == text


@pytest.mark.parametrize(("url", "kind"), [
    ("https://github.com/astral-sh/ty/releases.atom", "release"),
    ("https://github.com/astral-sh/ty/commits.atom", "post"),
    ("http://export.arxiv.org/api/query?search_query=cat:cs.CL", "paper"),
    ("https://arxiv.org/a/someone.atom", "paper"),
    ("https://qwenlm.github.io/blog/index.xml", "post"),
])
def test_finding_kind_is_guessed_from_the_url(url, kind):
    assert feed.guess_finding_kind(url) == kind


def test_configured_finding_kind_wins_over_the_guess():
    body = (DATA / "feeds" / "qwen_blog_index_latest.xml").read_bytes()
    parsed = feed.parse(response(body), feed.Params(url="https://q.org/f", finding_kind="release"))
    assert {f.kind for f in parsed.findings} == {"release"}


@pytest.mark.parametrize("params", [
    {"url": "ftp://example.org/feed"},
    {"url": "file:///etc/passwd"},
    {"url": "example.org/feed"},
    {"url": "https://example.org/feed", "finding_kind": "model"},
    {"url": "https://example.org/feed", "colour": "red"},
])
def test_bad_params_are_rejected(params):
    with pytest.raises(pydantic.ValidationError):
        feed.Params(**params)


def test_first_url_is_the_configured_url():
    assert feed.first_url(feed.Params(url="https://e.org/f?x=1")) == "https://e.org/f?x=1"


def test_entry_without_id_or_link_gets_a_stable_hash_key():
    body = (b'<rss version="2.0"><channel><item><title>T</title>'
            b"<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item></channel></rss>")
    first = feed.parse(response(body), feed.Params(url="https://e.org/f")).findings[0]
    again = feed.parse(response(body), feed.Params(url="https://e.org/f")).findings[0]
    assert first.key == again.key and first.key.startswith("sha256:")


@pytest.mark.parametrize(("link", "url"), [
    ("/blog/post-1", "https://example.org/blog/post-1"),  # relative to the feed's URL
    ("https://other.example/p", "https://other.example/p"),
    ("javascript:alert(1)", None),  # never an href in an email
    ("mailto:someone@example.org", None),
])
def test_entry_links_become_absolute_web_urls(link, url):
    body = (b'<rss version="2.0"><channel><item><title>T</title><guid>g</guid>'
            b"<link>" + link.encode() + b"</link></item></channel></rss>")
    finding = feed.parse(response(body), feed.Params(url="https://example.org/feed")).findings[0]
    assert finding.url == url


def test_a_body_naming_a_local_file_is_never_opened():
    """feedparser opens a short byte string that names a path: the body is only bytes."""
    local_feed = (DATA / "feeds" / "qwen_blog_index_latest.xml").resolve()
    assert feed.parse(response(local_feed.read_bytes()), feed.Params(url="https://e.org/f"))
    for body in (str(local_feed).encode(), local_feed.as_uri().encode()):
        with pytest.raises(ParseError):
            feed.parse(response(body), feed.Params(url="https://example.org/feed"))
