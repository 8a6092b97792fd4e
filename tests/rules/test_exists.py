import pytest

from rules import exists
from rules.verdict import Status
from tests.rules.factory import QWEN3, claim, healthy, repo, run

NOW = "2026-06-01"
OK = [healthy("hf-qwen")]


@pytest.mark.parametrize(
    ("name", "health", "status"),
    [
        ("Qwen/Qwen3-30B-A3B", OK, None),
        ("qwen/QWEN3-30b-a3b", OK, None),  # case-insensitive
        ("Qwen3-30B-A3B", OK, None),  # without an owner: any owner
        # the seed page names Qwen3-72B, which Qwen never published
        ("Qwen/Qwen3-72B", OK, Status.CONTRADICTED),
        # absence proves something only when the listing was ok and complete
        ("Qwen/Qwen3-72B", [healthy("hf-qwen", complete=False)], None),
        ("Qwen/Qwen3-72B", [healthy("hf-qwen", ok=False)], None),
        ("Qwen/Qwen3-72B", [], None),  # health unknown
        # no source lists that owner: nothing to say
        ("moonshotai/Kimi-K2-Instruct", OK, None),
        ("Qwen3-72B", OK, Status.CONTRADICTED),
    ],
)
def test_named_models_exist(name, health, status):
    verdicts = run(exists, claim(exists=(name,)), QWEN3, NOW, health)
    assert [v.status for v in verdicts] == ([status] if status else [])


def test_verdict_names_the_listing_and_a_close_match():
    [verdict] = run(exists, claim(exists=("Qwen/Qwen3-72B",)), QWEN3, NOW, OK)
    assert verdict.rule == "exists"
    assert verdict.cause == "exists:qwen/qwen3-72b"
    assert verdict.reason == (
        "Qwen/Qwen3-72B is not among the 6 repos of the complete listing of hf-qwen."
    )
    assert verdict.suggestion == "Name an existing model, e.g. Qwen/Qwen3-32B."
    assert [e.key for e in verdict.evidence] == ["Qwen/Qwen3-32B", "Qwen/Qwen3-8B", "Qwen/Qwen3-4B"]


def test_one_verdict_per_missing_name():
    names = ("Qwen/Qwen3-72B", "Qwen/Qwen3-8B", "Qwen/Qwen3-72B", "Qwen/Qwen3-Max")
    verdicts = run(exists, claim(exists=names), QWEN3, NOW, OK)
    assert [v.cause for v in verdicts] == ["exists:qwen/qwen3-72b", "exists:qwen/qwen3-max"]


def test_watch_restricts_the_sources():
    findings = QWEN3 + [repo("Qwen/Qwen3-72B", "2025-05-01", source="hf-mirror")]
    health = OK + [healthy("hf-mirror")]
    assert run(exists, claim(exists=("Qwen/Qwen3-72B",)), findings, NOW, health) == []
    watched = claim(exists=("Qwen/Qwen3-72B",), watch=("hf-qwen",))
    assert [v.status for v in run(exists, watched, findings, NOW, health)] == [Status.CONTRADICTED]
    # a watched listing that is incomplete proves nothing, even if another is complete
    partial = [healthy("hf-qwen", complete=False), healthy("hf-mirror")]
    assert run(exists, watched, QWEN3, NOW, partial) == []


def test_cause_is_stable_as_the_listing_grows():
    the_claim = claim(exists=("Qwen/Qwen3-72B",))
    first = run(exists, the_claim, QWEN3[:2], NOW, OK)
    second = run(exists, the_claim, QWEN3, NOW, OK)
    assert first[0].cause == second[0].cause


def test_a_repo_missing_from_the_newest_listing_no_longer_exists():
    from dataclasses import replace

    from tests.rules.factory import at

    listed, gone = at("2026-05-31T12:00"), at("2026-05-01T12:00")
    observations = [replace(o, last_seen=listed) for o in QWEN3]
    deleted = replace(repo("Qwen/Qwen3-72B", "2025-04-29", "apache-2.0", source="hf-qwen"),
                      last_seen=gone)
    [verdict] = run(exists, claim(exists=("Qwen/Qwen3-72B",)), observations + [deleted], NOW, OK)
    assert verdict.status is Status.CONTRADICTED
    still = replace(deleted, last_seen=listed)
    assert run(exists, claim(exists=("Qwen/Qwen3-72B",)), observations + [still], NOW, OK) == []
