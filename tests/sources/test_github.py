"""The github kind on real REST API recordings (tests/data/sources/github, see SOURCES.md)."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import pytest

from sources import HttpResponse, Parsed, ParseError, github

GITHUB = Path(__file__).resolve().parent.parent / "data" / "sources" / "github"
PARAMS = github.Params(repo="octokit-fixture-org/tmp-scenario-release-assets")


def recorded_release() -> dict:
    """The real Release object octokit/fixtures recorded (GET /releases/tags/v1.0.0)."""
    exchanges = json.loads((GITHUB / "octokit_fixtures_raw_release_assets.json").read_text())
    return exchanges[3]["response"]


def link_headers() -> list[str]:
    """The Link headers of the recorded paginated issue listing, page 1 to 5."""
    exchanges = json.loads(
        (GITHUB / "octokit_fixtures_raw_paginate_issues_link_header.json").read_text()
    )
    headers = []
    for exchange in exchanges:
        raw = exchange["rawHeaders"]
        named = {raw[i].lower(): raw[i + 1] for i in range(0, len(raw), 2)}
        if exchange["method"].upper() == "GET" and "link" in named:
            headers.append(named["link"])
    return headers


def response(document, headers: dict[str, str] | None = None) -> HttpResponse:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return HttpResponse(url=github.first_url(PARAMS), status=200, headers=headers or {}, body=body)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_first_url_is_exactly_the_snapshot_key():
    params = github.Params(repo="QwenLM/Qwen3")
    assert github.first_url(params) == "https://api.github.com/repos/QwenLM/Qwen3/releases?per_page=30"


def test_real_release_in_a_listing_is_one_finding():
    parsed = github.parse(response([recorded_release()]), PARAMS)
    (release,) = parsed.findings
    assert release.key == "v1.0.0"
    assert release.title == "Version 1.0.0"
    assert release.kind == "release"
    assert release.url == (
        "https://github.com/octokit-fixture-org/tmp-scenario-release-assets-20220719044014639-1reww"
        "/releases/tag/v1.0.0"
    )
    assert release.published == utc(2022, 7, 19, 4, 40, 21)  # published_at, not created_at
    assert release.attributes["version"] == "v1.0.0"
    assert release.attributes["prerelease"] is False
    assert (parsed.dropped, parsed.next_url, parsed.complete) == (0, None, True)


def test_real_single_release_answer_is_read_too():
    (release,) = github.parse(response(recorded_release()), PARAMS).findings
    assert release.key == "v1.0.0"


def test_listing_rules_drafts_prereleases_fallbacks_and_malformed_items():
    real = recorded_release()
    draft = {**copy.deepcopy(real), "tag_name": "v2.0.0", "draft": True}
    pre = {**copy.deepcopy(real), "tag_name": "v1.1.0-rc1", "prerelease": True, "name": ""}
    unpublished = {**copy.deepcopy(real), "tag_name": "v0.9", "published_at": None, "name": None}
    listing = [draft, pre, real, unpublished, "junk", {"name": "no tag"},
               {**copy.deepcopy(real), "tag_name": "v0.1", "published_at": "soon"}]
    parsed = github.parse(response(listing), PARAMS)
    assert [f.key for f in parsed.findings] == ["v1.1.0-rc1", "v1.0.0", "v0.9"]
    assert parsed.dropped == 3  # drafts are skipped, not counted
    rc, _, old = parsed.findings
    assert (rc.title, rc.attributes["prerelease"]) == ("v1.1.0-rc1", True)
    assert (old.title, old.published) == ("v0.9", utc(2022, 7, 19, 4, 40, 17))  # created_at

    stable_only = github.Params(repo=PARAMS.repo, include_prereleases=False)
    assert [f.key for f in github.parse(response(listing), stable_only).findings] == [
        "v1.0.0", "v0.9",
    ]


def test_recorded_link_headers_give_the_next_page():
    headers = link_headers()
    assert len(headers) == 5
    next_urls = [github.next_link(header) for header in headers]
    assert next_urls == [
        "https://api.github.com/repositories/515435940/issues?per_page=3&page=2",
        "https://api.github.com/repositories/515435940/issues?per_page=3&page=3",
        "https://api.github.com/repositories/515435940/issues?per_page=3&page=4",
        "https://api.github.com/repositories/515435940/issues?per_page=3&page=5",
        None,
    ]
    parsed = github.parse(response([recorded_release()], {"link": headers[0]}), PARAMS)
    assert parsed.next_url == next_urls[0]
    assert parsed.complete is True  # the page itself is whole; the poller follows next_url


@pytest.mark.parametrize(("header", "expected"), [
    ('<https://a.example/p2>; rel="next"', "https://a.example/p2"),
    ("<https://a.example/p2>; rel=next", "https://a.example/p2"),
    ('</api/models?cursor=x>; rel="next"', "https://api.github.com/api/models?cursor=x"),
    ('<https://a.example/p1>; rel="prev", <https://a.example/p3>; rel="next last"',
     "https://a.example/p3"),
    ('<https://a.example/p1>; rel="prev"', None),
    ("", None),
    ("garbage", None),
])
def test_next_link(header, expected):
    assert github.next_link(header, "https://api.github.com/repos/a/b/releases") == expected


@pytest.mark.parametrize(("body", "message"), [
    ({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
     "error instead of releases: Not Found"),
    ({"releases": []}, r"expected a JSON list of GitHub releases, got an object with keys"),
    (b"<html>Service unavailable</html>", "not JSON"),
    (3, "got a JSON int"),
])
def test_wrong_shapes_are_parse_errors(body, message):
    with pytest.raises(ParseError, match=message):
        github.parse(response(body), PARAMS)


def test_fuzzed_bodies_give_findings_or_parse_error_only():
    rng = random.Random(11)
    real = json.dumps([recorded_release()]).encode()
    bodies = [real[: rng.randrange(1, len(real))] for _ in range(20)]
    bodies += [rng.randbytes(rng.randrange(0, 400)) for _ in range(20)]
    bodies += [json.dumps(v).encode() for v in (
        [{"tag_name": "x", "published_at": 5}], [{"tag_name": "x", "name": 3, "html_url": []}],
        [{"tag_name": "x", "published_at": "0001-01-01T00:00:00+05:00"}], {"tag_name": None},
    )]
    for body in bodies:
        try:
            parsed = github.parse(response(body), PARAMS)
        except ParseError as exc:
            assert str(exc)
        else:
            assert isinstance(parsed, Parsed)


@pytest.mark.parametrize("params", [
    {"repo": "QwenLM"},
    {"repo": "QwenLM/Qwen3/releases"},
    {"repo": "QwenLM/.."},
    {"repo": "a b/c"},
    {"repo": "QwenLM/Qwen3", "per_page": 0},
    {"repo": "QwenLM/Qwen3", "per_page": 101},
    {"repo": "QwenLM/Qwen3", "base_url": "api.github.com"},
    {"repo": "QwenLM/Qwen3", "token": "secret"},
])
def test_bad_params_are_rejected(params):
    with pytest.raises(pydantic.ValidationError):
        github.Params(**params)
