from datetime import timedelta

import pytest

from rules import superseded
from rules.claim import Claim
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
DAY = timedelta(days=1)


def latest(as_of: str, *names: str, **fields) -> Claim:
    """A claim naming ``names`` as the latest, reviewed every 90 days."""
    fields.setdefault("review_every", 90 * DAY)
    return claim(as_of, latest=names, **fields)


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
        # the newer generation was already out before the as-of period began: contradicted
        ("Qwen3", "2026-04", QWEN3 + QWEN35, Status.CONTRADICTED),
        ("DeepSeek-V3", "2026", DEEPSEEK_V3 + DEEPSEEK_V31, Status.CONTRADICTED),
        # out within the claim's own period, at its precision: stale, never contradicted
        ("DeepSeek-V3", "2025", DEEPSEEK_V3 + DEEPSEEK_V31, Status.STALE),
        ("Qwen3", "2026-02", QWEN3 + QWEN35, Status.STALE),
        # nothing known of the family, or a family the parser cannot read
        ("Qwen3", "2025-04", LLAMA4, None),
        ("Frobnicator 9", "2025-04", QWEN3 + QWEN35, None),
        ("Qwen", "2025-04", QWEN3 + QWEN35, None),  # no generation claimed
    ],
)
def test_newer_generation_of_the_same_line(family, as_of, findings, status):
    verdicts = run(superseded, latest(as_of, family), findings, NOW)
    assert [v.status for v in verdicts] == ([status] if status else [])


@pytest.mark.parametrize(
    ("created", "status"),
    [
        ("2025-03-31T23:59:59", Status.CONTRADICTED),  # before the as-of period "2025-04"
        ("2025-04-01T00:00", Status.STALE),  # within it: stale, not contradicted
        ("2025-04-30T23:59:59", Status.STALE),
        ("2025-05-01T00:00", Status.STALE),  # after it
        ("2026-06-01T00:00", Status.STALE),  # up to now
        ("2026-06-01T00:01", None),  # after now: bad data, ignored
        (None, None),  # no date: ignored
    ],
)
def test_boundaries_of_time(created, status):
    findings = [repo("Qwen/Qwen2.5-72B", "2024-09-18"), repo("Qwen/Qwen3-8B", created)]
    verdicts = run(superseded, latest("2025-04", "Qwen2.5"), findings, "2026-06-01")
    assert [v.status for v in verdicts] == ([status] if status else [])


def test_stale_verdict_cites_the_newer_generation_and_the_source_that_dated_it():
    [verdict] = run(superseded, latest("2025-04", "Qwen3"), QWEN3 + QWEN35, NOW)
    assert verdict.rule == "superseded"
    assert verdict.cause == "superseded:qwen:3"
    assert [e.key for e in verdict.evidence] == ["Qwen/Qwen3.5-397B-A17B"]
    assert verdict.reason == (
        "Qwen3.5 was released on 2026-02-16 (Qwen/Qwen3.5-397B-A17B on hf-qwen), after the "
        "claim's as-of April 2025; the claim names Qwen3 as the latest."
    )
    assert verdict.edits == (("Qwen3", "Qwen3.5"),)


