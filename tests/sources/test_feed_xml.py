"""The feed kind's fast path (sources/feed_xml.py) on small bodies: one case per rule
that feedparser's corpus checks (issue 16), and the fallback only when lxml fails."""

from __future__ import annotations

import pytest

from sources import HttpResponse, ParseError, feed, feed_lenient
from sources.feed_entry import repair_double_utf8

ATOM = b'<feed xmlns="http://www.w3.org/2005/Atom">%s</feed>'
ATOM03 = b'<feed version="0.3" xmlns="http://purl.org/atom/ns#">%s</feed>'
RSS = b'<rss version="2.0"><channel>%s</channel></rss>'


def findings(body: bytes, url: str = "https://example.org/feed"):
    response = HttpResponse(url=url, status=200, headers={}, body=body)
    return feed.parse(response, feed.Params(url=url))


def first(body: bytes):
    return findings(body).findings[0]


@pytest.mark.parametrize(("body", "title"), [
    (ATOM % b'<entry><id>a</id><title>History of the &lt;blink&gt; tag</title></entry>',
     "History of the <blink> tag"),  # a text title keeps its brackets
    (ATOM % b'<entry><id>a</id><title type="text">Vec&lt;T&gt; lands</title></entry>',
     "Vec<T> lands"),
    (ATOM % b'<entry><id>a</id><title type="html">Example &lt;b&gt;Atom&lt;/b&gt;</title>'
     b"</entry>", "Example Atom"),
    (ATOM % b'<entry><id>a</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
     b"Example <b>Atom</b></div></title></entry>", "Example Atom"),
    (ATOM % b'<entry><id>a</id><title type="application/octet-stream">RXhhbXBsZSBBdG9t'
     b"</title></entry>", "Example Atom"),  # base64, Atom 1.0
    (ATOM03 % b'<entry><id>a</id><title mode="base64">RXhhbXBsZSBBdG9t</title></entry>',
     "Example Atom"),
    (ATOM03 % b'<entry><id>a</id><title mode="escaped" type="text/html">'
     b"Example &lt;b&gt;Atom&lt;/b&gt;</title></entry>", "Example Atom"),
    (ATOM03 % b'<entry><id>a</id><title type="application/xhtml+xml">Example '
     b'<b xmlns="http://www.w3.org/1999/xhtml">Atom</b></title></entry>', "Example Atom"),
    (RSS % b"<item><guid>a</guid><title>Qwen3 &amp;lt;think&amp;gt;</title></item>",
     "Qwen3 <think>"),  # looks like HTML (an entity): read as HTML once
    (RSS % b'<item xmlns:media="http://search.yahoo.com/mrss/"><guid>a</guid>'
     b"<media:title>thumbnail</media:title><title>Own title</title></item>", "Own title"),
    (RSS % b'<item xmlns:media="http://search.yahoo.com/mrss/"><guid>a</guid>'
     b"<media:title>Only media</media:title></item>", "Only media"),
    ('<?xml version="1.0" encoding="utf-8"?><rss><channel><item><guid>a</guid>'
     "<title>Caf\u00c3\u00a9 Qwen</title></item></channel></rss>".encode(), "Caf\u00e9 Qwen"),
])
def test_titles_keep_their_text_by_type(body, title):
    assert first(body).title == title


@pytest.mark.parametrize(("body", "url"), [
    (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://base.example.org/blog/">'
     b'<entry><id>a</id><link href="post1.html"/></entry></feed>',
     "http://base.example.org/blog/post1.html"),  # feed level
    (ATOM % b'<entry xml:base="http://e.example.org/x/"><id>a</id><link href="p.html"/></entry>',
     "http://e.example.org/x/p.html"),  # entry level
    (ATOM % b'<entry xml:base="http://e.example.org/x/"><id>a</id>'
     b'<link xml:base="sub/" href="p.html"/></entry>',
     "http://e.example.org/x/sub/p.html"),  # link level, relative to the entry's
    (RSS % b'<item xml:base="http://r.example.org/"><guid>a</guid><link>/p</link></item>',
     "http://r.example.org/p"),
    (ATOM % b"<entry><id>a</id><link href='/relative'/></entry>",
     "https://example.org/relative"),  # no xml:base: the response URL
])
def test_xml_base_is_honoured(body, url):
    assert first(body).url == url


@pytest.mark.parametrize("rel", ["license", "enclosure", "self", "via", "edit", "related"])
def test_the_alternate_link_wins_over_other_rels(rel):
    body = ATOM % (b'<entry><id>a</id><link rel="%s" href="http://x.example/other"/>'
                   b'<link rel="alternate" href="http://x.example/page"/></entry>' % rel.encode())
    assert first(body).url == "http://x.example/page"


def test_a_link_without_rel_is_the_alternate_and_a_non_html_alternate_is_not():
    body = ATOM % (b'<entry><id>a</id><link rel="alternate" type="application/pdf" '
                   b'href="http://x.example/doc.pdf"/><link href="http://x.example/page"/>'
                   b"</entry>")
    assert first(body).url == "http://x.example/page"


def test_guids_are_links_only_when_permalinks():
    permalink = RSS % b"<item><title>t</title><guid>http://x.example/p</guid></item>"
    not_one = RSS % (b'<item><title>t</title><guid isPermaLink="false">http://x.example/p'
                     b"</guid></item>")
    assert first(permalink).url == "http://x.example/p"
    assert first(not_one).url is None
    assert first(not_one).key == "http://x.example/p"  # still its key
    not_a_url = RSS % b"<item><title>t</title><guid>post-17</guid></item>"
    assert first(not_a_url).url is None  # not made into https://example.org/post-17


@pytest.mark.parametrize("link", ["http://example.c[o.test/", "http://x.example:port/",
                                  "javascript:alert(1)"])
