"""Poll sources: fetch a source's pages, hand each to its kind's parser, sum it all up.

A source kind is a module with ``KIND: str``, ``class Params(pydantic.BaseModel)``,
``first_url(params) -> str`` and ``parse(response, params) -> Parsed`` (which may
raise :class:`ParseError`). ``params.max_pages`` (default 1) bounds pagination.

:func:`poll_source` never raises: fetch trouble keeps the fetch's category, a parser
that fails (with ParseError or any other exception) gives ``Category.PARSE``, and the
whole source is bounded by ``settings.total_timeout``. :func:`poll_many` runs many
sources at once and yields each result as it finishes, so the caller can commit per
source.

Parsing is CPU work on the event loop's thread. Given a ``parse_pool`` (see
:func:`parse_pool`), parsers run in a worker process instead: the loop keeps fetching
and storing on one core while the other parses, and a parser that crashes the
interpreter (a C-level bug in an XML library fed a hostile body) takes down only the
worker, which is a ``parse`` outcome for that source.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sources.finding import Findings
from sources.http import Fetcher
from sources.outcome import Category, FetchOutcome, entry_cap_warning
from sources.response import HttpResponse, Parsed, ParseError

# Without a parse pool, parsing runs on the event loop. A worker *thread* was measured
# and lost (bench/bench_fetch.py --parse-in-thread: 1.63-2.02 s against 1.30-1.38 s on
# the loop, at concurrency 120): the GIL hand-offs cost more than the ~1-2 ms a feed
# takes to parse, and a thread would not contain a parser that hangs or crashes. A
# forked process (parse_pool below) does both: another core, and containment.
PARSE_IN_THREAD = False


@dataclass
class SourceJob:
    source_id: str
    kind: ModuleType  # a source kind module (see the module docstring)
    params: Any  # an instance of kind.Params
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceResult:
    source_id: str
    category: Category
    message: str = ""
    findings: Findings = field(default_factory=Findings)  # a list is taken too
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    complete: bool = True
    etag: str | None = None  # validators to send next time (from the first page)
    last_modified: str | None = None
    requests: int = 0
    bytes_received: int = 0
    duration_s: float = 0.0
    retry_after: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.findings, Findings):
            self.findings = Findings(self.findings)


class _PageFailed(Exception):
    def __init__(self, category: Category, message: str) -> None:
        super().__init__(message)
        self.category = category


async def poll_source(fetcher: Fetcher, job: SourceJob,
                      parse_pool: Executor | None = None) -> SourceResult:
    """Fetch and parse one source; every end is a SourceResult."""
    started = time.monotonic()
    result = SourceResult(job.source_id, Category.OK, etag=job.etag,
                          last_modified=job.last_modified)
    limit = fetcher.settings.total_timeout
    try:
        async with asyncio.timeout(limit):
            await _poll_pages(fetcher, job, result, parse_pool)
    except TimeoutError:
        result.category = Category.TIMEOUT
        result.message = f"source {job.source_id} took longer than {limit:g} s in total"
        result.findings, result.warnings = Findings(), []
        result.etag, result.last_modified = job.etag, job.last_modified
    result.duration_s = time.monotonic() - started
    return result


async def _poll_pages(fetcher: Fetcher, job: SourceJob, result: SourceResult,
                      parse_pool: Executor | None) -> None:
    first = await _fetch(fetcher, job.kind.first_url(job.params), result,
                         etag=job.etag, last_modified=job.last_modified)
    if first.category is not Category.OK:
        _end_with(result, first)
        return
    assert first.response is not None
    try:
        parsed = await _parse(job, first.response, parse_pool)
    except _PageFailed as failed:
        result.category, result.message = failed.category, str(failed)
        return
    # Validators advance only once the first page has been read.
    result.etag = first.response.headers.get("etag")
    result.last_modified = first.response.headers.get("last-modified")
    _take(result, parsed)
    await _follow_pages(fetcher, job, result, parse_pool, parsed.next_url,
                        seen={first.response.url})


async def _follow_pages(fetcher: Fetcher, job: SourceJob, result: SourceResult,
                        parse_pool: Executor | None,
                        next_url: str | None, seen: set[str]) -> None:
    """Later pages: unconditional; a failure keeps earlier findings but marks the
    listing incomplete and forgets the validators, so the next poll fetches it all."""
    max_pages = getattr(job.params, "max_pages", 1)
    page = 1
    while next_url is not None:
        if _at_entry_cap(job, result):
            return
        if page >= max_pages:
            result.complete = False
            return
        if next_url in seen:
            result.warnings.append(f"page {page + 1} ({next_url}) repeats an earlier page")
            return
        seen.add(next_url)
        page += 1
        outcome = await _fetch(fetcher, next_url, result)
        try:
            if outcome.category is not Category.OK:
                raise _PageFailed(outcome.category, outcome.message)
            assert outcome.response is not None
            parsed = await _parse(job, outcome.response, parse_pool)
        except _PageFailed as failed:
            result.warnings.append(f"page {page} not read ({failed.category}): {failed}")
            result.complete = False
            result.etag = result.last_modified = None
            return
        _take(result, parsed)
        next_url = parsed.next_url
    _at_entry_cap(job, result)


def _at_entry_cap(job: SourceJob, result: SourceResult) -> bool:
    """True once the pages read hold ``max_entries`` findings: no page more is read,
    the findings past the cap are let go, and the result says it stopped short."""
    cap = getattr(job.params, "max_entries", None)
    if cap is None or len(result.findings) < cap:
        return False
    if len(result.findings) > cap:
        result.findings = Findings(result.findings[:cap])
    result.complete = False
    if not any("entry cap" in warning for warning in result.warnings):
        result.warnings.append(entry_cap_warning(cap))
    return True


async def _fetch(fetcher: Fetcher, url: str, result: SourceResult, **validators: str | None
                 ) -> FetchOutcome:
    outcome = await fetcher.get(url, **validators)
    result.requests += outcome.requests
    result.bytes_received += outcome.bytes_received
    return outcome


async def _parse(job: SourceJob, response: HttpResponse, parse_pool: Executor | None
                 ) -> Parsed:
    """The kind's parse, with every exception it raises turned into a PARSE failure."""
    try:
        if parse_pool is not None:
            return await _parse_in_process(parse_pool, job, response)
        if PARSE_IN_THREAD:
            return await asyncio.to_thread(job.kind.parse, response, job.params)
        return job.kind.parse(response, job.params)
    except ParseError as error:
        raise _PageFailed(Category.PARSE, f"{response.url}: {error}") from error
    except BrokenExecutor as error:
        message = f"{response.url}: the parser process died ({type(error).__name__})"
        raise _PageFailed(Category.PARSE, message) from error
    except Exception as error:  # a parser bug must never crash a run
        kind = getattr(job.kind, "KIND", job.kind.__name__)
        message = f"{response.url}: {kind} parser failed with {type(error).__name__}: {error}"
        raise _PageFailed(Category.PARSE, message) from error