def test_the_page_as_written_was_already_superseded():
    """The seed page says "Qwen3 (Apache 2.0, April 2026)": Qwen3.5 came out in February."""
    [verdict] = run(superseded, latest("2026-04", "Qwen3"), QWEN3 + QWEN35, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert verdict.cause == "superseded:qwen:3:before:2026-04"
    assert "Qwen3.5 was already released on 2026-02-16" in verdict.reason


ANTHROPIC = [
    post("Claude 3.7 Sonnet and Claude Code", "2025-02-24", source="anthropic"),
    post("Anthropic Economic Index: Insights from Claude 3.7 Sonnet", "2025-03-27",
         source="anthropic"),
    post("Introducing Claude 4", "2025-05-22", source="anthropic"),
    post("Claude Opus 4.1", "2025-08-05", source="anthropic"),
    post("Introducing Claude Sonnet 4.5", "2025-09-29", source="anthropic"),
    post("Introducing Claude Opus 4.5", "2025-11-24", source="anthropic"),
]


def test_newest_generation_is_suggested_by_its_newest_release_name():
    [verdict] = run(superseded, latest("2025-03", "Claude 3.7"), ANTHROPIC, NOW)
    assert verdict.status is Status.STALE
    assert verdict.cause == "superseded:claude:3.7"
    assert [e.title for e in verdict.evidence] == [
        "Introducing Claude Sonnet 4.5",
        "Introducing Claude Opus 4.5",
    ]
    assert verdict.edits == (("Claude 3.7", "Claude Opus 4.5"),)
    assert "Claude 4.5 was released on 2025-09-29" in verdict.reason
    assert "the newest is Claude Opus 4.5 (2025-11-24)" in verdict.reason


def test_contradicted_names_the_first_generation_out_and_the_newest():
    [verdict] = run(superseded, latest("2025-07", "Claude 3.7"), ANTHROPIC, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert verdict.reason.startswith(
        "Claude 4 was already released on 2025-05-22 ('Introducing Claude 4', anthropic), "
        "before the claim's as-of July 2025"
    )
    assert "the newest is Claude Opus 4.5 (2025-11-24)" in verdict.reason
    assert verdict.edits == (("Claude 3.7", "Claude Opus 4.5"),)


def test_a_mention_raises_a_review_never_a_date():
    """"GPT-5.2 derives a new result" is a research post, not GPT-5.2's release."""
    findings = [
        post("Hello GPT-4o", "2024-05-13", source="openai"),
        post("Early experiments in accelerating science with GPT-5", "2025-11-20",
             source="openai"),
        post("GPT-5.2 derives a new result in theoretical physics", "2026-02-13",
             source="openai"),
    ]
    [verdict] = run(superseded, latest("2026-05", "GPT-4o"), findings, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "superseded:gpt:4:mentioned"
    assert "no watched source shows its release" in verdict.reason
    assert "released on" not in verdict.reason and "already" not in verdict.reason
    release_post = post("Introducing GPT-5", "2025-08-07", source="openai")
    [released] = run(superseded, latest("2026-05", "GPT-4o"), findings + [release_post], NOW)
    assert released.status is Status.CONTRADICTED
    assert "GPT-5 was already released on 2025-08-07 ('Introducing GPT-5', openai)" in (
        released.reason
    )


def test_one_verdict_per_stale_subject_with_distinct_causes():
    findings = ANTHROPIC + QWEN3 + QWEN35
    verdicts = run(superseded, latest("2025-04", "Claude 3.7", "Qwen3", "Qwen3.5"), findings, NOW)
    assert sorted(v.cause for v in verdicts) == [
        "superseded:claude:3.7",
        "superseded:qwen:3",
    ]


def test_historical_facts_are_never_superseded():
    never = claim("2025-04", latest=("Qwen3",), review_every=None)
    assert run(superseded, never, QWEN3 + QWEN35, NOW) == []


def test_legacy_family_alone_reads_as_latest_but_not_with_a_fact():
    assert run(superseded, claim("2025-04", family="Qwen3", review_every=90 * DAY),
               QWEN3 + QWEN35, NOW)
    with_fact = claim("2025-04", family="Qwen3", license="apache-2.0", review_every=90 * DAY)
    assert run(superseded, with_fact, QWEN3 + QWEN35, NOW) == []


def test_releases_count_as_findings_of_a_generation():
    findings = [release("Llama 4", "2025-04-05")]
    [verdict] = run(superseded, latest("2024-12", "Llama 3.3"), findings, NOW)
    assert verdict.cause == "superseded:llama:3.3"


def test_watch_restricts_the_sources():
    third_party = repo("unsloth/Qwen3.5-35B-A3B-GGUF", "2026-02-25", source="hf-community")
    findings = QWEN3 + [third_party]
    only_qwen = latest("2025-04", "Qwen3", watch=("hf-qwen",))
    assert run(superseded, only_qwen, findings, NOW) == []
    everywhere = latest("2025-04", "Qwen3")
    [verdict] = run(superseded, everywhere, findings, NOW)
    assert verdict.evidence[0].source_id == "hf-community"


def test_cause_is_stable_as_evidence_grows():
    the_claim = latest("2025-04", "Qwen3")
    first = run(superseded, the_claim, QWEN3 + QWEN35, NOW)
    more = QWEN3 + QWEN35 + [repo("Qwen/Qwen3.5-35B-A3B", "2026-02-24", "apache-2.0")]
    second = run(superseded, the_claim, more, NOW)
    assert first[0].cause == second[0].cause
    assert len(second[0].evidence) == 2


def test_a_line_the_parser_does_not_know_is_followed_by_brand_and_version():
    """A new lab's "Tern 2": its GitHub release "Tern 3" supersedes it; a research post
    naming "Vega 3" only asks for a review."""
    findings = [
        repo("heron-labs/Tern-2-27B", "2025-05-06"),
        repo("heron-labs/Tern-2-27B-0925", "2025-09-25"),
        release("Tern 3", "2025-11-05"),
        post("Vega 3 derives a new result in protein design", "2025-11-10"),
    ]
    [tern] = run(superseded, latest("2025-08", "Tern 2"), findings, NOW)
    assert tern.status is Status.STALE and tern.cause == "superseded:Tern:2"
    assert tern.edits == (("Tern 2", "Tern 3"),)
    [vega] = run(superseded, latest("2025-10", "Vega 2"), findings, NOW)
    assert vega.status is Status.REVIEW
    assert run(superseded, latest("2025-08", "Tern 3"), findings, NOW) == []
