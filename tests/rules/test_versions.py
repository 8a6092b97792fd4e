"""Model-name versions, tested on real names.

Repo ids are Hugging Face model ids as their labs published them; API ids are the labs'
documented model ids; titles marked "feed" are item titles of the captured feeds in
../shared/corpus/blogs (qwen_blog_index_latest.xml from QwenLM/qwenlm.github.io@ddef230df716,
olshansk_feed_{anthropic_news,mistral,openai_research,meta_ai}.xml from
Olshansk/rss-feeds@87f388a0735f), copied here as strings; Kimi-K2-Thinking and MiniMax-M2
are the ids of the Hub listing in hf/burncloud_TODO_with_real_api_models_listing_snippet.md.
"""

from __future__ import annotations

import pytest

from rules.versions import (
    ModelName,
    format_generation,
    generation_key,
    is_newer,
    parse_model_name,
    same_generation,
)

# name, line, lab, generation, variant, size, date_suffix
REAL_NAMES = [
    # Alibaba: Hub repo ids
    ("Qwen/Qwen2.5-72B-Instruct", "qwen", "alibaba", (2, 5), "instruct", "72b", ""),
    ("Qwen/Qwen2.5-0.5B", "qwen", "alibaba", (2, 5), "", "0.5b", ""),
    ("Qwen/Qwen2.5-Coder-32B-Instruct", "qwen", "alibaba", (2, 5), "coder-instruct", "32b", ""),
    ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen", "alibaba", (2, 5), "vl-instruct", "7b", ""),
    ("Qwen/Qwen2.5-Math-7B", "qwen", "alibaba", (2, 5), "math", "7b", ""),
    ("Qwen/Qwen3-30B-A3B", "qwen", "alibaba", (3,), "", "30b-a3b", ""),
    ("Qwen/Qwen3-8B", "qwen", "alibaba", (3,), "", "8b", ""),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen", "alibaba", (3,), "instruct", "235b-a22b",
     "2507"),
    ("Qwen/Qwen3-235B-A22B-Thinking-2507", "qwen", "alibaba", (3,), "thinking", "235b-a22b",
     "2507"),
    ("Qwen/Qwen3-Coder-480B-A35B-Instruct", "qwen", "alibaba", (3,), "coder-instruct",
     "480b-a35b", ""),
    ("Qwen/Qwen3-Next-80B-A3B-Instruct", "qwen", "alibaba", (3,), "next-instruct", "80b-a3b",
     ""),
    ("Qwen/Qwen1.5-MoE-A2.7B", "qwen", "alibaba", (1, 5), "moe", "a2.7b", ""),
    ("Qwen/CodeQwen1.5-7B-Chat", "qwen", "alibaba", (1, 5), "code-chat", "7b", ""),
    ("Qwen/QwQ-32B", "qwq", "alibaba", (), "", "32b", ""),
    ("Qwen/QVQ-72B-Preview", "qvq", "alibaba", (), "preview", "72b", ""),
    # Alibaba: quantised re-uploads parse like the original
    ("Qwen/Qwen3-8B-FP8", "qwen", "alibaba", (3,), "", "8b", ""),
    ("Qwen/Qwen3-8B-AWQ", "qwen", "alibaba", (3,), "", "8b", ""),
    ("Qwen/Qwen3-8B-GGUF", "qwen", "alibaba", (3,), "", "8b", ""),
    ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "qwen", "alibaba", (2, 5), "instruct", "7b", ""),
    ("bartowski/Qwen_QwQ-32B-GGUF", "qwq", "alibaba", (), "", "32b", ""),
    ("bartowski/mistralai_Mistral-Small-3.1-24B-Instruct-2503-GGUF", "mistral-small",
     "mistral", (3, 1), "instruct", "24b", "2503"),
    ("https://huggingface.co/Qwen/Qwen3-8B", "qwen", "alibaba", (3,), "", "8b", ""),
    ("unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF", "qwen", "alibaba", (3,), "instruct",
     "30b-a3b", "2507"),
    ("mlx-community/Qwen3-4B-4bit", "qwen", "alibaba", (3,), "", "4b", ""),
    # Alibaba: feed titles
    ("Qwen3: Think Deeper, Act Faster", "qwen", "alibaba", (3,), "", "", ""),
    ("Qwen3-Coder: Agentic Coding in the World", "qwen", "alibaba", (3,), "coder", "", ""),
    ("Qwen3 Embedding: Advancing Text Embedding and Reranking Through Foundation Models",
     "qwen", "alibaba", (3,), "embedding", "", ""),
    ("Qwen3Guard: Real-time Safety for Your Token Stream", "qwen", "alibaba", (3,), "guard",
     "", ""),
    ("Qwen2.5-VL-32B: Smarter and Lighter", "qwen", "alibaba", (2, 5), "vl", "32b", ""),
    ("Qwen2.5 VL! Qwen2.5 VL! Qwen2.5 VL!", "qwen", "alibaba", (2, 5), "vl", "", ""),
    ("Qwen2.5-Coder Series: Powerful, Diverse, Practical.", "qwen", "alibaba", (2, 5), "coder",
     "", ""),
    ("Qwen1.5-110B: The First 100B+ Model of the Qwen1.5 Series", "qwen", "alibaba", (1, 5),
     "", "110b", ""),
    ("Hello Qwen2", "qwen", "alibaba", (2,), "", "", ""),
    ("Notes on Qwen-Max-0428", "qwen", "alibaba", (), "max", "", "0428"),
    ("Qwen-Image-Edit: Image Editing with Higher Quality and Efficiency", "qwen", "alibaba",
     (), "image-edit", "", ""),
    ("QwQ-32B: Embracing the Power of Reinforcement Learning", "qwq", "alibaba", (), "", "32b",
     ""),
    ("<think>...</think> QwQ-Max-Preview", "qwq", "alibaba", (), "max-preview", "", ""),
    # DeepSeek
    ("deepseek-ai/DeepSeek-V3", "deepseek-v", "deepseek", (3,), "", "", ""),
    ("deepseek-ai/DeepSeek-V3-Base", "deepseek-v", "deepseek", (3,), "base", "", ""),
    ("deepseek-ai/DeepSeek-V3-0324", "deepseek-v", "deepseek", (3,), "", "", "0324"),
    ("deepseek-ai/DeepSeek-V3.1", "deepseek-v", "deepseek", (3, 1), "", "", ""),
    ("deepseek-ai/DeepSeek-V3.1-Terminus", "deepseek-v", "deepseek", (3, 1), "terminus", "",
     ""),
    ("deepseek-ai/DeepSeek-V3.2-Exp", "deepseek-v", "deepseek", (3, 2), "exp", "", ""),
    ("deepseek-ai/DeepSeek-V2.5", "deepseek-v", "deepseek", (2, 5), "", "", ""),
    ("deepseek-ai/DeepSeek-V2-Lite-Chat", "deepseek-v", "deepseek", (2,), "lite-chat", "", ""),
    ("deepseek-ai/DeepSeek-R1", "deepseek-r", "deepseek", (1,), "", "", ""),
    ("deepseek-ai/DeepSeek-R1-0528", "deepseek-r", "deepseek", (1,), "", "", "0528"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "deepseek-r", "deepseek", (1,),
     "distill-qwen", "32b", ""),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "deepseek-r", "deepseek", (1,),
     "distill-llama", "70b", ""),
    ("deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct", "deepseek-coder", "deepseek", (2,),
     "lite-instruct", "", ""),
    ("deepseek-ai/deepseek-vl2-small", "deepseek-vl", "deepseek", (2,), "small", "", ""),
    ("deepseek-ai/DeepSeek-R1-0528-Qwen3-8B", "deepseek-r", "deepseek", (1,), "qwen3", "8b",
     "0528"),
    ("deepseek-ai/DeepSeek-Prover-V2-671B", "deepseek-prover", "deepseek", (2,), "", "671b",
     ""),
    ("deepseek-ai/DeepSeek-OCR", "deepseek-ocr", "deepseek", (), "", "", ""),
    # Meta
    ("meta-llama/Llama-3.1-8B", "llama", "meta", (3, 1), "", "8b", ""),
    ("meta-llama/Llama-3.1-405B-Instruct", "llama", "meta", (3, 1), "instruct", "405b", ""),
    ("meta-llama/Llama-3.3-70B-Instruct", "llama", "meta", (3, 3), "instruct", "70b", ""),
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama", "meta", (3, 2), "vision-instruct",
     "11b", ""),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "llama", "meta", (3,), "instruct", "8b", ""),
    ("meta-llama/Llama-2-7b-chat-hf", "llama", "meta", (2,), "chat", "7b", ""),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama", "meta", (4,), "scout-instruct",
     "17b-16e", ""),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama", "meta", (4,),
     "maverick-instruct", "17b-128e", ""),
    ("meta-llama/Llama-Guard-3-8B", "llama-guard", "meta", (3,), "", "8b", ""),
    ("Llama 4", "llama", "meta", (4,), "", "", ""),
    # Google
    ("google/gemma-2-9b-it", "gemma", "google", (2,), "it", "9b", ""),
    ("google/gemma-3-27b-it", "gemma", "google", (3,), "it", "27b", ""),
    ("google/gemma-3n-E4B-it", "gemma", "google", (3,), "n-it", "e4b", ""),
    ("google/gemma-7b", "gemma", "google", (), "", "7b", ""),
    ("google/gemma-1.1-7b-it", "gemma", "google", (1, 1), "it", "7b", ""),
    ("google/paligemma2-3b-pt-224", "paligemma", "google", (2,), "", "3b", ""),
    ("Gemini 2.0 Flash", "gemini", "google", (2,), "flash", "", ""),
    ("Gemini 2.0 Pro", "gemini", "google", (2,), "pro", "", ""),
    ("Gemini 2.5 Pro", "gemini", "google", (2, 5), "pro", "", ""),
    ("Gemini 2.5 Flash-Lite", "gemini", "google", (2, 5), "flash-lite", "", ""),
    ("Gemma 3n", "gemma", "google", (3,), "n", "", ""),
    ("gemini-1.5-pro-002", "gemini", "google", (1, 5), "pro", "", "002"),
    ("gemini-2.5-flash-preview-05-20", "gemini", "google", (2, 5), "flash-preview", "", "0520"),
    # Mistral
    ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "mistral-small", "mistral", (3, 1),
     "instruct", "24b", "2503"),
    ("mistralai/Mistral-Small-24B-Instruct-2501", "mistral-small", "mistral", (), "instruct",
     "24b", "2501"),
    ("mistralai/Mistral-Large-Instruct-2411", "mistral-large", "mistral", (), "instruct", "",
     "2411"),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", "mistral", (0, 3), "instruct", "7b", ""),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral", "mistral", (0, 1), "instruct", "8x7b",
     ""),
    ("mistralai/Magistral-Small-2506", "magistral", "mistral", (), "small", "", "2506"),
    ("mistralai/Devstral-Small-2507", "devstral", "mistral", (), "small", "", "2507"),
    ("mistralai/Ministral-8B-Instruct-2410", "ministral", "mistral", (), "instruct", "8b",
     "2410"),
    ("Introducing Mistral Small 4", "mistral-small", "mistral", (4,), "", "", ""),
    ("Remote agents in Vibe. Powered by Mistral Medium 3.5.", "mistral-medium", "mistral",
     (3, 5), "", "", ""),
    ("Introducing: Devstral 2 and Mistral Vibe CLI.", "devstral", "mistral", (2,), "", "", ""),
    ("Introducing Mistral 3", "mistral", "mistral", (3,), "", "", ""),
    ("mistralai/Mistral-Nemo-Instruct-2407", "mistral-nemo", "mistral", (), "instruct", "",
     "2407"),
    ("mistralai/Voxtral-Mini-3B-2507", "voxtral", "mistral", (), "mini", "3b", "2507"),
    ("Announcing Codestral 25.08 and the Complete Mistral Coding Stack for Enterprise",
     "codestral", "mistral", (), "", "", "2508"),
    ("Mistral OCR", "mistral-ocr", "mistral", (), "", "", ""),
    # Moonshot, Zhipu, MiniMax, Baidu
    ("moonshotai/Kimi-K2-Instruct", "kimi-k", "moonshot", (2,), "instruct", "", ""),
    ("moonshotai/Kimi-K2-Instruct-0905", "kimi-k", "moonshot", (2,), "instruct", "", "0905"),
    ("moonshotai/Kimi-K2-Thinking", "kimi-k", "moonshot", (2,), "thinking", "", ""),
    ("moonshotai/Kimi-VL-A3B-Thinking", "kimi-vl", "moonshot", (), "thinking", "a3b", ""),
    ("Introducing Kimi K2 Thinking", "kimi-k", "moonshot", (2,), "thinking", "", ""),
    ("Kimi k1.5", "kimi-k", "moonshot", (1, 5), "", "", ""),
    ("zai-org/GLM-4.5", "glm", "zhipu", (4, 5), "", "", ""),
    ("zai-org/GLM-4.5-Air", "glm", "zhipu", (4, 5), "air", "", ""),
    ("zai-org/GLM-4.6", "glm", "zhipu", (4, 6), "", "", ""),
    ("zai-org/GLM-4.1V-9B-Thinking", "glm", "zhipu", (4, 1), "v-thinking", "9b", ""),
    ("THUDM/glm-4-9b-chat", "glm", "zhipu", (4,), "chat", "9b", ""),
    ("THUDM/GLM-Z1-32B-0414", "glm-z", "zhipu", (1,), "", "32b", "0414"),
    ("THUDM/chatglm3-6b", "chatglm", "zhipu", (3,), "", "6b", ""),
    ("MiniMaxAI/MiniMax-M1-80k", "minimax-m", "minimax", (1,), "80k", "", ""),
    ("MiniMaxAI/MiniMax-M2", "minimax-m", "minimax", (2,), "", "", ""),
    ("MiniMaxAI/MiniMax-Text-01", "minimax-text", "minimax", (), "", "", ""),
    ("baidu/ERNIE-4.5-300B-A47B-PT", "ernie", "baidu", (4, 5), "", "300b-a47b", ""),
    ("baidu/ERNIE-4.5-21B-A3B-Thinking", "ernie", "baidu", (4, 5), "thinking", "21b-a3b", ""),
    ("ERNIE 4.0 Turbo", "ernie", "baidu", (4,), "turbo", "", ""),
    ("ERNIE 4.5", "ernie", "baidu", (4, 5), "", "", ""),
    ("ERNIE X1", "ernie-x", "baidu", (1,), "", "", ""),
    # OpenAI
    ("openai/gpt-oss-120b", "gpt-oss", "openai", (), "", "120b", ""),
    ("openai/gpt-oss-20b", "gpt-oss", "openai", (), "", "20b", ""),
    ("GPT-4", "gpt", "openai", (4,), "", "", ""),
    ("GPT-4o", "gpt", "openai", (4,), "o", "", ""),
    ("gpt-4o-2024-08-06", "gpt", "openai", (4,), "o", "", "20240806"),
    ("gpt-4o-mini", "gpt", "openai", (4,), "o-mini", "", ""),
    ("gpt-4-0613", "gpt", "openai", (4,), "", "", "0613"),
    ("gpt-3.5-turbo-0125", "gpt", "openai", (3, 5), "turbo", "", "0125"),
    ("GPT-4.1", "gpt", "openai", (4, 1), "", "", ""),
    ("GPT-4.5", "gpt", "openai", (4, 5), "", "", ""),
    ("GPT-5", "gpt", "openai", (5,), "", "", ""),
    ("GPT-5.2 derives a new result in theoretical physics", "gpt", "openai", (5, 2), "", "",
     ""),
    ("OpenAI o3-mini System Card", "o-series", "openai", (3,), "mini", "", ""),
    ("OpenAI o1 System Card", "o-series", "openai", (1,), "", "", ""),
    ("o4-mini", "o-series", "openai", (4,), "mini", "", ""),
    ("Introducing OpenAI o3 and o4-mini", "o-series", "openai", (3,), "", "", ""),
    ("gpt-4-turbo-2024-04-09", "gpt", "openai", (4,), "turbo", "", "20240409"),
    ("GPT-4o System Card", "gpt", "openai", (4,), "o", "", ""),
    # Anthropic: both word orders, and the API ids
    ("Claude 3.5 Sonnet", "claude", "anthropic", (3, 5), "sonnet", "", ""),
    ("Claude 3.7 Sonnet", "claude", "anthropic", (3, 7), "sonnet", "", ""),
    ("Claude 3.7", "claude", "anthropic", (3, 7), "", "", ""),
    ("Claude Sonnet 4", "claude", "anthropic", (4,), "sonnet", "", ""),
    ("Introducing Claude Opus 4.1", "claude", "anthropic", (4, 1), "opus", "", ""),
    ("Claude Sonnet 4.5", "claude", "anthropic", (4, 5), "sonnet", "", ""),
    ("Introducing Claude Opus 4.8", "claude", "anthropic", (4, 8), "opus", "", ""),
    ("Claude Fable 5 and Claude Mythos 5", "claude", "anthropic", (5,), "fable", "", ""),
    ("claude-3-5-sonnet-20240620", "claude", "anthropic", (3, 5), "sonnet", "", "20240620"),
    ("claude-sonnet-4-20250514", "claude", "anthropic", (4,), "sonnet", "", "20250514"),
    ("claude-opus-4-1-20250805", "claude", "anthropic", (4, 1), "opus", "", "20250805"),
    ("claude-3-haiku-20240307", "claude", "anthropic", (3,), "haiku", "", "20240307"),
    ("claude-instant-1.2", "claude", "anthropic", (1, 2), "instant", "", ""),
    ("Anthropic’s Claude 3.5 Sonnet now available in Amazon Bedrock", "claude", "anthropic",
     (3, 5), "sonnet", "", ""),
    # Others
    ("microsoft/Phi-3-mini-4k-instruct", "phi", "microsoft", (3,), "mini-4k-instruct", "", ""),
    ("microsoft/phi-4", "phi", "microsoft", (4,), "", "", ""),
    ("microsoft/Phi-3.5-MoE-instruct", "phi", "microsoft", (3, 5), "moe-instruct", "", ""),
    ("01-ai/Yi-1.5-34B-Chat", "yi", "01-ai", (1, 5), "chat", "34b", ""),
    ("xai-org/grok-1", "grok", "xai", (1,), "", "", ""),
    # Claim family strings as the seed page writes them
    ("Qwen3", "qwen", "alibaba", (3,), "", "", ""),
    ("Qwen3-30B-A3B", "qwen", "alibaba", (3,), "", "30b-a3b", ""),
    ("Qwen3 (Apache 2.0, April 2026)", "qwen", "alibaba", (3,), "", "", ""),
    ("DeepSeek-V3", "deepseek-v", "deepseek", (3,), "", "", ""),
    ("Qwen-Max", "qwen", "alibaba", (), "max", "", ""),
]


