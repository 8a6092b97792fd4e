"""The catalog of labs: region, model families, hub organisations, repos and feeds.

Shipped as ``labs.toml`` beside this module and validated with pydantic. A config's
``[[catalog.lab]]`` entries extend it, and an entry whose ``id`` is a shipped lab's
replaces that lab whole. ``Catalog.lab_for(name)`` turns a model or family named in a
sentence into its lab; ``Lab.sources()`` gives the ``[[source]]`` entries that watch it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.versions import parse_model_name

_SOURCE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubOrg(_Strict):
    id: str = Field(pattern=_SOURCE_ID)
    author: str = Field(min_length=1)


class GithubRepo(_Strict):
    id: str = Field(pattern=_SOURCE_ID)
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")


class Feed(_Strict):
    id: str = Field(pattern=_SOURCE_ID)
    url: str = Field(pattern=r"^https?://")


class Lab(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    region: Literal["china", "us", "elsewhere"]
    families: list[str] = []
    github_org: str | None = None
    huggingface: list[HubOrg] = []
    github: list[GithubRepo] = []
    feeds: list[Feed] = []

    def sources(self) -> list[dict[str, Any]]:
        """The ``[[source]]`` entries of the config that watch this lab."""
        common = {"lab": self.name, "region": self.region}
        entries = [{"id": h.id, "kind": "huggingface", **common, "author": h.author}
                   for h in self.huggingface]
        entries += [{"id": g.id, "kind": "github", **common, "repo": g.repo} for g in self.github]
        entries += [{"id": f.id, "kind": "feed", **common, "url": f.url} for f in self.feeds]
        return entries

    @property
    def hub_org(self) -> str | None:
        return self.huggingface[0].author if self.huggingface else None


class CatalogError(ValueError):
    """The catalog or a ``[[catalog.lab]]`` entry is malformed; the message says where."""


@dataclass(frozen=True)
class Catalog:
    labs: tuple[Lab, ...]

    def lab(self, lab_id: str) -> Lab | None:
        return next((lab for lab in self.labs if lab.id == lab_id), None)

    def lab_for(self, name: str) -> Lab | None:
        """The lab of a model or family name: the model-name parser first, then the
        catalog's family words ("Nemotron", "OLMo"), which the parser may not know."""
        parsed = parse_model_name(name)
        if parsed is not None and (lab := self.lab(parsed.lab)) is not None:
            return lab
        for lab in self.labs:
            for family in lab.families:
                if re.match(rf"{re.escape(family)}(?![a-z])", name, re.IGNORECASE):
                    return lab
        return None

    def extended(self, entries: Iterable[dict[str, Any]]) -> Catalog:
        """This catalog with the config's labs added, or replacing those of the same id."""
        labs = {lab.id: lab for lab in self.labs}
        for number, entry in enumerate(entries, start=1):
            lab = _validated(entry, f"[[catalog.lab]] #{number}")
            labs[lab.id] = lab
        return Catalog(tuple(labs.values()))

    def source_ids(self) -> set[str]:
        return {entry["id"] for lab in self.labs for entry in lab.sources()}


def _validated(entry: Any, where: str) -> Lab:
    try:
        return Lab.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise CatalogError(f"{where}: {place}: {first['msg']}") from None


@lru_cache(maxsize=1)
def shipped_catalog() -> Catalog:
    """The labs of ``labs.toml``, validated; ids unique."""
    text = resources.files("monitor.catalog").joinpath("labs.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    labs = tuple(_validated(entry, f"labs.toml [[lab]] #{n}")
                 for n, entry in enumerate(raw["lab"], start=1))
    ids = [lab.id for lab in labs]
    if len(ids) != len(set(ids)):
        raise CatalogError("labs.toml: lab ids must be unique")
    return Catalog(labs)
