"""Made-up reports for ``claimwatch test-report``: see the email without waiting for news.

The claims and models below are invented (version numbers no lab has used) but shaped
like the real thing: a contradicted release date, a stale "latest models" line-up that
a watched keyword also calls for review, a claim past its review interval, a watched
keyword that turned up, new releases in all three regions and a failing source.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from reports.model import (
    Alert,
    AttentionItem,
    Digest,
    DueItem,
    EvidenceLink,
    ReleaseRow,
    SourceHealthRow,
    iso_week_bounds,
    week_of,
)


def sample_digest(now: datetime) -> Digest:
    """The last full ISO week before ``now``, busy: every section has something in it."""
    week = week_of(now.date() - timedelta(days=now.isoweekday()))
    start, end = iso_week_bounds(week)
    week_end = datetime.combine(end, time(18), tzinfo=UTC)
    return Digest(
        week=week,
        start=start,
        end=end,
        generated_at=now,
        attention=_attention(now),
        releases=_releases(week_end),
        due_soon=_due_soon(now),
        sources=_sources(now),
        fresh_count=31,
        unchecked_count=2,
    )


def sample_alert(now: datetime) -> Alert:
    """What a check that just found a contradicted claim would send."""
    return Alert(check_time=now, items=[_contradicted_release_date(now)])


def _contradicted_release_date(now: datetime) -> AttentionItem:
    return AttentionItem(
        flag_id=41,
        claim_id="open-models.qwen9-release",
        claim_text="Qwen9 (Apache 2.0, April 2026) leads open-weight models on cost efficiency.",
        section="Full dimension comparison",
        status="contradicted",
        rule="released",
        reason=(
            "The claim dates Qwen9 to April 2026, but the Qwen organisation on Hugging Face "
            "first published Qwen9-72B-Instruct on 2026-06-02."
        ),
        suggestion="Qwen9 (Apache 2.0, June 2026) leads open-weight models on cost efficiency.",
        evidence=[
            EvidenceLink(
                title="Qwen/Qwen9-72B-Instruct",
                url="https://huggingface.co/Qwen/Qwen9-72B-Instruct",
                time=now - timedelta(days=2, hours=5),
                source_id="hf-qwen",
            ),
            EvidenceLink(
                title="Qwen9: Think Deeper, Act Faster",
                url="https://qwenlm.github.io/blog/qwen9/",
                time=now - timedelta(days=2, hours=3),
                source_id="blog-qwen",
            ),
        ],
        opened_at=now - timedelta(hours=3),
    )


def _attention(now: datetime) -> list[AttentionItem]:
    return [
        AttentionItem(
            flag_id=37,
            claim_id="policy.us-federal-law",
            claim_text="US has guidance but no enacted federal AI law as of May 2026.",
            section="Full dimension comparison",
            status="review",
            rule="mention",
            reason=(
                'The watched phrase "federal AI law" appeared in a post this week; '
                "read it and re-verify the claim if it changes the picture."
            ),
            suggestion="",
            evidence=[
                EvidenceLink(
                    title="Senate committee advances the Frontier AI Accountability Act",
                    url="https://www.example.org/news/2026/frontier-ai-accountability-act",
                    time=now - timedelta(days=4),
                    source_id="feed-policy-news",
                )
            ],
            opened_at=now - timedelta(days=4),
        ),
        _contradicted_release_date(now),
        AttentionItem(
            flag_id=29,
            claim_id="frontier.us-lineup",
            claim_text="Frontier proprietary models: GPT-9o, Claude 9.7, Gemini 9.0.",
            section="Decision in 20 seconds",
            status="stale",
            rule="superseded",
            reason=(
                "Newer models of the same families exist: Claude 9.8 (released 2026-05-20) "
                "and Gemini 9.5 (released 2026-06-01)."
            ),
            suggestion="Frontier proprietary models: GPT-9o, Claude 9.8, Gemini 9.5.",
            evidence=[
                EvidenceLink(
                    title="Introducing Claude 9.8",
                    url="https://www.anthropic.com/news/claude-9-8",
                    time=now - timedelta(days=11),
                    source_id="blog-anthropic",
                ),
                EvidenceLink(
                    title="Gemini 9.5: our most capable model yet",
                    url="https://blog.google/technology/ai/gemini-9-5/",
                    time=now - timedelta(days=9),
                    source_id="blog-google",
                ),
            ],
            opened_at=now - timedelta(days=9),
        ),
        AttentionItem(
            flag_id=18,
            claim_id="av.robotaxi-fleet",
            claim_text="1,000+ robotaxis operating in China as of 2025.",
            section="Full dimension comparison",
            status="stale",
            rule="age",
            reason=(
                "As of 2025 (year precision): older than the claim's review interval of "
                "180 days and not re-verified since."
            ),
            suggestion="",
            evidence=[],
            opened_at=now - timedelta(days=23),
            review_due=(now - timedelta(days=23)).date(),
            watched=("feed-av-news",),
        ),
        AttentionItem(
            flag_id=43,
            claim_id="frontier.us-lineup",
            claim_text="Frontier proprietary models: GPT-9o, Claude 9.7, Gemini 9.0.",
            section="Decision in 20 seconds",
            status="review",
            rule="mention",
            reason='The watched phrase "GPT-10" appeared in a post this week; read it '
                   "and re-verify the line-up if it names a released model.",
            suggestion="",
            evidence=[
                EvidenceLink(
                    title="OpenAI DevDay: a first look at GPT-10",
                    url="https://openai.com/index/devday-gpt-10/",
                    time=now - timedelta(days=3),
                    source_id="blog-openai",
                ),
            ],
            opened_at=now - timedelta(days=3),
        ),
    ]


def _releases(week_end: datetime) -> list[ReleaseRow]:
    def ago(days: float) -> datetime:
        return week_end - timedelta(days=days)

    return [
        ReleaseRow("china", "Alibaba Qwen", "Qwen9-72B-Instruct", "model", ago(2.2),
                   "apache-2.0", "https://huggingface.co/Qwen/Qwen9-72B-Instruct"),
        ReleaseRow("china", "Alibaba Qwen", "Qwen9-7B-Instruct", "model", ago(2.3),
                   "apache-2.0", "https://huggingface.co/Qwen/Qwen9-7B-Instruct"),
        ReleaseRow("china", "Alibaba Qwen", "Qwen9: Think Deeper, Act Faster", "post", ago(2.1),
                   None, "https://qwenlm.github.io/blog/qwen9/"),
        ReleaseRow("china", "DeepSeek", "DeepSeek-V9-Base", "model", ago(5),
                   "mit", "https://huggingface.co/deepseek-ai/DeepSeek-V9-Base"),
        ReleaseRow("china", "Moonshot AI", "Kimi-K9-Instruct", "model", ago(1),
                   "other", "https://huggingface.co/moonshotai/Kimi-K9-Instruct"),
        ReleaseRow("us", "Meta", "Llama-9-Scout-17B-16E-Instruct", "model", ago(3),
                   "llama9", "https://huggingface.co/meta-llama/Llama-9-Scout-17B-16E-Instruct"),
        ReleaseRow("us", "OpenAI", "openai-python v9.1.0", "release", ago(4),
                   None, "https://github.com/openai/openai-python/releases/tag/v9.1.0"),
        ReleaseRow("us", "Google", "Gemini 9.5: our most capable model yet", "post", ago(6),
                   None, "https://blog.google/technology/ai/gemini-9-5/"),
        ReleaseRow("elsewhere", "Mistral AI", "Mistral-Large-Instruct-2611", "model", ago(0.5),
                   "other", "https://huggingface.co/mistralai/Mistral-Large-Instruct-2611"),
    ]


def _due_soon(now: datetime) -> list[DueItem]:
    today = now.date()
    return [
        DueItem("api.global-access",
                "Qwen and DeepSeek APIs available globally without a Chinese phone number "
                "as of 2025.", today + timedelta(days=3)),
        DueItem("humans.heygen-volume", "HeyGen reached 40M+ videos/month (2025).",
                today + timedelta(days=11)),
    ]


def _sources(now: datetime) -> list[SourceHealthRow]:
    return [
        SourceHealthRow("hf-deepseek", "DeepSeek", "http-5xx",
                        "503 Service Unavailable from huggingface.co", 6,
                        now - timedelta(days=3, hours=2), recovered=False),
        SourceHealthRow("blog-moonshot", "Moonshot AI", "parse",
                        "feed is not XML: the page now serves an HTML landing page", 14,
                        None, recovered=False),
        SourceHealthRow("gh-meta-llama", "Meta", "ok", "", 0,
                        now - timedelta(hours=1), recovered=True),
        SourceHealthRow("hf-qwen", "Alibaba Qwen", "ok", "", 0,
                        now - timedelta(hours=1), recovered=False),
    ]
