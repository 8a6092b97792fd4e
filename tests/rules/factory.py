"""Small builders for rule tests: findings, observations, claims and source health."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from rules.asof import AsOf
from rules.claim import Claim
from rules.engine import World
from rules.observed import Observation, SourceHealth
from rules.verdict import Verdict
from sources.finding import Finding

DATA = Path(__file__).resolve().parents[1] / "data" / "rules"


def at(text: str) -> datetime:
    """ "2025-04-28" or "2025-04-28T20:00" as a UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def observe(finding: Finding, source: str, lab: str = "", region: str = "") -> Observation:
    first_seen = finding.published or finding.updated or at("2026-01-01")
    return Observation(source, "test", lab, region, finding, first_seen)


def repo(
    repo_id: str,
    created: str | None,
    license: str | None = None,
    source: str = "hf",
) -> Observation:
    """A Hugging Face Hub repo as the hub source reports it (key = repo id)."""
    attributes = {"license": license} if license is not None else {}
    finding = Finding(
        key=repo_id,
        title=repo_id,
        kind="model",
        url=f"https://huggingface.co/{repo_id}",
        published=at(created) if created else None,
        attributes=attributes,
    )
    return observe(finding, source)


def post(
    title: str, published: str | None, source: str = "blog", summary: str | None = None
) -> Observation:
    key = "post:" + title.lower().replace(" ", "-")
    attributes = {"summary": summary} if summary else {}
    finding = Finding(
        key=key,
        title=title,
        kind="post",
        url=f"https://example.org/{key}",
        published=at(published) if published else None,
        attributes=attributes,
    )
    return observe(finding, source)


def release(title: str, published: str | None, source: str = "gh") -> Observation:
    finding = Finding(
        key=title,
        title=title,
        kind="release",
        url=None,
        published=at(published) if published else None,
    )
    return observe(finding, source)


def claim(as_of: str = "2025-04", **fields) -> Claim:
    """A claim with harmless defaults; ``released`` may be given as text."""
    if isinstance(fields.get("released"), str):
        fields["released"] = AsOf.parse(fields["released"])
    fields.setdefault("review_every", None)
    return Claim(
        id=fields.pop("id", "c1"),
        page="page.md",
        section="Open-source foundation models",
        text=fields.pop("text", "Qwen3 (Apache 2.0, April 2026)"),
        subject=fields.pop("subject", "Qwen3"),
        as_of=AsOf.parse(as_of),
        **fields,
    )


def healthy(source: str, ok: bool = True, complete: bool = True) -> SourceHealth:
    return SourceHealth(source, "test", "", ok, complete)


def run(rule, the_claim: Claim, observations, now: str, health=()) -> list[Verdict]:
    """Evaluate one rule module on one claim."""
    return rule.evaluate(the_claim, World(observations, health), at(now))


def days(start: str, count: int) -> list[str]:
    first = at(start)
    return [(first + timedelta(days=n)).date().isoformat() for n in range(count)]


def qwen_blog_posts(source: str = "qwen-blog") -> list[Observation]:
    """The real Qwen blog RSS (tests/data/rules/SOURCES.md) read into post observations."""
    root = ET.parse(DATA / "qwen_blog_index_latest.xml").getroot()
    found = []
    for item in root.iter("item"):
        published = parsedate_to_datetime(item.findtext("pubDate", "")).astimezone(UTC)
        finding = Finding(
            key=item.findtext("guid") or item.findtext("link", ""),
            title=item.findtext("title", ""),
            kind="post",
            url=item.findtext("link"),
            published=published,
            attributes={"summary": item.findtext("description", "")},
        )
        found.append(observe(finding, source, "alibaba", "china"))
    return found


# Real hub repos (hand-written from the hub's public model pages: ids, createdAt day, license).
QWEN3 = [
    repo("Qwen/Qwen3-235B-A22B", "2025-04-28T12:00", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-30B-A3B", "2025-04-28T12:10", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-32B", "2025-04-28T12:20", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-8B", "2025-04-29T01:00", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-4B", "2025-04-29T01:10", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-0.6B", "2025-04-29T01:20", "apache-2.0", "hf-qwen"),
]
QWEN3_UPDATES = [
    repo("Qwen/Qwen3-235B-A22B-Instruct-2507", "2025-07-21", "apache-2.0", "hf-qwen"),
    repo("Qwen/Qwen3-Coder-480B-A35B-Instruct", "2025-07-22", "apache-2.0", "hf-qwen"),
]
QWEN35 = [
    repo("Qwen/Qwen3.5-397B-A17B", "2026-02-16", "apache-2.0", "hf-qwen"),
]
DEEPSEEK_V3 = [
    repo("deepseek-ai/DeepSeek-V3-Base", "2024-12-25T12:00", "mit", "hf-deepseek"),
    repo("deepseek-ai/DeepSeek-V3", "2024-12-26T03:00", "mit", "hf-deepseek"),
    repo("deepseek-ai/DeepSeek-V3-0324", "2025-03-24", "mit", "hf-deepseek"),
]
DEEPSEEK_R1 = [
    repo("deepseek-ai/DeepSeek-R1", "2025-01-20", "mit", "hf-deepseek"),
    repo("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "2025-01-20", "mit", "hf-deepseek"),
]
DEEPSEEK_V31 = [repo("deepseek-ai/DeepSeek-V3.1", "2025-08-21", "mit", "hf-deepseek")]
LLAMA4 = [
    repo("meta-llama/Llama-4-Scout-17B-16E-Instruct", "2025-04-05", "other", "hf-meta"),
    repo("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "2025-04-05", "other", "hf-meta"),
]