@pytest.mark.parametrize(
    ("name", "line", "lab", "generation", "variant", "size", "date_suffix"), REAL_NAMES
)
def test_real_names_parse_into_their_parts(
    name, line, lab, generation, variant, size, date_suffix
):
    assert parse_model_name(name) == ModelName(
        name, line, lab, generation, variant, size, date_suffix
    )


def test_the_table_covers_at_least_sixty_real_names():
    assert len({row[0] for row in REAL_NAMES}) >= 60


NOT_MODEL_NAMES = [
    "Our position on open-weights models",  # feed
    "Mistral AI raises 1.7B€ to accelerate technological progress with AI",  # feed
    "From Brain Waves to Words: Brain2Qwerty Offers a New Path to Communication",  # feed
    "Everything we announced at our first-ever LlamaCon",  # feed
    "Introducing Muse Spark 1.1",  # feed
    "SAM 3.1: Faster and More Accessible Real-Time Video Detection",  # feed
    "Sora 2 is here",  # feed
    "Introducing GPT-Rosalind for life sciences research",  # feed: no GPT generation
    "Zhipu AutoGLM",
    "ggml-org/llama.cpp",
    "ChatGPT",
    "Grok",
    "DeepSeek API",
    "DeepSeek",
    "Kimi API",
    "MiniMax",
    "OFA: Towards Building a One-For-All Model",  # feed
    "",
    "   ",
    "bert-base-uncased",
    "stabilityai/stable-diffusion-2-1",
    "google-bert/bert-base-uncased",
    "sentence-transformers/paraphrase-albert-small-v2",
]


