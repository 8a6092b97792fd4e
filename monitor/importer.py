"""Import a published Markdown page into a draft claims file for an editor to review.

``import_page`` reads the page's blocks (pipe tables, lists, paragraphs) under their
headings and makes one ``DraftClaim`` per dated or checkable statement:

- a table row is one statement ("cell; cell; ..."), a list item or a paragraph is
  split into sentences and each sentence is one statement; questions are skipped;
- headings are "#" headings, setext headings, or a short line without terminal
  punctuation that opens a block (the seed page writes "Decision in 20 seconds"
  above its table);
- a statement's own date wins ("as of" first, else the latest period end); without
  one it takes, if it is checkable (names a product, a number or a license), the date
  of its column header ("Gap (2026)"), of the FAQ question it answers, or of its
  heading, and failing those the page's date; otherwise it is skipped.

``review_every`` is "90d", except "never" for a statement whose date is not an "as of"
and ends more than a year before the page's date (a historical fact such as a past
release); without ``page_date`` the page's latest stated date stands in for it.

``render_claims_toml`` writes the drafts as a ``[[claim]]`` TOML file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import tomli_w

from monitor.dates import FoundDate, find_dates, latest
from rules.asof import AsOf, Precision

HISTORICAL_AFTER = timedelta(days=365)


class PageImportError(Exception):
    """The page cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class DraftClaim:
    id: str
    page: str
    section: str
    text: str
    subject: str
    as_of: AsOf
    date_source: str  # "stated" or "page"
    dates_found: list[str] = field(default_factory=list)
    review_every: str = "90d"


@dataclass(frozen=True)
class _Statement:
    label: str  # what the id starts with: a row's first cell, or heading + block number
    section: str
    text: str
    context: tuple[tuple[FoundDate, str], ...] = ()  # dates around it, with where they came from
    row_label: str = ""  # a table row's first cell, which starts ``text``


@dataclass(frozen=True)
class _Dating:
    as_of: AsOf
    kind: str
    source: str
    phrases: list[str]
    span: tuple[int, int] | None = None


def import_page(markdown: str, *, page: str, page_date: AsOf | None = None) -> list[DraftClaim]:
    """The draft claims of one page, in page order, ids unique and stable."""
    blocks = parse_blocks(markdown)
    if not any(block.kind == "table" for block in blocks):
        raise PageImportError(
            f"{page}: the page has no tables; claimwatch imports pages whose claims sit in "
            "Markdown pipe tables (a header row, a |---| separator, one row per statement)"
        )
    statements = list(_statements(blocks))
    reference = page_date or _latest_stated(statements)
    known = page_vocabulary(statement.text for statement in statements)
    drafts: list[DraftClaim] = []
    seen: set[str] = set()
    for statement in statements:
        draft = _draft(statement, page, page_date, reference, known, seen)
        if draft is not None:
            seen.add(draft.id)
            drafts.append(draft)
    return drafts


def _latest_stated(statements: list[_Statement]) -> AsOf | None:
    found = [item for s in statements for item in find_dates(s.text)]
    found += [item for s in statements for item, _ in s.context]
    return max((item.as_of for item in found), key=lambda a: a.end, default=None)


def _statements(blocks: list[Block]) -> Iterator[_Statement]:
    counters: dict[tuple[str, str], int] = {}
    for block in blocks:
        heading_dates = tuple((d, f"heading {block.heading!r}") for d in find_dates(block.heading))
        key = (block.heading, block.kind)
        if block.kind == "table":
            yield from _table_statements(block, heading_dates)
        elif block.kind == "list":
            first = counters.get(key, 0) + 1
            counters[key] = first + len(block.items) - 1
            yield from _list_statements(block, first, heading_dates)
        else:
            counters[key] = number = counters.get(key, 0) + 1
            yield from _sentences(
                block.heading, f"paragraph {number}", f"p{number}", block.text, heading_dates
            )


def _within(heading: str, part: str) -> str:
    return f"{heading} / {part}" if heading else part


