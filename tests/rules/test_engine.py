from datetime import timedelta

import pytest

from rules.engine import Evaluation, World, evaluate_all, has_phrase, words
from rules.verdict import Status
from sources.finding import Finding
from tests.rules.factory import (
    DEEPSEEK_V3,
    QWEN3,
    QWEN35,
    at,
    claim,
    healthy,
    observe,
    post,
    qwen_blog_posts,
    repo,
)

NOW = at("2026-06-01")
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qwen3.5-Plus: Towards Agents", ("qwen3.5", "plus", "towards", "agents")),
        ("Qwen/Qwen3-235B-A22B", ("qwen", "qwen3", "235b", "a22b")),
        ("DeepSeek-V3.1 release v0.8.5", ("deepseek", "v3.1", "release", "v0.8.5")),
        ("Gemini 2.0, e.g. Flash.", ("gemini", "2.0", "e", "g", "flash")),
        ("<think>...</think> QwQ_Max", ("think", "think", "qwq", "max")),
        ("通义千问 Qwen3", ("通义千问", "qwen3")),
        ("", ()),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("The Llama 4 herd", "Llama 4", True),
        ("Llama 4", "llama 4", True),
        ("Llama 3 and 4", "Llama 4", False),
        ("Llama", "Llama 4", False),
        ("Qwen3.5 is out", "Qwen3", False),
        ("anything", "", False),
    ],
)
def test_has_phrase(text, phrase, found):
    assert has_phrase(words(text), words(phrase)) is found


def test_claim_without_expectations_gets_only_age():
    bare = claim("2025-04", id="bare", review_every=30 * DAY)
    watched = claim("2025-04", id="watched", review_every=30 * DAY, family="Qwen3")
    evaluation = evaluate_all([bare, watched], QWEN3 + QWEN35, [], NOW)
    by_claim = {(v.claim_id, v.rule) for v in evaluation.verdicts}
    assert by_claim == {("bare", "age"), ("watched", "age"), ("watched", "superseded")}


def test_fresh_claims_give_no_verdicts():
    fresh = claim(
        "2025-04",
        review_every=3650 * DAY,
        family="Qwen3",
        license="apache-2.0",
        released="2025-04",
        exists=("Qwen/Qwen3-8B",),
        keywords=("Qwen4",),
    )
    evaluation = evaluate_all([fresh], QWEN3 + qwen_blog_posts(), [healthy("hf-qwen")], NOW)
    assert evaluation == Evaluation([], [])


def test_every_rule_runs_on_the_seed_page_claim():
    """ "Qwen3 (Apache 2.0, April 2026)", with Qwen3-72B named elsewhere on the page."""
    page_claim = claim(
        "2026-04",
        id="open-source-qwen3",
        review_every=90 * DAY,
        latest=("Qwen3",),
        about="Qwen3",
        license="apache-2.0",
        released="2026-04",
        exists=("Qwen/Qwen3-72B", "Qwen/Qwen3-30B-A3B"),
        keywords=("Qwen3.5",),
    )
    findings = QWEN3 + QWEN35 + [post("Qwen3.5: Towards Native Multimodal Agents", "2026-05-02")]
    evaluation = evaluate_all([page_claim], findings, [healthy("hf-qwen")], at("2026-08-01"))
    assert sorted((v.rule, v.status, v.cause) for v in evaluation.verdicts) == [
        ("age", Status.STALE, "age:2026-04"),
        ("exists", Status.CONTRADICTED, "exists:qwen/qwen3-72b"),
        ("mention", Status.REVIEW, "mention:qwen3.5"),
        ("released", Status.CONTRADICTED, "released:qwen:3:2026-04"),
        ("superseded", Status.CONTRADICTED, "superseded:qwen:3:before:2026-04"),
    ]


