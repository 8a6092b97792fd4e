import pytest

from rules import mention
from rules.verdict import Status
from tests.rules.factory import claim, post, qwen_blog_posts, repo, run

NOW = "2026-06-01"


@pytest.mark.parametrize(
    ("keyword", "title", "published", "flags"),
    [
        ("Qwen3.5", "Qwen3.5: Towards Native Multimodal Agents", "2026-02-16", True),
        ("qwen3.5", "QWEN3.5 IS OUT", "2026-02-16", True),  # case-insensitive
        ("Qwen3", "Qwen3-Coder: Agentic Coding in the World", "2025-07-22", True),
        ("Qwen3", "Qwen3.5: Towards Native Multimodal Agents", "2026-02-16", False),  # 3 is not 3.5
        ("Qwen3", "Qwen3Guard: Real-time Safety", "2025-09-22", False),  # whole words only
        ("Llama 4", "The Llama 4 herd", "2025-04-05", True),  # a phrase
        ("Llama 4", "Llama 40 herd", "2025-04-05", False),
        ("Llama 4", "Llama and 4 others", "2025-04-05", False),  # words must be adjacent
        ("AI law", "Senate passes federal AI law", "2026-05-02", True),
        ("robotaxi", "Robotaxis in Wuhan", "2026-05-02", False),  # no stemming
        # the as-of period "2025-03" ends 2025-03-31: only what came after counts
        ("QwQ", "QwQ-32B: Embracing the Power of RL", "2025-03-31T23:59:59", False),
        ("QwQ", "QwQ-32B: Embracing the Power of RL", "2025-04-01T00:00", True),
        ("Qwen3", "Qwen3 undated", None, False),  # no date: cannot say it is news
        ("Qwen3", "Qwen3 from the future", "2026-06-02", False),  # after now: bad data
    ],
)
def test_keyword_in_a_later_title_asks_for_review(keyword, title, published, flags):
    the_claim = claim("2025-03", keywords=(keyword,))
    verdicts = run(mention, the_claim, [post(title, published)], NOW)
    assert [v.status for v in verdicts] == ([Status.REVIEW] if flags else [])


def test_summary_counts_like_title():
    found = post("Weekly notes", "2026-03-01", summary="We also tried DeepSeek-V3.2 today.")
    [verdict] = run(mention, claim("2025", keywords=("DeepSeek-V3.2",)), [found], NOW)
    assert verdict.evidence[0].title == "Weekly notes"


def test_one_verdict_per_keyword_citing_newest_first():
    found = [
        post("Qwen3.5 preview", "2026-02-10"),
        post("Qwen3.5: Towards Native Multimodal Agents", "2026-02-16"),
        post("Kimi K2 Thinking", "2025-11-06"),
        repo("Qwen/Qwen3.5-397B-A17B", "2026-02-15"),
    ]
    the_claim = claim("2025-12", keywords=("Qwen3.5", "Kimi K2", "QWEN3.5", "Gemini 3"))
    verdicts = run(mention, the_claim, found, NOW)
    assert [v.cause for v in verdicts] == ["mention:qwen3.5"]  # Kimi K2 came before the as-of
    titles = [e.title for e in verdicts[0].evidence]
    assert titles == [
        "Qwen3.5: Towards Native Multimodal Agents",
        "Qwen/Qwen3.5-397B-A17B",
        "Qwen3.5 preview",
    ]
    assert "Qwen3.5: Towards Native Multimodal Agents" in verdicts[0].reason


def test_evidence_is_capped_at_five():
    found = [post(f"Qwen3.5 note {n}", f"2026-03-{n + 1:02d}") for n in range(12)]
    [verdict] = run(mention, claim("2025", keywords=("Qwen3.5",)), found, NOW)
    assert [e.title for e in verdict.evidence] == [f"Qwen3.5 note {n}" for n in (11, 10, 9, 8, 7)]


def test_watch_restricts_the_sources():
    found = [
        post("Qwen3.5 rumours", "2026-02-01", source="forum"),
        post("Qwen3.5: Towards Native Multimodal Agents", "2026-02-16", source="qwen-blog"),
        post("Qwen3.5 in our API", "2026-03-01", source="cloud-blog"),
    ]
    everything = run(mention, claim("2025", keywords=("Qwen3.5",)), found, NOW)
    assert len(everything[0].evidence) == 3
    watched = claim("2025", keywords=("Qwen3.5",), watch=("qwen-blog", "forum"))
    [verdict] = run(mention, watched, found, NOW)
    assert [e.source_id for e in verdict.evidence] == ["qwen-blog", "forum"]  # newest first
    elsewhere = claim("2025", keywords=("Qwen3.5",), watch=("nobody",))
    assert run(mention, elsewhere, found, NOW) == []


def test_cause_is_stable_as_evidence_grows():
    the_claim = claim("2025-12", keywords=("Qwen3.5",))
    first = run(mention, the_claim, [post("Qwen3.5 preview", "2026-02-10")], NOW)
    more = [post("Qwen3.5 preview", "2026-02-10"), post("Qwen3.5 is out", "2026-02-16")]
    second = run(mention, the_claim, more, NOW)
    assert first[0].cause == second[0].cause == "mention:qwen3.5"
    assert len(second[0].evidence) == 2


def test_real_qwen_blog_feed():
    """The captured Qwen blog: QwQ news after 2024 is the QwQ-32B and QwQ-Max posts."""
    the_claim = claim("2024-12", keywords=("QwQ",))
    [verdict] = run(mention, the_claim, qwen_blog_posts(), NOW)
    titles = [e.title for e in verdict.evidence]
    assert titles[0] == "Qwen3: Think Deeper, Act Faster"  # its summary compares with QwQ
    assert titles[1:] == [
        "QwQ-32B: Embracing the Power of Reinforcement Learning",
        "<think>...</think> QwQ-Max-Preview",
    ]
