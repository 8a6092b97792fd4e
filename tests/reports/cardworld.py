"""A small store with every case a claim card has to show, filled through storage calls.

Claims are from the example page (``examples/china-us-ai/page.md``); the evidence names
real Hugging Face repos and posts with their real dates, the verdicts are written the
way the rules word them. One check judged the claims at ``JUDGED``; afterwards one
claim was added and one edited, so both are *unchecked*.

| claim | open causes | shown as |
|---|---|---|
| qwen3-release | contradicted (released), review (mention) | one contradicted card, 2 causes |
| us-frontier | stale (superseded), stale (age) | one stale card, 2 causes |
| open-cost | review (baseline), acknowledged | one review card |
| robotaxi-fleet | stale (age) | a line in the age-only list, watches one source |
| us-federal-law | stale (age) | a line in the age-only list, watches every source |
| heygen-volume | a snoozed flag only | fresh |
| glm-release | none | fresh |
| deepseek-price | none, edited after the check | unchecked |
| kimi-k3 | none, added after the check | unchecked |
| gone | contradicted, but the claim is retired | not shown |
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rules.verdict import Evidence, Status, Verdict
from sources.finding import Finding
from sources.outcome import Category
from sources.poll import SourceResult
from storage import findings as finding_store
from storage import flags as flag_store
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.models import ClaimRow

WEEK = "2026-W48"
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
LOADED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
JUDGED = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
EDITED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday: the digest of W48 goes out

SECTION = "Full dimension comparison"

CLAIMS = [
    # id, text, as_of, review_every, watch
    ("qwen3-release", "Qwen3 (released April 2026 under Apache 2.0)", "2026-04", "180d",
     ["hf-qwen"]),
    ("us-frontier", "US frontier models: GPT-4o, Claude 3.7, Gemini 2.0", "2025-02", "90d",
     []),
    ("open-cost", "Chinese open models cost 10-30x less per token than GPT-4o", "2025-06",
     "365d", []),
    ("robotaxi-fleet", "1,000+ robotaxis operating in China as of 2025", "2025", "180d",
     ["feed-av"]),
    ("us-federal-law", "no enacted federal AI law as of May 2026", "2026-05", "90d", []),
    ("heygen-volume", "HeyGen reached 40M+ videos/month (2025)", "2025", "365d", []),
    ("glm-release", "GLM-4.5 came out in July 2025", "2025-07", "never", []),
    ("deepseek-price", "DeepSeek V3 costs $0.27 per million input tokens", "2025-09",
     "180d", []),
    ("gone", "A sentence the page no longer has", "2026-01", "90d", []),
]


def _evidence(source_id: str, key: str, title: str, url: str, when: datetime) -> Evidence:
    return Evidence(source_id, key, title, url, when)


QWEN3_8B = _evidence("hf-qwen", "Qwen/Qwen3-8B", "Qwen/Qwen3-8B",
                     "https://huggingface.co/Qwen/Qwen3-8B",
                     datetime(2025, 4, 28, 15, 0, tzinfo=UTC))
QWEN3_BLOG = _evidence("blog-qwen", "qwen3", "Qwen3: Think Deeper, Act Faster",
                       "https://qwenlm.github.io/blog/qwen3/",
                       datetime(2025, 4, 29, 0, 0, tzinfo=UTC))
GPT5 = _evidence("blog-openai", "introducing-gpt-5", "Introducing GPT-5",
                 "https://openai.com/index/introducing-gpt-5/",
                 datetime(2025, 8, 7, 17, 0, tzinfo=UTC))

VERDICTS = [
    Verdict("qwen3-release", "released", Status.CONTRADICTED, "released:qwen:3",
            "The claim dates Qwen3 to April 2026, but the Qwen organisation on Hugging Face "
            "first published Qwen3 repos on 2025-04-28.",
            "Qwen3 (released April 2025 under Apache 2.0)", (QWEN3_8B, QWEN3_BLOG)),
    Verdict("qwen3-release", "mention", Status.REVIEW, "mention:qwen3.5",
            'The watched phrase "Qwen3.5" appeared in a post after the claim\'s as-of date; '
            "read it and re-verify the claim if it changes the picture.",
            "", (_evidence("blog-qwen", "qwen3.5", "Qwen3.5: Towards Native Multimodal Agents",
                           "https://qwenlm.github.io/blog/qwen3.5/",
                           datetime(2026, 2, 16, tzinfo=UTC)),)),
    Verdict("us-frontier", "superseded", Status.STALE, "superseded:gpt:5",
            "GPT-4o has been followed by GPT-5 (released 2025-08-07).",
            "US frontier models: GPT-5, Claude 3.7, Gemini 2.0", (GPT5,)),
    Verdict("us-frontier", "age", Status.STALE, "age:2025-02",
            "The claim was last verified as of February 2025 and its 90 days review fell "
            "due on 2025-05-30."),
    Verdict("open-cost", "superseded", Status.REVIEW, "baseline:gpt:5",
            "The comparison's baseline GPT-4o has been followed by GPT-5 (2025-08-07).",
            "", (GPT5,)),
    Verdict("robotaxi-fleet", "age", Status.STALE, "age:2025",
            "The claim was last verified as of 2025 and its 180 days review fell due on "
            "2026-06-29."),
    Verdict("us-federal-law", "age", Status.STALE, "age:2026-05",
            "The claim was last verified as of May 2026 and its 90 days review fell due on "
            "2026-08-29."),
    Verdict("heygen-volume", "age", Status.STALE, "age:2025",
            "The claim was last verified as of 2025 and its 365 days review fell due on "
            "2026-12-31."),
    Verdict("gone", "released", Status.CONTRADICTED, "released:gone", "Retired claims hide."),
]

SOURCES = [
    ("hf-qwen", "huggingface", "Alibaba Qwen", "china"),
    ("blog-qwen", "feed", "Alibaba Qwen", "china"),
    ("blog-openai", "feed", "OpenAI", "us"),
    ("feed-av", "feed", "Robotaxi news", "elsewhere"),
]


def _claim_row(claim_id: str, text: str, as_of: str, review_every: str,
               watch: list[str], at: datetime) -> ClaimRow:
    return ClaimRow(id=claim_id, page="china-us-ai", section=SECTION, text=text,
                    subject=claim_id, as_of=as_of, review_every=review_every,
                    expectations={"watch": watch} if watch else {}, file="claims.toml",
                    file_digest="", status="active", created_at=at, updated_at=at)


def fill(store: Store) -> dict[str, int]:
    """Fill ``store``; returns the flag id of each (claim, rule) that has one."""
    with store.session() as session:
        session.add_all(_claim_row(*claim, at=LOADED) for claim in CLAIMS)
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=i, kind=kind, lab=lab, region=region,
                                          interval=timedelta(hours=6), params={})
            for i, kind, lab, region in SOURCES
        ])
    with store.session() as session:
        run_id = run_store.start_run(session, "check", now=JUDGED).id
        finding_store.upsert_findings(session, "blog-qwen", [
            Finding(key="qwen3-max-thinking", title="Qwen3-Max-Thinking is now available",
                    kind="post", url="https://qwenlm.github.io/blog/qwen3-max-thinking/",
                    published=datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
        ], now=JUDGED)
        finding_store.upsert_findings(session, "hf-qwen", [
            Finding(key="Qwen/Qwen3-Omni-30B-A3B-Instruct",
                    title="Qwen/Qwen3-Omni-30B-A3B-Instruct", kind="model",
                    url="https://huggingface.co/Qwen/Qwen3-Omni-30B-A3B-Instruct",
                    published=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                    attributes={"license": "apache-2.0"}),
        ], now=JUDGED)
        for source_id in ("hf-qwen", "blog-qwen", "blog-openai"):
            _polled(session, run_id, SourceResult(source_id, Category.OK))
        _polled(session, run_id, SourceResult("feed-av", Category.HTTP_5XX,
                                              message="503 Service Unavailable"))
        opened = flag_store.reconcile(session, VERDICTS, [c[0] for c in CLAIMS],
                                      now=JUDGED, by="claimwatch").opened
        run_store.finish_run(session, run_id, now=JUDGED, status="done", counts={})
        ids = {(flag.claim_id, flag.rule): flag.id for flag in opened}
        flag_store.acknowledge(session, ids[("open-cost", "superseded")], now=EDITED, by="ana")
        flag_store.snooze(session, ids[("heygen-volume", "age")], until=NOW + timedelta(30),
                          now=EDITED, by="ana")
    with store.session() as session:
        session.add(_claim_row("kimi-k3", "Kimi K3 leads Chinese open-weight agents", "2026-11",
                               "90d", [], at=EDITED))
        edited = session.get(ClaimRow, "deepseek-price")
        edited.text = "DeepSeek V3.2 costs $0.28 per million input tokens"
        edited.updated_at = EDITED
        session.get(ClaimRow, "gone").status = "retired"
    return ids


def _polled(session, run_id: int, result: SourceResult) -> None:
    source_store.record_result(session, result, now=JUDGED, interval=timedelta(hours=6))
    run_store.record_source(session, run_id, result, None, now=JUDGED)