def test_bad_data_neither_crashes_nor_flags():
    odd = [
        observe(Finding(key="", title="", kind="model"), "hf"),
        observe(
            Finding(key="Qwen/Qwen3-8B", title="", kind="model", attributes={"license": 7}), "hf"
        ),
        observe(Finding(key="x", title="Qwen3.5 with no date", kind="post"), "blog"),
        observe(Finding(key="y", title="Qwen3.5 release", kind="release"), "gh"),
        repo("Qwen/Qwen3.5-397B-A17B", None),
        observe(Finding(key="z", title="Qwen3.5", kind="package", attributes={}), "pypi"),
    ]
    the_claim = claim(
        "2025-04",
        family="Qwen3",
        license="apache-2.0",
        released="2025-04",
        exists=("Qwen/Qwen3-8B",),
        keywords=("Qwen3.5",),
    )
    assert evaluate_all([the_claim], odd, [healthy("hf")], NOW).verdicts == []


def test_unknown_names_are_model_findings_that_did_not_parse():
    findings = [
        repo("sentence-transformers/all-MiniLM-L6-v2", "2021-08-30"),
        repo("Qwen/Qwen3-8B", "2025-04-29"),
        post("GSPO: Towards Scalable Reinforcement Learning", "2025-07-27"),  # posts need not
        observe(Finding(key="v0.8.5", title="v0.8.5", kind="release"), "gh-vllm"),
        repo("sentence-transformers/all-MiniLM-L6-v2", "2021-08-30", source="hf-mirror"),
    ]
    evaluation = evaluate_all([], findings, [], NOW)
    assert evaluation.unknown_names == ["sentence-transformers/all-MiniLM-L6-v2", "v0.8.5"]


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        evaluate_all([], [], [], NOW.replace(tzinfo=None))


def test_world_indexes_by_source_and_line():
    world = World(QWEN3 + DEEPSEEK_V3 + QWEN35, [healthy("hf-qwen")])
    assert sorted(world.by_source) == ["hf-deepseek", "hf-qwen"]
    assert len(world.by_source["hf-qwen"]) == len(QWEN3) + len(QWEN35)
    assert [g.name.generation for g in world.generations("qwen")] == [(3,), (3, 5)]
    assert [g.name.generation for g in world.generations("deepseek-v")] == [(3,)]
    assert world.generations("llama") == []
    assert world.health["hf-qwen"].complete


def test_watched_sources_merge_newest_first():
    findings = [
        post("Qwen3.5 a", "2026-02-01", source="one"),
        post("Qwen3.5 b", "2026-02-03", source="two"),
        post("Qwen3.5 c", "2026-02-02", source="one"),
        post("Qwen3.5 d", "2026-02-04", source="three"),
    ]
    world = World(findings, [])
    found = world.mentions(words("Qwen3.5"), frozenset({"one", "two"}), at("2026-01-01"), NOW)
    assert [e.title for e in found] == ["Qwen3.5 b", "Qwen3.5 c", "Qwen3.5 a"]


def test_several_stale_subjects_give_one_sentence_with_every_edit():
    """ "GPT-4o (OpenAI), Claude 3.7 (Anthropic)": both spans replaced, the rest kept."""
    findings = [
        post("Introducing GPT-5", "2025-08-07", source="openai"),
        post("Introducing Claude Opus 4.5", "2025-11-24", source="anthropic"),
        post("Introducing Claude Sonnet 4.5", "2025-09-29", source="anthropic"),
    ]
    frontier = claim(
        "2025-06",
        text="The frontier: GPT-4o (OpenAI), Claude 3.7 (Anthropic).",
        review_every=90 * DAY,
        latest=("GPT-4o", "Claude 3.7"),
    )
    verdicts = [v for v in evaluate_all([frontier], findings, [], NOW).verdicts if v.edits]
    assert len(verdicts) == 2
    assert {v.suggestion for v in verdicts} == {
        "The frontier: GPT-5 (OpenAI), Claude Opus 4.5 (Anthropic)."
    }


def test_a_date_is_corrected_in_place():
    fact = claim(
        "2026-04",
        text="Qwen3 (released April 2026 under Apache 2.0)",
        review_every=None,
        about="Qwen3",
        released="2026-04",
    )
    [verdict] = evaluate_all([fact], QWEN3, [], NOW).verdicts
    assert verdict.rule == "released"
    assert verdict.suggestion == "Qwen3 (released April 2025 under Apache 2.0)"
