"""The static dashboard: ``index.html`` (claims, flags, history, charts) and ``page.html``.

Plain files a web server or a browser opens as they are: no script, every value
autoescaped, only http(s) links clickable (:func:`reports.render.safe_url`), and a
Content-Security-Policy that would stop script even if some slipped through.
The data comes from :mod:`storage.history`; the page from :mod:`reports.pagemark`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from reports.charts import Series, stacked_bars
from reports.gather import review_due
from reports.model import CLAIM_STATUSES, ClaimTally
from reports.pagemark import ClaimMark, MarkedPage, mark_page
from reports.render import (
    TEMPLATES,
    counted,
    format_day,
    format_when,
    host_of,
    one_line,
    safe_url,
    status_title,
    status_word,
)
from reports.text import shown_output, shown_title
from storage import history
from storage.db import Store
from storage.history import ClaimView

WEEKS = 12
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STATUS_COLOUR = {
    "contradicted": "#b42318", "stale": "#b54708", "review": "#175cd3",
    "unchecked": "#52525b", "fresh": "#067647",
}
REGION_SERIES = (
    Series("china", "China", "#e69f00"),
    Series("us", "US", "#0072b2"),
    Series("elsewhere", "Elsewhere", "#009e73"),
)
FLAG_SERIES = tuple(
    Series(status, status_title(status), STATUS_COLOUR[status]) for status in history.SEVERITY
)


@dataclass(frozen=True)
class DashboardData:
    """Everything both pages are rendered from; plain data, no session."""

    generated_at: datetime
    claims: tuple[ClaimView, ...]
    weeks: tuple[str, ...]
    releases: dict[str, dict[str, int]]
    open_flags: dict[str, dict[str, int]]

    @property
    def tally(self) -> ClaimTally:
        """The same count, under the same words, as the digest's."""
        return ClaimTally.of([claim.status for claim in self.claims], self.open_flag_count)

    @property
    def counts(self) -> dict[str, int]:
        return self.tally.counts

    @property
    def open_flag_count(self) -> int:
        return sum(len(claim.flags) for claim in self.claims)

    def in_status(self, status: str) -> list[ClaimView]:
        """Claims with this status that get a card: age-only stale ones are listed apart."""
        return [c for c in self.claims if c.status == status and not c.age_only]

    @property
    def age_only(self) -> list[ClaimView]:
        """Claims stale only because their review fell due, the longest overdue first."""
        claims = [c for c in self.claims if c.age_only]
        return sorted(claims, key=lambda c: (_due(c) or date.max, c.id))

    def claim(self, claim_id: str) -> ClaimView:
        return next(claim for claim in self.claims if claim.id == claim_id)


@dataclass(frozen=True)
class DashboardFiles:
    """What ``build_dashboard`` wrote."""

    index: Path
    page: Path
    tally: ClaimTally
    marked: MarkedPage | None  # None when no page is configured

    @property
    def counts(self) -> dict[str, int]:
        return self.tally.counts

    @property
    def open_flags(self) -> int:
        return self.tally.open_flags


def collect(store: Store, now: datetime, weeks: int = WEEKS) -> DashboardData:
    names = history.last_weeks(now, weeks)
    with store.session() as session:
        return DashboardData(
            generated_at=now,
            claims=tuple(history.claims_with_status(session)),
            weeks=tuple(names),
            releases=history.releases_per_week(session, names),
            open_flags=history.open_flags_per_week(session, names),
        )


def build_dashboard(store: Store, out_dir: Path, *, now: datetime,
                    page: Path | None) -> DashboardFiles:
    """Write ``index.html`` and ``page.html`` into ``out_dir`` (created if missing)."""
    data = collect(store, now)
    marked = mark_page(page.read_text(encoding="utf-8"), claim_marks(data)) if page else None
    out_dir.mkdir(parents=True, exist_ok=True)
    index_path, page_path = out_dir / "index.html", out_dir / "page.html"
    index_path.write_text(render_index(data), encoding="utf-8")
    page_path.write_text(render_page(data, marked, page.name if page else None), encoding="utf-8")
    return DashboardFiles(index=index_path, page=page_path, tally=data.tally, marked=marked)


def _due(claim: ClaimView) -> date | None:
    return review_due(claim.as_of, claim.review_every)


def claim_marks(data: DashboardData) -> list[ClaimMark]:
    return [ClaimMark(c.id, c.text, c.status, _causes(c)) for c in data.claims]


def _causes(claim: ClaimView) -> tuple[tuple[str, str], ...]:
    if not claim.flags:
        return ((claim.status, claim.reason),)
    return tuple((flag.verdict, flag.reason) for flag in claim.flags)


def release_chart(data: DashboardData) -> Markup:
    return stacked_bars(
        chart_id="chart-releases",
        title=f"New releases per week by region, last {len(data.weeks)} weeks",
        description="Models, releases and packages the sources reported, by the week "
        "they were published (or first seen when undated), stacked China, US, elsewhere.",
        weeks=data.weeks, series=REGION_SERIES, values=data.releases, unit="releases",
    )


def flag_chart(data: DashboardData) -> Markup:
    return stacked_bars(
        chart_id="chart-flags",
        title=f"Open flags at the end of each week, last {len(data.weeks)} weeks",
        description="Flags open or acknowledged at each week's end, rebuilt from the "
        "flag history, stacked contradicted, stale, review.",
        weeks=data.weeks, series=FLAG_SERIES, values=data.open_flags, unit="flags",
    )


def render_index(data: DashboardData) -> str:
    return _env().get_template("dashboard_index.html.j2").render(
        d=data, now=data.generated_at, release_chart=release_chart(data),
        flag_chart=flag_chart(data), csp=CSP, colour=STATUS_COLOUR, nav="index",
    )


def render_page(data: DashboardData, marked: MarkedPage | None, page_name: str | None) -> str:
    return _env().get_template("dashboard_page.html.j2").render(
        d=data, now=data.generated_at, marked=marked, page_name=page_name, csp=CSP,
        colour=STATUS_COLOUR, nav="page",
    )


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=shown_output,
        )
        _ENV.filters.update(safe_url=safe_url, host=host_of, day=format_day, when=format_when,
                            oneline=one_line, shown_title=shown_title, count=counted,
                            status_word=status_word, status_title=status_title, review_due=_due)
        _ENV.globals.update(CLAIM_STATUSES=CLAIM_STATUSES)
    return _ENV
