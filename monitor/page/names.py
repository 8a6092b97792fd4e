"""The models and model families a statement names, with where, and their labs.

A candidate is a word with optional version numbers and tier words after it ("GPT-4o",
"Claude Opus 4.1", "Gemini 2.0 Pro", "Qwen3-30B-A3B"); it counts when
``rules.versions.parse_model_name`` reads it or the catalog knows its family word
("Nemotron", "OLMo"). A bare lab brand that is also a line ("Mistral", "Kimi",
"DeepSeek") is kept as a family mention: it tells which lab to watch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.catalog import Catalog, Lab
from rules.versions import ModelName, parse_model_name

_TIERS = (
    "Opus|Sonnet|Haiku|Pro|Flash|Turbo|Max|Plus|Mini|Nano|Small|Medium|Large|Ultra|Lite"
    "|Scout|Maverick|Instruct|Thinking|Coder|Air|Next|Omni|Speed|Chat"
)
_WORD = r"[A-Za-z][\w.+-]*"
_CANDIDATE = re.compile(
    rf"(?<![\w/-])(?P<name>{_WORD}(?:\s+(?:\d+x\d+[bB]|\d{{1,3}}(?:\.\d+)*[a-zA-Z]?|[A-Z]\d[\w.]*|{_TIERS})"
    r"(?![\w-]))*)"
    r"(?=(?:['’]s)?(?:[\s,;:!?)\]]|\.(?!\w)|$))"
)
_NOT_MODELS = frozenset({"agent", "agents", "api", "apis", "sdk", "app", "cloud"})
_SIZE = re.compile(r"\d+(?:\.\d+)?[BbMm]\b")


@dataclass(frozen=True)
class Mention:
    text: str  # as written: "Claude 3.7", "Qwen3-72B", "Mistral"
    start: int
    end: int
    lab: Lab
    model: ModelName | None  # None for a family word the parser does not know

    @property
    def has_size(self) -> bool:
        return bool(_SIZE.search(self.text))

    @property
    def is_generation(self) -> bool:
        """Names a generation ("Qwen3", "GPT-4o"), not only a brand ("Mistral", "Kimi")."""
        return bool(self.model and self.model.generation) or bool(re.search(r"\d", self.text))


def find_mentions(text: str, catalog: Catalog) -> list[Mention]:
    """Model and family mentions of ``text`` in order, never overlapping."""
    mentions: list[Mention] = []
    for match in _CANDIDATE.finditer(text):
        mention = _read(match.group("name"), match.start("name"), catalog)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _read(candidate: str, start: int, catalog: Catalog) -> Mention | None:
    name = candidate.rstrip(".-")
    if "-" in name and name.rsplit("-", 1)[1].lower() in _NOT_MODELS:
        return None  # "Qwen-Agent" is a framework, "DeepSeek-API" a service
    model = parse_model_name(name)
    if model is not None and not name.lower().startswith(model.raw.lower()[:1]):
        model = None
    if model is not None and not _keyword_opens(name, model):
        return None  # "OpenAI's" does not name GPT; the keyword must open the word
    lab = catalog.lab(model.lab) if model is not None else None
    if lab is None:
        lab = _family_lab(name, catalog)
    if lab is None:
        return None
    return Mention(name, start, start + len(name), lab, model)


def _keyword_opens(name: str, model: ModelName) -> bool:
    first = name.split()[0].lower()
    line_word = re.split(r"[-{}]", model.line)[0]
    return first.startswith(line_word[:3]) or first.startswith(("code", "chat", "pali"))


def _family_lab(name: str, catalog: Catalog) -> Lab | None:
    for lab in catalog.labs:
        for family in lab.families:
            if re.fullmatch(rf"{re.escape(family)}(?:[\s-]?[\w.]+)*", name, re.IGNORECASE) and (
                name[:1].isupper() or family[:1].islower()
            ):
                return lab
    return None