@pytest.mark.parametrize("name", NOT_MODEL_NAMES)
def test_names_without_a_known_model_are_none(name):
    assert parse_model_name(name) is None


BRAND_WITHOUT_GENERATION = [
    ("How Claude’s text watermark works", "claude"),  # feed
    ("Claude Code 2.0", "claude"),  # a tool's version, not a model generation
    ("Introducing Claude for Teachers", "claude"),  # feed
    ("Magistral", "magistral"),  # feed
    ("Upgrading agentic coding capabilities with the new Devstral models", "devstral"),  # feed
    ("Mastering Edge AI on Raspberry Pi with LiteRT and Gemma", "gemma"),  # feed
    ("How Llama helps Biofy Technologies in the fight against antibiotic resistance", "llama"),
    ("Generalizing an LLM from 8k to 1M Context using Qwen-Agent", "qwen"),  # feed
]


@pytest.mark.parametrize(("name", "line"), BRAND_WITHOUT_GENERATION)
def test_a_bare_brand_has_a_line_but_no_generation(name, line):
    parsed = parse_model_name(name)
    assert parsed is not None
    assert (parsed.line, parsed.generation) == (line, ())


LINES_IN_ORDER = {
    "qwen": ["Qwen/Qwen1.5-7B", "Qwen/Qwen2-7B", "Qwen/Qwen2.5-7B", "Qwen/Qwen3-8B",
             "Qwen/Qwen3.5-397B-A17B"],
    "deepseek-v": ["deepseek-ai/DeepSeek-V2", "deepseek-ai/DeepSeek-V2.5",
                   "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-V3.1",
                   "deepseek-ai/DeepSeek-V3.2-Exp"],
    "llama": ["meta-llama/Llama-2-7b-hf", "meta-llama/Meta-Llama-3-8B",
              "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.2-1B",
              "meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-4-Scout-17B-16E"],
    "gpt": ["gpt-3.5-turbo", "GPT-4", "GPT-4.1", "GPT-4.5", "GPT-5", "GPT-5.2"],
    "claude": ["Claude 2.1", "Claude 3 Opus", "Claude 3.5 Sonnet", "Claude 3.7 Sonnet",
               "Claude Sonnet 4", "Claude Opus 4.1", "Claude Sonnet 4.5", "Claude Opus 5"],
    "gemini": ["Gemini 1.0 Pro", "Gemini 1.5 Pro", "Gemini 2.0 Flash", "Gemini 2.5 Pro",
               "Gemini 3 Pro"],
    "glm": ["THUDM/glm-4-9b", "zai-org/GLM-4.1V-9B-Thinking", "zai-org/GLM-4.5",
            "zai-org/GLM-4.6"],
}


