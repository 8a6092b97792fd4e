"""Model-name versions: read a model or product name into its line and generation.

INTERFACE ONLY — being implemented; see tests/rules/test_versions.py when it lands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelName:
    raw: str
    line: str  # canonical lineage id, lower-case: "qwen", "deepseek-v", "llama", "claude"
    lab: str  # canonical lab id, lower-case: "alibaba", "deepseek", "meta", "anthropic"
    generation: tuple[int, ...]  # (3,), (3, 5), (2, 5); () when the name carries none
    variant: str = ""  # "instruct", "coder", "scout", "sonnet", "exp", "turbo" ...
    size: str = ""  # "235b-a22b", "17b-16e", "120b"
    date_suffix: str = ""  # "2507", "0324", "0528": an update within a generation


def parse_model_name(name: str) -> ModelName | None:
    raise NotImplementedError
