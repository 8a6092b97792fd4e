"""Score claimwatch's verdicts on the quality world against an editor's labels.

Usage (from the repository root)::

    .venv/bin/python bench/quality/score.py            # the figures, as text
    .venv/bin/python bench/quality/score.py --json     # the figures, as JSON

It copies ``world/`` into a temporary folder, runs ``claimwatch check --all --replay``
there as of the ``now`` of ``expected.toml`` ($CLAIMWATCH_NOW), into a fresh SQLite
store, and reads the open flags. A claim's verdict is its worst open flag
(contradicted > stale > review); no open flag is fresh. It prints recall and
precision over flagged claims (a claim is flagged when its verdict is not fresh),
exact-verdict agreement, a confusion table and every disagreement.

Then each open flag with a suggestion is applied as an editor would: ``claims verify
ID --text SUGGESTION --as-of NOW`` (now at the claim's own precision), on a copy of
the store, followed by a new check. It counts as resolved when that claim then has no
open flag of the same cause and no open flag whose cause was not open before. A claim
with several suggested flags has them applied one per round, each on a fresh copy.

It also counts, for information, the suggestions that read as the claim's sentence
edited rather than as an instruction ("Re-verify the claim ..."). Precision counts as
0 when nothing is flagged, and the resolved share as 0 when no
flag has a suggestion, so that silence never scores. The commands run in this process
through click's runner, as the CLI would run them. Exit 0 unless the script itself
fails (a check that cannot run, a claim of the world missing from the labels).
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import sqlite3
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli

HERE = Path(__file__).resolve().parent
WORLD = HERE / "world"
EXPECTED = HERE / "expected.toml"
VERDICTS = ("fresh", "review", "stale", "contradicted")
SEVERITY = {"fresh": 0, "review": 1, "stale": 2, "contradicted": 3}
TARGETS = {"recall": 0.95, "precision": 0.95, "suggestions_resolved": 0.95}
ACTOR = "quality-bench"


class ScoreError(RuntimeError):
    """The world could not be checked: the figures would mean nothing."""


@dataclass(frozen=True)
class Flag:
    id: int
    claim_id: str
    verdict: str
    rule: str
    cause: str
    reason: str
    suggestion: str


@dataclass
class Figures:
    now: str
    claims: int
    expected_flagged: int
    flagged: int
    recall: float
    precision: float
    exact_agreement: float
    confusion: dict[str, dict[str, int]]
    disagreements: list[dict]
    suggestions_applied: int = 0
    suggestions_in_place: int = 0
    suggestions_resolved: int = 0
    suggestions_resolved_share: float = 0.0
    unresolved_suggestions: list[dict] = field(default_factory=list)
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))


# ------------------------------------------------------------------ running claimwatch


class Workspace:
    """A copy of the world with its own SQLite store, driven through the CLI."""

    def __init__(self, folder: Path, snapshot: Path, now: str) -> None:
        self.folder = folder
        self.snapshot = snapshot
        self.env = {"CLAIMWATCH_NOW": now, "CLAIMWATCH_USER": ACTOR, "CLAIMWATCH_CONFIG": None}

    @classmethod
    def from_world(cls, world: Path, folder: Path, now: str) -> Workspace:
        folder.mkdir(parents=True)
        for name in ("claimwatch.toml", "claims.toml"):
            shutil.copy2(world / name, folder / name)
        return cls(folder, world / "snapshot", now)

    @property
    def config(self) -> Path:
        return self.folder / "claimwatch.toml"

    @property
    def database(self) -> Path:
        return self.folder / "claimwatch.sqlite"  # the config's default store

    def copy(self, folder: Path) -> Workspace:
        """Another workspace with the same files and a consistent copy of the store."""
        folder.mkdir(parents=True)
        for name in ("claimwatch.toml", "claims.toml"):
            shutil.copy2(self.folder / name, folder / name)
        source = sqlite3.connect(self.database)
        target = sqlite3.connect(folder / "claimwatch.sqlite")
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return Workspace(folder, self.snapshot, self.env["CLAIMWATCH_NOW"])

    def run(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--config", str(self.config), *args], env=self.env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise ScoreError(f"claimwatch {' '.join(args)} crashed: {result.exception!r}")
        return result.exit_code, result.output

    def check(self) -> None:
        """One check of every source; a source that fails would make the figures lie."""
        code, output = self.run(
            "check", "--all", "--replay", str(self.snapshot), "--no-alerts", "--json"
        )
        if code not in (0, 1):
            raise ScoreError(f"claimwatch check exited {code}:\n{output}")
        report = json.loads(output[output.index("{"):])
        failed = [
            f"{s['source_id']} ({s['category']}: {s['message']})"
            for s in report["sources"]
            if s["category"] not in ("ok", "not-modified")
        ]
        if failed:
            raise ScoreError(f"sources failed in the world: {', '.join(failed)}")

    def open_flags(self) -> list[Flag]:
        code, output = self.run("flags", "list", "--status", "open", "--json")
        if code != 0:
            raise ScoreError(f"claimwatch flags list exited {code}:\n{output}")
        flags = []
        for line in output.splitlines():
            if line.startswith("{"):
                row = json.loads(line)
                flags.append(
                    Flag(
                        id=int(row["id"]),
                        claim_id=row["claim_id"],
                        verdict=row["verdict"],
                        rule=row.get("rule") or "",
                        cause=row.get("cause") or "",
                        reason=row.get("reason") or "",
                        suggestion=(row.get("suggestion") or "").strip(),
                    )
                )
        return flags

    def verify(self, claim_id: str, text: str, as_of: str) -> tuple[int, str]:
        return self.run(
            "claims", "verify", claim_id, "--text", text, "--as-of", as_of, "--by", ACTOR
        )


# ------------------------------------------------------------------ figures


def verdict_of(flags: list[Flag]) -> str:
    """The worst verdict among a claim's open flags; fresh when there is none."""
    return max((flag.verdict for flag in flags), key=lambda v: SEVERITY.get(v, 0), default="fresh")


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def agreement(expected: dict[str, dict], flags: list[Flag], now: str) -> Figures:
    by_claim: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        by_claim[flag.claim_id].append(flag)
    unknown = sorted(set(by_claim) - set(expected))
    if unknown:
        raise ScoreError(f"flags on claims without a label: {', '.join(unknown)}")
    confusion = {row: {column: 0 for column in VERDICTS} for row in VERDICTS}
    disagreements = []
    hits = exact = 0
    for claim_id, label in sorted(expected.items()):
        want, got = label["verdict"], verdict_of(by_claim.get(claim_id, []))
        confusion[want][got] += 1
        exact += want == got
        hits += want != "fresh" and got != "fresh"
        if want != got:
            disagreements.append(
                {
                    "claim": claim_id,
                    "expected": want,
                    "actual": got,
                    "editor": label.get("reason", ""),
                    "flags": [
                        f"{flag.verdict} {flag.rule}: {flag.reason}"
                        for flag in by_claim.get(claim_id, [])
                    ],
                }
            )
    expected_flagged = sum(label["verdict"] != "fresh" for label in expected.values())
    flagged = sum(verdict_of(by_claim.get(claim_id, [])) != "fresh" for claim_id in expected)
    return Figures(
        now=now,
        claims=len(expected),
        expected_flagged=expected_flagged,
        flagged=flagged,
        recall=share(hits, expected_flagged),
        precision=share(hits, flagged),
        exact_agreement=share(exact, len(expected)),
        confusion=confusion,
        disagreements=disagreements,
    )


