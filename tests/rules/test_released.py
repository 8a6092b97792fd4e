import pytest

from rules import released
from rules.verdict import Status
from tests.rules.factory import (
    DEEPSEEK_R1,
    DEEPSEEK_V3,
    LLAMA4,
    QWEN3,
    QWEN3_UPDATES,
    QWEN35,
    claim,
    healthy,
    post,
    qwen_blog_posts,
    repo,
    run,
)

NOW = "2026-06-01"


@pytest.mark.parametrize(
    ("family", "period", "findings", "status"),
    [
        ("Qwen3", "2025-04", QWEN3 + QWEN3_UPDATES + QWEN35, None),
        ("Qwen3", "2025", QWEN3, None),
        ("Qwen3", "2025-04-28", QWEN3, None),  # the first repo's day
        ("Qwen3", "2025-04-29", QWEN3, Status.CONTRADICTED),  # evidence a day earlier
        ("Qwen3", "2026-04", QWEN3 + QWEN35, Status.CONTRADICTED),  # the seed page's error
        ("DeepSeek-V3", "2024-12", DEEPSEEK_V3 + DEEPSEEK_R1, None),
        ("DeepSeek-V3", "2025-01", DEEPSEEK_V3, Status.CONTRADICTED),
        ("DeepSeek-R1", "2025-01", DEEPSEEK_V3 + DEEPSEEK_R1, None),
        ("Llama 4", "2025-04", LLAMA4, None),
        # later fine-tunes and updates do not move the release
        ("Qwen3", "2025-04", QWEN3 + [repo("x/Qwen3-8B-ft", "2026-01-01", "mit")], None),
        # only later evidence and no complete listing behind it: a person should look
        ("Llama 4", "2025-03", LLAMA4, Status.REVIEW),
        ("DeepSeek-V3", "2024-12", DEEPSEEK_V3[2:], Status.REVIEW),  # only the 0324 update
        # nothing known: no verdict
        ("Qwen3", "2026-04", LLAMA4, None),
        ("Qwen3", "2026-04", [repo("Qwen/Qwen3-8B", None)], None),  # no date
        ("Qwen3", "2026-04", [repo("Qwen/Qwen3-8B", "2026-07-01")], None),  # after now
    ],
)
def test_earliest_evidence_falls_in_the_claimed_period(family, period, findings, status):
    verdicts = run(released, claim(family=family, released=period), findings, NOW)
    assert [v.status for v in verdicts] == ([status] if status else [])


@pytest.mark.parametrize(
    ("created", "status"),
    [
        ("2025-03-31T23:59:59", Status.CONTRADICTED),
        ("2025-04-01T00:00", None),
        ("2025-04-30T23:59:59", None),
        ("2025-05-01T00:00", Status.CONTRADICTED),
    ],
)
def test_period_edges(created, status):
    findings = [repo("meta-llama/Llama-4-Scout-17B-16E", created, source="hf-meta")]
    verdicts = run(
        released, claim(family="Llama 4", released="2025-04"), findings, NOW, [healthy("hf-meta")]
    )
    assert [v.status for v in verdicts] == ([status] if status else [])


def test_later_evidence_from_a_complete_listing_contradicts():
    the_claim = claim(family="Llama 4", released="2025-03")
    complete = run(released, the_claim, LLAMA4, NOW, [healthy("hf-meta")])
    partial = run(released, the_claim, LLAMA4, NOW, [healthy("hf-meta", complete=False)])
    failed = run(released, the_claim, LLAMA4, NOW, [healthy("hf-meta", ok=False)])
    assert [v.status for v in complete] == [Status.CONTRADICTED]
    assert [v.status for v in partial] == [Status.REVIEW]
    assert [v.status for v in failed] == [Status.REVIEW]
    assert complete[0].cause == partial[0].cause == "released:llama:4:2025-03"


