"""Prose helpers: sentences, the names a statement gives, whether it is checkable.

``split_sentences`` is not fooled by "e.g.", "U.S.", "vs.", "3.7" or "$5.6M";
``find_names`` finds runs of capitalised words and model-like tokens ("Baidu Apollo",
"Executive Order on AI", "CAC generative AI rules"); ``subject_for`` picks the name a
statement is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


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