def test_invalid_urls_are_dropped_not_the_entry(link):
    body = RSS % (b"<item><guid>g</guid><title>t</title><link>%s</link></item>" % link.encode())
    finding = first(body)
    assert (finding.key, finding.url) == ("g", None)


@pytest.mark.parametrize(("body", "title_or_summary"), [
    (ATOM % b'<entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
     b"<p>Inline <b>XHTML</b></p></div></content></entry>", "Inline XHTML"),
    (RSS % b'<item><body xmlns="http://www.w3.org/1999/xhtml"><p>RSS body</p></body></item>',
     "RSS body"),
    (RSS % b'<item xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:body><p>xhtml body</p>'
     b"</xhtml:body></item>", "xhtml body"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>c</title></channel>'
     b"<item><title>RSS 0.90 item</title><link>http://x.example/090</link></item></rdf:RDF>",
     "RSS 0.90 item"),
    (b'<!DOCTYPE rss [<!ENTITY model "Qwen3">]><rss version="2.0"><channel><item>'
     b"<guid>a</guid><title>&model; released</title></item></channel></rss>",
     "Qwen3 released"),
])
def test_entries_are_found_where_feedparser_finds_them(body, title_or_summary):
    finding = first(body)
    assert title_or_summary in (finding.title, finding.attributes["summary"])


def test_atom03_created_dates_an_entry():
    body = ATOM03 % b"<entry><id>a</id><title>t</title><created>2004-01-02T03:04:05Z</created>" \
                    b"</entry>"
    assert first(body).published.isoformat() == "2004-01-02T03:04:05+00:00"


def test_the_last_of_repeated_dates_wins_as_in_feedparser():
    body = ATOM % (b"<entry><id>a</id><updated>2010-12-01T10:14:55Z</updated>"
                   b"<updated>2003-12-31T10:14:55Z</updated></entry>")
    assert first(body).updated.year == 2003


def test_entries_with_nothing_to_show_are_dropped_and_counted():
    body = RSS % (b"<item><guid>a</guid><title>kept</title></item><item></item>"
                  b"<item><description>&lt;img src='x'/&gt;</description></item>")
    parsed = findings(body)
    assert [f.key for f in parsed.findings] == ["a"]
    assert parsed.dropped == 2
    assert "no id, link, title or text left out: 2" in parsed.warnings[0]


@pytest.mark.parametrize(("body", "message"), [
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     b'xmlns="http://example.org/unknown-rss/"><item><title>x</title></item></rdf:RDF>',
     "namespace claimwatch does not read"),
    (b"<html><body>not a feed</body></html>", "HTML page"),
    (b"<catalog><item>x</item></catalog>", "not an RSS, Atom or RDF feed"),
])
def test_a_feed_that_cannot_be_read_says_so(body, message):
    with pytest.raises(ParseError, match=message):
        findings(body)


@pytest.mark.parametrize("prefix", [b"\n", b"\r\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
def test_a_leading_newline_or_bom_takes_the_fast_path(prefix, monkeypatch):
    def no_fallback(*args, **kwargs):
        raise AssertionError("feedparser was asked to read a well-formed feed")

    monkeypatch.setattr(feed, "read_leniently", no_fallback)
    body = prefix + b'<?xml version="1.0" encoding="utf-8"?>' + RSS % (
        b"<item><guid>a</guid><title>t</title></item>")
    assert [f.key for f in findings(body).findings] == ["a"]


def test_an_ill_formed_feed_falls_back_to_feedparser(monkeypatch):
    calls = []
    real = feed_lenient.read_leniently

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(feed, "read_leniently", counting)
    body = RSS % b"<item><guid>a</guid><title>caf&eacute; &nbsp;news</title></item>"
    parsed = findings(body)
    assert calls and [f.title for f in parsed.findings] == ["caf\u00e9 news"]


@pytest.mark.parametrize(("text", "repaired"), [
    ("Caf\u00c3\u00a9", "Caf\u00e9"),
    ("caf\u00e9", "caf\u00e9"),  # Latin-1 that is not UTF-8: kept
    ("\u2019 quote", "\u2019 quote"),  # beyond Latin-1: kept
])
def test_double_encoded_utf8_repair(text, repaired):
    assert repair_double_utf8(text) == repaired


def test_a_large_body_streamed_reads_as_the_whole_tree_does():
    from sources import feed_xml

    items = b"".join(b'<entry xml:base="http://b.example/%d/"><id>e%d</id><title>T %d</title>'
                     b'<link href="p.html"/></entry>' % (n, n, n) for n in range(12_000))
    body = b'<feed xmlns="http://www.w3.org/2005/Atom">' + items + b"</feed>"
    assert len(body) > feed_xml._STREAM_ABOVE
    streamed, capped, root = feed_xml.read_document(body, "https://e.org/f", 20_000)
    whole = feed_xml.read_entries(feed_xml.parse_document(body, "https://e.org/f"), 20_000)[0]
    assert (capped, root is not None, len(streamed)) == (False, True, 12_000)
    assert streamed == whole
    assert streamed[11_999].link == "http://b.example/11999/p.html"


def test_a_large_body_ill_formed_late_falls_back_to_feedparser():
    items = b"".join(b"<item><guid>g%d</guid><title>T</title></item>" % n for n in range(40_000))
    body = RSS % (items + b"<item><title>broken &nbsp; entity</title></item>")
    url = "https://example.org/feed"
    parsed = feed.parse(HttpResponse(url=url, status=200, headers={}, body=body),
                        feed.Params(url=url, max_entries=50_000))
    assert len(parsed.findings) == 40_001
    assert "not well-formed" in parsed.warnings[0]