def test_verdict_says_when_and_suggests_the_text():
    the_claim = claim(family="Qwen3", license="apache-2.0", released="2026-04")
    [verdict] = run(released, the_claim, QWEN3 + QWEN35, NOW)
    assert verdict.rule == "released"
    assert verdict.cause == "released:qwen:3:2026-04"
    assert verdict.reason == (
        "Qwen3 repos on the Hugging Face Hub were created 2025-04-28/29; the claim says April 2026."
    )
    assert verdict.suggestion == "Qwen3 (Apache 2.0, April 2025)"
    assert [e.key for e in verdict.evidence][:3] == [
        "Qwen/Qwen3-235B-A22B",
        "Qwen/Qwen3-30B-A3B",
        "Qwen/Qwen3-32B",
    ]


def test_suggestion_keeps_the_claimed_precision():
    year = run(released, claim(family="DeepSeek-V3", released="2025"), DEEPSEEK_V3, NOW)
    day = run(released, claim(family="DeepSeek-V3", released="2024-12-31"), DEEPSEEK_V3, NOW)
    assert year[0].suggestion == "DeepSeek-V3 (2024)"
    assert day[0].suggestion == "DeepSeek-V3 (25 December 2024)"


def test_announcement_post_is_evidence():
    """The real Qwen blog announced Qwen3 on 2025-04-29 04:00 +0800, i.e. 2025-04-28 UTC."""
    the_claim = claim(family="Qwen3", released="2025-05")
    [verdict] = run(released, the_claim, qwen_blog_posts(), NOW)
    assert verdict.status is Status.CONTRADICTED
    assert verdict.reason == (
        "Qwen3 was announced 2025-04-28 ('Qwen3: Think Deeper, Act Faster', qwen-blog); "
        "the claim says May 2025."
    )
    assert verdict.evidence[0].url == "https://qwenlm.github.io/blog/qwen3/"


def test_post_counts_by_its_words_even_when_its_title_is_no_model_name():
    findings = [post("Our DeepSeek V3 launch notes", "2024-12-26", source="deepseek-news")]
    [verdict] = run(released, claim(family="DeepSeek-V3", released="2025-02"), findings, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert len(verdict.evidence) == 1


def test_watch_restricts_the_sources():
    early_fake = repo("someone/Qwen3-8B-leak", "2025-03-01", source="hf-community")
    findings = QWEN3 + [early_fake]
    everywhere = run(released, claim(family="Qwen3", released="2025-04"), findings, NOW)
    assert everywhere[0].evidence[0].source_id == "hf-community"
    watched = claim(family="Qwen3", released="2025-04", watch=("hf-qwen",))
    assert run(released, watched, findings, NOW) == []


def test_cause_is_stable_as_evidence_grows():
    the_claim = claim(family="Qwen3", released="2026-04")
    first = run(released, the_claim, QWEN3[:1], NOW)
    second = run(released, the_claim, QWEN3 + QWEN3_UPDATES + qwen_blog_posts(), NOW)
    assert first[0].cause == second[0].cause
    assert len(first[0].evidence) == 1 and len(second[0].evidence) == 5


def test_a_mention_never_dates_a_release():
    """A research post naming GPT-5.2 in February is no evidence it came out then."""
    findings = [post("GPT-5.2 derives a new result in theoretical physics", "2026-02-13")]
    assert run(released, claim(about="GPT-5.2", released="2026-05"), findings, NOW) == []
    launch = post("Introducing GPT-5.2", "2025-12-11")
    [verdict] = run(released, claim(about="GPT-5.2", released="2026-05"),
                    findings + [launch], NOW)
    assert verdict.evidence[0].title == "Introducing GPT-5.2"
    assert [e.title for e in verdict.evidence] == ["Introducing GPT-5.2"]


def test_a_late_hub_repo_does_not_date_a_launch_an_earlier_release_dated():
    launch = post("Introducing ERNIE 4.5", "2025-03-16", source="baidu-blog")
    late_repo = repo("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30", "apache-2.0", "hf-baidu")
    assert run(released, claim(about="ERNIE 4.5", released="2025-03"),
               [late_repo, launch], NOW) == []
    [verdict] = run(released, claim(about="ERNIE 4.5", released="2025-06"),
                    [late_repo, launch], NOW)
    assert "('Introducing ERNIE 4.5', baidu-blog)" in verdict.reason
