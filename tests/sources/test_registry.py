"""The kind registry and the kind modules in sources/ agree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pydantic
import pytest

import sources
from sources import registry


def kind_modules() -> dict[str, object]:
    """Every module in sources/ that defines KIND, by module name."""
    found = {}
    for info in pkgutil.iter_modules(sources.__path__):
        module = importlib.import_module(f"sources.{info.name}")
        if hasattr(module, "KIND"):
            found[info.name] = module
    return found


def test_registry_lists_exactly_the_kind_modules():
    assert kind_modules() == registry.KINDS
    assert set(registry.KINDS) >= {"feed", "github", "huggingface"}


@pytest.mark.parametrize("name", sorted(registry.KINDS))
def test_kind_equals_module_name_and_key(name):
    module = registry.KINDS[name]
    assert name == module.KIND
    assert module.__name__ == f"sources.{name}"


@pytest.mark.parametrize("name", sorted(registry.KINDS))
def test_kind_module_has_the_contract(name):
    module = registry.KINDS[name]
    assert issubclass(module.Params, pydantic.BaseModel)
    assert module.Params.model_config.get("extra") == "forbid"
    assert list(inspect.signature(module.first_url).parameters) == ["params"]
    assert list(inspect.signature(module.parse).parameters) == ["response", "params"]
    max_pages = module.Params.model_fields.get("max_pages")
    assert max_pages is None or max_pages.default == 1


def test_kind_lookup():
    assert registry.kind("feed") is registry.KINDS["feed"]
    known = "known kinds: " + ", ".join(sorted(registry.KINDS))
    with pytest.raises(KeyError, match=f"unknown source kind 'modelscope'; {known}"):
        registry.kind("modelscope")