@pytest.mark.parametrize("line", sorted(LINES_IN_ORDER))
def test_generations_sort_in_release_order_within_a_line(line):
    names = LINES_IN_ORDER[line]
    parsed = [parse_model_name(name) for name in names]
    assert {name.line for name in parsed} == {line}
    shuffled = list(reversed(parsed))
    assert [name.raw for name in sorted(shuffled, key=generation_key)] == names
    for older, newer in zip(parsed, parsed[1:], strict=False):
        assert is_newer(newer, older)
        assert not is_newer(older, newer)


def test_generation_key_orders_minor_versions_before_the_next_major():
    keys = [generation_key(parse_model_name(name))
            for name in ["Qwen3.5", "Qwen3", "Qwen4", "Qwen3.2", "Qwen3.1"]]
    assert sorted(keys) == [(3,), (3, 1), (3, 2), (3, 5), (4,)]


# candidate, than: never "newer"
NOT_NEWER = [
    # date-suffix updates within a generation
    ("deepseek-ai/DeepSeek-V3-0324", "DeepSeek-V3"),
    ("deepseek-ai/DeepSeek-R1-0528", "deepseek-ai/DeepSeek-R1"),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507", "Qwen3"),
    ("moonshotai/Kimi-K2-Instruct-0905", "moonshotai/Kimi-K2-Instruct"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20240620"),
    ("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "Mistral Small 3.2"),
    # sizes and variants
    ("Qwen/Qwen3-235B-A22B", "Qwen/Qwen3-8B"),
    ("meta-llama/Llama-3.1-405B", "meta-llama/Llama-3.1-8B"),
    ("Qwen/Qwen3-Coder-480B-A35B-Instruct", "Qwen3"),
    ("deepseek-ai/DeepSeek-V3.1-Terminus", "deepseek-ai/DeepSeek-V3.1"),
    ("zai-org/GLM-4.5-Air", "zai-org/GLM-4.5"),
    ("Qwen/Qwen3-8B-GGUF", "Qwen/Qwen3-8B"),
    ("GPT-4o", "GPT-4"),
    ("google/gemma-3n-E4B-it", "google/gemma-3-27b-it"),
    # distills belong to the distilling line
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "Qwen3"),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "Llama 4"),
    # across lines
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Qwen3"),
    ("Qwen3", "Llama 4"),
    ("Qwen/Qwen2.5-Coder-32B-Instruct", "Qwen3"),
    ("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1"),
    ("deepseek-ai/DeepSeek-R1", "DeepSeek-V3"),
    ("GPT-5", "Claude 3.7"),
    ("GPT-5", "openai/gpt-oss-120b"),
    ("OpenAI o3-mini System Card", "GPT-4o"),
    ("zai-org/GLM-4.5", "THUDM/GLM-Z1-32B-0414"),
    ("Gemini 2.5 Pro", "google/gemma-3-27b-it"),
    ("ERNIE X1", "ERNIE 4.5"),
    ("Introducing Mistral Small 4", "Mistral Medium 3"),
    # an empty generation is never newer, nor older
    ("openai/gpt-oss-120b", "openai/gpt-oss-20b"),
    ("Qwen-Max", "Qwen3"),
    ("Qwen3", "Qwen-Max"),
]


