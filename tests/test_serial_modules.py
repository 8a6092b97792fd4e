"""The modules tests/conftest.py runs one at a time exist: a renamed module would
otherwise run in parallel, unnoticed, and its timings turn flaky."""

from tests.conftest import REPO, SERIAL_MODULES


def test_every_serial_module_exists() -> None:
    missing = [module for module in SERIAL_MODULES if not (REPO / module).is_file()]
    assert missing == []
