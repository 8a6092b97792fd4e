"""Fetcher with a snapshot: record from a loopback server, replay with no server at all."""

import asyncio

import httpx

from sources.http import Fetcher, FetchSettings
from sources.outcome import Category
from sources.replay import save_exchange
from sources.response import HttpResponse
from tests.support.httpserver import LoopbackServer, Reply

FAST = FetchSettings(connect_timeout=0.5, read_timeout=0.5, total_timeout=2.0, retries=0)


def get_all(urls, **fetcher_options):
    async def go():
        async with Fetcher(FAST, **fetcher_options) as fetcher:
            return [await fetcher.get(url, etag=etag) for url, etag in urls]

    return asyncio.run(go())


def test_replay_hit_answers_from_the_snapshot(tmp_path):
    url = "https://qwenlm.github.io/blog/index.xml"
    save_exchange(tmp_path, url, HttpResponse(url=url, status=200,
                                              headers={"content-type": "application/rss+xml"},
                                              body=b"<rss>recorded</rss>"))
    [outcome] = get_all([(url, None)], replay_dir=tmp_path)
    assert outcome.category is Category.OK
    assert outcome.response.body == b"<rss>recorded</rss>"
    assert outcome.response.url == url


def test_replay_miss_says_the_url_is_not_in_the_snapshot(tmp_path):
    url = "https://huggingface.co/api/models?author=deepseek-ai"
    [outcome] = get_all([(url, None)], replay_dir=tmp_path)
    assert outcome.category is Category.NETWORK
    assert outcome.message.startswith(f"{url} is not in the snapshot")
    assert str(tmp_path) in outcome.message


def test_replay_with_the_recorded_etag_is_not_modified(tmp_path):
    url = "https://github.com/QwenLM/Qwen3/releases.atom"
    save_exchange(tmp_path, url, HttpResponse(url=url, status=200, headers={"etag": 'W/"abc"'},
                                              body=b"<feed/>"))
    warm, other_etag, none = get_all([(url, 'W/"abc"'), (url, '"zzz"'), (url, None)],
                                     replay_dir=tmp_path)
    assert warm.category is Category.NOT_MODIFIED
    assert warm.response.body == b""
    assert other_etag.category is Category.OK
    assert none.category is Category.OK


def test_replayed_error_status_keeps_its_category(tmp_path):
    url = "https://qwenlm.github.io/blog/old.xml"
    save_exchange(tmp_path, url, HttpResponse(url=url, status=404, headers={}, body=b"gone"))
    [outcome] = get_all([(url, None)], replay_dir=tmp_path)
    assert outcome.category is Category.HTTP_4XX
    assert "404" in outcome.message


def test_record_then_replay_round_trip(tmp_path):
    with LoopbackServer() as server:
        server.route("/old", Reply(status=301, headers={"Location": "/feed"}))
        server.route("/feed", Reply(body=b"<rss>live</rss>" * 100, gzip=True, etag='"r1"',
                                    headers={"Content-Type": "application/rss+xml"}))
        server.route("/missing", Reply(status=404, body=b"nope"))
        urls = [(server.url("/old"), None), (server.url("/missing"), None)]
        recorded = get_all(urls, record_dir=tmp_path)
        # a warm (304) answer must not overwrite the full recording
        get_all([(server.url("/old"), '"r1"')], record_dir=tmp_path)
    replayed = get_all(urls, replay_dir=tmp_path)  # the server is gone now
    for live, again in zip(recorded, replayed, strict=True):
        assert again.category is live.category
        assert again.response.url == live.response.url
        assert again.response.status == live.response.status
        assert again.response.body == live.response.body
    assert replayed[0].response.url.endswith("/feed")
    assert replayed[0].response.headers["etag"] == '"r1"'


def test_request_tokens_never_reach_the_recording(tmp_path):
    secret = "ghp_NEVER_WRITE_ME"

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {secret}"
        return httpx.Response(200, headers={"content-type": "application/json",
                                            "set-cookie": "session=1"}, content=b"[]")

    url = "https://api.github.com/repos/QwenLM/Qwen3/releases"
    [outcome] = get_all([(url, None)], record_dir=tmp_path, env={"GITHUB_TOKEN": secret},
                        transport=httpx.MockTransport(handler))
    assert outcome.category is Category.OK
    written = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert written and not any(secret.encode() in data for data in written)
    assert not any(b"set-cookie" in data for data in written)


def _snapshot_entry(folder, url, meta_overrides):
    """Record a harmless exchange for ``url``, then rewrite its .json as a hostile editor."""
    import json

    path = save_exchange(folder, url, HttpResponse(url=url, status=200, headers={}, body=b"ok"))
    meta = json.loads(path.read_text())
    meta.update(meta_overrides)
    path.write_text(json.dumps(meta))
    return path


def test_replay_refuses_a_body_file_outside_the_snapshot(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0")
    snapshot = tmp_path / "snap"
    url = "https://qwenlm.github.io/blog/index.xml"
    _snapshot_entry(snapshot, url, {"body": "../../secret.txt"})
    [outcome] = get_all([(url, None)], replay_dir=snapshot)
    assert outcome.category is Category.NETWORK
    assert "outside the snapshot" in outcome.message
    assert outcome.response is None and "root:x" not in outcome.message


def test_replay_refuses_an_absolute_body_path(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0")
    snapshot = tmp_path / "snap"
    url = "https://qwenlm.github.io/blog/index.xml"
    _snapshot_entry(snapshot, url, {"body": str(outside)})
    [outcome] = get_all([(url, None)], replay_dir=snapshot)
    assert outcome.category is Category.NETWORK and "outside the snapshot" in outcome.message


def test_replay_refuses_a_body_symlinked_out_of_the_snapshot(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0")
    snapshot = tmp_path / "snap"
    url = "https://qwenlm.github.io/blog/index.xml"
    path = _snapshot_entry(snapshot, url, {"body": "link.txt"})
    (path.parent / "link.txt").symlink_to(outside)
    [outcome] = get_all([(url, None)], replay_dir=snapshot)
    assert outcome.category is Category.NETWORK and "outside the snapshot" in outcome.message


def test_a_dot_dot_host_reads_and_writes_nothing_outside_the_snapshot(tmp_path):
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    url = "http://../index.xml"
    # what the unguarded layout would have read: tmp_path/<slug>.json
    planted = tmp_path / "index.xml"
    planted.mkdir()
    [replayed] = get_all([(url, None)], replay_dir=snapshot)
    assert replayed.category is Category.NETWORK
    assert "outside the snapshot" in replayed.message or "not in the snapshot" in replayed.message

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x")

    record = tmp_path / "rec"
    [recorded] = get_all([(url, None)], record_dir=record, transport=httpx.MockTransport(handler))
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".json"]
    assert all(p.resolve().is_relative_to(record.resolve()) for p in record.rglob("*"))


def test_exchange_path_stays_inside_its_folder(tmp_path):
    import pytest

    from sources.replay import UnsafeSnapshotPath, exchange_path

    for url in ("http://../x", "http://./x", "http://.../x"):
        try:
            path = exchange_path(tmp_path, url)
        except UnsafeSnapshotPath:
            continue
        assert path.resolve().is_relative_to(tmp_path.resolve()), url
        assert path.parent != tmp_path and path.parent.resolve() != tmp_path.parent.resolve()
    with pytest.raises(UnsafeSnapshotPath):
        exchange_path(tmp_path, "http://../x")
