"""``sources test`` against a hostile server: an answer, never a traceback (issue 14,
item 8)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_config
from tests.monitor.test_cli import run
from tests.support.httpserver import LoopbackServer, Reply

FEED_SOURCE = """\
[claims]
files = ["claims.toml"]

[[source]]
id = "hostile"
kind = "feed"
lab = "Nobody"
region = "elsewhere"
url = "{url}"
"""


def test_sources_test_on_a_redirect_to_an_unparsable_location(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        url = server.route("/feed.xml", Reply(status=302, headers={"Location": "http://a]b/"}))
        config = write_config(tmp_path / "site", FEED_SOURCE.format(url=url))
        result = run("sources", "test", "hostile", config=config)
    assert result.exit_code == 3, result.output
    assert "hostile: network" in result.output and "a]b" in result.output
