"""The source kinds claimwatch knows, by the name a config's ``kind`` uses.

Adding a kind is one module in ``sources/`` (defining ``KIND``, ``Params``,
``first_url`` and ``parse``) plus one line here; tests/sources/test_registry.py checks
that the two agree.
"""

from __future__ import annotations

from types import ModuleType

from sources import feed, github, huggingface

KINDS: dict[str, ModuleType] = {
    "feed": feed,
    "github": github,
    "huggingface": huggingface,
}


def kind(name: str) -> ModuleType:
    """The module of source kind ``name``; KeyError lists the known kinds."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise KeyError(f"unknown source kind {name!r}; known kinds: {known}") from None
