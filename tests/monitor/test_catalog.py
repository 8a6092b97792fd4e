"""The catalog of labs: shipped, validated, overridable from the config."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.catalog import CatalogError, shipped_catalog
from monitor.cli import cli
from monitor.config import load_config
from tests.conftest import write_config

REQUIRED = {"alibaba", "deepseek", "moonshot", "zhipu", "baidu", "minimax", "stepfun",
            "tencent", "bytedance", "01-ai", "openai", "anthropic", "google", "meta",
            "microsoft", "nvidia", "xai", "mistral", "cohere", "ai2"}
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "china-us-ai" / "claimwatch.toml"


def test_the_shipped_catalog_has_every_required_lab_with_a_region_and_families():
    catalog = shipped_catalog()
    assert {lab.id for lab in catalog.labs} >= REQUIRED
    for lab in catalog.labs:
        assert lab.families, lab.id
        for family in lab.families:
            assert catalog.lab_for(family) is not None, family


def test_source_ids_are_unique_and_match_the_example_config():
    entries = [entry for lab in shipped_catalog().labs for entry in lab.sources()]
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))
    example = {source.id: source for source in load_config(EXAMPLE).sources}
    shared = [entry for entry in entries if entry["id"] in example]
    assert len(shared) >= 15
    for entry in shared:  # the same id is the same place in both
        params = example[entry["id"]].params.model_dump()
        key = {"feed": "url", "huggingface": "author", "github": "repo"}[entry["kind"]]
        assert params[key] == entry[key]


@pytest.mark.parametrize(("name", "lab"), [("Qwen3-72B", "alibaba"), ("Claude Opus 4.1",
                         "anthropic"), ("Nemotron-4", "nvidia"), ("OLMo 2", "ai2")])
def test_a_model_name_finds_its_lab(name, lab):
    assert shipped_catalog().lab_for(name).id == lab


def test_config_labs_replace_and_extend_the_shipped_ones():
    catalog = shipped_catalog().extended([
        {"id": "openai", "name": "OpenAI", "region": "us", "families": ["GPT"]},
        {"id": "acme", "name": "Acme", "region": "elsewhere", "families": ["Roadrunner"],
         "huggingface": [{"id": "hf-acme", "author": "acme"}]},
    ])
    assert catalog.lab("openai").sources() == []
    assert catalog.lab_for("Roadrunner-2").sources()[0]["author"] == "acme"
    with pytest.raises(CatalogError, match="region"):
        shipped_catalog().extended([{"id": "x", "name": "X", "region": "mars"}])


def test_a_bad_catalog_entry_in_the_config_is_a_config_mistake(tmp_path: Path):
    config = write_config(tmp_path, claims="")
    with config.open("a") as handle:
        handle.write('\n[[catalog.lab]]\nid = "x"\nname = "X"\nregion = "mars"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "config", "check"])
    assert result.exit_code == 2
    assert "[[catalog.lab]]" in result.output


def _readme_block(marker: str) -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```toml\n")[1:]
    return next(block.split("```")[0] for block in blocks if marker in block)


def test_the_readme_snippets_for_pages_and_the_catalog_load(tmp_path: Path):
    (tmp_path / "page.md").write_text("Qwen3 leads as of May 2026.\n", encoding="utf-8")
    config = write_config(tmp_path, claims="")
    with config.open("a", encoding="utf-8") as handle:
        handle.write("\n" + _readme_block("id = \"acme\"") + "\n"
                     + _readme_block("name = \"china-us-ai\""))
    loaded = load_config(config)
    assert loaded.catalog.lab("acme").sources()[1]["url"] == "https://acme.example/feed.xml"
    assert [(p.name, p.page_date) for p in loaded.pages] == [("china-us-ai", "2026-05")]
