"""Untrusted text as it is shown: in reports, on the dashboard and in the terminal.

Feed titles, lab names and reasons come from the outside. Bidirectional controls in
them (U+202E, right-to-left override, and the rest of Unicode's Bidi_Control set)
would reorder what an editor reads, so "Qwen4 \u202egpj.exe" reads "Qwen4 exe.jpg";
they are removed from shown text. Titles are cut to ``TITLE_CHARS`` when shown; the
store keeps them whole.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
TITLE_CHARS = 200  # a long model or post title is ~100; past this it is noise or abuse
_WITHOUT_BIDI = {ord(char): None for char in BIDI_CONTROLS}


def shown(value: object) -> str:
    """``value`` as text, without bidirectional controls."""
    return str(value or "").translate(_WITHOUT_BIDI)


def shown_output(value: Any) -> Any:
    """Jinja2's ``finalize``: every printed value loses its bidirectional controls
    (markup stays markup: removing characters cannot make a tag)."""
    if isinstance(value, Markup):
        return Markup(str(value).translate(_WITHOUT_BIDI))
    return value.translate(_WITHOUT_BIDI) if isinstance(value, str) else value


def shown_title(value: object) -> str:
    """A title on one line, without bidirectional controls, cut to ``TITLE_CHARS``."""
    text = " ".join(shown(value).split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"
