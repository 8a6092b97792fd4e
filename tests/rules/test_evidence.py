"""Release evidence vs mentions, on real post titles (the example snapshot's captured feeds:
Olshansk/rss-feeds anthropic/openai/google feeds, MIT; the Qwen blog RSS)."""

import pytest

from rules.engine import World
from rules.evidence import announces, is_release
from rules.versions import parse_model_name
from tests.rules.factory import post, qwen_blog_posts, release, repo


@pytest.mark.parametrize(
    "title",
    [
        "Introducing Claude 4",
        "Introducing Claude Opus 4.5",
        "Introducing computer use, a new Claude 3.5 Sonnet, and Claude 3.5 Haiku",
        "Releasing Claude Instant 1.2",
        "Hello GPT-4o",
        "Meet Qwen3-Max",
        "Announcing Llama 4",
        "GPT-4o mini: advancing cost-efficient intelligence",
        "Gemini 2.5: Our most intelligent AI model",
        "Introducing Gemini 2.0: our new AI model for the agentic era",
        "Claude 3 Haiku: our fastest model yet",
        "Claude Opus 4.1",
        "Claude 2",
        "GPT-4",
        "Claude 3.7 Sonnet and Claude Code",
        "Claude Fable 5 and Claude Mythos 5",
        "OpenAI o3-mini",
        "OpenAI o1 System Card",
        "GPT-2: 1.5B release",
        "DeepSeek-V3.2 is now available",
        "Qwen3: Think Deeper, Act Faster",
        "A new era of intelligence with Gemini 3",
    ],
)
def test_titles_that_announce_a_release(title):
    assert announces(title, parse_model_name)
    assert is_release("post", title, parse_model_name(title), parse_model_name)


@pytest.mark.parametrize(
    "title",
    [
        "GPT-5.2 derives a new result in theoretical physics",
        "Early experiments in accelerating science with GPT-5",
        "GPT-5 lowers the cost of cell-free protein synthesis",
        "Anthropic Economic Index: Insights from Claude 3.7 Sonnet",
        "Claude 3.5 Sonnet on GitHub Copilot",
        "Claude 3 models on Vertex AI",
        "Fine-tune Claude 3 Haiku in Amazon Bedrock",
        "Introducing Claude for Education",  # no generation: announces no model
        "Claude is now available in Europe",
        "Golden Gate Claude",
    ],
)
def test_titles_that_only_mention_a_model(title):
    assert not is_release("post", title, parse_model_name(title), parse_model_name)


def test_hub_repos_and_releases_are_release_evidence_papers_are_not():
    world = World(
        [
            repo("Qwen/Qwen3-8B", "2025-04-29"),
            release("Llama 4", "2025-04-05"),
            post("Qwen3 Technical Report", "2025-05-14"),
        ],
        [],
    )
    entries = [e for entries in world.by_source.values() for e in entries]
    assert {e.key: e.release for e in entries} == {
        "Qwen/Qwen3-8B": True,
        "Llama 4": True,
        "post:qwen3-technical-report": False,
    }


def test_every_qwen_blog_model_post_is_read_one_way_or_the_other():
    """The real Qwen blog: launch posts are releases; the classification never crashes."""
    world = World(qwen_blog_posts(), [])
    by_title = {e.title: e.release for entries in world.by_source.values() for e in entries}
    assert by_title["Qwen3: Think Deeper, Act Faster"] is True
    assert sum(by_title.values()) >= 5
    assert not all(by_title.values())
