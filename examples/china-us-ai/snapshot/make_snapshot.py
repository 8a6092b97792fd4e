"""Write the offline world `make demo` replays: one recorded exchange per source.

Usage (from the repository root)::

    .venv/bin/python examples/china-us-ai/snapshot/make_snapshot.py
    .venv/bin/python examples/china-us-ai/snapshot/make_snapshot.py --captures ../shared/corpus

Without ``--captures`` only the hand-made exchanges are (re)written: Hugging Face
listings, GitHub releases, the Google Keyword feed and the arXiv queries. With it, the
real captured feeds (Qwen blog, Olshansk/rss-feeds) are copied byte for byte from that
corpus folder as well. README.md beside this script says which file is which and from
what knowledge the hand-made ones were written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from sources.replay import save_exchange
from sources.response import HttpResponse

SNAPSHOT = Path(__file__).resolve().parent
# The hand-made parts show what was known at this moment; see README.md.
HAND_MADE_AT = datetime(2025, 11, 24, 9, 0, tzinfo=UTC)


# --------------------------------------------------------------- Hugging Face


@dataclass(frozen=True)
class HubModel:
    id: str
    created: str  # "YYYY-MM-DD" or a full ISO time; the day is right to within days
    license: str | None  # Hub license id; None where we are not sure what the Hub shows
    pipeline: str | None
    library: str = "transformers"
    model_type: str | None = None
    chat: bool = True
    gated: bool | str = False
    tier: int = 2  # 1 flagship, 2 notable, 3 small: picks illustrative likes/downloads
    arxiv: tuple[str, ...] = ()
    extra_tags: tuple[str, ...] = ()


def _hub(author: str, *rows: tuple) -> tuple[str, list[HubModel]]:
    return author, [HubModel(*row[:4], **(row[4] if len(row) > 4 else {})) for row in rows]


TG, VL = "text-generation", "image-text-to-text"
QWEN3_PAPER = ("2505.09388",)
HUB_LISTINGS = [
    _hub(
        "Qwen",
        ("Qwen/Qwen3-VL-235B-A22B-Instruct", "2025-09-22", "apache-2.0", VL, {"tier": 1}),
        ("Qwen/Qwen3Guard-Gen-8B", "2025-09-22", "apache-2.0", TG, {"model_type": "qwen3"}),
        ("Qwen/Qwen3-Next-80B-A3B-Thinking", "2025-09-10", "apache-2.0", TG,
         {"model_type": "qwen3_next"}),
        ("Qwen/Qwen3-Next-80B-A3B-Instruct", "2025-09-10", "apache-2.0", TG,
         {"model_type": "qwen3_next", "tier": 1}),
        ("Qwen/Qwen3-4B-Thinking-2507", "2025-08-06", "apache-2.0", TG, {"model_type": "qwen3"}),
        ("Qwen/Qwen3-4B-Instruct-2507", "2025-08-06", "apache-2.0", TG, {"model_type": "qwen3"}),
        ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "2025-07-31", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "tier": 1}),
        ("Qwen/Qwen3-30B-A3B-Thinking-2507", "2025-07-30", "apache-2.0", TG,
         {"model_type": "qwen3_moe"}),
        ("Qwen/Qwen3-30B-A3B-Instruct-2507", "2025-07-29", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "tier": 1}),
        ("Qwen/Qwen3-235B-A22B-Thinking-2507", "2025-07-25", "apache-2.0", TG,
         {"model_type": "qwen3_moe"}),
        ("Qwen/Qwen3-Coder-480B-A35B-Instruct", "2025-07-22", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "tier": 1}),
        ("Qwen/Qwen3-235B-A22B-Instruct-2507", "2025-07-21", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "tier": 1}),
        ("Qwen/Qwen3-Embedding-8B", "2025-06-05", "apache-2.0", "feature-extraction",
         {"library": "sentence-transformers", "model_type": "qwen3", "chat": False}),
        ("Qwen/Qwen3-30B-A3B-Base", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "chat": False, "arxiv": QWEN3_PAPER, "tier": 3}),
        ("Qwen/Qwen3-0.6B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER}),
        ("Qwen/Qwen3-1.7B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER}),
        ("Qwen/Qwen3-4B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER}),
        ("Qwen/Qwen3-8B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER, "tier": 1}),
        ("Qwen/Qwen3-14B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER}),
        ("Qwen/Qwen3-32B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3", "arxiv": QWEN3_PAPER, "tier": 1}),
        ("Qwen/Qwen3-30B-A3B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "arxiv": QWEN3_PAPER, "tier": 1}),
        ("Qwen/Qwen3-235B-A22B", "2025-04-28", "apache-2.0", TG,
         {"model_type": "qwen3_moe", "arxiv": QWEN3_PAPER, "tier": 1}),
    ),
    _hub(
        "deepseek-ai",
        ("deepseek-ai/DeepSeek-V3.2-Exp-Base", "2025-09-29", "mit", TG, {"chat": False}),
        ("deepseek-ai/DeepSeek-V3.2-Exp", "2025-09-29", "mit", TG, {"tier": 1}),
        ("deepseek-ai/DeepSeek-V3.1-Terminus", "2025-09-22", "mit", TG,
         {"model_type": "deepseek_v3", "tier": 1}),
        ("deepseek-ai/DeepSeek-V3.1", "2025-08-20", "mit", TG,
         {"model_type": "deepseek_v3", "tier": 1}),
        ("deepseek-ai/DeepSeek-V3.1-Base", "2025-08-19", "mit", TG,
         {"model_type": "deepseek_v3", "chat": False}),
        ("deepseek-ai/DeepSeek-R1-0528-Qwen3-8B", "2025-05-29", "mit", TG, {"model_type": "qwen3"}),
        ("deepseek-ai/DeepSeek-R1-0528", "2025-05-28", "mit", TG,
         {"model_type": "deepseek_v3", "tier": 1}),
        ("deepseek-ai/DeepSeek-V3-0324", "2025-03-24", "mit", TG,
         {"model_type": "deepseek_v3", "tier": 1}),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "2025-01-20", "mit", TG,
         {"model_type": "qwen2", "arxiv": ("2501.12948",)}),
        ("deepseek-ai/DeepSeek-R1-Zero", "2025-01-20", "mit", TG,
         {"model_type": "deepseek_v3", "arxiv": ("2501.12948",)}),
        ("deepseek-ai/DeepSeek-R1", "2025-01-20", "mit", TG,
         {"model_type": "deepseek_v3", "arxiv": ("2501.12948",), "tier": 1}),
        # The December 2024 V3 weights came under DeepSeek's own model licence (code
        # under MIT); we are not sure what license tag the Hub shows, so none is given.
        ("deepseek-ai/DeepSeek-V3", "2024-12-26", None, TG,
         {"model_type": "deepseek_v3", "arxiv": ("2412.19437",), "tier": 1}),
        ("deepseek-ai/DeepSeek-V3-Base", "2024-12-25", None, TG,
         {"model_type": "deepseek_v3", "arxiv": ("2412.19437",), "chat": False}),
    ),
    _hub(
        "moonshotai",
        ("moonshotai/Kimi-K2-Instruct-0905", "2025-09-05", "other", TG,
         {"model_type": "kimi_k2", "tier": 1, "extra_tags": ("custom_code",)}),
        ("moonshotai/Kimi-K2-Instruct", "2025-07-11", "other", TG,
         {"model_type": "kimi_k2", "tier": 1, "extra_tags": ("custom_code",)}),
        ("moonshotai/Kimi-K2-Base", "2025-07-11", "other", TG,
         {"model_type": "kimi_k2", "chat": False, "extra_tags": ("custom_code",)}),
        ("moonshotai/Kimi-Dev-72B", "2025-06-16", "mit", TG, {"model_type": "qwen2"}),
        ("moonshotai/Kimi-VL-A3B-Thinking", "2025-04-10", "mit", VL,
         {"extra_tags": ("custom_code",)}),
        ("moonshotai/Kimi-VL-A3B-Instruct", "2025-04-10", "mit", VL,
         {"extra_tags": ("custom_code",)}),
    ),
    _hub(
        "zai-org",
        ("zai-org/GLM-4.6", "2025-09-30", "mit", TG, {"model_type": "glm4_moe", "tier": 1}),
        ("zai-org/GLM-4.5V", "2025-08-11", "mit", VL, {}),
        ("zai-org/GLM-4.5-Air-Base", "2025-07-28", "mit", TG,
         {"model_type": "glm4_moe", "chat": False, "tier": 3}),
        ("zai-org/GLM-4.5-Base", "2025-07-28", "mit", TG,
         {"model_type": "glm4_moe", "chat": False, "tier": 3}),
        ("zai-org/GLM-4.5-Air", "2025-07-28", "mit", TG, {"model_type": "glm4_moe", "tier": 1}),
        ("zai-org/GLM-4.5", "2025-07-28", "mit", TG, {"model_type": "glm4_moe", "tier": 1}),
        ("zai-org/GLM-4.1V-9B-Thinking", "2025-07-01", "mit", VL, {}),
        ("zai-org/GLM-Z1-32B-0414", "2025-04-14", "mit", TG, {"model_type": "glm4"}),
        ("zai-org/GLM-4-32B-0414", "2025-04-14", "mit", TG, {"model_type": "glm4"}),
        ("zai-org/CogVideoX-5b", "2024-08-26", "other", "text-to-video",
         {"library": "diffusers", "chat": False}),
    ),
    _hub(
        "baidu",
        ("baidu/ERNIE-4.5-21B-A3B-Thinking", "2025-09-08", "apache-2.0", TG,
         {"model_type": "ernie4_5_moe", "tier": 1}),
        ("baidu/ERNIE-4.5-VL-424B-A47B-PT", "2025-06-30", "apache-2.0", VL, {}),
        ("baidu/ERNIE-4.5-VL-28B-A3B-PT", "2025-06-30", "apache-2.0", VL, {}),
        ("baidu/ERNIE-4.5-300B-A47B-Base-PT", "2025-06-30", "apache-2.0", TG,
         {"model_type": "ernie4_5_moe", "chat": False, "tier": 3}),
        ("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30", "apache-2.0", TG,
         {"model_type": "ernie4_5_moe", "tier": 1}),
        ("baidu/ERNIE-4.5-21B-A3B-Base-PT", "2025-06-30", "apache-2.0", TG,
         {"model_type": "ernie4_5_moe", "chat": False, "tier": 3}),
        ("baidu/ERNIE-4.5-21B-A3B-PT", "2025-06-30", "apache-2.0", TG,
         {"model_type": "ernie4_5_moe"}),
        ("baidu/ERNIE-4.5-0.3B-PT", "2025-06-30", "apache-2.0", TG, {"model_type": "ernie4_5"}),
    ),
    _hub(
        "MiniMaxAI",
        ("MiniMaxAI/MiniMax-M1-80k", "2025-06-16", "apache-2.0", TG,
         {"model_type": "minimax_m1", "tier": 1, "extra_tags": ("custom_code",)}),
        ("MiniMaxAI/MiniMax-M1-40k", "2025-06-16", "apache-2.0", TG,
         {"model_type": "minimax_m1", "extra_tags": ("custom_code",)}),
        # MiniMax-01's licence on the Hub: not sure, so no license tag.
        ("MiniMaxAI/MiniMax-VL-01", "2025-01-14", None, VL, {"extra_tags": ("custom_code",)}),
        ("MiniMaxAI/MiniMax-Text-01", "2025-01-14", None, TG, {"extra_tags": ("custom_code",)}),
    ),
    _hub(
        "meta-llama",
        ("meta-llama/Llama-Guard-4-12B", "2025-04-29", "other", VL,
         {"gated": "manual", "extra_tags": ("llama4", "facebook", "meta")}),
        ("meta-llama/Llama-Prompt-Guard-2-86M", "2025-04-29", "other", "text-classification",
         {"gated": "manual", "chat": False, "tier": 3, "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "2025-04-05", "other", VL,
         {"model_type": "llama4", "gated": "manual", "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "2025-04-05", "other", VL,
         {"model_type": "llama4", "gated": "manual", "tier": 1,
          "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-4-Maverick-17B-128E", "2025-04-05", "other", VL,
         {"model_type": "llama4", "gated": "manual", "chat": False,
          "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "2025-04-05", "other", VL,
         {"model_type": "llama4", "gated": "manual", "tier": 1,
          "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-4-Scout-17B-16E", "2025-04-05", "other", VL,
         {"model_type": "llama4", "gated": "manual", "chat": False,
          "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-3.3-70B-Instruct", "2024-11-26", "llama3.3", TG,
         {"model_type": "llama", "gated": "manual", "tier": 1, "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", "2024-09-18", "llama3.2", VL,
         {"model_type": "mllama", "gated": "manual", "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-3.2-3B-Instruct", "2024-09-18", "llama3.2", TG,
         {"model_type": "llama", "gated": "manual", "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-3.2-1B-Instruct", "2024-09-18", "llama3.2", TG,
         {"model_type": "llama", "gated": "manual", "extra_tags": ("facebook", "meta")}),
        ("meta-llama/Llama-3.1-8B-Instruct", "2024-07-18", "llama3.1", TG,
         {"model_type": "llama", "gated": "manual", "tier": 1, "extra_tags": ("facebook", "meta")}),
    ),
    _hub(
        "google",
        ("google/embeddinggemma-300m", "2025-09-04", "gemma", "sentence-similarity",
         {"library": "sentence-transformers", "model_type": "gemma3_text", "chat": False,
          "gated": "auto"}),
        ("google/gemma-3-270m", "2025-08-14", "gemma", TG,
         {"model_type": "gemma3_text", "chat": False, "gated": "auto"}),
        ("google/gemma-3n-E4B-it", "2025-06-26", "gemma", VL,
         {"model_type": "gemma3n", "gated": "auto"}),
        ("google/gemma-3n-E2B-it", "2025-06-26", "gemma", VL,
         {"model_type": "gemma3n", "gated": "auto"}),
        ("google/gemma-3-27b-it", "2025-03-12", "gemma", VL,
         {"model_type": "gemma3", "gated": "auto", "tier": 1}),
        ("google/gemma-3-12b-it", "2025-03-12", "gemma", VL,
         {"model_type": "gemma3", "gated": "auto"}),
        ("google/gemma-3-4b-it", "2025-03-12", "gemma", VL,
         {"model_type": "gemma3", "gated": "auto"}),
        ("google/gemma-3-1b-it", "2025-03-12", "gemma", TG,
         {"model_type": "gemma3_text", "gated": "auto"}),
        ("google/gemma-2-9b-it", "2024-06-24", "gemma", TG,
         {"model_type": "gemma2", "gated": "auto"}),
    ),
    _hub(
        "openai",
        ("openai/gpt-oss-safeguard-120b", "2025-10-29", "apache-2.0", TG,
         {"model_type": "gpt_oss"}),
        ("openai/gpt-oss-safeguard-20b", "2025-10-29", "apache-2.0", TG, {"model_type": "gpt_oss"}),
        ("openai/gpt-oss-120b", "2025-08-05", "apache-2.0", TG,
         {"model_type": "gpt_oss", "tier": 1}),
        ("openai/gpt-oss-20b", "2025-08-05", "apache-2.0", TG,
         {"model_type": "gpt_oss", "tier": 1}),
        ("openai/whisper-large-v3-turbo", "2024-10-01", "mit", "automatic-speech-recognition",
         {"model_type": "whisper", "chat": False, "tier": 1}),
        ("openai/whisper-large-v3", "2023-11-07", "apache-2.0", "automatic-speech-recognition",
         {"model_type": "whisper", "chat": False, "tier": 1}),
    ),
    _hub(
        "mistralai",
        ("mistralai/Magistral-Small-2509", "2025-09-17", "apache-2.0", None, {"library": "vllm"}),
        ("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "2025-06-20", "apache-2.0", None,
         {"library": "vllm", "tier": 1}),
        ("mistralai/Magistral-Small-2506", "2025-06-10", "apache-2.0", None, {"library": "vllm"}),
        ("mistralai/Devstral-Small-2505", "2025-05-21", "apache-2.0", None, {"library": "vllm"}),
        ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "2025-03-17", "apache-2.0", VL,
         {"library": "vllm", "model_type": "mistral3", "tier": 1}),
        ("mistralai/Mistral-Small-3.1-24B-Base-2503", "2025-03-17", "apache-2.0", VL,
         {"library": "vllm", "model_type": "mistral3", "chat": False}),
        ("mistralai/Mistral-Small-24B-Instruct-2501", "2025-01-30", "apache-2.0", TG,
         {"library": "vllm", "model_type": "mistral", "tier": 1}),
    ),
]

# Two rows captured for real (burncloud/burncloud docs/TODO.md@8c98f65842a2, MIT):
# the Hub's default listing, ~November 2025. Kept with their own ids and counters.
CAPTURED_HUB_ROWS = {
    "moonshotai": {"_id": "6909b87b734dd24dd19da3ef", "id": "moonshotai/Kimi-K2-Thinking",
                   "likes": 578, "trendingScore": 580, "private": False, "downloads": 5119,
                   "tags": ["transformers", "safetensors", "kimi_k2", "text-generation",
                            "conversational", "custom_code", "license:other",
                            "autotrain_compatible", "endpoints_compatible",
                            "compressed-tensors", "region:us"],
                   "pipeline_tag": "text-generation", "library_name": "transformers",
                   "createdAt": "2025-11-04T08:25:31.000Z",
                   "modelId": "moonshotai/Kimi-K2-Thinking"},
    "MiniMaxAI": {"_id": "68f8dfe68cb208be9702aa87", "id": "MiniMaxAI/MiniMax-M2", "likes": 1178,
                  "trendingScore": 319, "private": False, "downloads": 846249,
                  "tags": ["transformers", "safetensors", "minimax_m2", "text-generation",
                           "conversational", "custom_code", "arxiv:2504.07164",
                           "arxiv:2509.06501", "arxiv:2509.13160", "license:mit",
                           "autotrain_compatible", "fp8", "region:us"],
                  "pipeline_tag": "text-generation", "library_name": "transformers",
                  "createdAt": "2025-10-22T13:45:10.000Z", "modelId": "MiniMaxAI/MiniMax-M2"},
}

_TIER_COUNTS = {1: (1500, 400_000), 2: (300, 60_000), 3: (60, 8_000)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _created(model: HubModel, rank: int) -> datetime:
    day = datetime.fromisoformat(model.created).replace(tzinfo=UTC)
    # Rows of one day keep the listing's order (newest first): later rows, earlier time.
    return day + timedelta(hours=14) - timedelta(minutes=7 * rank)


def _iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def hub_row(model: HubModel, author: str, rank: int) -> dict:
    """One model as ``/api/models?...&full=true`` lists it (see README for what is made up)."""
    created = _created(model, rank)
    likes, downloads = _TIER_COUNTS[model.tier]
    spread = int(_digest(model.id)[:4], 16) % 40 + 80  # 80-119 %, so rows differ
    tags = [model.library] if model.library != "vllm" else ["vllm"]
    tags.append("safetensors")
    if model.model_type:
        tags.append(model.model_type)
    tags.extend(model.extra_tags)
    if model.pipeline:
        tags.append(model.pipeline)
    if model.chat:
        tags.append("conversational")
    tags.extend(f"arxiv:{paper}" for paper in model.arxiv)
    if model.license:
        tags.append(f"license:{model.license}")
    tags += ["endpoints_compatible", "region:us"]
    row = {
        "_id": f"{int(created.timestamp()):08x}{_digest(model.id)[:16]}",
        "id": model.id,
        "author": author,
        "gated": model.gated,
        "lastModified": _iso_ms(created),
        "likes": likes * spread // 100,
        "private": False,
        "sha": hashlib.sha1(model.id.encode()).hexdigest(),
        "downloads": downloads * spread // 100,
        "tags": tags,
        "pipeline_tag": model.pipeline,
        "library_name": model.library,
        "createdAt": _iso_ms(created),
        "modelId": model.id,
    }
    if model.pipeline is None:
        del row["pipeline_tag"]
    return row


def hub_listing(author: str, models: list[HubModel]) -> list[dict]:
    rows = [hub_row(model, author, rank) for rank, model in enumerate(models)]
    captured = CAPTURED_HUB_ROWS.get(author)
    if captured:
        rows.append({**captured, "author": author})
    return sorted(rows, key=lambda row: row["createdAt"], reverse=True)


def hub_url(author: str, limit: int = 100) -> str:
    return (f"https://huggingface.co/api/models?author={author}"
            f"&sort=createdAt&direction=-1&limit={limit}&full=true")


def json_response(url: str, document: object, headers: dict[str, str]) -> HttpResponse:
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    base = {"content-type": "application/json; charset=utf-8",
            "etag": f'W/"{len(body):x}-{_digest(body.decode())[:27]}"',
            "date": format_datetime(HAND_MADE_AT, usegmt=True)}
    return HttpResponse(url=url, status=200, headers={**base, **headers}, body=body)


# ----------------------------------------------------------------------- GitHub

# Tags follow each project's real naming; months are right, days approximate.
GITHUB_RELEASES = {
    "openai/openai-agents-python": [
        ("v0.4.0", "v0.4.0", "2025-10-16"),
        ("v0.3.0", "v0.3.0", "2025-09-11"),
        ("v0.2.0", "v0.2.0", "2025-07-15"),
        ("v0.1.0", "v0.1.0", "2025-06-27"),
    ],
    "langchain-ai/langchain": [
        ("langchain==1.0.0", "langchain==1.0.0", "2025-10-22"),
        ("langchain-core==1.0.0", "langchain-core==1.0.0", "2025-10-22"),
        ("langchain-openai==1.0.0", "langchain-openai==1.0.0", "2025-10-22"),
        ("langchain==0.3.0", "langchain==0.3.0", "2024-09-13"),
        ("langchain-core==0.3.0", "langchain-core==0.3.0", "2024-09-13"),
    ],
}


def github_release(repo: str, tag: str, name: str, day: str, rank: int) -> dict:
    published = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(
        hours=17, minutes=-5 * rank)
    release_id = 100_000_000 + int(_digest(f"{repo}@{tag}")[:6], 16)
    api = f"https://api.github.com/repos/{repo}"
    return {
        "url": f"{api}/releases/{release_id}",
        "assets_url": f"{api}/releases/{release_id}/assets",
        "upload_url": f"https://uploads.github.com/repos/{repo}/releases/{release_id}/assets{{?name,label}}",
        "html_url": f"https://github.com/{repo}/releases/tag/{tag}",
        "id": release_id,
        "tag_name": tag,
        "target_commitish": "main",
        "name": name,
        "draft": False,
        "prerelease": False,
        "created_at": (published - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "assets": [],
        "tarball_url": f"{api}/tarball/{tag}",
        "zipball_url": f"{api}/zipball/{tag}",
        "body": "Release notes are left out of this hand-made snapshot.",
    }


def github_url(repo: str, per_page: int = 30) -> str:
    return f"https://api.github.com/repos/{repo}/releases?per_page={per_page}"


GITHUB_HEADERS = {
    "server": "GitHub.com",
    "cache-control": "public, max-age=60, s-maxage=60",
    "vary": "Accept, Accept-Encoding, Accept, X-Requested-With",
    "x-github-media-type": "github.v3; format=json",
    "x-ratelimit-limit": "60",
    "x-ratelimit-remaining": "59",
    "x-ratelimit-resource": "core",
}


# ------------------------------------------------------------------------ Feeds

KEYWORD_AI_URL = "https://blog.google/technology/ai/rss/"
KEYWORD_AI_POSTS = [  # (title, link, published) of posts we are sure of
    ("A new era of intelligence with Gemini 3",
     "https://blog.google/products/gemini/gemini-3/", "2025-11-18T16:00:00Z"),
    ("Gemini 2.5: Our most intelligent AI model",
     "https://blog.google/technology/google-deepmind/gemini-model-thinking-updates-march-2025/",
     "2025-03-25T17:00:00Z"),
    ("Introducing Gemma 3: The most capable model you can run on a single GPU or TPU",
     "https://blog.google/technology/developers/gemma-3/", "2025-03-12T08:00:00Z"),
    ("Introducing Gemini 2.0: our new AI model for the agentic era",
     "https://blog.google/technology/google-deepmind/google-gemini-ai-update-december-2024/",
     "2024-12-11T15:30:00Z"),
]


def rss(title: str, link: str, description: str, items: list[tuple[str, str, str]]) -> bytes:
    def item(entry: tuple[str, str, str]) -> str:
        name, url, when = entry
        date = format_datetime(datetime.fromisoformat(when.replace("Z", "+00:00")), usegmt=True)
        return (f"    <item>\n      <title>{escape(name)}</title>\n"
                f"      <link>{escape(url)}</link>\n"
                f"      <guid isPermaLink=\"true\">{escape(url)}</guid>\n"
                f"      <pubDate>{date}</pubDate>\n    </item>\n")

    newest_time = datetime.fromisoformat(items[0][2].replace("Z", "+00:00"))
    newest = format_datetime(newest_time, usegmt=True)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n  <channel>\n"
            f"    <title>{escape(title)}</title>\n    <link>{escape(link)}</link>\n"
            f"    <description>{escape(description)}</description>\n"
            f"    <lastBuildDate>{newest}</lastBuildDate>\n"
            + "".join(item(entry) for entry in items) + "  </channel>\n</rss>\n").encode()


@dataclass(frozen=True)
class Paper:
    arxiv_id: str
    title: str
    published: str
    authors: tuple[str, ...]
    category: str
    summary: str  # our own one-line description, not the paper's abstract


ARXIV_QUERIES = {
    "ti:Qwen3": [
        Paper("2506.05176", "Qwen3 Embedding: Advancing Text Embedding and Reranking Through "
              "Foundation Models", "2025-06-05T13:00:00Z", ("Yanzhao Zhang",), "cs.CL",
              "Text embedding and reranking models built on the Qwen3 foundation models."),
        Paper("2505.09388", "Qwen3 Technical Report", "2025-05-14T17:00:00Z", ("An Yang",),
              "cs.CL", "Technical report of the Qwen3 family of dense and mixture-of-experts "
              "language models with thinking and non-thinking modes."),
    ],
    "ti:DeepSeek": [
        Paper("2501.12948", "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via "
              "Reinforcement Learning", "2025-01-22T15:00:00Z", ("DeepSeek-AI",), "cs.CL",
              "Reasoning models DeepSeek-R1-Zero and DeepSeek-R1 trained with large-scale "
              "reinforcement learning, and distilled dense models."),
        Paper("2412.19437", "DeepSeek-V3 Technical Report", "2024-12-27T04:00:00Z",
              ("DeepSeek-AI",), "cs.CL", "Technical report of DeepSeek-V3, a 671B-parameter "
              "mixture-of-experts model with 37B parameters active per token."),
        Paper("2406.11931", "DeepSeek-Coder-V2: Breaking the Barrier of Closed-Source Models in "
              "Code Intelligence", "2024-06-17T13:00:00Z", ("DeepSeek-AI",), "cs.SE",
              "An open mixture-of-experts code model continued from DeepSeek-V2."),
        Paper("2405.04434", "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts "
              "Language Model", "2024-05-07T15:00:00Z", ("DeepSeek-AI",), "cs.CL",
              "Technical report of DeepSeek-V2 and its multi-head latent attention."),
        Paper("2402.03300", "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open "
              "Language Models", "2024-02-05T18:00:00Z", ("Zhihong Shao",), "cs.CL",
              "An open 7B mathematics model and the GRPO reinforcement-learning method."),
    ],
    "ti:Kimi": [
        Paper("2507.20534", "Kimi K2: Open Agentic Intelligence", "2025-07-28T12:00:00Z",
              ("Kimi Team",), "cs.LG", "Technical report of Kimi K2, an open-weight "
              "mixture-of-experts model built for agentic tasks."),
        Paper("2501.12599", "Kimi k1.5: Scaling Reinforcement Learning with LLMs",
              "2025-01-22T09:00:00Z", ("Kimi Team",), "cs.AI",
              "Training report of Kimi k1.5, a multimodal model trained with reinforcement "
              "learning."),
    ],
}


def arxiv_url(query: str) -> str:
    return (f"https://export.arxiv.org/api/query?search_query={query}"
            "&sortBy=submittedDate&sortOrder=descending&max_results=20")


def arxiv_feed(query: str, papers: list[Paper]) -> bytes:
    """An Atom answer laid out like the real capture (arxiv.py golden, 2026-04)."""

    def entry(paper: Paper) -> str:
        authors = "".join(f"    <author>\n      <name>{escape(name)}</name>\n    </author>\n"
                          for name in paper.authors)
        return (
            "  <entry>\n"
            f"    <id>http://arxiv.org/abs/{paper.arxiv_id}v1</id>\n"
            f"    <title>{escape(paper.title)}</title>\n"
            f"    <updated>{paper.published}</updated>\n"
            f"    <link href=\"https://arxiv.org/abs/{paper.arxiv_id}v1\" rel=\"alternate\" "
            "type=\"text/html\"/>\n"
            f"    <link href=\"https://arxiv.org/pdf/{paper.arxiv_id}v1\" rel=\"related\" "
            "type=\"application/pdf\" title=\"pdf\"/>\n"
            f"    <summary>{escape(paper.summary)}</summary>\n"
            f"    <category term=\"{paper.category}\" scheme=\"http://arxiv.org/schemas/atom\"/>\n"
            f"    <published>{paper.published}</published>\n"
            f"    <arxiv:primary_category term=\"{paper.category}\"/>\n"
            f"{authors}  </entry>\n"
        )

    query_id = _digest(query)[:27]
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<feed xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" "
        "xmlns:arxiv=\"http://arxiv.org/schemas/atom\" xmlns=\"http://www.w3.org/2005/Atom\">\n"
        f"  <id>https://arxiv.org/api/{query_id}</id>\n"
        f"  <title>arXiv Query: search_query={escape(query)}&amp;id_list=&amp;start=0&amp;"
        "max_results=20</title>\n"
        f"  <updated>{HAND_MADE_AT.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>\n"
        f"  <link href=\"https://arxiv.org/api/query?search_query={escape(query)}&amp;start=0"
        "&amp;max_results=20&amp;id_list=\" type=\"application/atom+xml\"/>\n"
        "  <opensearch:itemsPerPage>20</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{len(papers)}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        + "".join(entry(paper) for paper in papers) + "</feed>\n"
    ).encode()


# -------------------------------------------------------------------- captures

OLSHANSK = "https://raw.githubusercontent.com/Olshansk/rss-feeds/main/feeds/{}"
# (url, corpus file, Date header: shortly after the capture's own lastBuildDate)
CAPTURED_FEEDS = [
    (OLSHANSK.format("feed_anthropic_news.xml"), "blogs/olshansk_feed_anthropic_news.xml",
     datetime(2026, 8, 22, 17, 10, tzinfo=UTC)),
    (OLSHANSK.format("feed_openai_research.xml"), "blogs/olshansk_feed_openai_research.xml",
     datetime(2026, 8, 22, 17, 10, tzinfo=UTC)),
    (OLSHANSK.format("feed_meta_ai.xml"), "blogs/olshansk_feed_meta_ai.xml",
     datetime(2026, 8, 22, 17, 10, tzinfo=UTC)),
    (OLSHANSK.format("feed_mistral.xml"), "blogs/olshansk_feed_mistral.xml",
     datetime(2026, 8, 22, 17, 10, tzinfo=UTC)),
    (OLSHANSK.format("feed_google_ai.xml"), "blogs/olshansk_feed_google_ai.xml",
     datetime(2026, 8, 22, 17, 10, tzinfo=UTC)),
]
QWEN_BLOG_URL = "https://qwenlm.github.io/blog/index.xml"
QWEN_BLOG_DEPLOYED = datetime(2025, 9, 22, 20, 5, tzinfo=UTC)


def raw_github_response(url: str, body: bytes, fetched: datetime) -> HttpResponse:
    # raw.githubusercontent.com serves every file as text/plain, feeds included.
    headers = {"content-type": "text/plain; charset=utf-8",
               "etag": f'"{hashlib.sha256(body).hexdigest()}"',
               "cache-control": "max-age=300", "accept-ranges": "bytes",
               "x-content-type-options": "nosniff",
               "date": format_datetime(fetched, usegmt=True)}
    return HttpResponse(url=url, status=200, headers=headers, body=body)


def github_pages_response(url: str, body: bytes, deployed: datetime) -> HttpResponse:
    headers = {"server": "GitHub.com", "content-type": "application/xml",
               "last-modified": format_datetime(deployed, usegmt=True),
               "etag": f'"{int(deployed.timestamp()):x}-{len(body):x}"',
               "cache-control": "max-age=600", "access-control-allow-origin": "*",
               "date": format_datetime(HAND_MADE_AT, usegmt=True)}
    return HttpResponse(url=url, status=200, headers=headers, body=body)


def write_captures(corpus: Path) -> list[Path]:
    written = []
    for url, name, fetched in CAPTURED_FEEDS:
        written.append(save_exchange(SNAPSHOT, url, raw_github_response(
            url, (corpus / name).read_bytes(), fetched)))
    qwen = (corpus / "blogs/qwen_blog_index_latest.xml").read_bytes()
    written.append(save_exchange(SNAPSHOT, QWEN_BLOG_URL,
                                 github_pages_response(QWEN_BLOG_URL, qwen, QWEN_BLOG_DEPLOYED)))
    return written


# ---------------------------------------------------------------------- main


def write_hand_made() -> list[Path]:
    written = []
    for author, models in HUB_LISTINGS:
        url = hub_url(author)
        written.append(save_exchange(SNAPSHOT, url, json_response(
            url, hub_listing(author, models),
            {"vary": "Origin", "x-powered-by": "huggingface-moon",
             "access-control-expose-headers": "X-Repo-Commit,X-Request-Id,X-Error-Code,"
             "X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range"})))
    for repo, releases in GITHUB_RELEASES.items():
        url = github_url(repo)
        document = [github_release(repo, *release, rank) for rank, release in enumerate(releases)]
        written.append(save_exchange(SNAPSHOT, url, json_response(url, document, GITHUB_HEADERS)))
    body = rss("AI", "https://blog.google/technology/ai/",
               "The latest news on AI from Google", KEYWORD_AI_POSTS)
    written.append(save_exchange(SNAPSHOT, KEYWORD_AI_URL, HttpResponse(
        url=KEYWORD_AI_URL, status=200, body=body,
        headers={"content-type": "application/rss+xml; charset=utf-8",
                 "date": format_datetime(HAND_MADE_AT, usegmt=True)})))
    for query, papers in ARXIV_QUERIES.items():
        url = arxiv_url(query)
        written.append(save_exchange(SNAPSHOT, url, HttpResponse(
            url=url, status=200, body=arxiv_feed(query, papers),
            headers={"content-type": "application/atom+xml; charset=utf-8",
                     "date": format_datetime(HAND_MADE_AT, usegmt=True)})))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=Path,
                        help="the shared corpus folder to copy the real feed captures from")
    args = parser.parse_args()
    written = write_hand_made()
    if args.captures:
        written += write_captures(args.captures)
    for path in written:
        print(path.relative_to(SNAPSHOT))


if __name__ == "__main__":
    main()
