import pytest

from rules import superseded
from rules.verdict import Status
from tests.rules.factory import (
    DEEPSEEK_R1,
    DEEPSEEK_V3,
    DEEPSEEK_V31,
    LLAMA4,
    QWEN3,
    QWEN3_UPDATES,
    QWEN35,
    claim,
    post,
    release,
    repo,
    run,
)

NOW = "2026-06-01"


@pytest.mark.parametrize(
    ("family", "as_of", "findings", "status"),
    [
        # a later generation after the as-of period: stale
        ("Qwen3", "2025-04", QWEN3 + QWEN35, Status.STALE),
        ("DeepSeek-V3", "2025-01", DEEPSEEK_V3 + DEEPSEEK_V31, Status.STALE),
        # date-suffixed updates and variants of the same generation are not newer
        ("Qwen3", "2025-04", QWEN3 + QWEN3_UPDATES, None),
        ("DeepSeek-V3", "2025-01", DEEPSEEK_V3, None),
        # other lines are not newer, whatever their date or number
        ("DeepSeek-V3", "2024-12", DEEPSEEK_V3 + DEEPSEEK_R1 + LLAMA4, None),
        ("Qwen3", "2025-04", QWEN3 + DEEPSEEK_R1 + [repo("Qwen/QwQ-32B", "2025-03-05")], None),
        # older generations are not newer
        ("Qwen3", "2025-04", QWEN3 + [repo("Qwen/Qwen2.5-72B-Instruct", "2025-05-01")], None),
        # the newer generation was already out before the as-of period ended: contradicted
        ("Qwen3", "2026-04", QWEN3 + QWEN35, Status.CONTRADICTED),
        ("DeepSeek-V3", "2025", DEEPSEEK_V3 + DEEPSEEK_V31, Status.CONTRADICTED),
        # nothing known of the family, or a family the parser cannot read
        ("Qwen3", "2025-04", LLAMA4, None),
        ("Frobnicator 9", "2025-04", QWEN3 + QWEN35, None),
        ("Qwen", "2025-04", QWEN3 + QWEN35, None),  # no generation claimed
    ],
)
def test_newer_generation_of_the_same_line(family, as_of, findings, status):
    verdicts = run(superseded, claim(as_of, family=family), findings, NOW)
    assert [v.status for v in verdicts] == ([status] if status else [])


@pytest.mark.parametrize(
    ("created", "status"),
    [
        ("2025-04-30T23:59:59", Status.CONTRADICTED),  # within the as-of period "2025-04"
        ("2025-05-01T00:00", Status.STALE),  # the first instant after it
        ("2026-06-01T00:00", Status.STALE),  # up to now
        ("2026-06-01T00:01", None),  # after now: bad data, ignored
        (None, None),  # no date: ignored
    ],
)
def test_boundaries_of_time(created, status):
    findings = QWEN3 + [repo("Qwen/Qwen3.5-397B-A17B", created)]
    verdicts = run(superseded, claim("2025-04", family="Qwen3"), findings, "2026-06-01")
    assert [v.status for v in verdicts] == ([status] if status else [])


def test_stale_verdict_cites_the_newer_generation():
    [verdict] = run(superseded, claim("2025-04", family="Qwen3"), QWEN3 + QWEN35, NOW)
    assert verdict.rule == "superseded"
    assert verdict.cause == "superseded:qwen:3"
    assert [e.key for e in verdict.evidence] == ["Qwen/Qwen3.5-397B-A17B"]
    assert verdict.reason == (
        "Qwen3.5 appeared on 2026-02-16 (hf-qwen), after the claim's as-of April 2025; "
        "the claim names Qwen3 as the latest."
    )
    assert verdict.suggestion == "Qwen3.5 (out since February 2026)"


def test_the_page_as_written_was_already_superseded():
    """The seed page says "Qwen3 (Apache 2.0, April 2026)": Qwen3.5 came out in February."""
    [verdict] = run(superseded, claim("2026-04", family="Qwen3"), QWEN3 + QWEN35, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert verdict.cause == "superseded:qwen:3:before:2026-04"
    assert "Qwen3.5 was already out on 2026-02-16" in verdict.reason


def test_newest_generation_is_suggested_and_cited():
    findings = [
        post("Claude 3.7 Sonnet and Claude Code", "2025-02-24", source="anthropic"),
        post("Introducing Claude 4", "2025-05-22", source="anthropic"),
        post("Claude Opus 4.1", "2025-08-05", source="anthropic"),
    ]
    [verdict] = run(superseded, claim("2025-03", family="Claude 3.7"), findings, NOW)
    assert verdict.status is Status.STALE
    assert verdict.cause == "superseded:claude:3.7"
    assert [e.title for e in verdict.evidence] == ["Claude Opus 4.1"]
    assert verdict.suggestion == "Claude 4.1 (out since August 2025)"


def test_releases_count_as_findings_of_a_generation():
    findings = [release("Llama 4", "2025-04-05")]
    [verdict] = run(superseded, claim("2024-12", family="Llama 3.3"), findings, NOW)
    assert verdict.cause == "superseded:llama:3.3"


def test_watch_restricts_the_sources():
    third_party = repo("unsloth/Qwen3.5-35B-A3B-GGUF", "2026-02-25", source="hf-community")
    findings = QWEN3 + [third_party]
    only_qwen = claim("2025-04", family="Qwen3", watch=("hf-qwen",))
    assert run(superseded, only_qwen, findings, NOW) == []
    everywhere = claim("2025-04", family="Qwen3")
    [verdict] = run(superseded, everywhere, findings, NOW)
    assert verdict.evidence[0].source_id == "hf-community"


def test_cause_is_stable_as_evidence_grows():
    the_claim = claim("2025-04", family="Qwen3")
    first = run(superseded, the_claim, QWEN3 + QWEN35, NOW)
    more = QWEN3 + QWEN35 + [repo("Qwen/Qwen3.5-35B-A3B", "2026-02-24", "apache-2.0")]
    second = run(superseded, the_claim, more, NOW)
    assert first[0].cause == second[0].cause
    assert len(second[0].evidence) == 2
