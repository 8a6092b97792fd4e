"""Digest and alert emails as text and HTML, from the plain data of ``reports.model``.

HTML templates (``*.html.j2``) are autoescaped: titles, reasons and claim text come
from feeds and editors and are never marked safe. Only http(s) URLs become links
(:func:`safe_url`); anything else is shown as text.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reports.model import REGION_NAMES, STATUS_WORDS, Alert, Digest
from reports.text import shown, shown_output, shown_title

if TYPE_CHECKING:  # Jinja2 loads with the first report rendered: a quiet check never pays
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"
TEXT_WIDTH = 78

# Control characters, whitespace and the DEL byte: browsers silently drop some of them
# inside a scheme ("java\tscript:"), so a URL holding any of them is never linked.
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class RenderedReport:
    """One email's worth of content."""

    subject: str
    text: str
    html: str


def safe_url(url: object) -> str | None:
    """The URL if it may become an href (absolute http or https with a host), else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or _UNSAFE_IN_URL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def render_digest(digest: Digest) -> RenderedReport:
    context = {"d": digest, "now": digest.generated_at}
    return RenderedReport(
        subject=digest.subject,
        text=_tidy_text(_env().get_template("digest.txt.j2").render(context)),
        html=_env().get_template("digest.html.j2").render(context),
    )


def render_alert(alert: Alert) -> RenderedReport:
    context = {"a": alert, "now": alert.check_time}
    return RenderedReport(
        subject=alert.subject,
        text=_tidy_text(_env().get_template("alert.txt.j2").render(context)),
        html=_env().get_template("alert.html.j2").render(context),
    )


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = _make_env()
    return _ENV


def _make_env() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=shown_output,
    )
    env.filters.update(
        safe_url=safe_url,
        host=host_of,
        day=format_day,
        when=format_when,
        ago=format_ago,
        oneline=one_line,
        shown_title=shown_title,
        wrap=wrap_text,
        region_name=lambda region: REGION_NAMES.get(region, region),
        count=counted,
        status_word=status_word,
        status_title=status_title,
    )
    return env


def status_word(status: str) -> str:
    """The word a status is counted under: "contradicted", "to review", "unchecked"."""
    return STATUS_WORDS.get(status, status)


def status_title(status: str) -> str:
    """The same word as a heading: "Contradicted", "To review"."""
    return status_word(status).capitalize()


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 new release", "3 new releases"."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def host_of(url: str | None) -> str:
    """Short link text for a URL: its host name, or "link"."""
    if not safe_url(url):
        return ""
    return urlsplit(str(url).strip()).hostname or "link"


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return "undated"
    return value.strftime("%Y-%m-%d")


def format_when(value: datetime | None) -> str:
    if value is None:
        return "undated"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def format_ago(value: datetime | None, now: datetime) -> str:
    """ "never", "today", "1 day ago", "12 days ago" — coarse on purpose."""
    if value is None:
        return "never"
    days = (now - value).days
    if days < 1:
        hours = int((now - value).total_seconds() // 3600)
        return "within the hour" if hours < 1 else f"{hours} h ago"
    return f"{days} day ago" if days == 1 else f"{days} days ago"


def one_line(value: object) -> str:
    """Untrusted text squeezed onto one line (feeds put newlines in titles), without
    bidirectional controls (reports.text)."""
    return " ".join(shown(value).split())


def wrap_text(value: object, indent: str = "", first: str | None = None) -> str:
    """Fill text to TEXT_WIDTH columns; ``first`` replaces ``indent`` on the first line."""
    return textwrap.fill(
        one_line(value),
        width=TEXT_WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _tidy_text(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"
