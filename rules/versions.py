"""Model-name versions: read a model or product name into its line and generation.

``parse_model_name`` takes a Hugging Face repo id ("Qwen/Qwen3-235B-A22B-Instruct-2507"),
a release or blog title ("Introducing Claude Opus 4.1") or a claim's family string
("Qwen3", "DeepSeek-V3", "Llama 4") and returns a ``ModelName``, or None when the text
names no model family it knows.

How a name is read:

- The leftmost known family keyword in the text decides the line, so
  "DeepSeek-R1-Distill-Qwen-32B" is a DeepSeek-R model, not a Qwen.
- The version right after the keyword (or after a tier word: "Claude Opus 4.1",
  "Mistral Small 3.1") is the generation. A size (8B, 235B-A22B, 17B-16E), a date suffix
  (-2507, -0324, -20240620) or a variant word (Instruct, Coder, Air, FP8, GGUF) is never
  a generation.
- In a repo id every hyphen-joined word after the version is part of the variant; in a
  title (text with spaces) only known variant words count, so the sentence that follows
  a model name is not read as part of it.
- A bare brand that is also a model line ("Qwen-Image", "gpt-oss", "Magistral") gives
  an empty generation; a bare lab name ("DeepSeek API", "Mistral AI") gives None.

Generations compare only within a line: ``is_newer`` is never true across lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ModelName:
    raw: str
    line: str  # canonical lineage id, lower-case: "qwen", "deepseek-v", "llama", "claude"
    lab: str  # canonical lab id, lower-case: "alibaba", "deepseek", "meta", "anthropic"
    generation: tuple[int, ...]  # (3,), (3, 5), (2, 5); () when the name carries none
    variant: str = ""  # "instruct", "coder", "scout", "sonnet", "exp", "turbo" ...
    size: str = ""  # "235b-a22b", "17b-16e", "120b"
    date_suffix: str = ""  # "2507", "0324", "0528": an update within a generation


# A version right after a family keyword: "3", "2.5", "25.08". Not a size ("7b", "1.5b"),
# not the start of a date ("2507" has four digits).
_WHITESPACE = re.compile(r"\s")  # str.isspace's characters, found in C
_V = r"(?P<ver>\d{1,2}(?:\.\d{1,2})?)(?!\d|\.\d|[bmk]\b|x\d)"
# Claude API ids write the minor version with a hyphen: "claude-3-5-sonnet-20240620".
_CLAUDE_V = r"(?P<ver>\d(?:[.-]\d(?!\d))?)(?!\d|\.\d)"
_SEP = r"[\s-]?"
_END = r"(?![a-z])"  # a bare keyword must end its word: "Llama" but not "LlamaCon"


@dataclass(frozen=True)
class _Family:
    line: str  # may hold "{sub}", filled from the pattern's ``sub`` group
    lab: str
    pattern: str  # named groups: ver (version), tier / sub / pre (variant words)
    display: str  # "{v}" is replaced by the dotted generation
    needs_detail: bool = False  # bare keyword names a lab or a word, not a model


_FAMILIES: tuple[_Family, ...] = (
    # Alibaba
    _Family("qwen", "alibaba", rf"(?P<pre>code)?qwen(?:{_SEP}{_V}|{_END})", "Qwen{v}"),
    _Family("qwq", "alibaba", rf"qwq{_END}", "QwQ"),
    _Family("qvq", "alibaba", rf"qvq{_END}", "QVQ"),
    # DeepSeek: the bare name is the lab
    _Family("deepseek-vl", "deepseek", rf"deepseek{_SEP}vl(?:{_V}|{_END})", "DeepSeek-VL{v}"),
    _Family("deepseek-v", "deepseek", rf"deepseek{_SEP}v{_V}", "DeepSeek-V{v}"),
    _Family("deepseek-r", "deepseek", rf"deepseek{_SEP}r{_V}", "DeepSeek-R{v}"),
    _Family(
        "deepseek-{sub}",
        "deepseek",
        rf"deepseek[\s-](?P<sub>coder|prover|math|ocr|llm|moe|janus){_END}(?:[\s-]v{_V})?",
        "DeepSeek-{sub}-V{v}",
    ),
    # Meta
    _Family("llama-guard", "meta", rf"llama[\s-]guard(?:{_SEP}{_V}|{_END})", "Llama Guard {v}"),
    _Family("codellama", "meta", rf"code{_SEP}llama(?:{_SEP}{_V}|{_END})", "Code Llama"),
    _Family("llama", "meta", rf"llama(?:{_SEP}{_V}|{_END}(?!\.cpp))", "Llama {v}"),
    # Google
    _Family(
        "{sub}gemma",
        "google",
        rf"(?P<sub>code|pali|shield|med|embedding|t5|data|recurrent|vault|tx)gemma"
        rf"(?:{_SEP}{_V}|{_END})",
        "{sub}Gemma {v}",
    ),
    _Family("gemma", "google", rf"gemma(?:{_SEP}{_V}(?P<tier>n)?|{_END})", "Gemma {v}"),
    _Family("gemini", "google", rf"gemini(?:{_SEP}{_V}|{_END})", "Gemini {v}"),
    # OpenAI
    _Family("gpt-oss", "openai", rf"gpt[\s-]oss{_END}", "gpt-oss"),
    _Family("gpt", "openai", rf"gpt{_SEP}{_V}(?P<tier>o)?", "GPT-{v}"),
    _Family("o-series", "openai", r"o(?P<ver>[1-9])(?![\da-z]|\.\d)", "o{v}"),
    # Anthropic: "Claude Opus 4.1" and "Claude 3.7 Sonnet"; "Claude Code" is a tool
    _Family(
        "claude",
        "anthropic",
        r"claude(?:[\s-](?:(?!(?:for|and|the|code|in|on|to|with|via|is|now|at|api|app)\b)"
        rf"(?P<tier>[a-z]{{3,}})[\s-])?{_CLAUDE_V}|{_END})",
        "Claude {v}",
    ),
    # Baidu
    _Family("ernie-x", "baidu", rf"ernie{_SEP}x{_V}", "ERNIE X{v}"),
    _Family("ernie", "baidu", rf"ernie(?:{_SEP}{_V}|{_END})", "ERNIE {v}"),
    # Moonshot: the bare name is the assistant / lab
    _Family("kimi-k", "moonshot", rf"kimi{_SEP}k{_V}", "Kimi K{v}"),
    _Family(
        "kimi-{sub}", "moonshot", rf"kimi[\s-](?P<sub>vl|dev|linear|audio){_END}", "Kimi-{sub}"
    ),
    # Zhipu / Z.ai: "AutoGLM" is an agent, not a model line
    _Family("glm-z", "zhipu", rf"glm{_SEP}z{_V}", "GLM-Z{v}"),
    _Family("chatglm", "zhipu", rf"chatglm(?:{_V}|{_END})", "ChatGLM{v}"),
    _Family("glm", "zhipu", rf"glm{_SEP}{_V}", "GLM-{v}"),
    # MiniMax: the bare name is the lab
    _Family("minimax-m", "minimax", rf"minimax{_SEP}m{_V}", "MiniMax-M{v}"),
    _Family("minimax-{sub}", "minimax", r"minimax[\s-](?P<sub>text|vl)[\s-]01", "MiniMax-01"),
    # Mistral: "Mistral AI" is the lab; a model needs a tier, version or size
    _Family(
        "mistral-{sub}",
        "mistral",
        rf"mistral[\s-](?P<sub>small|medium|large|nemo|ocr|saba|embed){_END}(?:{_SEP}{_V})?",
        "Mistral {sub} {v}",
    ),
    _Family(
        "{sub}",
        "mistral",
        r"(?P<sub>ministral|mixtral|magistral|devstral|codestral|pixtral|voxtral)"
        rf"(?:[\s-](?:(?P<tier>small|medium|large)[\s-])?{_V}|{_END})",
        "{sub} {v}",
    ),
    _Family("mistral", "mistral", rf"mistral(?:{_SEP}{_V}|{_END})", "Mistral {v}", True),
    # Others seen on comparison pages
    _Family("phi", "microsoft", rf"phi{_SEP}{_V}", "Phi-{v}"),
    _Family("grok", "xai", rf"grok{_SEP}{_V}", "Grok {v}"),
    _Family("yi", "01-ai", rf"yi(?:{_SEP}{_V}|{_END})", "Yi-{v}", True),
    _Family("internlm", "shanghai-ai-lab", rf"internlm(?:{_V}|{_END})", "InternLM{v}"),
    _Family("baichuan", "baichuan", rf"baichuan(?:{_V}|{_END})", "Baichuan{v}"),
    _Family("hunyuan", "tencent", rf"hunyuan{_END}", "Hunyuan"),
)


def _combined_pattern() -> re.Pattern[str]:
    """One alternation, specific families first, so a search finds the leftmost keyword."""
    parts = []
    for index, family in enumerate(_FAMILIES):
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{index}>", family.pattern)
        parts.append(f"(?P<f{index}>{body})")
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + ")")


_KEYWORD = _combined_pattern()
_GROUP_NAMES: tuple[tuple[tuple[str, str], ...], ...] = tuple(
    tuple((short, f"{short}_{index}") for short in re.findall(r"\(\?P<(\w+)>", family.pattern))
    for index, family in enumerate(_FAMILIES)
)
_ORG_PREFIX = re.compile(r"^.*/")
_QUANT_TAIL = re.compile(r"[-_](?:i?q\d(?:_[a-z0-9]+)+)(?=$|[-_\s])")
_ISO_DATE = re.compile(r"(20\d\d)-([01]\d)-([0-3]\d)(?!\d)")
_MONTH_DAY = re.compile(r"-(0[1-9]|1[0-2])-([0-3]\d)(?=$|[-\s])")
_TAIL_TOKEN = re.compile(r"(\s+|[-_]?)([a-z0-9]+(?:\.\d+[a-z0-9]*)?)")

_SIZE = re.compile(r"(?:\d+x)?\d+(?:\.\d+)?b|e\d+b")  # 8b, 0.5b, 8x7b; gemma-3n e4b
_ACTIVE = re.compile(r"a\d+(?:\.\d+)?b|\d+e")  # active params 22b, 16 experts
_TAIL_VERSION = re.compile(r"v(\d{1,2}(?:\.\d{1,2})?)")
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_QUANT_WORDS = _words(
    "gguf awq gptq fp8 fp16 bf16 int4 int8 mlx 4bit 8bit 6bit 3bit bnb exl2 onnx mxfp4 nvfp4"
    " w4a16 w8a8 w4a8 pt paddle hf safetensors dynamic quantized"
)
# Words that follow a model name in a title ("Claude 3.7 Sonnet", "Gemini 2.0 Flash").
_TITLE_VARIANTS = _words(
    "instruct chat base coder code vl vision omni math thinking think reasoning turbo air"
    " flash lite pro ultra nano mini max plus sonnet opus haiku instant scout maverick"
    " behemoth exp experimental preview terminus embedding embed reranker guard audio next"
    " distill small medium large it fast long moe image edit tts mt vlo realtime codex"
    " latest deep"
)
# Glued words that describe rather than name: "GPT-4o-level", "Qwen2.5-Coder Series".
_STOP_WORDS = _words("level class based style like powered series sized scale")


def _is_date(token: str) -> bool:
    if len(token) == 8 and token.startswith("20"):
        return 1 <= int(token[4:6]) <= 12 and 1 <= int(token[6:]) <= 31
    if len(token) == 4:
        first, second = int(token[:2]), int(token[2:])
        year_month = 23 <= first <= 29 and 1 <= second <= 12
        month_day = 1 <= first <= 12 and 1 <= second <= 31
        return year_month or month_day
    return len(token) == 3 and token.startswith("00")  # Gemini's "-001", "-002" updates


def _split_version(text: str) -> tuple[tuple[int, ...], str]:
    """"3.5" -> ((3, 5), ""); "2.0" -> ((2,), ""); "25.08" (YY.MM) -> ((), "2508")."""
    pieces = re.split(r"[.-]", text)
    is_two_digit_pair = len(pieces) == 2 and len(pieces[1]) == 2
    if is_two_digit_pair and 23 <= int(pieces[0]) <= 29 and 1 <= int(pieces[1]) <= 12:
        return (), pieces[0] + pieces[1]
    numbers = [int(piece) for piece in pieces]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers), ""


@dataclass
class _Tail:
    variant: list[str]
    size: list[str]
    date_suffix: str = ""
    version: str = ""  # "-v0.3" style, used when the head carried no version


def _read_tail(tail: str, title_mode: bool) -> _Tail:
    tail = _QUANT_TAIL.sub("", tail)
    tail = _ISO_DATE.sub(r"\1\2\3", tail)
    tail = _MONTH_DAY.sub(r"-\1\2", tail)
    result = _Tail([], [])
    strict = False  # once a space is crossed in a title, only known words count
    position = 0
    while match := _TAIL_TOKEN.match(tail, position):
        separator, token = match.groups()
        if not token:
            break
        position = match.end()
        if title_mode and separator.isspace():
            strict = True
        if token in _QUANT_WORDS:
            continue
        if token.isdigit() and _is_date(token):
            result.date_suffix = result.date_suffix or token
        elif _SIZE.fullmatch(token) or _ACTIVE.fullmatch(token):
            result.size.append(token)
        elif version := _TAIL_VERSION.fullmatch(token):
            result.version = result.version or version.group(1)
        elif token in _STOP_WORDS:
            break
        elif token.replace(".", "").isdigit():
            continue
        elif not strict or token in _TITLE_VARIANTS:
            result.variant.append(token)
        else:
            break
    return result


def _groups(match: re.Match[str], index: int) -> dict[str, str]:
    found = {}
    for short, full in _GROUP_NAMES[index]:
        value = match.group(full)
        if value:
            found[short] = value
    return found


def _build(raw: str, text: str, match: re.Match[str], index: int) -> ModelName | None:
    family = _FAMILIES[index]
    groups = _groups(match, index)
    title_mode = _WHITESPACE.search(text.strip()) is not None
    tail = _read_tail(text[match.end() :], title_mode)
    version_text = groups.get("ver") or tail.version
    generation, year_month = _split_version(version_text) if version_text else ((), "")
    if family.needs_detail and not (version_text or tail.size):
        return None
    sub = groups.get("sub", "")
    head_words = [groups[key] for key in ("pre", "tier") if key in groups]
    if "{sub}" not in family.line and sub:
        head_words.append(sub)
    return ModelName(
        raw=raw,
        line=family.line.replace("{sub}", sub),
        lab=family.lab,
        generation=generation,
        variant="-".join(head_words + tail.variant),
        size="-".join(tail.size),
        date_suffix=year_month or tail.date_suffix,
    )


@lru_cache(maxsize=65536)
def parse_model_name(name: str) -> ModelName | None:
    """Read ``name`` into its line and generation; None if it names no known model."""
    text = name.strip().lower()
    if text and _WHITESPACE.search(text) is None:
        text = _ORG_PREFIX.sub("", text)  # "Qwen/Qwen3-8B", a URL: keep the last part
        owner, underscore, rest = text.partition("_")
        if underscore and not any(char.isdigit() for char in owner):
            # Re-uploads name the original owner: "bartowski/Qwen_QwQ-32B-GGUF"
            parsed = _parse_text(name, rest)
            if parsed is not None:
                return parsed
    return _parse_text(name, text)


def _parse_text(raw: str, text: str) -> ModelName | None:
    position = 0
    while match := _KEYWORD.search(text, position):
        index = int(match.lastgroup[1:])  # the outer group "f<index>" closes last
        parsed = _build(raw, text, match, index)
        if parsed is not None:
            return parsed
        position = match.start() + 1
    return None


def generation_key(name: ModelName) -> tuple[int, ...]:
    """Order within a line: (3,) < (3, 1) < (3, 2) < (3, 5) < (4,)."""
    return name.generation


def is_newer(candidate: ModelName, than: ModelName) -> bool:
    """True when ``candidate`` is a strictly later generation of the same line."""
    if candidate.line != than.line or not candidate.generation or not than.generation:
        return False
    return candidate.generation > than.generation


def same_generation(a: ModelName, b: ModelName) -> bool:
    """Same line and equal generation: "Qwen3" covers Qwen3-Coder, not Qwen3.5."""
    return a.line == b.line and a.generation == b.generation


def format_generation(name: ModelName) -> str:
    """The generation as people write it: "Qwen3.5", "DeepSeek-V3.1", "Claude 4.1"."""
    numbers = list(name.generation)
    if len(numbers) == 1 and numbers[0] < _DOT_ZERO_BELOW.get(name.line, 0):
        numbers.append(0)  # "Gemini 2.0", "ERNIE 4.0"; but "Gemini 3"
    version = ".".join(str(number) for number in numbers)
    found = _family_of_line(name.line)
    if found is None:
        return f"{name.line} {version}".strip()
    family, sub = found
    label = family.display.replace("{sub}", _SUB_DISPLAY.get(sub, sub.capitalize()))
    if not version:
        return _VERSION_SLOT.sub("", label)  # "DeepSeek-OCR", not "DeepSeek-OCR-V"
    return label.replace("{v}", version)


_SUB_DISPLAY = {"ocr": "OCR", "vl": "VL", "llm": "LLM", "moe": "MoE"}
_VERSION_SLOT = re.compile(r"(?:[\s-][A-Z])?\{v\}|[\s-]+\{v\}")
# Lines whose whole-number generations are written with ".0", up to which major.
_DOT_ZERO_BELOW = {"gemini": 3, "ernie": 100}


@lru_cache(maxsize=256)
def _family_of_line(line: str) -> tuple[_Family, str] | None:
    """The family a line comes from, and the part of the line its ``{sub}`` filled."""
    for family in _FAMILIES:
        if family.line == line:
            return family, ""
    for family in _FAMILIES:
        prefix, marker, suffix = family.line.partition("{sub}")
        if marker and line.startswith(prefix) and line.endswith(suffix):
            sub = line[len(prefix) : len(line) - len(suffix)]
            if sub and sub in family.pattern:
                return family, sub
    return None
