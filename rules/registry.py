"""The rules, by name: one line per rule module. A test keeps this map and rules/ agreeing."""

from __future__ import annotations

from types import ModuleType

from rules import (
    age,
    baseline,
    exists,
    leaders,
    license,
    mention,
    released,
    superseded,
    weights,
)

RULES: dict[str, ModuleType] = {
    age.NAME: age,
    superseded.NAME: superseded,
    baseline.NAME: baseline,
    leaders.NAME: leaders,
    weights.NAME: weights,
    license.NAME: license,
    released.NAME: released,
    exists.NAME: exists,
    mention.NAME: mention,
}
