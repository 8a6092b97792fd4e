"""The normalized item every source kind reports."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload


@dataclass(frozen=True)
class Finding:
    """One item a source reported: a model repo, a release, a post, a paper, a package.

    ``key`` is unique within its source and stable across polls (guid, repo id, tag).
    Times are timezone-aware UTC or ``None`` when the source gave none.
    ``attributes`` holds kind-specific facts as JSON-safe values, e.g. ``license``,
    ``version``, ``tags``, ``pipeline_tag``, ``gated``, ``downloads``, ``prerelease``.
    """

    key: str
    title: str
    kind: str  # "model", "release", "post", "paper", "package"
    url: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


class Findings(Sequence[Finding]):
    """A source's findings, gathered page by page; pages parsed in a worker process stay
    pickled until someone looks at them.

    A check only passes findings on: the parser process hands them to the event loop,
    which hands them to the writer process (monitor.storing). Unpickled in between,
    12,000 findings cost the busiest process ~0.1 s to rebuild and ~0.1 s to pickle
    again (bench/bench_fetch.py), for nothing; kept as the parser's bytes they cross it
    as one copy. Reading them (iterating, indexing, comparing) unpickles them once.
    """

    __slots__ = ("_count", "_parts")

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        items = list(findings)
        self._parts: list[list[Finding] | bytes] = [items] if items else []
        self._count = len(items)

    @classmethod
    def packed(cls, findings: Sequence[Finding]) -> Findings:
        """Findings to be sent to another process and, likely, on again from there."""
        packed = cls()
        if findings:
            packed._parts = [pickle.dumps(list(findings), pickle.HIGHEST_PROTOCOL)]
            packed._count = len(findings)
        return packed

    def extend(self, more: Iterable[Finding]) -> None:
        if isinstance(more, Findings):
            self._parts.extend(more._parts)
            self._count += more._count
        else:
            items = list(more)
            self._parts.append(items)
            self._count += len(items)

    @property
    def still_pickled(self) -> bool:
        """True while some page has not been unpickled since it left its parser."""
        return any(isinstance(part, bytes) for part in self._parts)

    def _items(self) -> list[Finding]:
        if len(self._parts) != 1 or isinstance(self._parts[0], bytes):
            items: list[Finding] = []
            for part in self._parts:
                items.extend(pickle.loads(part) if isinstance(part, bytes) else part)
            self._parts = [items] if items else []
            return items
        return self._parts[0]  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        return self._items()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        if self.still_pickled:  # a repr (a log line, a task's repr) must not unpickle
            return f"Findings(<{self._count} findings, pickled>)"
        return f"Findings({self._items()!r})"