def looks_in_place(suggestion: str, text: str) -> bool:
    """Whether a suggestion reads as the claim's sentence edited, not an instruction.

    Informational only: most of the characters are kept (difflib ratio >= 0.5).
    """
    return difflib.SequenceMatcher(None, suggestion.lower(), text.lower()).ratio() >= 0.5


def as_of_like(original: str, now: datetime) -> str:
    """``now`` at the precision of the claim's as-of: "2025", "2025-12" or "2025-12-01"."""
    return {1: f"{now:%Y}", 2: f"{now:%Y-%m}"}.get(len(original.split("-")), f"{now:%Y-%m-%d}")


def score_suggestions(
    base: Workspace, flags: list[Flag], as_of: dict[str, str], now: datetime, scratch: Path
) -> tuple[int, list[dict]]:
    """Apply every suggestion on a copy of the store; (resolved count, the unresolved)."""
    open_causes: dict[str, set[str]] = defaultdict(set)
    queues: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        open_causes[flag.claim_id].add(flag.cause)
        if flag.suggestion:
            queues[flag.claim_id].append(flag)
    resolved, unresolved = 0, []
    rounds = max((len(queue) for queue in queues.values()), default=0)
    for number in range(rounds):
        batch = [queue[number] for queue in queues.values() if len(queue) > number]
        work = base.copy(scratch / f"round-{number + 1}")
        refused = {}
        for flag in batch:
            when = as_of_like(as_of[flag.claim_id], now)
            code, output = work.verify(flag.claim_id, flag.suggestion, when)
            if code != 0:
                refused[flag.id] = f"verify exited {code}: {output.strip()[-200:]}"
        work.check()
        after: dict[str, list[Flag]] = defaultdict(list)
        for flag in work.open_flags():
            after[flag.claim_id].append(flag)
        for flag in batch:
            still = [f for f in after[flag.claim_id] if f.cause == flag.cause]
            new = [f for f in after[flag.claim_id] if f.cause not in open_causes[flag.claim_id]]
            if flag.id not in refused and not still and not new:
                resolved += 1
                continue
            unresolved.append(
                {
                    "claim": flag.claim_id,
                    "flag": f"{flag.verdict} {flag.rule}",
                    "suggestion": flag.suggestion,
                    "why": refused.get(flag.id)
                    or ("the same cause is open again" if still else "")
                    + ("; " if still and new else "")
                    + (
                        "new: " + "; ".join(f"{f.verdict} {f.rule}: {f.reason}" for f in new)
                        if new
                        else ""
                    ),
                }
            )
    return resolved, unresolved