def _take(result: SourceResult, parsed: Parsed) -> None:
    result.findings.extend(parsed.findings)
    result.warnings.extend(parsed.warnings)
    result.dropped += parsed.dropped
    result.complete = result.complete and parsed.complete


def _end_with(result: SourceResult, outcome: FetchOutcome) -> None:
    result.category = outcome.category
    result.message = outcome.message
    result.retry_after = outcome.retry_after
    if outcome.category is Category.NOT_MODIFIED and outcome.response is not None:
        # A 304 may carry fresher validators; otherwise keep the ones we sent.
        result.etag = outcome.response.headers.get("etag", result.etag)
        result.last_modified = outcome.response.headers.get("last-modified",
                                                            result.last_modified)


async def poll_many(fetcher: Fetcher, jobs: Iterable[SourceJob],
                    parse_pool: Executor | None = None) -> AsyncIterator[SourceResult]:
    """Poll all ``jobs`` at once; yield each result as soon as its source is done."""
    tasks = [asyncio.create_task(_poll_guarded(fetcher, job, parse_pool)) for job in jobs]
    try:
        for finished in asyncio.as_completed(tasks):
            yield await finished
    finally:
        for task in tasks:
            task.cancel()


async def _poll_guarded(fetcher: Fetcher, job: SourceJob,
                        parse_pool: Executor | None) -> SourceResult:
    try:
        return await poll_source(fetcher, job, parse_pool)
    except Exception as error:  # our own bug; still only this source's problem
        return SourceResult(job.source_id, Category.NETWORK,
                            f"polling failed unexpectedly: {type(error).__name__}: {error}",
                            etag=job.etag, last_modified=job.last_modified)


# Below this many sources a worker process costs more than it saves.
PARSE_POOL_MIN_SOURCES = 8


async def _parse_in_process(pool: Executor, job: SourceJob, response: HttpResponse
                            ) -> Parsed:
    """Parse in the worker; if it dies, try this body alone in a new process, so only
    the body that kills a parser fails twice and the others queued with it do not."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(pool, _parse_packed, job.kind.parse, response,
                                          job.params)
    except BrokenExecutor:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as alone:
            return await loop.run_in_executor(alone, _parse_packed, job.kind.parse, response,
                                              job.params)


def _parse_packed(parse: Any, response: HttpResponse, params: Any) -> Parsed:
    """In the parser process: parse, and send the findings back still pickled (see
    Findings: the event loop only passes them on)."""
    parsed = parse(response, params)
    parsed.findings = Findings.packed(parsed.findings)
    return parsed


class _ParserProcess(Executor):
    """One forked parser process, started with the poll (see parse_pool)."""

    def __init__(self) -> None:
        self._pool = _forked_pool()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenExecutor:
            # A dead worker breaks its pool for good: a new one for what follows. The
            # old pool has failed its queued parses already (each is retried alone);
            # cancelling them instead would cancel the sources waiting on them.
            self._pool.shutdown(wait=False)
            self._pool = _forked_pool()
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _forked_pool() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    pool.submit(int)  # forks now: a pool forks its worker at its first task
    return pool


@contextmanager
def parse_pool(sources: int, *, allow_threads: bool = False) -> Iterator[Executor | None]:
    """A parser process for a poll of many sources (Linux), or None to parse in-loop.

    The process is forked here, before the poll starts, because forking is only safe
    while this process runs one thread, and a poll soon runs more: asyncio resolves
    host names in a thread pool. (Forked lazily at the first parse, it never started
    for sources with host names.) A poll whose sources all answer 304 pays one fork it
    did not need, during the first round trip. When other threads already run, parses
    run in the loop; ``allow_threads`` forks anyway (the caller knows its threads are
    harmless: a test's server, the writer process's pool).
    """
    if sources < PARSE_POOL_MIN_SOURCES or sys.platform != "linux":
        yield None
        return
    if not (allow_threads or threading.active_count() == 1):
        yield None
        return
    pool = _ParserProcess()
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
