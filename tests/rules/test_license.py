import pytest

from rules import license
from rules.verdict import Status
from tests.rules.factory import (
    DEEPSEEK_R1,
    DEEPSEEK_V3,
    LLAMA4,
    QWEN3,
    QWEN3_UPDATES,
    claim,
    repo,
    run,
)

NOW = "2026-06-01"


def qwen3_repos(count: int, other: int) -> list:
    """``count`` Qwen3 repos of which the last ``other`` say 'other'."""
    return [
        repo(
            f"Qwen/Qwen3-Test-{n}B",
            f"2025-05-{n % 28 + 1:02d}",
            "other" if n >= count - other else "apache-2.0",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("family", "claimed", "findings", "status"),
    [
        ("Qwen3", "apache-2.0", QWEN3 + QWEN3_UPDATES, None),
        ("Qwen3", "Apache-2.0", QWEN3, None),  # case-insensitive
        ("DeepSeek-V3", "mit", DEEPSEEK_V3 + DEEPSEEK_R1, None),
        ("Qwen3", "mit", QWEN3, Status.CONTRADICTED),  # all differ
        ("Llama 4", "apache-2.0", LLAMA4, Status.CONTRADICTED),
        ("Qwen3", "apache-2.0", qwen3_repos(40, 3), Status.REVIEW),  # a minority differs
        ("Qwen3", "apache-2.0", qwen3_repos(4, 2), Status.REVIEW),  # half is not most
        ("Qwen3", "apache-2.0", qwen3_repos(5, 3), Status.CONTRADICTED),  # most differ
        # another generation of the line, or another line, has its own license
        ("Qwen3", "apache-2.0", QWEN3 + [repo("Qwen/Qwen2.5-72B", "2024-09-19", "other")], None),
        (
            "DeepSeek-V3",
            "mit",
            DEEPSEEK_V3 + [repo("x/DeepSeek-R1-Foo", "2025-02-01", "gpl")],
            None,
        ),
        # no license known: nothing to compare
        ("Qwen3", "mit", [repo("Qwen/Qwen3-8B", "2025-04-29")], None),
        ("Qwen3", "mit", LLAMA4, None),
        ("Frobnicator 9", "mit", QWEN3, None),
    ],
)
def test_family_repos_carry_the_claimed_license(family, claimed, findings, status):
    verdicts = run(license, claim(family=family, license=claimed), findings, NOW)
    assert [v.status for v in verdicts] == ([status] if status else [])


def test_minority_reason_names_the_repos():
    [verdict] = run(license, claim(family="Qwen3", license="apache-2.0"), qwen3_repos(40, 3), NOW)
    assert verdict.cause == "license:qwen:3:apache-2.0:mixed"
    assert verdict.reason == (
        "3 of 40 Qwen3 repos on the Hugging Face Hub say 'other' "
        "(Qwen/Qwen3-Test-37B, Qwen/Qwen3-Test-38B, Qwen/Qwen3-Test-39B); 37 say apache-2.0."
    )
    assert [e.key for e in verdict.evidence] == [f"Qwen/Qwen3-Test-{n}B" for n in (37, 38, 39)]


def test_contradiction_suggests_the_license_found():
    [verdict] = run(license, claim(family="Llama 4", license="apache-2.0"), LLAMA4, NOW)
    assert verdict.cause == "license:llama:4:apache-2.0"
    assert verdict.reason.startswith("2 of 2 Llama 4 repos on the Hugging Face Hub say 'other'")
    assert verdict.reason.endswith("none say apache-2.0.")
    assert verdict.suggestion == "Llama 4 (a custom license)"


def test_several_other_licenses_are_each_named():
    findings = QWEN3[:1] + [
        repo("Qwen/Qwen3-A", "2025-05-01", "other"),
        repo("Qwen/Qwen3-B", "2025-05-02", "other"),
        repo("Qwen/Qwen3-C", "2025-05-03", "mit"),
    ]
    [verdict] = run(license, claim(family="Qwen3", license="apache-2.0"), findings, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert "3 of 4 Qwen3 repos" in verdict.reason
    assert (
        "2 say 'other' (Qwen/Qwen3-A, Qwen/Qwen3-B), 1 says 'mit' (Qwen/Qwen3-C)" in verdict.reason
    )
    assert verdict.reason.endswith("; 1 says apache-2.0.")


def test_odd_license_values_are_ignored():
    findings = [
        repo("Qwen/Qwen3-8B", "2025-04-29", "apache-2.0"),
        repo("Qwen/Qwen3-4B", "2025-04-29", "  "),
    ]
    odd = repo("Qwen/Qwen3-1.7B", "2025-04-29")
    odd.finding.attributes["license"] = ["mit"]  # not a string: bad data
    assert run(license, claim(family="Qwen3", license="apache-2.0"), findings + [odd], NOW) == []


def test_watch_restricts_the_sources():
    findings = QWEN3 + [
        repo(f"someone/Qwen3-8B-ft-{n}", "2025-06-01", "mit", "hf-community") for n in range(10)
    ]
    everywhere = run(license, claim(family="Qwen3", license="apache-2.0"), findings, NOW)
    assert [v.status for v in everywhere] == [Status.CONTRADICTED]
    watched = claim(family="Qwen3", license="apache-2.0", watch=("hf-qwen",))
    assert run(license, watched, findings, NOW) == []


def test_cause_is_stable_as_evidence_grows():
    the_claim = claim(family="Qwen3", license="apache-2.0")
    first = run(license, the_claim, qwen3_repos(40, 3), NOW)
    second = run(license, the_claim, qwen3_repos(40, 5), NOW)
    assert first[0].cause == second[0].cause