def score(world: Path = WORLD, expected_path: Path = EXPECTED, suggestions: bool = True) -> Figures:
    labels = tomllib.loads(expected_path.read_text(encoding="utf-8"))
    now_text, expected = labels["now"], labels["claim"]
    now = datetime.fromisoformat(now_text)
    claims = tomllib.loads((world / "claims.toml").read_text(encoding="utf-8"))["claim"]
    as_of = {claim["id"]: str(claim["as_of"]) for claim in claims}
    texts = {claim["id"]: claim["text"] for claim in claims}
    missing = sorted(set(as_of) - set(expected))
    if missing:
        raise ScoreError(f"claims without an expected verdict: {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="claimwatch-quality-") as scratch:
        base = Workspace.from_world(world, Path(scratch) / "base", now_text)
        base.check()
        flags = base.open_flags()
        figures = agreement(expected, flags, now_text)
        if suggestions:
            applied = sum(1 for flag in flags if flag.suggestion)
            resolved, unresolved = score_suggestions(base, flags, as_of, now, Path(scratch))
            figures.suggestions_applied = applied
            figures.suggestions_in_place = sum(
                1 for flag in flags
                if flag.suggestion and looks_in_place(flag.suggestion, texts[flag.claim_id])
            )
            figures.suggestions_resolved = resolved
            figures.suggestions_resolved_share = share(resolved, applied)
            figures.unresolved_suggestions = unresolved
    return figures


# ------------------------------------------------------------------ printing


def _mark(value: float, target: float) -> str:
    return "meets" if value >= target else "below"


def render(figures: Figures, suggestions: bool = True) -> str:
    lines = [
        f"quality world: {figures.claims} claims judged as of {figures.now}",
        f"  recall     {figures.recall:.3f}  (target >= {TARGETS['recall']}, "
        f"{_mark(figures.recall, TARGETS['recall'])})  "
        f"flagged {figures.flagged}, of {figures.expected_flagged} an editor would flag",
        f"  precision  {figures.precision:.3f}  (target >= {TARGETS['precision']}, "
        f"{_mark(figures.precision, TARGETS['precision'])})",
        f"  exact      {figures.exact_agreement:.3f}  verdicts equal to the editor's",
    ]
    if suggestions:
        target = TARGETS["suggestions_resolved"]
        lines.append(
            f"  suggestions resolve {figures.suggestions_resolved_share:.3f}  "
            f"(target >= {target}, {_mark(figures.suggestions_resolved_share, target)})  "
            f"{figures.suggestions_resolved} of {figures.suggestions_applied} applied"
        )
        lines.append(
            f"  suggestions that read as the sentence edited: {figures.suggestions_in_place} "
            f"of {figures.suggestions_applied} (informational)"
        )
    lines += ["", "confusion (rows: editor, columns: claimwatch)"]
    lines.append(" " * 14 + "".join(f"{column:>14}" for column in VERDICTS))
    for row in VERDICTS:
        counts = "".join(f"{figures.confusion[row][column]:>14}" for column in VERDICTS)
        lines.append(f"{row:<14}{counts}")
    lines += ["", f"disagreements ({len(figures.disagreements)})"]
    for item in figures.disagreements:
        lines.append(f"- {item['claim']}: editor {item['expected']}, claimwatch {item['actual']}")
        lines.append(f"    editor: {item['editor']}")
        lines.extend(f"    flag:   {flag}" for flag in item["flags"])
    if suggestions and figures.unresolved_suggestions:
        lines += ["", f"suggestions that did not resolve ({len(figures.unresolved_suggestions)})"]
        for item in figures.unresolved_suggestions:
            lines.append(f"- {item['claim']} ({item['flag']}): {item['suggestion']!r}")
            lines.append(f"    {item['why']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--world", type=Path, default=WORLD, help="The world folder.")
    parser.add_argument("--expected", type=Path, default=EXPECTED, help="The labels file.")
    parser.add_argument(
        "--no-suggestions", action="store_true", help="Skip applying the suggestions."
    )
    args = parser.parse_args(argv)
    try:
        figures = score(args.world, args.expected, suggestions=not args.no_suggestions)
    except ScoreError as exc:
        print(f"score.py: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(asdict(figures), indent=2))
    else:
        print(render(figures, suggestions=not args.no_suggestions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
