"""Fixtures shared by every test package: a fresh store, a small config on disk."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Store, open_store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "china-us-ai"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite file at the newest schema."""
    opened = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield opened
    opened.close()


CONFIG = """\
[schedule]
timezone = "Europe/London"
poll_interval = "6h"

[claims]
files = ["claims.toml"]

[[source]]
id = "hf-qwen"
kind = "huggingface"
lab = "Alibaba Qwen"
region = "china"
author = "Qwen"

[[source]]
id = "blog-qwen"
kind = "feed"
lab = "Alibaba Qwen"
region = "china"
interval = "12h"
url = "https://qwenlm.github.io/blog/index.xml"
"""

CLAIMS = """\
[[claim]]
id = "qwen3-release"
page = "test-page"
section = "Models"
text = "Qwen3 came out under Apache 2.0 in April 2026."
subject = "Qwen3"
as_of = "2026-04"
review_every = "90d"
family = "Qwen3"
license = "apache-2.0"
released = "2026-04"
watch = ["hf-qwen"]

[[claim]]
id = "cac-rules"
page = "test-page"
section = "Policy"
text = "China's generative AI rules date from 2023."
subject = "CAC generative AI rules"
as_of = "2023"
review_every = "never"
"""


def write_config(folder: Path, config: str = CONFIG, claims: str = CLAIMS) -> Path:
    """A config and claims file in ``folder``; returns the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claimwatch.toml").write_text(textwrap.dedent(config), encoding="utf-8")
    (folder / "claims.toml").write_text(textwrap.dedent(claims), encoding="utf-8")
    return folder / "claimwatch.toml"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "site")
