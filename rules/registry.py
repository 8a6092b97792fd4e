"""The rules, by name: one line per rule module. A test keeps this map and rules/ agreeing."""

from __future__ import annotations

from types import ModuleType

from rules import age, exists, license, mention, released, superseded

RULES: dict[str, ModuleType] = {
    age.NAME: age,
    superseded.NAME: superseded,
    license.NAME: license,
    released.NAME: released,
    exists.NAME: exists,
    mention.NAME: mention,
}
