"""Check the example hangs together: every source has a recorded answer that parses
into findings, every claim's text is on the page and watches sources that exist.

    .venv/bin/python examples/china-us-ai/snapshot/check_snapshot.py

Prints one line per source and exits 1 on the first kind of problem it finds.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from sources.registry import kind
from sources.replay import MissingExchange, load_exchange

EXAMPLE = Path(__file__).resolve().parent.parent
SNAPSHOT = EXAMPLE / "snapshot"
COMMON_KEYS = {"id", "kind", "lab", "region", "interval"}


def check_sources(config: dict) -> list[str]:
    problems = []
    for source in config["source"]:
        module = kind(source["kind"])
        params = module.Params(**{k: v for k, v in source.items() if k not in COMMON_KEYS})
        url = module.first_url(params)
        try:
            response = load_exchange(SNAPSHOT, url)
        except MissingExchange as exc:
            problems.append(f"{source['id']}: {exc}")
            continue
        parsed = module.parse(response, params)
        newest = max((f.published or f.updated for f in parsed.findings
                      if f.published or f.updated), default=None)
        print(f"{source['id']:26} {len(parsed.findings):4} findings  newest {newest:%Y-%m-%d}"
              f"  warnings {len(parsed.warnings)}")
        if not parsed.findings:
            problems.append(f"{source['id']}: the recorded answer gave no findings")
    return problems


def check_claims(config: dict) -> list[str]:
    page = (EXAMPLE / config["claims"]["page"]).read_text(encoding="utf-8")
    source_ids = {source["id"] for source in config["source"]}
    problems, seen = [], set()
    for name in config["claims"]["files"]:
        claims = tomllib.loads((EXAMPLE / name).read_text(encoding="utf-8"))["claim"]
        for claim in claims:
            if claim["id"] in seen:
                problems.append(f"{claim['id']}: duplicate id")
            seen.add(claim["id"])
            if claim["text"] not in page:
                problems.append(f"{claim['id']}: text is not on the page: {claim['text']!r}")
            problems += [f"{claim['id']}: watches unknown source {w!r}"
                         for w in claim.get("watch", []) if w not in source_ids]
    print(f"{len(seen)} claims checked against {config['claims']['page']}")
    return problems


def main() -> int:
    config = tomllib.loads((EXAMPLE / "claimwatch.toml").read_text(encoding="utf-8"))
    problems = check_sources(config) + check_claims(config)
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
