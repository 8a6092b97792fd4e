"""Importing a page: one claim per statement, verbatim, dated, with inferred expectations."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor.catalog import shipped_catalog
from monitor.claimsfile import load_claims
from monitor.importer import PageImportError, import_page, render_claims_toml
from monitor.page.infer import infer
from reports.pagemark import ClaimMark, mark_page
from rules.asof import AsOf

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PAGE = REPO / "examples" / "china-us-ai" / "page.md"


def _drafts(markdown: str, page_date: str | None = None):
    when = AsOf.parse(page_date) if page_date else None
    return import_page(markdown, page="p", page_date=when)


def _by_text(drafts, text: str):
    matches = [d for d in drafts if d.text == text]
    assert matches, f"no draft {text!r} in {[d.text for d in drafts]}"
    return matches[0]


def test_every_imported_claim_of_the_example_is_found_on_the_page_by_pagemark():
    markdown = EXAMPLE_PAGE.read_text(encoding="utf-8")
    drafts = import_page(markdown, page="china-us-ai")
    marks = [ClaimMark(d.id, d.text, "fresh", "") for d in drafts]
    marked = mark_page(markdown, marks)
    assert len(drafts) >= 30
    assert marked.missing == ()


def test_a_row_with_three_dated_statements_becomes_three_claims_with_their_dates():
    markdown = (
        "## Policy\n\n| Dimension | China | US | Evidence |\n|---|---|---|---|\n"
        "| Policy | CAC generative AI rules (2023); PIPL | Executive Order on AI "
        "(October 2023); NIST AI RMF | the US had enacted no federal AI law as of May 2026 |\n"
    )
    drafts = _drafts(markdown)
    assert [(d.text, str(d.as_of)) for d in drafts] == [
        ("CAC generative AI rules (2023); PIPL", "2023"),
        ("Executive Order on AI (October 2023); NIST AI RMF", "2023-10"),
        ("the US had enacted no federal AI law as of May 2026", "2026-05"),
    ]
    assert [d.review_every for d in drafts] == ["never", "never", "180d"]
    assert drafts[0].section == "Policy / Policy / China"  # headers are context, not text


def test_an_undated_sentence_naming_a_model_is_drafted_with_the_page_date():
    drafts = _drafts("Qwen3-72B equals GPT-4o on MMLU.\n\nNothing checkable here.\n", "2026-05")
    assert len(drafts) == 1
    draft = drafts[0]
    assert (draft.text, str(draft.as_of), draft.date_source) == (
        "Qwen3-72B equals GPT-4o on MMLU.", "2026-05", "page")
    assert draft.inferred.exists == ["Qwen/Qwen3-72B"]
    assert draft.inferred.baseline == ["GPT-4o"]


def test_without_a_page_date_the_front_matter_date_dates_undated_statements():
    drafts = _drafts("---\ndate: 2026-03-02\n---\n\nLlama 4 leads US open-weight models.\n")
    assert str(_by_text(drafts, "Llama 4 leads US open-weight models.").as_of) == "2026-03-02"


def test_a_model_fact_span_inside_a_sentence_is_its_own_claim():
    sentence = ("Qwen3 (released April 2026 under Apache 2.0) has caught up with GPT-4o "
                "on benchmarks.")
    drafts = _drafts(sentence + "\n", "2026-05")
    fact = _by_text(drafts, "Qwen3 (released April 2026 under Apache 2.0)")
    assert (fact.inferred.about, fact.inferred.license, fact.inferred.released) == (
        "Qwen3", "apache-2.0", "2026-04")
    assert (str(fact.as_of), fact.review_every) == ("2026-04", "never")
    rest = _by_text(drafts, sentence)
    assert rest.inferred.baseline == ["GPT-4o"] and rest.inferred.license is None
    assert str(rest.as_of) == "2026-05"  # the fact span's date is not the sentence's


def test_a_question_dates_the_answer_after_it_and_is_no_claim():
    drafts = _drafts("- **How do they compare in 2026?** Qwen3 leads open models.\n")
    assert [(d.text, str(d.as_of)) for d in drafts] == [("Qwen3 leads open models.", "2026")]


def test_a_statement_the_page_repeats_is_drafted_once():
    drafts = _drafts("DeepSeek-V3 (December 2024) set records.\n\n"
                     "Later, DeepSeek-V3 (December 2024) again.\n")
    assert [d.text for d in drafts].count("DeepSeek-V3 (December 2024)") == 1


def test_text_split_by_inline_markup_stays_inside_one_run():
    markdown = "Qwen3 is **the** newest Qwen as of May 2026, see [the blog](https://x.org).\n"
    drafts = _drafts(markdown)
    marked = mark_page(markdown, [ClaimMark(d.id, d.text, "fresh", "") for d in drafts])
    assert drafts and marked.missing == ()


HEADERS = ("Closed frontier models", "Strongest in the US")


@pytest.mark.parametrize(
    ("text", "headers", "expected"),
    [
        ("The US stays ahead in closed frontier models (GPT-4o, Claude 3.7, Gemini 2.0)", None,
         {"latest": ["GPT-4o", "Claude 3.7", "Gemini 2.0"],
          "closed": ["GPT-4o", "Claude 3.7", "Gemini 2.0"]}),
        ("Chinese open models cost 10-30x less per token than GPT-4o", None,
         {"baseline": ["GPT-4o"], "latest": []}),
        ("Chinese open models score at GPT-4o level", None, {"baseline": ["GPT-4o"]}),
        ("Open models have caught up with GPT-4o", None, {"baseline": ["GPT-4o"]}),
        ("Qwen3 (Apache 2.0, April 2025)", None,
         {"about": "Qwen3", "license": "apache-2.0", "released": "2025-04"}),
        ("Llama 3.3 ships under the Llama 3.3 Community License", None,
         {"about": "Llama 3.3", "license": "llama3.3"}),
        ("GLM-4.5 came out in July 2025", None, {"about": "GLM-4.5", "released": "2025-07"}),
        ("Qwen3-30B-A3B and DeepSeek-V3 run on one node", None,
         {"exists": ["Qwen/Qwen3-30B-A3B"], "latest": []}),
        ("OpenAI's GPT-4o, Anthropic's Claude 3.7", HEADERS,
         {"latest": ["GPT-4o", "Claude 3.7"],
          "leaders": {"names": ["GPT-4o", "Claude 3.7"], "region": "us", "weights": "any"}}),
        ("More than 1,000 robotaxis in service in China as of 2025", None,
         {"keywords": ["robotaxi"], "watch": []}),
    ],
)
def test_expectations_follow_the_sentence_shape(text, headers, expected):
    row, column = headers or ("", "")
    inferred = infer(text, shipped_catalog(), row=row, column=column)
    for key, value in expected.items():
        assert getattr(inferred, key) == value, key
    for key in expected:
        if getattr(inferred, key):
            assert inferred.why.get(key), f"{key} has no reason"


def test_watch_comes_from_the_catalog_sources_of_the_labs_named():
    inferred = infer("Claude 3.7 and Qwen3 lead.", shipped_catalog())
    assert set(inferred.watch) == {"news-anthropic", "hf-qwen", "blog-qwen", "arxiv-qwen3"}


def test_the_rendered_draft_loads_and_comments_every_inferred_key(tmp_path: Path):
    drafts = import_page(EXAMPLE_PAGE.read_text(encoding="utf-8"), page="china-us-ai")
    text = render_claims_toml(drafts)
    (tmp_path / "claims.toml").write_text(text, encoding="utf-8")
    claims = load_claims([tmp_path / "claims.toml"], shipped_catalog().source_ids())
    assert [c.id for c in claims] == [d.id for d in drafts]
    assert sum(bool(c.latest or c.baseline or c.about or c.exists) for c in claims) >= 20
    assert "family" not in tomllib.loads(text)["claim"][0]
    lines = text.splitlines()
    for number, line in enumerate(lines):
        key = line.split(" = ")[0]
        if key in ("latest", "baseline", "about", "license", "released", "exists",
                   "keywords", "watch", "closed", "open"):
            assert lines[number - 1].startswith(f"# {key}: "), line


def test_ids_are_stable_across_imports_and_unique():
    markdown = EXAMPLE_PAGE.read_text(encoding="utf-8")
    first = [d.id for d in import_page(markdown, page="x")]
    assert first == [d.id for d in import_page(markdown, page="x")]
    assert len(set(first)) == len(first)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<!DOCTYPE html><html><body><p>Qwen3</p></body></html>", "HTML document"),
        ("plain words and nothing to check\n", "no dated or checkable statement"),
        ("a\x00b", "binary"),
    ],
)
def test_a_page_that_is_not_markdown_is_refused_with_a_reason(content, message):
    with pytest.raises(PageImportError, match=message):
        _drafts(content)


ODD_PAGES = [
    "",
    "---\ndate: not a date\n---\n",
    "| a | b |\n|---|---|\n| only one cell |\n| x | y | z | extra |\n",
    "- Qwen3 (April 2025)\n  - nested GPT-4o item as of May 2026\n    1. deeper Llama 4 (2025)\n",
    "```\nQwen3-72B inside code as of 2026\n```\n\n    indented code Llama 4 2025\n",
    "Text with <b>raw HTML</b> and Qwen3 <!-- claim: bad id!! --> as of May 2026.",
    "**Qwen3 (April 2025)** and *GPT-4o* [link](javascript:alert(1)) as of 2026.",
    "# Qwen3 (2025)\n\n> Quoted: DeepSeek-R1 (January 2025) matches o1.\n",
    "Ünïcödé: Qwen3 — «as of May 2026» — 通义千问 Qwen3-72B。 " * 3,
    "x" * 20000 + " Qwen3 as of 2026.",
    "| Model | Released |\n|---|---|\n| Qwen3 | April 2025 |\n| | |\n| GPT-4o | |\n",
    "(((((Qwen3 (April (2025)))))) )) ((",
]


@pytest.mark.parametrize("markdown", ODD_PAGES, ids=range(len(ODD_PAGES)))
def test_odd_pages_never_crash_and_every_draft_is_on_the_page(markdown):
    try:
        drafts = import_page(markdown, page="p", page_date=AsOf.parse("2026-05"))
    except PageImportError:
        return
    render_claims_toml(drafts)
    marked = mark_page(markdown, [ClaimMark(d.id, d.text, "fresh", "") for d in drafts])
    assert marked.missing == ()
    assert len({d.id for d in drafts}) == len(drafts)
