"""Mistakes found in a config or claims file, reported all together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: the file, the entry in it, and what is wrong and what to do."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class ConfigError(Exception):
    """A config or claims file was rejected; ``problems`` lists every mistake."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "mistake" if len(problems) == 1 else "mistakes"
        super().__init__(f"{len(problems)} {noun} found; nothing was run or changed:\n{lines}")


def describe_pydantic_error(error: dict) -> tuple[str, str]:
    """(key path, message with a hint) for one pydantic error dict."""
    loc = ".".join(str(part) for part in error.get("loc", ()))
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return loc, f"unknown key {loc!r}; remove it or check its spelling"
    if kind == "missing":
        return loc, f"missing required key {loc!r}"
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    value = error.get("input")
    shown = f" (got {value!r})" if value is not None and not isinstance(value, dict) else ""
    return loc, f"{loc}: {message}{shown}" if loc else message
