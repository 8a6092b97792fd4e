"""A page's text units from markdown-it-py's tokens, with the headings they sit under.

A unit is a paragraph, a list item or one table cell. Its ``runs`` are the stretches of
plain text between inline markup (emphasis, links, code), each exactly a text node of
the rendered page, so any piece of one run is found by ``reports.pagemark``. A table
cell keeps its row header (the first cell) and its column header as context.

A short paragraph with no closing punctuation right above a table or a list ("Decision
in 20 seconds") is read as a heading, as the seed page writes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from monitor.page.ids import hide_id_comments, strip_markers
from reports.pagemark import markdown_renderer

_TERMINAL = (".", "!", "?", ":", ";", ",", "…")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


@dataclass(frozen=True)
class TextUnit:
    section: str  # the headings above it, outermost first, joined by " / "
    where: str  # "paragraph 2", "list item 3", "table 1 row 2 column 3"
    runs: tuple[str, ...]
    row: str = ""  # a table cell's row header
    column: str = ""  # a table cell's column header


def front_matter(markdown: str) -> str:
    """The YAML front matter's text ("" without one); the page's own date may be there."""
    match = _FRONT_MATTER.match(markdown)
    return match.group(1) if match else ""


def text_runs(inline: Token) -> tuple[str, ...]:
    """The plain-text runs of an inline token: text and soft breaks joined, markup splits."""
    runs: list[str] = []
    current: list[str] = []
    for child in inline.children or ():
        if child.type == "text":
            current.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            current.append("\n")
        else:
            if current:
                runs.append("".join(current))
            current = []
            if child.type == "code_inline":
                runs.append("")  # code is a text node of its own, never joined
    if current:
        runs.append("".join(current))
    return tuple(run for run in runs if run.strip())


def plain(inline: Token) -> str:
    return " ".join(strip_markers(" ".join(text_runs(inline))).split())


def page_title(markdown: str) -> str | None:
    """The text of the page's first heading, or None."""
    tokens = markdown_renderer().parse(hide_id_comments(markdown))
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            runs = text_runs(tokens[index + 1])
            return strip_markers(runs[0]).strip() if len(runs) == 1 else None
    return None


def read_units(markdown: str) -> list[TextUnit]:
    """Every paragraph, list item and table cell of the page, in reading order."""
    tokens = markdown_renderer().parse(hide_id_comments(markdown))
    return list(_Walker(tokens).units())


class _Walker:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.headings: dict[int, str] = {}
        self.counts: dict[str, int] = {}

    def section(self) -> str:
        levels = sorted(self.headings)
        inner = [self.headings[level] for level in levels if level > 1] or [
            self.headings[level] for level in levels
        ]
        return " / ".join(inner)

    def _count(self, kind: str) -> int:
        key = f"{self.section()}\0{kind}"
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def _set_heading(self, level: int, text: str) -> None:
        self.headings = {k: v for k, v in self.headings.items() if k < level}
        self.headings[level] = text

    def units(self):
        tokens, i = self.tokens, 0
        item_depth = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open":
                self._set_heading(int(token.tag[1]), plain(tokens[i + 1]))
                i += 3
                continue
            if token.type == "table_open":
                end = _closing(tokens, i)
                yield from self._table(tokens[i:end])
                i = end
                continue
            if token.type == "list_item_open":
                item_depth += 1
            elif token.type == "list_item_close":
                item_depth -= 1
            elif token.type == "inline" and tokens[i - 1].type == "paragraph_open":
                if item_depth == 0 and self._is_plain_heading(i):
                    self._set_heading(7, plain(token))  # below every "#" heading
                else:
                    kind = "list item" if item_depth else "paragraph"
                    runs = text_runs(token)
                    if runs:
                        yield TextUnit(self.section(), f"{kind} {self._count(kind)}", runs)
            i += 1

    def _is_plain_heading(self, i: int) -> bool:
        text = plain(self.tokens[i])
        following = self.tokens[i + 2] if i + 2 < len(self.tokens) else None
        opens_block = following is not None and following.type in (
            "table_open", "bullet_list_open", "ordered_list_open"
        )
        return (
            opens_block and "\n" not in self.tokens[i].content and 0 < len(text) <= 80
            and len(text.split()) <= 10 and not text.endswith(_TERMINAL)
        )

    def _table(self, tokens: list[Token]):
        number = self._count("table")
        header: list[str] = []
        row_number = 0
        cells: list[Token] = []
        for token in tokens:
            if token.type == "tr_open":
                cells = []
            elif token.type == "inline":
                cells.append(token)
            elif token.type == "tr_close":
                if not header:
                    header = [plain(cell) for cell in cells]
                    continue
                row_number += 1
                row = plain(cells[0]) if cells else ""
                for column, cell in enumerate(cells[1:], start=2):
                    runs = text_runs(cell)
                    if runs:
                        yield TextUnit(
                            self.section(),
                            f"table {number} row {row_number} column {column}",
                            runs,
                            row=row,
                            column=header[column - 1] if column - 1 < len(header) else "",
                        )


def _closing(tokens: list[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index + 1
    return len(tokens)