def _table_statements(block: Block, heading_dates: tuple) -> Iterator[_Statement]:
    header = [plain_text(cell) for cell in block.header]
    header_dates = [find_dates(cell) for cell in header]
    for row in block.rows:
        cells = [plain_text(cell) for cell in row]
        if not any(cells):
            continue
        label = cells[0] or next(cell for cell in cells if cell)
        column_dates = tuple(
            (found, f"column header {header[column]!r}")
            for column, dates in enumerate(header_dates)
            if column < len(cells) and cells[column]
            for found in dates
        )
        yield _Statement(
            label=label,
            section=_within(block.heading, f"table: {header[0]} / row: {label}"),
            text="; ".join(cell for cell in cells if cell),
            context=column_dates + heading_dates,
            row_label=cells[0],
        )


def _list_statements(block: Block, first: int, heading_dates: tuple) -> Iterator[_Statement]:
    question_dates: tuple = ()
    for number, item in enumerate(block.items, start=first):
        text = plain_text(item)
        if text.endswith("?"):
            question_dates = tuple((d, f"question {text!r}") for d in find_dates(text))
            continue
        part = f"list item {number}"
        yield from _sentences(
            block.heading, part, f"item{number}", text, question_dates + heading_dates
        )
        question_dates = ()


def _sentences(
    heading: str, part: str, label_part: str, text: str, context: tuple
) -> Iterator[_Statement]:
    label = f"{heading} {label_part}" if heading else label_part
    for sentence in split_sentences(plain_text(text)):
        yield _Statement(label, _within(heading, part), sentence, context)


def _draft(
    statement: _Statement,
    page: str,
    page_date: AsOf | None,
    reference: AsOf | None,
    known: frozenset[str],
    seen: set[str],
) -> DraftClaim | None:
    text = statement.text
    if text.endswith("?"):
        return None
    content_start = len(statement.row_label) + 2 if statement.row_label else 0
    names = [name for name in find_names(text, known) if name.start >= content_start]
    checkable = is_checkable(text[content_start:], names)
    dating = _dating(statement, checkable, page_date)
    if dating is None:
        return None
    subject = subject_for(text, names, dating.span) or _label_subject(statement.row_label)
    return DraftClaim(
        id=_unique_id(statement, subject, seen),
        page=page,
        section=statement.section,
        text=text,
        subject=subject,
        as_of=dating.as_of,
        date_source=dating.source,
        dates_found=dating.phrases,
        review_every=_review_every(dating, reference),
    )


def _dating(statement: _Statement, checkable: bool, page_date: AsOf | None) -> _Dating | None:
    """Own date first; a checkable statement falls back to its context, then the page."""
    own = find_dates(statement.text)
    if own:
        chosen = latest(own)
        phrases = [item.phrase for item in own]
        return _Dating(chosen.as_of, chosen.kind, "stated", phrases, chosen.span)
    if not checkable:
        return None
    if statement.context:
        chosen = latest([item for item, _ in statement.context])
        phrases = [f"{item.phrase} [from {where}]" for item, where in statement.context]
        return _Dating(chosen.as_of, chosen.kind, "stated", phrases)
    if page_date is not None:
        return _Dating(page_date, "as-of", "page", [])
    return None


def _label_subject(label: str) -> str:
    """A row label that is one name ("Python", "Llama 4"), for rows naming nothing else."""
    return label if re.fullmatch(r"[A-Z][\w.+#-]*(?: \d[\w.]*)?", label) else ""


def _review_every(dating: _Dating, reference: AsOf | None) -> str:
    """ "never" for a past year or range well before the page's date: a settled fact."""
    coarse = dating.kind == "range" or dating.as_of.precision is Precision.YEAR
    old = reference is not None and dating.as_of.end < reference.start - HISTORICAL_AFTER
    if coarse and old and dating.kind != "as-of":
        return "never"
    return "90d"


def _slug(text: str, limit: int) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


