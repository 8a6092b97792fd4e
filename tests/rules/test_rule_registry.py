import importlib
import inspect
import pkgutil

import rules
from rules.registry import RULES


def rule_modules() -> dict[str, object]:
    """Every module of the rules package that defines ``evaluate``: the rules."""
    found = {}
    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"rules.{info.name}")
        if callable(getattr(module, "evaluate", None)):
            found[info.name] = module
    return found


def test_registry_lists_every_rule_module_and_nothing_else():
    assert sorted(RULES) == sorted(rule_modules())


def test_each_rule_is_named_after_its_module():
    for name, module in RULES.items():
        assert name == module.NAME
        assert module.__name__ == f"rules.{name}"


def test_each_rule_takes_claim_world_now():
    for module in RULES.values():
        assert list(inspect.signature(module.evaluate).parameters) == ["claim", "world", "now"]


def test_age_runs_first_so_it_is_never_skipped():
    assert next(iter(RULES)) == "age"
