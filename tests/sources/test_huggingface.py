"""The huggingface kind on real Hub answers (tests/data/sources/hf, see SOURCES.md)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import pytest

from sources import HttpResponse, Parsed, ParseError, huggingface

HF = Path(__file__).resolve().parent.parent / "data" / "sources" / "hf"
PARAMS = huggingface.Params(author="example-lab")


def response(body: bytes, headers: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    return HttpResponse(url=huggingface.first_url(PARAMS), status=status,
                        headers=headers or {}, body=body)


def parse_file(name: str) -> Parsed:
    return huggingface.parse(response((HF / name).read_bytes()), PARAMS)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_first_url_is_exactly_the_snapshot_key():
    params = huggingface.Params(author="Qwen")
    assert huggingface.first_url(params) == (
        "https://huggingface.co/api/models?author=Qwen&sort=createdAt&direction=-1"
        "&limit=100&full=true"
    )
    mirror = huggingface.Params(author="Qwen", limit=5, base_url="http://127.0.0.1:8123/")
    assert huggingface.first_url(mirror) == (
        "http://127.0.0.1:8123/api/models?author=Qwen&sort=createdAt&direction=-1"
        "&limit=5&full=true"
    )


def test_real_default_listing_gives_one_model_per_repo():
    parsed = parse_file("listing_default_fields_kimi_minimax.json")
    assert [f.key for f in parsed.findings] == [
        "moonshotai/Kimi-K2-Thinking", "MiniMaxAI/MiniMax-M2",
    ]
    kimi, minimax = parsed.findings
    assert kimi.title == "moonshotai/Kimi-K2-Thinking"
    assert kimi.kind == "model"
    assert kimi.url == "https://huggingface.co/moonshotai/Kimi-K2-Thinking"
    assert kimi.published == utc(2025, 11, 4, 8, 25, 31)
    assert kimi.updated is None  # the default listing has no lastModified
    assert kimi.attributes["license"] == "other"
    assert minimax.attributes["license"] == "mit"
    assert minimax.attributes["downloads"] == 846249
    assert minimax.attributes["likes"] == 1178
    assert minimax.attributes["pipeline_tag"] == "text-generation"
    assert minimax.attributes["library_name"] == "transformers"
    assert "arxiv:2504.07164" in minimax.attributes["tags"]
    assert (parsed.dropped, parsed.next_url, parsed.complete) == (0, None, True)


SINGLE_MODELS = [
    # file, id, createdAt, lastModified, license, pipeline_tag, gated
    ("model_google-bert_bert-base-uncased.json", "google-bert/bert-base-uncased",
     utc(2022, 3, 2, 23, 29, 4), utc(2024, 2, 19, 11, 6, 12), "apache-2.0", "fill-mask", False),
    ("model_stabilityai_stable-diffusion-2-1.json", "stabilityai/stable-diffusion-2-1",
     utc(2022, 12, 6, 17, 24, 51), utc(2023, 7, 5, 16, 19, 17), "openrail++", "text-to-image",
     False),
    ("model_sentence-transformers_paraphrase-albert-small-v2.json",
     "sentence-transformers/paraphrase-albert-small-v2", utc(2022, 3, 2, 23, 29, 5),
     utc(2024, 11, 5, 18, 20), "apache-2.0", "sentence-similarity", False),
]


@pytest.mark.parametrize(("name", "repo_id", "created", "modified", "license_id", "pipeline",
                          "gated"), SINGLE_MODELS, ids=[row[1] for row in SINGLE_MODELS])
def test_real_single_model_answer_is_one_finding(name, repo_id, created, modified, license_id,
                                                 pipeline, gated):
    (finding,) = parse_file(name).findings
    assert (finding.key, finding.title) == (repo_id, repo_id)
    assert (finding.published, finding.updated) == (created, modified)
    assert finding.attributes["license"] == license_id
    assert finding.attributes["pipeline_tag"] == pipeline
    assert finding.attributes["gated"] is gated


def test_partial_expand_answer_still_gives_the_repo():
    (finding,) = parse_file("model_meta-llama_Llama-3.3-70B-Instruct_expand_partial.json").findings
    assert finding.key == "meta-llama/Llama-3.3-70B-Instruct"
    assert (finding.published, finding.updated) == (None, None)
    assert finding.attributes == {}


def _handwritten_page() -> HttpResponse:
    exchange = json.loads((HF / "handwritten_listing_page1_with_link.json").read_text())
    return HttpResponse(url=exchange["url"], status=exchange["status"],
                        headers=exchange["headers"], body=json.dumps(exchange["body"]).encode())


def test_handwritten_page_drops_malformed_items_and_follows_link():
    parsed = huggingface.parse(_handwritten_page(), PARAMS)
    assert [f.key for f in parsed.findings] == [
        "example-lab/Lab-4-70B-Instruct", "example-lab/Lab-Embed-Small", "example-lab/Lab-3-Base",
    ]
    assert parsed.dropped == 3  # a bare string, an item with no id, a bad createdAt
    assert parsed.next_url is not None and parsed.next_url.endswith(
        "&cursor=eyIkb3IiOlt7ImNyZWF0ZWRBdCI6eyIkbHQiOiIyMDI1In19XX0%3D")
    assert parsed.complete is True  # the page itself is whole; the poller follows next_url
    lab4, embed, base = parsed.findings
    assert lab4.attributes["gated"] == "manual"
    assert lab4.attributes["license"] == "llama4"  # the tag wins over cardData
    assert embed.attributes["license"] == "apache-2.0"  # from cardData, lower-cased
    assert base.attributes["gated"] == "auto"
    assert lab4.updated == utc(2026, 4, 20, 9, 15, 42)


@pytest.mark.parametrize(("body", "message"), [
    (b'{"models": [{"id": "a/b"}]}', r"expected a JSON list of models .*keys \[models\]"),
    (b'{"error": "Invalid username or password."}', "error instead of models: Invalid username"),
    (b'"hello"', "expected a JSON list of models"),
    (b"<!DOCTYPE html><html>rate limited</html>", "not JSON.*starts with '<!DOCTYPE html>"),
    (b"", "not JSON"),
    (b"[" * 100000, "not JSON"),
])
def test_wrong_shapes_are_parse_errors(body, message):
    with pytest.raises(ParseError, match=message):
        huggingface.parse(response(body), PARAMS)


def test_empty_list_is_zero_findings():
    parsed = huggingface.parse(response(b"[]"), PARAMS)
    assert (parsed.findings, parsed.dropped) == ([], 0)


@pytest.mark.parametrize(("item", "kept"), [
    ({"id": "a/b"}, True),
    ({"modelId": "a/b"}, True),
    ({"id": ""}, False),
    ({"id": 42}, False),
    ({"id": "a/b", "createdAt": 1700000000}, False),
    ({"id": "a/b", "lastModified": "yesterday"}, False),
    ({"id": "a/b", "tags": "license:mit", "downloads": "many", "gated": 3}, True),
    (None, False),
    ([], False),
])
def test_item_validation_is_lenient_per_item(item, kept):
    parsed = huggingface.parse(response(json.dumps([item]).encode()), PARAMS)
    assert (len(parsed.findings), parsed.dropped) == ((1, 0) if kept else (0, 1))


def test_fuzzed_bodies_give_findings_or_parse_error_only():
    rng = random.Random(7)
    real = (HF / "model_google-bert_bert-base-uncased.json").read_bytes()
    bodies = [real[: rng.randrange(1, len(real))] for _ in range(20)]
    bodies += [rng.randbytes(rng.randrange(0, 500)) for _ in range(20)]
    bodies += [json.dumps(v).encode() for v in
               (1, 2.5, None, True, [[1]], [{"id": {"x": 1}}], {"id": None}, {"_id": "x"})]
    for body in bodies:
        try:
            parsed = huggingface.parse(response(body), PARAMS)
        except ParseError as exc:
            assert str(exc)
        else:
            assert isinstance(parsed, Parsed)


@pytest.mark.parametrize("params", [
    {"author": "Qwen", "limit": 0},
    {"author": "Qwen", "limit": 1001},
    {"author": "Qwen", "max_pages": 0},
    {"author": "Qwen&limit=5"},
    {"author": ""},
    {"author": "Qwen", "base_url": "ftp://mirror"},
    {"author": "Qwen", "sort": "likes"},
])
def test_bad_params_are_rejected(params):
    with pytest.raises(pydantic.ValidationError):
        huggingface.Params(**params)