def _unique_id(statement: _Statement, subject: str, seen: set[str]) -> str:
    digest = hashlib.sha1(statement.text.encode()).hexdigest()
    label, named = _slug(statement.label, 40), _slug(subject, 24)
    stem = label if not named or label.startswith(named) else f"{label}-{named}".strip("-")
    for size in (4, 8, 40):
        candidate = f"{stem}-{digest[:size]}" if stem else digest[:size]
        if candidate not in seen:
            return candidate
    number = 2
    while f"{candidate}-{number}" in seen:
        number += 1
    return f"{candidate}-{number}"


_LICENSE_HINTS = (
    (re.compile(r"\bApache(?:[- ]License)?[- ]?2\.0\b"), "Apache-2.0"),
    (re.compile(r"\bMIT\b"), "MIT"),
    (re.compile(r"\bGPL-?v?3\b|\bGPL 3\.0\b"), "GPL-3.0"),
    (re.compile(r"\bBSD\b"), "BSD"),
)


def _hints(draft: DraftClaim) -> list[str]:
    lines = []
    if draft.dates_found:
        quoted = ", ".join(f'"{phrase}"' for phrase in draft.dates_found)
        lines.append(f"# dates found: {quoted}")
    else:
        lines.append("# no date stated: as_of is the page's date")
    licenses = [name for pattern, name in _LICENSE_HINTS if pattern.search(draft.text)]
    if licenses:
        lines.append(f'# hint: license = "{licenses[0]}" (licenses named: {", ".join(licenses)})')
    if re.search(r"[A-Za-z].*\d", draft.subject):
        lines.append(f'# hint: family = "{draft.subject}"')
    return lines


def render_claims_toml(
    drafts: list[DraftClaim], *, imported_on: date | None = None, page: str | None = None
) -> str:
    """A ``[[claim]]`` TOML file of the drafts, each followed by comments for the reviewer."""
    day = imported_on or datetime.now(UTC).date()
    name = page or (drafts[0].page if drafts else "an unnamed page")
    parts = [
        f"# Draft claims imported from {name} on {day.isoformat()}. Review every entry: set "
        "review_every, the expectations (family, license, released, exists, keywords, watch) "
        "and fix subjects.\n"
    ]
    for draft in drafts:
        entry = {
            "id": draft.id,
            "page": draft.page,
            "section": draft.section,
            "text": draft.text,
            "subject": draft.subject,
            "as_of": str(draft.as_of),
            "review_every": draft.review_every,
        }
        body = tomli_w.dumps({"claim": [entry]})
        parts.append("\n" + body + "\n".join(_hints(draft)) + "\n")
    return "".join(parts)


# --- Reading Markdown: blocks under headings ---------------------------------


@dataclass(frozen=True)
class Block:
    """A table, a list or a paragraph, with the heading it sits under."""

    kind: str  # "table" | "list" | "paragraph"
    heading: str
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    items: tuple[str, ...] = ()
    text: str = ""


_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_TERMINAL = (".", "!", "?", ":", ";", ",", "…")
_JOINING_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "and",
        "or",
        "but",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "than",
        "that",
        "which",
        "its",
        "their",
    }
)


def _cells(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return tuple(cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body))


def _is_table_start(lines: list[str], i: int) -> bool:
    return (
        "|" in lines[i]
        and i + 1 < len(lines)
        and "|" in lines[i + 1]
        and bool(_SEPARATOR.match(lines[i + 1]))
    )


def _next_filled(lines: list[str], i: int) -> int | None:
    return next((j for j in range(i, len(lines)) if lines[j].strip()), None)


def _is_plain_heading(lines: list[str], i: int) -> bool:
    """A short line without terminal punctuation that opens a block: "Decision in 20 seconds"."""
    line = lines[i].strip()
    if len(line) > 80 or len(line.split()) > 10 or line.endswith(_TERMINAL):
        return False
    if not (line[0].isupper() or line[0].isdigit()) or "|" in line or _ITEM.match(line):
        return False
    following = _next_filled(lines, i + 1)
    if following is None or _ATX.match(lines[following]):
        return False
    if _ITEM.match(lines[following]) or _is_table_start(lines, following):
        return True
    # Above prose, be stricter: "Thesis" heads a paragraph, "Robotaxis run in" wraps one.
    next_start = lines[following].strip()[0]
    return line.split()[-1].lower() not in _JOINING_WORDS and (
        next_start.isupper() or next_start.isdigit() or next_start in "\"'“(["
    )


