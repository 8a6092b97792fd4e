from rules import baseline
from rules.verdict import Status
from tests.rules.factory import QWEN3, QWEN35, claim, post, run

NOW = "2026-06-01"
OPENAI = [
    post("Hello GPT-4o", "2024-05-13", source="openai"),
    post("Introducing GPT-5", "2025-08-07", source="openai"),
    post("GPT-5.2 derives a new result in theoretical physics", "2026-02-13", source="openai"),
]


def compare(as_of: str = "2026-05", **fields):
    return claim(as_of, text="they cost 10-30x less per token than GPT-4o",
                 baseline=("GPT-4o",), **fields)


def test_a_newer_generation_of_the_baseline_asks_for_review_never_contradiction():
    [verdict] = run(baseline, compare(), OPENAI, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "baseline:gpt:4"
    assert verdict.reason.startswith(
        "The comparison's baseline GPT-4o has been followed by GPT-5 "
        "(released 2025-08-07, 'Introducing GPT-5', openai)"
    )
    assert verdict.reason.endswith(
        "check whether the comparison still matters against GPT-5, or date the baseline."
    )
    # no sentence: "X equals GPT-5" would assert a comparison nobody measured
    assert verdict.edits == () and verdict.suggestion == ""


def test_a_generation_only_mentioned_is_named_without_a_release_date():
    mentioned = [OPENAI[0], OPENAI[2]]
    [verdict] = run(baseline, compare(), mentioned, NOW)
    assert verdict.status is Status.REVIEW
    assert "GPT-5.2 (named in 'GPT-5.2 derives" in verdict.reason
    assert "no watched source shows its release" in verdict.reason
    assert "released" not in verdict.reason.split("(")[1].split(";")[0]


def test_no_newer_generation_no_verdict_and_other_lines_do_not_count():
    assert run(baseline, compare(), OPENAI[:1] + QWEN3 + QWEN35, NOW) == []


def test_cause_stays_the_same_as_more_generations_follow():
    first = run(baseline, compare(), OPENAI[:2], NOW)
    later = run(baseline, compare(), OPENAI + [post("Introducing GPT-6", "2026-05-01")], NOW)
    assert first[0].cause == later[0].cause == "baseline:gpt:4"
    assert "GPT-6" in later[0].reason


def test_the_edited_baseline_raises_nothing():
    fixed = claim("2026-05", text="they cost 10-30x less per token than GPT-5",
                  baseline=("GPT-5",))
    assert run(baseline, fixed, OPENAI[:2], NOW) == []