@pytest.mark.parametrize(("candidate", "than"), NOT_NEWER)
def test_updates_sizes_variants_and_other_lines_are_not_newer(candidate, than):
    assert not is_newer(parse_model_name(candidate), parse_model_name(than))


# claim family, finding name, same generation?
FAMILY_COVERS = [
    ("Qwen3", "Qwen/Qwen3-235B-A22B-Instruct-2507", True),
    ("Qwen3", "Qwen/Qwen3-Coder-480B-A35B-Instruct", True),
    ("Qwen3", "Qwen3: Think Deeper, Act Faster", True),
    ("Qwen3", "Qwen/Qwen3.5-397B-A17B", False),
    ("Qwen3", "Qwen/Qwen2.5-72B-Instruct", False),
    ("Qwen3", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", False),
    ("DeepSeek-V3", "deepseek-ai/DeepSeek-V3-0324", True),
    ("DeepSeek-V3", "deepseek-ai/DeepSeek-V3.1", False),
    ("DeepSeek-V3", "deepseek-ai/DeepSeek-R1", False),
    ("Llama 4", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", True),
    ("Llama 4", "meta-llama/Llama-3.3-70B-Instruct", False),
    ("GPT-4o", "gpt-4o-2024-08-06", True),
    ("Claude 3.7", "claude-3-7-sonnet-20250219", True),
    ("Gemini 2.0", "Gemini 2.0 Flash", True),
    ("ERNIE 4.0 Turbo", "ERNIE 4.0", True),
    ("gpt-oss", "openai/gpt-oss-120b", True),
]


@pytest.mark.parametrize(("family", "finding", "expected"), FAMILY_COVERS)
def test_a_claim_family_covers_its_own_generation_only(family, finding, expected):
    assert same_generation(parse_model_name(family), parse_model_name(finding)) is expected


FORMATTED = [
    ("Qwen/Qwen3.5-397B-A17B", "Qwen3.5"),
    ("Qwen/Qwen3-8B", "Qwen3"),
    ("deepseek-ai/DeepSeek-V3.1-Terminus", "DeepSeek-V3.1"),
    ("deepseek-ai/DeepSeek-R1-0528", "DeepSeek-R1"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Llama 4"),
    ("Introducing Claude Opus 4.1", "Claude 4.1"),
    ("Gemini 2.0 Flash", "Gemini 2.0"),
    ("Gemini 3 Pro", "Gemini 3"),
    ("ERNIE 4.0 Turbo", "ERNIE 4.0"),
    ("GPT-4.1", "GPT-4.1"),
    ("moonshotai/Kimi-K2-Thinking", "Kimi K2"),
    ("zai-org/GLM-4.6", "GLM-4.6"),
    ("MiniMaxAI/MiniMax-M2", "MiniMax-M2"),
    ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "Mistral Small 3.1"),
    ("Introducing: Devstral 2 and Mistral Vibe CLI.", "Devstral 2"),
    ("google/paligemma2-3b-pt-224", "PaliGemma 2"),
    ("OpenAI o3-mini System Card", "o3"),
    ("openai/gpt-oss-120b", "gpt-oss"),
    ("Qwen/QwQ-32B", "QwQ"),
    ("deepseek-ai/DeepSeek-OCR", "DeepSeek-OCR"),
    ("moonshotai/Kimi-VL-A3B-Thinking", "Kimi-VL"),
    ("mistralai/Mistral-Nemo-Instruct-2407", "Mistral Nemo"),
]


@pytest.mark.parametrize(("name", "expected"), FORMATTED)
def test_format_generation_writes_it_as_people_do(name, expected):
    assert format_generation(parse_model_name(name)) == expected


def test_the_raw_text_is_kept_as_given():
    assert parse_model_name("  Qwen/Qwen3-8B ").raw == "  Qwen/Qwen3-8B "
