"""Release evidence: whether a finding shows a model was *released* or only *mentions* it.

A hub repo (kind ``model``) is the release of that repo, dated by its creation; a
GitHub or package release (kind ``release``, ``package``) is a release. A post is a
release when its title announces the model it names:

- it opens with an announcing word: "Introducing X", "Meet X", "Announcing X",
  "Releasing X", "Hello X", "Unveiling X", "Launching X";
- it says so: "X is now available", "X release", "X launches", "X model card",
  "X system card", "A new era of intelligence with X";
- the model name heads it: "X: our most intelligent model", or the title is only
  model names ("Claude Opus 4.1", "OpenAI o1-mini", "Claude Fable 5 and Claude Mythos 5").

Anything else naming a model ("GPT-5.2 derives a new result", "Early experiments with
GPT-5", a paper) is a *mention*: it may ask for a review, it never dates a release.
Only names that carry a generation count for posts: "Introducing Claude for Education"
announces no model.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rules.versions import ModelName

RELEASE_KINDS = frozenset({"model", "release", "package"})
NAME_WORDS = 4  # a bare model name is at most this many words: "Claude 3.5 Sonnet"

_LEAD = re.compile(
    r"^(?:introducing|meet|announcing|releasing|hello|say hello to|unveiling|launching|"
    r"welcome)\b"
)
_SAYS_RELEASED = re.compile(
    r"\b(?:is now (?:generally )?available|now available|is here|released?|releases|"
    r"launch(?:es|ed)?|model card|system card|a new era)\b"
)
_LAB = re.compile(
    r"^(?:openai|anthropic|google deepmind|google|deepmind|meta|mistral ai|alibaba|qwen team|"
    r"deepseek|baidu|moonshot ai|zhipu|z\.ai|minimax|microsoft|xai)(?:'s|’s)?\s+"
)
_PARTS = re.compile(r"\s+(?:and|&)\s+|,\s+")

NameReader = Callable[[str], ModelName | None]


def is_release(kind: str, title: str, name: ModelName | None, read: NameReader) -> bool:
    """Whether a finding of ``kind`` titled ``title`` (naming ``name``) is a release."""
    if kind in RELEASE_KINDS:
        return True
    if kind != "post" or name is None or not name.generation:
        return False
    return announces(title, read)


def announces(title: str, read: NameReader) -> bool:
    """Whether a post title announces the model it names (see the module docstring)."""
    text = " ".join(title.strip().lower().split())
    if _LEAD.match(text) or _SAYS_RELEASED.search(text):
        return True
    body = _LAB.sub("", text)
    head, colon, _ = body.partition(":")
    if colon and _is_name(head.strip(), read):
        return True
    parts = [part for part in _PARTS.split(body) if part]
    named = [read(part) for part in parts]
    return all(_only_name(part, name) for part, name in zip(parts, named, strict=True)) and any(
        name is not None and name.generation for name in named
    )


def _is_name(text: str, read: NameReader) -> bool:
    name = read(text)
    return name is not None and bool(name.generation) and len(text.split()) <= NAME_WORDS


def _only_name(text: str, name: ModelName | None) -> bool:
    """Whether ``text`` is nothing but the model name: "Claude 3.7 Sonnet", not
    "Qwen3 Technical Report"."""
    if name is None or len(text.split()) > NAME_WORDS:
        return False
    known = {*name.variant.split("-"), *name.size.split("-"), *name.line.split("-")}
    tokens = [token for token in re.split(r"[\s_-]+", text) if token]
    return all(
        any(char.isdigit() for char in token) or token in known or token == tokens[0]
        for token in tokens
    )
