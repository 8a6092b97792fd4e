"""Config loading: defaults, discovery, and every mistake reported together."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import find_config, load_config
from monitor.problems import ConfigError
from tests.conftest import CONFIG, EXAMPLE, write_config


def test_valid_config_loads_with_defaults(tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "site", test_store=False)
    config = load_config(config_path)
    assert [s.id for s in config.sources] == ["hf-qwen", "blog-qwen"]
    assert config.sources[0].interval == timedelta(hours=6)  # schedule default
    assert config.sources[1].interval == timedelta(hours=12)
    assert config.sources[0].params.author == "Qwen"
    assert config.store_url == f"sqlite:///{config_path.parent / 'claimwatch.sqlite'}"
    assert config.claims_files == (config_path.parent / "claims.toml",)
    assert config.schedule.timezone == "Europe/London"
    assert config.email.tls == "none"


def test_relative_sqlite_url_is_beside_the_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[store]\nurl = "sqlite:///data/cw.sqlite"\n' + CONFIG)
    assert load_config(path).store_url == f"sqlite:///{tmp_path / 'data' / 'cw.sqlite'}"


def test_three_mistakes_are_all_reported_with_file_and_entry(tmp_path: Path) -> None:
    bad = CONFIG.replace('author = "Qwen"', 'autor = "Qwen"')  # unknown key
    bad = bad.replace('interval = "12h"', 'interval = "12 parsecs"')  # bad duration
    bad += (
        '\n[[source]]\nid = "hf-qwen"\nkind = "huggingface"\nlab = "X"\nregion = "china"\n'
        'author = "X"\n'
    )  # duplicate id
    path = write_config(tmp_path, bad)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert len(problems) == 4  # the misspelt key also leaves "author" missing
    text = str(caught.value)
    assert "autor" in text and "[[source]] #1 (id 'hf-qwen')" in text
    assert "12 parsecs" in text and "[[source]] #2 (id 'blog-qwen')" in text
    assert "duplicate id 'hf-qwen'" in text and "[[source]] #3" in text
    assert all(p.file == str(path) for p in problems)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            '[[source]]\nid = "x"\nkind = "gopher"\nlab = "L"\nregion = "us"\n',
            "unknown source kind 'gopher'; use one of: feed, github, huggingface",
        ),
        (
            '[[source]]\nid = "x"\nkind = "feed"\nlab = "L"\nregion = "mars"\nurl = "https://a.b/"\n',
            "region",
        ),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "unknown timezone"),
        ('[schedule]\ndigest_weekday = "funday"\n', "write one of monday"),
        ('[email]\ntls = "maybe"\n', "tls"),
        ('[emial]\nsmtp_host = "x"\n', "unknown key 'emial'"),
        ('[claims]\nfiles = ["missing.toml"]\n', "missing.toml does not exist"),
        (
            '[[source]]\nid = "x"\nkind = "feed"\nlab = "L"\nregion = "us"\nurl = "ftp://a.b/"\n',
            "url",
        ),
    ],
)
def test_each_kind_of_mistake_is_named(tmp_path: Path, snippet: str, expected: str) -> None:
    path = tmp_path / "claimwatch.toml"
    path.write_text(snippet, encoding="utf-8")
    (tmp_path / "claims.toml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value)


def test_not_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "claimwatch.toml"
    path.write_text("[store\nurl = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML.*line 1"):
        load_config(path)


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = write_config(tmp_path / "here")
    there = write_config(tmp_path / "there")
    monkeypatch.delenv("CLAIMWATCH_CONFIG", raising=False)
    assert find_config(None, cwd=here.parent) == here
    monkeypatch.setenv("CLAIMWATCH_CONFIG", str(there))
    assert find_config(None, cwd=here.parent) == there
    assert find_config(here, cwd=tmp_path) == here
    monkeypatch.delenv("CLAIMWATCH_CONFIG")
    with pytest.raises(ConfigError, match="claimwatch init"):
        find_config(None, cwd=tmp_path)


def test_the_bundled_example_is_valid() -> None:
    config = load_config(EXAMPLE / "claimwatch.toml")
    assert len(config.sources) >= 15
    assert {s.region for s in config.sources} == {"china", "us", "elsewhere"}
