"""Poll sources: fetch a source's pages, hand each to its kind's parser, sum it all up.

A source kind is a module with ``KIND: str``, ``class Params(pydantic.BaseModel)``,
``first_url(params) -> str`` and ``parse(response, params) -> Parsed`` (which may
raise :class:`ParseError`). ``params.max_pages`` (default 1) bounds pagination.

:func:`poll_source` never raises: fetch trouble keeps the fetch's category, a parser
that fails (with ParseError or any other exception) gives ``Category.PARSE``, and the
whole source is bounded by ``settings.total_timeout``. :func:`poll_many` runs many
sources at once and yields each result as it finishes, so the caller can commit per
source.

Each page is parsed in a worker thread (``asyncio.to_thread``), so the event loop
goes on fetching meanwhile, and lxml, which releases the GIL while it parses, can use
another core: bench/bench_fetch.py's cold cycle took 4.7 s against 6.5 s parsed on the
loop (medians of 8 interleaved runs on a loaded 2-core VM). Parsers must therefore be
thread-safe (no shared lxml parser objects). Threads, not processes: nothing outlives
the command that started it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sources.finding import Finding
from sources.http import Fetcher
from sources.outcome import Category, FetchOutcome, entry_cap_warning
from sources.response import HttpResponse, Parsed, ParseError


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
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    complete: bool = True
    etag: str | None = None  # validators to send next time (from the first page)
    last_modified: str | None = None
    requests: int = 0
    bytes_received: int = 0
    duration_s: float = 0.0
    retry_after: float | None = None


class _PageFailed(Exception):
    def __init__(self, category: Category, message: str) -> None:
        super().__init__(message)
        self.category = category


async def poll_source(fetcher: Fetcher, job: SourceJob) -> SourceResult:
    """Fetch and parse one source; every end is a SourceResult."""
    started = time.monotonic()
    result = SourceResult(job.source_id, Category.OK, etag=job.etag,
                          last_modified=job.last_modified)
    limit = fetcher.settings.total_timeout
    try:
        async with asyncio.timeout(limit):
            await _poll_pages(fetcher, job, result)
    except TimeoutError:
        result.category = Category.TIMEOUT
        result.message = f"source {job.source_id} took longer than {limit:g} s in total"
        result.findings, result.warnings = [], []
        result.etag, result.last_modified = job.etag, job.last_modified
    result.duration_s = time.monotonic() - started
    return result


async def _poll_pages(fetcher: Fetcher, job: SourceJob, result: SourceResult) -> None:
    first = await _fetch(fetcher, job.kind.first_url(job.params), result,
                         etag=job.etag, last_modified=job.last_modified)
    if first.category is not Category.OK:
        _end_with(result, first)
        return
    assert first.response is not None
    try:
        parsed = await asyncio.to_thread(_parse, job, first.response)
    except _PageFailed as failed:
        result.category, result.message = failed.category, str(failed)
        return
    # Validators advance only once the first page has been read.
    result.etag = first.response.headers.get("etag")
    result.last_modified = first.response.headers.get("last-modified")
    _take(result, parsed)
    await _follow_pages(fetcher, job, result, parsed.next_url, seen={first.response.url})


async def _follow_pages(fetcher: Fetcher, job: SourceJob, result: SourceResult,
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
            parsed = await asyncio.to_thread(_parse, job, outcome.response)
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
        del result.findings[cap:]
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


def _parse(job: SourceJob, response: HttpResponse) -> Parsed:
    """The kind's parse, with every exception it raises turned into a PARSE failure."""
    try:
        return job.kind.parse(response, job.params)
    except ParseError as error:
        raise _PageFailed(Category.PARSE, f"{response.url}: {error}") from error
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


async def poll_many(fetcher: Fetcher, jobs: Iterable[SourceJob]
                    ) -> AsyncIterator[SourceResult]:
    """Poll all ``jobs`` at once; yield each result as soon as its source is done."""
    tasks = [asyncio.create_task(_poll_guarded(fetcher, job)) for job in jobs]
    try:
        for finished in asyncio.as_completed(tasks):
            yield await finished
    finally:
        for task in tasks:
            task.cancel()


async def _poll_guarded(fetcher: Fetcher, job: SourceJob) -> SourceResult:
    try:
        return await poll_source(fetcher, job)
    except Exception as error:  # our own bug; still only this source's problem
        return SourceResult(job.source_id, Category.NETWORK,
                            f"polling failed unexpectedly: {type(error).__name__}: {error}",
                            etag=job.etag, last_modified=job.last_modified)

