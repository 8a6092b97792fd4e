"""Write the quality world's snapshot: one hand-written exchange per source.

Usage (from the repository root)::

    .venv/bin/python bench/quality/world/make_world.py

Every answer is written from the tables below (see README.md beside this script for
what is real and what is invented); nothing is fetched. The world is meant to be read
as of 2025-12-01, the ``now`` of ../expected.toml.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from sources.replay import save_exchange
from sources.response import HttpResponse

WORLD = Path(__file__).resolve().parent
SNAPSHOT = WORLD / "snapshot"
WRITTEN_AT = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)

# (repo id, created day, hub license id or None, gated)
HUB = {
    "Qwen": [
        ("Qwen/Qwen3-VL-235B-A22B-Instruct", "2025-09-23", "apache-2.0", False),
        ("Qwen/Qwen3-Next-80B-A3B-Instruct", "2025-09-10", "apache-2.0", False),
        ("Qwen/Qwen3-235B-A22B-Instruct-2507", "2025-07-21", "apache-2.0", False),
        ("Qwen/Qwen3-235B-A22B", "2025-04-29", "apache-2.0", False),
        ("Qwen/Qwen3-30B-A3B", "2025-04-29", "apache-2.0", False),
        ("Qwen/Qwen3-32B", "2025-04-29", "apache-2.0", False),
        ("Qwen/Qwen3-8B", "2025-04-29", "apache-2.0", False),
        ("Qwen/Qwen2.5-7B-Instruct", "2024-09-19", "apache-2.0", False),
    ],
    "deepseek-ai": [
        ("deepseek-ai/DeepSeek-V3.2-Exp", "2025-09-29", "mit", False),
        ("deepseek-ai/DeepSeek-V3.1-Terminus", "2025-09-22", "mit", False),
        ("deepseek-ai/DeepSeek-V3.1", "2025-08-21", "mit", False),
        ("deepseek-ai/DeepSeek-V3.1-Base", "2025-08-21", "mit", False),
        ("deepseek-ai/DeepSeek-R1-0528", "2025-05-28", "mit", False),
        ("deepseek-ai/DeepSeek-V3-0324", "2025-03-24", "mit", False),
        ("deepseek-ai/DeepSeek-R1", "2025-01-20", "mit", False),
        ("deepseek-ai/DeepSeek-R1-Zero", "2025-01-20", "mit", False),
        # The December 2024 weights came under DeepSeek's own model licence: no tag.
        ("deepseek-ai/DeepSeek-V3", "2024-12-26", None, False),
        ("deepseek-ai/DeepSeek-V3-Base", "2024-12-26", None, False),
    ],
    "moonshotai": [
        ("moonshotai/Kimi-K2-Thinking", "2025-11-06", "other", False),
        ("moonshotai/Kimi-K2-Instruct-0905", "2025-09-05", "other", False),
        ("moonshotai/Kimi-K2-Instruct", "2025-07-11", "other", False),
        ("moonshotai/Kimi-K2-Base", "2025-07-11", "other", False),
        ("moonshotai/Kimi-VL-A3B-Instruct", "2025-04-10", "mit", False),
    ],
    "zai-org": [
        ("zai-org/GLM-4.6", "2025-09-30", "mit", False),
        ("zai-org/GLM-4.5", "2025-07-28", "mit", False),
        ("zai-org/GLM-4.5-Air", "2025-07-28", "mit", False),
        ("zai-org/GLM-4-32B-0414", "2025-04-14", "mit", False),
    ],
    "baidu": [
        ("baidu/ERNIE-4.5-21B-A3B-Thinking", "2025-09-08", "apache-2.0", False),
        ("baidu/ERNIE-4.5-300B-A47B-PT", "2025-06-30", "apache-2.0", False),
        ("baidu/ERNIE-4.5-21B-A3B-PT", "2025-06-30", "apache-2.0", False),
    ],
    "meta-llama": [
        ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "2025-04-05", "other", "manual"),
        ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "2025-04-05", "other", "manual"),
        ("meta-llama/Llama-3.3-70B-Instruct", "2024-12-06", "llama3.3", "manual"),
        ("meta-llama/Llama-3.1-8B-Instruct", "2024-07-23", "llama3.1", "manual"),
    ],
    "openai": [
        ("openai/gpt-oss-120b", "2025-08-05", "apache-2.0", False),
        ("openai/gpt-oss-20b", "2025-08-05", "apache-2.0", False),
        ("openai/whisper-large-v3-turbo", "2024-10-01", "mit", False),
        ("openai/whisper-large-v3", "2023-11-07", "apache-2.0", False),
    ],
    "google": [
        ("google/gemma-3-27b-it", "2025-03-12", "gemma", "auto"),
        ("google/gemma-3-4b-it", "2025-03-12", "gemma", "auto"),
        ("google/gemma-2-9b-it", "2024-06-27", "gemma", "auto"),
    ],
    "mistralai": [
        ("mistralai/Magistral-Small-2506", "2025-06-10", "apache-2.0", False),
        ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "2025-03-17", "apache-2.0", False),
    ],
    # Fictional labs, for cases the real world lacks.
    "heron-labs": [
        ("heron-labs/Tern-3-32B", "2025-11-12", "apache-2.0", False),
        ("heron-labs/Tern-2-27B-0925", "2025-09-25", "other", "manual"),
        ("heron-labs/Tern-2-27B", "2025-05-06", "apache-2.0", False),
        ("heron-labs/Tern-2-9B", "2025-05-06", "apache-2.0", False),
    ],
    "cobalt-ai": [
        ("cobalt-ai/Cobalt-Mini-8B", "2025-08-20", "apache-2.0", False),
    ],
}

# repo -> (tag, release name, published day)
GITHUB = {
    "heron-labs/tern": [
        ("v3.0.0", "Tern 3", "2025-11-05"),
        ("v2.0.0", "Tern 2", "2025-05-06"),
    ],
}

# source url -> (channel title, site link, [(title, link, day, description)])
FEEDS = {
    "https://openai.com/news/rss.xml": ("OpenAI News", "https://openai.com/news/", [
        ("Introducing GPT-5.1 for developers", "https://openai.com/index/gpt-5-1-for-developers/",
         "2025-11-13", "GPT-5.1 comes to the API."),
        ("GPT-5.1: A smarter, more conversational ChatGPT", "https://openai.com/index/gpt-5-1/",
         "2025-11-12", "An upgrade to the GPT-5 series, rolling out in ChatGPT."),
        ("Introducing GPT-5", "https://openai.com/index/introducing-gpt-5/", "2025-08-07",
         "Our smartest, fastest, most useful model yet."),
        ("Introducing gpt-oss", "https://openai.com/index/introducing-gpt-oss/", "2025-08-05",
         "gpt-oss-120b and gpt-oss-20b, open-weight language models."),
        ("Hello GPT-4o", "https://openai.com/index/hello-gpt-4o/", "2024-05-13",
         "Our new flagship model that can reason across audio, vision, and text."),
    ]),
    "https://raw.githubusercontent.com/Olshansk/rss-feeds/main/feeds/feed_anthropic_news.xml": (
        "Anthropic News", "https://www.anthropic.com/news", [
            ("Introducing Claude Opus 4.5", "https://www.anthropic.com/news/claude-opus-4-5",
             "2025-11-24", ""),
            ("Introducing Claude Haiku 4.5", "https://www.anthropic.com/news/claude-haiku-4-5",
             "2025-10-15", ""),
            ("Introducing Claude Sonnet 4.5", "https://www.anthropic.com/news/claude-sonnet-4-5",
             "2025-09-29", ""),
            ("Claude Opus 4.1", "https://www.anthropic.com/news/claude-opus-4-1", "2025-08-05", ""),
            ("Introducing Claude 4", "https://www.anthropic.com/news/claude-4", "2025-05-22", ""),
            ("Claude 3.7 Sonnet and Claude Code",
             "https://www.anthropic.com/news/claude-3-7-sonnet", "2025-02-24", ""),
            ("Introducing Claude 3.5 Sonnet", "https://www.anthropic.com/news/claude-3-5-sonnet",
             "2024-06-20", ""),
        ]),
    "https://blog.google/technology/ai/rss/": ("AI", "https://blog.google/technology/ai/", [
        ("A new era of intelligence with Gemini 3",
         "https://blog.google/products/gemini/gemini-3/", "2025-11-18", ""),
        ("Gemini 2.5: Our most intelligent AI model",
         "https://blog.google/technology/google-deepmind/gemini-model-thinking-updates-march-2025/",
         "2025-03-25", ""),
        ("Introducing Gemma 3: The most capable model you can run on a single GPU or TPU",
         "https://blog.google/technology/developers/gemma-3/", "2025-03-12", ""),
        ("Introducing Gemini 2.0: our new AI model for the agentic era",
         "https://blog.google/technology/google-deepmind/google-gemini-ai-update-december-2024/",
         "2024-12-11", ""),
    ]),
    "https://raw.githubusercontent.com/Olshansk/rss-feeds/main/feeds/feed_meta_ai.xml": (
        "Meta AI Blog", "https://ai.meta.com/blog/", [
            ("The Llama 4 herd: The beginning of a new era of natively multimodal AI innovation",
             "https://ai.meta.com/blog/llama-4-multimodal-intelligence/", "2025-04-05", ""),
            ("Introducing Llama 3.1: Our most capable models to date",
             "https://ai.meta.com/blog/meta-llama-3-1/", "2024-07-23", ""),
        ]),
    "https://qwenlm.github.io/blog/index.xml": ("Qwen", "https://qwenlm.github.io/blog/", [
        ("Qwen3-Next: Towards Ultimate Training & Inference Efficiency",
         "https://qwenlm.github.io/blog/qwen3_next/", "2025-09-10", ""),
        ("Qwen3-Coder: Agentic Coding in the World",
         "https://qwenlm.github.io/blog/qwen3-coder/", "2025-07-22", ""),
        ("Qwen3: Think Deeper, Act Faster", "https://qwenlm.github.io/blog/qwen3/",
         "2025-04-29", ""),
        ("Qwen2.5: A Party of Foundation Models!", "https://qwenlm.github.io/blog/qwen2.5/",
         "2024-09-19", ""),
    ]),
    "https://api-docs.deepseek.com/news/rss.xml": (
        "DeepSeek News", "https://api-docs.deepseek.com/", [
        ("Introducing DeepSeek-V3.2-Exp", "https://api-docs.deepseek.com/news/news250929",
         "2025-09-29", ""),
        ("DeepSeek-V3.1 Release", "https://api-docs.deepseek.com/news/news250821",
         "2025-08-21", ""),
        ("DeepSeek-R1 Release", "https://api-docs.deepseek.com/news/news250120",
         "2025-01-20", ""),
        ("Introducing DeepSeek-V3", "https://api-docs.deepseek.com/news/news1226",
         "2024-12-26", ""),
    ]),
    "https://yiyan.baidu.com/blog/en/index.xml": (
        "ERNIE Blog", "https://yiyan.baidu.com/blog/en/", [
        ("ERNIE 4.5 is now open source", "https://yiyan.baidu.com/blog/en/posts/ernie4.5/",
         "2025-06-30", "The ERNIE 4.5 family is available on Hugging Face under Apache 2.0."),
        ("Introducing ERNIE 4.5 and ERNIE X1",
         "https://yiyan.baidu.com/blog/en/posts/ernie4.5-x1-launch/", "2025-03-16",
         "Baidu's new foundation model and its first reasoning model."),
    ]),
    "https://orion-labs.example/blog/feed.xml": ("Orion Labs", "https://orion-labs.example/blog/", [
        ("Vega 3 derives a new result in protein design",
         "https://orion-labs.example/research/vega-3-protein-design", "2025-11-03",
         "Research notes from our lab."),
        ("Introducing Vega 2", "https://orion-labs.example/blog/introducing-vega-2",
         "2025-06-12", "Vega 2 is available today in our API and apps."),
        ("What we learned training Vega 2",
         "https://orion-labs.example/research/training-vega-2", "2025-03-20",
         "Notes on data and scale from the team."),
    ]),
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _day(day: str, rank: int, hour: int = 14) -> datetime:
    midnight = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return midnight + timedelta(hours=hour, minutes=-7 * rank)  # a day's rows keep their order


def _iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def hub_row(author: str, rank: int, repo: str, day: str, license: str | None, gated) -> dict:
    created = _day(day, rank)
    tags = ["transformers", "safetensors", "text-generation", "conversational"]
    if license:
        tags.append(f"license:{license}")
    tags.append("region:us")
    return {
        "_id": f"{int(created.timestamp()):08x}{_digest(repo)[:16]}",
        "id": repo,
        "author": author,
        "gated": gated,
        "lastModified": _iso_ms(created),
        "likes": 100 + int(_digest(repo)[:3], 16) % 900,
        "private": False,
        "sha": hashlib.sha1(repo.encode()).hexdigest(),
        "downloads": 1000 + int(_digest(repo)[:5], 16) % 90000,
        "tags": tags,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "createdAt": _iso_ms(created),
        "modelId": repo,
    }


def _response(url: str, body: bytes, content_type: str) -> HttpResponse:
    headers = {
        "content-type": content_type,
        "etag": f'"{_digest(body.decode())[:20]}"',
        "date": format_datetime(WRITTEN_AT, usegmt=True),
    }
    return HttpResponse(url=url, status=200, headers=headers, body=body)


def hub_url(author: str) -> str:
    return (f"https://huggingface.co/api/models?author={author}"
            "&sort=createdAt&direction=-1&limit=100&full=true")


def github_release(repo: str, rank: int, tag: str, name: str, day: str) -> dict:
    published = _day(day, rank, hour=16)
    release_id = 200_000_000 + int(_digest(f"{repo}@{tag}")[:6], 16)
    api = f"https://api.github.com/repos/{repo}"
    return {
        "url": f"{api}/releases/{release_id}",
        "html_url": f"https://github.com/{repo}/releases/tag/{tag}",
        "id": release_id,
        "tag_name": tag,
        "name": name,
        "draft": False,
        "prerelease": False,
        "created_at": (published - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "assets": [],
        "tarball_url": f"{api}/tarball/{tag}",
        "zipball_url": f"{api}/zipball/{tag}",
        "body": f"{name}: weights, model card and inference code.",
    }


def rss(title: str, link: str, items: list[tuple[str, str, str, str]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n',
        f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n",
        f"<description>{escape(title)}</description>\n",
    ]
    for rank, (item_title, item_link, day, description) in enumerate(items):
        published = format_datetime(_day(day, rank, hour=15), usegmt=True)
        parts.append(
            f"<item>\n<title>{escape(item_title)}</title>\n<link>{escape(item_link)}</link>\n"
            f'<guid isPermaLink="true">{escape(item_link)}</guid>\n'
            f"<pubDate>{published}</pubDate>\n"
            + (f"<description>{escape(description)}</description>\n" if description else "")
            + "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode()


def write_snapshot(folder: Path = SNAPSHOT) -> int:
    """(Re)write every exchange into ``folder``; return how many were written."""
    for child in folder.iterdir() if folder.exists() else ():
        if child.is_dir():
            shutil.rmtree(child)
    written = 0
    for author, rows in HUB.items():
        listing = [hub_row(author, rank, *row) for rank, row in enumerate(rows)]
        body = json.dumps(listing, separators=(",", ":")).encode()
        url = hub_url(author)
        save_exchange(folder, url, _response(url, body, "application/json; charset=utf-8"))
        written += 1
    for repo, releases in GITHUB.items():
        document = [github_release(repo, rank, *row) for rank, row in enumerate(releases)]
        url = f"https://api.github.com/repos/{repo}/releases?per_page=30"
        body = json.dumps(document, indent=1).encode()
        save_exchange(folder, url, _response(url, body, "application/json; charset=utf-8"))
        written += 1
    for url, (title, link, items) in FEEDS.items():
        save_exchange(folder, url, _response(url, rss(title, link, items), "application/rss+xml"))
        written += 1
    return written


if __name__ == "__main__":
    print(f"wrote {write_snapshot()} exchanges into {SNAPSHOT}")