def _opens_block(lines: list[str], i: int) -> bool:
    return bool(_ATX.match(lines[i]) or _ITEM.match(lines[i]) or _is_table_start(lines, i))


def parse_blocks(markdown: str) -> list[Block]:
    """The page's tables, lists and paragraphs, each with its heading."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    heading = ""
    i, at_boundary = 0, True
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i, at_boundary = i + 1, True
            continue
        if atx := _ATX.match(line):
            heading, i = plain_text(atx.group(1)), i + 1
        elif _is_table_start(lines, i):
            block, i = _read_table(lines, i, heading)
            blocks.append(block)
        elif _ITEM.match(line):
            block, i = _read_list(lines, i, heading)
            blocks.append(block)
        elif i + 1 < len(lines) and _SETEXT_UNDERLINE.match(lines[i + 1]) and at_boundary:
            heading, i = plain_text(line), i + 2
        elif at_boundary and _is_plain_heading(lines, i):
            heading, i = plain_text(line), i + 1
        else:
            block, i = _read_paragraph(lines, i, heading)
            blocks.append(block)
        at_boundary = True
    return blocks


def _read_table(lines: list[str], i: int, heading: str) -> tuple[Block, int]:
    header = _cells(lines[i])
    rows = []
    i += 2
    while i < len(lines) and lines[i].strip() and "|" in lines[i]:
        cells = _cells(lines[i])
        rows.append((cells + ("",) * len(header))[: max(len(header), len(cells))])
        i += 1
    return Block("table", heading, header=header, rows=tuple(rows)), i


def _read_list(lines: list[str], i: int, heading: str) -> tuple[Block, int]:
    items: list[str] = []
    while i < len(lines):
        line = lines[i]
        if item := _ITEM.match(line):
            items.append(item.group(1).strip())
        elif line.strip() and line[:1].isspace() and items:
            items[-1] += " " + line.strip()  # an indented continuation line
        elif not line.strip():
            following = _next_filled(lines, i)
            if following is None or not _ITEM.match(lines[following]):
                break
        else:
            break
        i += 1
    return Block("list", heading, items=tuple(items)), i


def _read_paragraph(lines: list[str], i: int, heading: str) -> tuple[Block, int]:
    parts = [lines[i].strip()]
    i += 1
    while i < len(lines) and lines[i].strip() and not _opens_block(lines, i):
        if parts[-1].endswith(_TERMINAL) and _is_plain_heading(lines, i):
            break
        parts.append(lines[i].strip())
        i += 1
    return Block("paragraph", heading, text=" ".join(parts)), i


def plain_text(text: str) -> str:
    """Markdown inline markup removed: links keep their text, emphasis and code marks go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return " ".join(text.split())


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ABBREVIATIONS = _word_set(
    "e.g i.e vs u.s u.k e.u mr mrs ms dr prof inc ltd co corp approx fig st jr sr "
    "est ca cf al jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DIGIT_NEXT = re.compile(r"\s+\d")
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]”’]*(?=\s+[\"'(\[“‘]?[A-Z0-9$])")


def _is_abbreviation(word: str) -> bool:
    """ "e.g.", "U.S.", "vs.", "Dec.": a full stop that ends no sentence."""
    last = word.lstrip("(\"'“‘").rstrip(".").lower()
    return last in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", last))


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not fooled by "e.g.", "U.S.", "vs.", "3.7" or "$5.6M"."""
    sentences, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[start : end.start()])
        if end.group().startswith(".") and word and _is_abbreviation(word.group(1)):
            continue
        if (
            end.group() == "."
            and word
            and word.group(1).lower() == "no"
            and _DIGIT_NEXT.match(text, end.end())
        ):
            continue  # "No. 1 seller"
        sentences.append(text[start : end.end()].strip())
        start = end.end()
    tail = text[start:].strip()
    return [*sentences, tail] if tail else sentences


# --- Guessing a statement's subject -------------------------------------------


@dataclass(frozen=True)
class Name:
    """A model, product, organisation or law named in a statement, and where."""

    text: str
    start: int
    end: int
    first_word: str = ""  # set when the name does not open its sentence: page vocabulary


@dataclass(frozen=True)
class _Token:
    core: str
    start: int
    end: int
    lead: bool  # punctuation before it ("(Alibaba")
    trail: bool  # punctuation after it ("Alibaba),")
    initial: bool  # first word of a sentence, clause or cell
    glossed: bool  # followed by a parenthesis: "Manus (March 2025)"
    kind: str  # "cap" | "model" | "generic" | "number" | "connector" | "other"


_GENERIC = _word_set(
    "AI AGI API APIS GPU GPUS CPU TPU LLM LLMS MOE AV AVS EV EVS SDK SDKS FAQ CEO CTO VC "
    "IPO PC ML NLP UI UX LTS HTTP URL RSS JSON PDF SOTA OK US USA UK EU UN "
    "CHINA CHINESE AMERICA AMERICAN AMERICANS EUROPE EUROPEAN JAPAN JAPANESE KOREA KOREAN "
    "INDIA INDIAN GERMANY GERMAN FRANCE FRENCH BRITAIN BRITISH ENGLISH WESTERN "
    "APACHE MIT GPL LGPL AGPL BSD MPL CC "
    "JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER "
    "JAN FEB MAR APR JUN JUL AUG SEP SEPT OCT NOV DEC "
    "MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY"
)
_STOPWORDS = _word_set(
    "The A An In On At For From To Of By With Without Which What Who Whom Whose How Why When "
    "Where Is Are Was Were Be Does Do Did Can Could Should Would Will If This That These Those "
    "It Its Neither Nor No Not None And But Or As All Both Each Every Most Many Some Any Our "
    "We They Their There Here Yes Also While Unlike Like Only More Less Over Under After "
    "Before Since Until Into Than Then So Such Just Even About Across Against Between Among "
    "Per Via I You He She My Your His Her"
)
_LAW_WORDS = _word_set(
    "rules regulation regulations law laws act measures provisions guidelines directive"
)
_CONNECTORS = frozenset({"on", "of", "for", "de"})
_MODEL_TOKEN = re.compile(r"[A-Za-z]\w*(?:[-.+/]\w+)*\+?")
_LICENSE_WORDS = re.compile(r"\b(?:Apache|MIT|GPL|LGPL|AGPL|BSD|MPL|CC[- ]BY|open[- ]weights?)\b")


def _token_kind(core: str) -> str:
    if not core:
        return "other"
    if re.fullmatch(r"\d{1,2}(?:\.\d+)*", core):
        return "number"
    if core in _CONNECTORS:
        return "connector"
    if core in _STOPWORDS or not core[0].isalpha():
        return "other"
    if core.replace(".", "").upper() in _GENERIC or re.fullmatch(r"Q[1-4]", core):
        return "generic" if core[0].isupper() else "other"
    if _MODEL_TOKEN.fullmatch(core) and re.search(r"\d", core):
        return "model"
    return "cap" if core[0].isupper() else "other"


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    initial = True
    words = list(re.finditer(r"\S+", text))
    for number, word in enumerate(words):
        raw = word.group()
        core = raw.lstrip("(\"'“‘[")
        start = word.start() + len(raw) - len(core)
        stripped = core.rstrip(")\"'”’],;:.!?…")
        stripped = re.sub(r"['’]s$", "", stripped)
        trail = stripped != core  # "Alibaba)," and "Xiaomi's" both end a name
        ends_clause = core.endswith((";", ".", "!", "?", ":")) and not _is_abbreviation(core)
        last = number == len(words) - 1
        glossed = not last and not trail and words[number + 1].group().startswith("(")
        tokens.append(
            _Token(
                stripped,
                start,
                start + len(stripped),
                core != raw,
                trail,
                initial,
                glossed,
                _token_kind(stripped),
            )
        )
        initial = ends_clause
    return tokens


def _joins(run: list[_Token], token: _Token) -> bool:
    if not run or run[-1].trail or token.lead:
        return False
    if token.kind in ("cap", "model", "generic"):
        return True
    has_digit = any(re.search(r"\d", t.core) for t in run)
    if token.kind == "number":
        return run[-1].kind in ("cap", "generic") and not has_digit  # "Llama 4", "Claude 3.7"
    return token.kind == "connector" and not has_digit  # "Executive Order on AI"


def _law_tail(tokens: list[_Token], after: int) -> int:
    """Index of a law word closing "CAC generative AI rules", or -1."""
    for j in range(after, min(after + 4, len(tokens))):
        token = tokens[j]
        if token.lead or tokens[j - 1].trail or token.kind not in ("other", "generic"):
            return -1
        if token.core.lower() in _LAW_WORDS:
            return j
    return -1


def _finish(run: list[_Token], known: frozenset[str]) -> list[_Token]:
    while run and run[-1].kind == "connector":
        run = run[:-1]
    if not any(t.kind in ("cap", "model") for t in run):
        return []  # "US AI", "Apache 2.0": no name of its own
    first = run[0]
    plain_word = first.kind == "cap" and not re.search(r".[A-Z]", first.core)
    named_after = any(t.kind in ("cap", "model", "number") for t in run[1:])  # "Python 3.11"
    if first.initial and plain_word and not (named_after or first.glossed or first.core in known):
        return []  # "Frontier models", "New Chinese LLM": capitalised only as a first word
    return run


def find_names(text: str, known: frozenset[str] = frozenset()) -> list[Name]:
    """Runs of capitalised words and model-like tokens that look like names, in order.

    A capitalised word opening a sentence counts only when it is followed by more of the
    name ("Baidu Apollo", "Python 3.11"), glossed ("Manus (March 2025)") or ``known``
    (the page names it elsewhere mid-sentence: "Tesla").
    """
    tokens = _tokens(text)
    names: list[Name] = []
    run: list[_Token] = []
    index = 0
    while index <= len(tokens):
        token = tokens[index] if index < len(tokens) else None
        if token is not None and _joins(run, token):
            run.append(token)
            index += 1
            continue
        kept = _finish(run, known)
        if kept:
            law = _law_tail(tokens, index) if not kept[-1].trail else -1
            last = tokens[law] if law >= 0 else kept[-1]
            first_word = "" if kept[0].initial else kept[0].core
            names.append(Name(text[kept[0].start : last.end], kept[0].start, last.end, first_word))
            if law >= 0:
                index = law + 1
                run = []
                continue
        run = [token] if token is not None and token.kind in ("cap", "model", "generic") else []
        index += 1
    return names


def page_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Words the page uses as the first word of a name mid-sentence: "Tesla", "Alibaba"."""
    return frozenset(
        name.first_word for text in texts for name in find_names(text) if name.first_word
    )


def is_checkable(text: str, names: list[Name]) -> bool:
    """Names a product or organisation, gives a number, or names a license."""
    return bool(names) or bool(re.search(r"\d", text)) or bool(_LICENSE_WORDS.search(text))


def subject_for(text: str, names: list[Name], date_span: tuple[int, int] | None) -> str:
    """The first name in the clause (between semicolons) holding the date, else the first name."""
    if date_span is not None:
        clause_start = text.rfind(";", 0, date_span[0]) + 1
        clause_end = text.find(";", date_span[1])
        clause_end = len(text) if clause_end < 0 else clause_end
        inside = [name for name in names if clause_start <= name.start < clause_end]
        if inside:
            return inside[0].text
    return names[0].text if names else ""
