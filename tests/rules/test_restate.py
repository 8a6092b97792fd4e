"""A re-worded claim states new expectations; a pasted suggestion leaves no cause behind."""

from datetime import timedelta

from rules import exists, license
from rules.asof import AsOf
from rules.claim import Leaders
from rules.engine import evaluate_all
from rules.restate import restate
from tests.rules.factory import QWEN3, at, claim, healthy, repo, run

NOW = "2026-06-01"
GPT_OSS = [
    repo("openai/gpt-oss-20b", "2025-08-05", "apache-2.0", "hf-openai"),
    repo("openai/gpt-oss-120b", "2025-08-05", "apache-2.0", "hf-openai"),
]


def test_replaced_names_move_their_roles_and_dates_move_released():
    frontier = claim("2026", text="frontier (GPT-4o, Claude 3.7)", latest=("GPT-4o", "Claude 3.7"))
    moved, notes = restate(frontier, "frontier (GPT-5.2, Claude Opus 5)")
    assert moved.latest == ("GPT-5.2", "Claude Opus 5")
    assert notes == ["latest: GPT-4o, Claude 3.7 -> GPT-5.2, Claude Opus 5"]
    fact = claim("2026-04", text="Qwen3 (released April 2026)", about="Qwen3", released="2026-04")
    assert restate(fact, "Qwen3 (released April 2025)")[0].released == AsOf.parse("2025-04")
    assert restate(fact, fact.text) == (fact, [])


def test_names_inserted_in_a_leaders_list_join_the_leaders():
    us_open = Leaders(("Llama 4", "Mistral"), "us")
    leading = claim("2026", text="Meta Llama 4; Mistral", leaders=us_open)
    moved, _ = restate(leading, "Meta Llama 4; Mistral; Gemma 3; gpt-oss")
    assert moved.leaders == Leaders(("Llama 4", "Mistral", "Gemma 3", "gpt-oss"), "us")


def test_a_pasted_licence_correction_leaves_no_cause():
    wrong = claim(text="gpt-oss ships under MIT", about="gpt-oss", license="mit")
    [verdict] = run(license, wrong, GPT_OSS, NOW)
    assert verdict.edits == (("MIT", "Apache 2.0"),)
    [fixed_text] = {v.suggestion for v in evaluate_all([wrong], GPT_OSS, [], at(NOW)).verdicts}
    assert fixed_text == "gpt-oss ships under Apache 2.0"
    fixed, notes = restate(wrong, fixed_text)
    assert fixed.license == "apache-2.0" and notes == ["license: mit -> apache-2.0"]
    assert run(license, fixed, GPT_OSS, NOW) == []


def test_a_pasted_repo_name_correction_leaves_no_cause():
    wrong = claim(
        text="Qwen3-72B and Qwen3-30B-A3B", exists=("Qwen/Qwen3-72B", "Qwen/Qwen3-30B-A3B")
    )
    health = [healthy("hf-qwen")]
    [verdict] = run(exists, wrong, QWEN3, NOW, health)
    assert verdict.edits == (("Qwen3-72B", "Qwen3-32B"),)
    fixed, _ = restate(wrong, "Qwen3-32B and Qwen3-30B-A3B")
    assert fixed.exists == ("Qwen/Qwen3-32B", "Qwen/Qwen3-30B-A3B")
    assert run(exists, fixed, QWEN3, NOW, health) == []


def test_every_verdict_of_a_claim_carries_the_edited_sentence():
    old = claim("2025-04", text="Qwen2.5 is the newest", latest=("Qwen2.5",),
                review_every=timedelta(days=30))
    findings = [repo("Qwen/Qwen2.5-72B", "2024-09-18"), *QWEN3]
    verdicts = evaluate_all([old], findings, [], at(NOW)).verdicts
    assert {v.rule for v in verdicts} == {"age", "superseded"}
    assert {v.suggestion for v in verdicts} == {"Qwen3 is the newest"}


def test_a_legacy_family_gives_way_to_the_roles_the_edit_states():
    legacy = claim("2026", text="OpenAI's GPT-4o", family="GPT-4o",
                   review_every=timedelta(days=60))
    assert legacy.latest == ("GPT-4o",)
    moved, _ = restate(legacy, "OpenAI's GPT-5.2")
    assert (moved.family, moved.latest) == (None, ("GPT-5.2",))
    dropped, _ = restate(legacy, "OpenAI's models")
    assert (dropped.family, dropped.latest) == (None, ())
