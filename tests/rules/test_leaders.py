from rules import leaders
from rules.claim import Leaders
from rules.verdict import Status
from sources.finding import Finding
from tests.rules.factory import at, claim, observe, run

NOW = "2026-06-01"


def hub(repo_id: str, created: str, source: str, lab: str, region: str):
    finding = Finding(key=repo_id, title=repo_id, kind="model", url=None,
                      published=at(created))
    return observe(finding, source, lab, region)


WORLD = [
    hub("meta-llama/Llama-4-Scout-17B-16E", "2025-04-05", "hf-meta", "Meta", "us"),
    hub("meta-llama/Llama-Guard-4-12B", "2025-04-29", "hf-meta", "Meta", "us"),
    hub("mistralai/Magistral-Small-2506", "2025-06-10", "hf-mistral", "Mistral AI", "us"),
    hub("openai/whisper-large-v3", "2023-11-07", "hf-openai", "OpenAI", "us"),
    hub("openai/gpt-oss-120b", "2025-08-05", "hf-openai", "OpenAI", "us"),
    hub("openai/gpt-oss-safeguard-20b", "2025-10-29", "hf-openai", "OpenAI", "us"),
    hub("Qwen/Qwen3-8B", "2025-04-29", "hf-qwen", "Alibaba Qwen", "china"),
]
US_OPEN = Leaders(("Llama 4", "Mistral"), "us", "open")


def leading(as_of: str = "2025-06", **fields):
    return claim(as_of, text="Meta Llama 4; Mistral", leaders=US_OPEN, **fields)


def test_open_weights_by_another_lab_of_the_region_ask_for_review():
    [verdict] = run(leaders, leading(), WORLD, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "leaders:us:openai"
    assert [e.key for e in verdict.evidence] == [
        "openai/gpt-oss-120b", "openai/gpt-oss-safeguard-20b",
    ]
    assert "since 2025-07-01" in verdict.reason  # after the as-of period
    assert verdict.edits == (("Mistral", "Mistral; gpt-oss"),)


def test_releases_before_the_as_of_were_there_to_be_seen():
    assert run(leaders, leading("2025-11"), WORLD, NOW) == []
    [verdict] = run(leaders, leading("2025-09"), WORLD, NOW)  # only the October repo
    assert [e.key for e in verdict.evidence] == ["openai/gpt-oss-safeguard-20b"]


def test_a_leader_named_by_brand_covers_its_repos_anywhere():
    kimi = hub("someone/Kimi-K2-Thinking-GGUF", "2025-11-07", "hf-community", "Community", "us")
    brands = claim("2025-06", leaders=Leaders(("Llama 4", "Kimi"), "us", "open"))
    assert run(leaders, brands, WORLD[:3] + [kimi], NOW) == []


def test_the_edit_joins_a_list_written_with_and():
    text = "Meta's Llama 4, Mistral and Gemma lead"
    names = claim("2025-06", text=text, leaders=Leaders(("Llama 4", "Mistral", "Gemma"), "us"))
    [verdict] = run(leaders, names, WORLD, NOW)
    assert verdict.edits == (("Mistral and Gemma", "Mistral, Gemma and gpt-oss"),)


def test_leaders_own_labs_other_regions_and_older_repos_do_not_count():
    quiet = [w for w in WORLD if "openai" not in w.finding.key]
    assert run(leaders, leading(), quiet, NOW) == []


def test_posts_count_only_when_any_weights_count():
    announcement = observe(
        Finding(key="p", title="Introducing Grok 3", kind="post", url=None,
                published=at("2025-05-17")),
        "blog-xai", "xAI", "us",
    )
    assert run(leaders, leading(), WORLD[:3] + [announcement], NOW) == []
    any_weights = claim("2025-04", leaders=Leaders(("Llama 4",), "us", "any"))
    [verdict] = run(leaders, any_weights, WORLD[:1] + [announcement], NOW)
    assert verdict.cause == "leaders:us:xai"


def test_naming_the_new_lab_among_the_leaders_fixes_it():
    fixed = claim("2025-06", text="Meta Llama 4; Mistral; gpt-oss",
                  leaders=Leaders(("Llama 4", "Mistral", "gpt-oss"), "us", "open"))
    assert run(leaders, fixed, WORLD, NOW) == []


