"""Licences named in prose, read into the Hugging Face Hub's license ids."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LicenseMention:
    phrase: str
    hub_id: str
    start: int


_PATTERNS = (
    (re.compile(r"\bApache(?:[- ]License)?[- ]?(?:v(?:ersion)?\s?)?2(?:\.0)?\b"), "apache-2.0"),
    (re.compile(r"\bMIT(?: [Ll]icen[cs]e)?\b"), "mit"),
    (re.compile(r"\bLlama (\d(?:\.\d)?)(?: [Cc]ommunity)? [Ll]icen[cs]e\b"), "llama{0}"),
    (re.compile(r"\bGemma (?:[Tt]erms|[Ll]icen[cs]e)\b"), "gemma"),
    (re.compile(r"\bGPL-?v?3(?:\.0)?\b"), "gpl-3.0"),
    (re.compile(r"\bCC[- ]BY[- ](\d\.\d)\b"), "cc-by-{0}"),
)


def find_licenses(text: str) -> list[LicenseMention]:
    found = []
    for pattern, hub_id in _PATTERNS:
        for match in pattern.finditer(text):
            found.append(LicenseMention(match.group(), hub_id.format(*match.groups()),
                                        match.start()))
    return sorted(found, key=lambda item: item.start)
