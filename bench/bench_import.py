"""Measure the page importer against hand labels, and its claims' catch in a check.

Usage: .venv/bin/python bench/bench_import.py [--no-check] [--verbose]

For each page of bench/import/ (``*.labels.toml``: the example page and two pages
written from public facts), the labels give the statements a careful editor keeps,
their as-of with its precision, and the expectations their words state (claim roles,
license, released, exists; not keywords or watch). It prints:

- statements found: labelled statements drafted with the same text (target >= 0.95),
  and the share of those dated right, precision included;
- expectations inferred: labelled expectation items the draft has (target >= 0.85);
- wrong: inferred items (same keys) no label states (target <= 0.05).

Then (unless --no-check) it runs two offline checks of the example against its
snapshot, one on the hand-written claims.toml and one on the claims of
``init --from-page``, and prints how many of the hand-written claims' flags (other
than age) the auto-imported claims catch on the same sentence, and the auto-imported
claims' flags that no hand-written flag matches.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.importer import import_page  # noqa: E402

LABELS = REPO / "bench" / "import"
EXAMPLE = REPO / "examples" / "china-us-ai"
LIST_KEYS = ("latest", "baseline", "exists", "closed", "open")
SCALAR_KEYS = ("about", "license", "released")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _items(expect: dict) -> set[tuple]:
    items: set[tuple] = set()
    for key in SCALAR_KEYS:
        if expect.get(key):
            items.add((key, expect[key]))
    for key in LIST_KEYS:
        items.update((key, value) for value in expect.get(key) or ())
    leaders = expect.get("leaders")
    if leaders:
        items.add(("leaders", frozenset(leaders["names"]), leaders["region"],
                   leaders.get("weights", "open")))
    return items


def _drafted(draft) -> dict:
    inferred = draft.inferred
    found = {key: getattr(inferred, key) for key in SCALAR_KEYS + LIST_KEYS}
    found["leaders"] = inferred.leaders
    return found


def score_page(labels_path: Path, verbose: bool) -> dict[str, int]:
    labels = tomllib.loads(labels_path.read_text(encoding="utf-8"))
    page = (labels_path.parent / labels.get("page", labels_path.name.replace(
        ".labels.toml", ".md"))).resolve()
    drafts = import_page(page.read_text(encoding="utf-8"), page=page.stem)
    counts = dict(statements=0, found=0, dated=0, labelled=0, inferred_right=0,
                  inferred=0, wrong=0)
    for statement in labels["statement"]:
        counts["statements"] += 1
        wanted = _items(statement.get("expect", {}))
        counts["labelled"] += len(wanted)
        match = next((d for d in drafts if _norm(d.text) == _norm(statement["text"])
                      and statement.get("section_has", "") in d.section), None)
        if match is None:
            if verbose:
                print(f"  MISSED  {statement['text'][:90]}")
            continue
        counts["found"] += 1
        counts["dated"] += str(match.as_of) == statement["as_of"]
        if verbose and str(match.as_of) != statement["as_of"]:
            print(f"  DATED {match.as_of} not {statement['as_of']}: {statement['text'][:70]}")
        got = _items(_drafted(match))
        counts["inferred_right"] += len(wanted & got)
        counts["inferred"] += len(got)
        counts["wrong"] += len(got - wanted)
        if verbose and (wanted - got or got - wanted):
            print(f"  {statement['text'][:70]}\n    missing {sorted(map(str, wanted - got))}"
                  f"\n    wrong   {sorted(map(str, got - wanted))}")
    return counts


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "n/a"


def _flags(folder: Path) -> list[tuple[str, str, str]]:
    """(claim text, verdict, rule) of every open flag of a check run in ``folder``."""
    config = str(folder / "claimwatch.toml")
    claimwatch = [sys.executable, "-m", "monitor", "--config", config]
    subprocess.run([*claimwatch, "check", "--all", "--replay", str(EXAMPLE / "snapshot"),
                    "--no-alerts"], capture_output=True, check=False)
    listed = subprocess.run([*claimwatch, "flags", "list", "--status", "open", "--json"],
                            capture_output=True, text=True, check=True).stdout
    shown = subprocess.run([*claimwatch, "claims", "list", "--json"], capture_output=True,
                           text=True, check=True).stdout
    import json

    texts = {row["id"]: row["text"] for row in map(json.loads, shown.splitlines())}
    return [(texts.get(f["claim_id"], ""), f["verdict"], f["rule"])
            for f in map(json.loads, listed.splitlines())]


def detection() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hand, auto = Path(tmp) / "hand", Path(tmp) / "auto"
        hand.mkdir()
        for name in ("claimwatch.toml", "claims.toml", "page.md"):
            shutil.copy(EXAMPLE / name, hand / name)
        subprocess.run([sys.executable, "-m", "monitor", "init", "--from-page",
                        str(hand / "page.md"), "--dir", str(auto)], capture_output=True,
                       check=True)
        hand_flags = [f for f in _flags(hand) if f[2] != "age"]
        auto_flags = [f for f in _flags(auto) if f[2] not in ("age", "page")]

    def same(a: tuple, b: tuple) -> bool:
        return a[1] == b[1] and (_norm(a[0]) in _norm(b[0]) or _norm(b[0]) in _norm(a[0]))

    caught = sum(any(same(h, a) for a in auto_flags) for h in hand_flags)
    unmatched = [a for a in auto_flags if not any(same(h, a) for h in hand_flags)]
    print(f"check on the example (flags other than age): hand-written claims raise "
          f"{len(hand_flags)}, auto-imported claims raise {len(auto_flags)}")
    print(f"  hand-written flags caught by the auto-imported claims: "
          f"{_share(caught, len(hand_flags))} (target >= 0.90)")
    print(f"  auto-imported flags no hand-written flag matches: {len(unmatched)}")
    for text, verdict, rule in unmatched[:10]:
        print(f"    {verdict:<12} {rule:<10} {text[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-check", action="store_true", help="Skip the two offline checks.")
    parser.add_argument("--verbose", action="store_true", help="List every miss.")
    args = parser.parse_args()
    total: dict[str, int] = {}
    for labels in sorted(LABELS.glob("*.labels.toml")):
        if args.verbose:
            print(labels.name)
        counts = score_page(labels, args.verbose)
        print(f"{labels.name.replace('.labels.toml', ''):<24} found "
              f"{_share(counts['found'], counts['statements'])}, dated right "
              f"{_share(counts['dated'], counts['found'])}, expectations inferred "
              f"{_share(counts['inferred_right'], counts['labelled'])}, wrong "
              f"{_share(counts['wrong'], counts['inferred'])}")
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    print(f"{'all pages':<24} found {_share(total['found'], total['statements'])} "
          f"(target >= 0.95), dated right {_share(total['dated'], total['found'])}, "
          f"expectations inferred {_share(total['inferred_right'], total['labelled'])} "
          f"(target >= 0.85), wrong {_share(total['wrong'], total['inferred'])} "
          "(target <= 0.05)")
    if not args.no_check:
        detection()


if __name__ == "__main__":
    main()
