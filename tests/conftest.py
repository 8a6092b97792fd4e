"""Fixtures shared by every test package: a fresh store, a small config on disk.

The suite runs on SQLite by default and on PostgreSQL when
``CLAIMWATCH_TEST_DATABASE_URL`` names a server database to connect to first
(``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). The run then creates its
own database ``claimwatch_test_<pid>_<random>``, drops it at the end, and hands each
store a schema of its own in it (``search_path``): as clean as a new SQLite file, and
measured faster than truncating shared tables between tests.

``make test`` runs the suite on every core (pytest-xdist), then the tests marked
``serial`` one at a time: those that assert how long something takes, or start so many
processes that sharing the machine would make them flaky. Mark a test with
``@pytest.mark.serial``, or a whole module in ``SERIAL_MODULES`` below.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from storage.db import Store, open_store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "china-us-ai"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TEST_DATABASE_URL = os.environ.get("CLAIMWATCH_TEST_DATABASE_URL", "").strip()

# Modules whose every test needs the machine to itself, and why.
SERIAL_MODULES = {
    "tests/sources/test_http_faults.py": "asserts that timeouts fire within a bound",
    "tests/sources/test_poll.py": "sub-second timeouts and total-time bounds",
    "tests/monitor/test_workers.py": "three daemons polling 200 feeds, gaps timed to 0.2 s",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in SERIAL_MODULES:
            item.add_marker(pytest.mark.serial)


class PostgresRun:
    """One database for the whole test run; an empty schema for each store asked for."""

    def __init__(self, server_url: str) -> None:
        server = make_url(server_url)
        self.name = f"claimwatch_test_{os.getpid()}_{secrets.token_hex(4)}"
        self._server = create_engine(server, isolation_level="AUTOCOMMIT")
        with self._server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url: URL = server.set(database=self.name)
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._numbers = itertools.count(1)

    def new_url(self) -> str:
        schema = f"s{next(self._numbers)}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # no waiting for the WAL flush at each commit: a crash loses only test data
        options = f"-csearch_path={schema} -csynchronous_commit=off"
        url = self.url.update_query_dict({"options": options})
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        self._admin.dispose()
        with self._server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._server.dispose()


class Databases:
    """Hands out URLs of empty stores on the backend this run tests."""

    def __init__(self, postgres: PostgresRun | None, tmp: pytest.TempPathFactory) -> None:
        self.postgres = postgres
        self._tmp = tmp
        self._by_folder: dict[Path, str] = {}

    @property
    def backend(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def new_url(self) -> str:
        """A URL where open_store finds nothing and creates an empty store."""
        if self.postgres is not None:
            return self.postgres.new_url()
        return f"sqlite:///{self._tmp.mktemp('store') / 'store.sqlite'}"

    def url_for_config(self, folder: Path) -> str | None:
        """The ``[store] url`` a config written in ``folder`` gets, or None for the default.

        On SQLite the default (a file beside the config) is kept; on PostgreSQL each
        folder gets its own schema, as each folder would get its own SQLite file.
        """
        if self.postgres is None:
            return None
        folder = folder.resolve()
        if folder not in self._by_folder:
            self._by_folder[folder] = self.new_url()
        return self._by_folder[folder]


_postgres: PostgresRun | None = None
_current: Databases | None = None


@pytest.fixture(scope="session")
def _postgres_run() -> Iterator[PostgresRun | None]:
    global _postgres
    if not TEST_DATABASE_URL:
        yield None
        return
    _postgres = PostgresRun(TEST_DATABASE_URL)
    try:
        yield _postgres
    finally:
        _postgres.drop()
        _postgres = None


@pytest.fixture(autouse=True)
def databases(
    _postgres_run: PostgresRun | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    """This test's source of empty stores (also used by ``write_config``)."""
    global _current
    _current = Databases(_postgres_run, tmp_path_factory)
    yield _current
    _current = None


@pytest.fixture
def backend(databases: Databases) -> str:
    """"sqlite" or "postgresql": the backend this run tests."""
    return databases.backend


@pytest.fixture
def store(databases: Databases) -> Iterator[Store]:
    """A real store at the newest schema: a SQLite file, or a PostgreSQL schema."""
    opened = open_store(databases.new_url())
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


def with_test_store(config: str, folder: Path) -> str:
    """``config`` with a ``[store] url`` on the tested backend, unless it names one.

    On SQLite the config is returned as it is (its store is a file beside it).
    """
    url = _current.url_for_config(folder) if _current is not None else None
    if url is None or re.search(r"^\s*\[store\]", config, re.MULTILINE):
        return config
    return f"{config.rstrip()}\n\n[store]\nurl = {json.dumps(url)}\n"


def use_test_store(config_file: Path) -> Path:
    """Point a config file already on disk (a copied example) at the tested backend.

    Its own ``[store] url``, if any, is replaced; on SQLite the file is left alone.
    """
    url = _current.url_for_config(config_file.parent) if _current is not None else None
    if url is None:
        return config_file
    content = config_file.read_text(encoding="utf-8")
    section = re.search(r"^\[store\][ \t]*\n((?:[ \t]*(?:[^\[\s].*)?\n)*)", content, re.MULTILINE)
    if section is None:
        content = with_test_store(content, config_file.parent)
    else:
        body = re.sub(r"^[ \t]*url[ \t]*=.*\n", "", section.group(1), flags=re.MULTILINE)
        content = (content[: section.start(1)] + f"url = {json.dumps(url)}\n" + body
                   + content[section.end(1):])
    config_file.write_text(content, encoding="utf-8")
    return config_file


def write_config(
    folder: Path, config: str = CONFIG, claims: str = CLAIMS, *, test_store: bool = True
) -> Path:
    """A config and claims file in ``folder``; returns the config's path.

    Its store is on the backend this run tests (see ``with_test_store``), unless
    ``test_store`` is false: then the config is written exactly as given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = textwrap.dedent(config)
    if test_store:
        config = with_test_store(config, folder)
    (folder / "claimwatch.toml").write_text(config, encoding="utf-8")
    (folder / "claims.toml").write_text(textwrap.dedent(claims), encoding="utf-8")
    return folder / "claimwatch.toml"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "site")
