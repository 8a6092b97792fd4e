from rules import weights
from rules.verdict import Status
from sources.finding import Finding
from tests.rules.factory import at, claim, observe, run

NOW = "2026-06-01"


def hub(repo_id: str, created: str, source: str, lab: str, license: str = "mit"):
    finding = Finding(key=repo_id, title=repo_id, kind="model", url=None,
                      published=at(created), attributes={"license": license})
    return observe(finding, source, lab, "china")


MOONSHOT = [
    hub("moonshotai/Kimi-VL-A3B-Instruct", "2025-04-10", "hf-moonshot", "Moonshot AI"),
    hub("moonshotai/Kimi-K2-Instruct", "2025-07-11", "hf-moonshot", "Moonshot AI", "other"),
]
BAIDU = [hub("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30", "hf-baidu", "Baidu", "apache-2.0")]
THIRD_PARTY = [hub("unsloth/Kimi-K2-Instruct-GGUF", "2025-07-15", "hf-unsloth", "Unsloth")]


def closed(as_of: str, *names: str):
    return claim(as_of, text="Qwen-Max; ERNIE 4.0; Kimi", closed=names)


def test_a_closed_brand_with_its_own_open_weights_before_the_period_ended_is_contradicted():
    [verdict] = run(weights, closed("2026-05", "Kimi"), MOONSHOT, NOW)
    assert verdict.status is Status.CONTRADICTED
    assert verdict.cause == "weights:closed:kimi:open"
    assert verdict.evidence[0].key == "moonshotai/Kimi-VL-A3B-Instruct"
    assert "Moonshot AI published its weights" in verdict.reason


def test_weights_opened_after_the_as_of_ask_for_review():
    [verdict] = run(weights, closed("2025-03", "Kimi"), MOONSHOT, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "weights:closed:kimi:opened"


def test_third_party_uploads_are_not_the_labs_own_weights():
    assert run(weights, closed("2026-05", "Kimi"), THIRD_PARTY, NOW) == []


def test_open_weights_of_a_newer_generation_of_the_line_ask_for_review():
    [verdict] = run(weights, closed("2026-05", "ERNIE 4.0"), BAIDU, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "weights:closed:ernie 4.0:line"


def test_a_closed_product_name_with_no_repo_raises_nothing():
    assert run(weights, closed("2026-05", "Qwen-Max"), MOONSHOT + BAIDU, NOW) == []


def test_licence_change_of_an_open_model_asks_for_review():
    open_claim = claim("2026-05", open=("Kimi",))
    [verdict] = run(weights, open_claim, MOONSHOT, NOW)
    assert verdict.status is Status.REVIEW
    assert verdict.cause == "weights:open:kimi:other"
    same = [MOONSHOT[0], hub("moonshotai/Kimi-Dev-72B", "2025-06-16", "hf-moonshot",
                             "Moonshot AI")]
    assert run(weights, open_claim, same, NOW) == []


def test_a_sentence_about_some_of_a_labs_models_asks_only_for_review():
    """Whisper-like side releases do not make "keeps its frontier models closed" false."""
    openai = [hub("openai/whisper-large-v3", "2023-11-07", "hf-openai", "OpenAI")]
    narrowed = claim("2025-06", text="OpenAI keeps its frontier models closed",
                     closed=("OpenAI",))
    [verdict] = run(weights, narrowed, openai, NOW)
    assert verdict.status is Status.REVIEW
    assert "check that the models the sentence means" in verdict.reason
    whole = claim("2025-06", text="OpenAI keeps its models closed", closed=("OpenAI",))
    [verdict] = run(weights, whole, openai, NOW)
    assert verdict.status is Status.CONTRADICTED
