"""Importing a Markdown page into draft claims: blocks, sentences, dates, subjects, TOML."""

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from monitor.dates import find_dates, latest
from monitor.importer import (
    PageImportError,
    find_names,
    import_page,
    parse_blocks,
    render_claims_toml,
    split_sentences,
    subject_for,
)
from rules.asof import AsOf

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "china-us-ai-comparison.md"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")  # what the claims loader accepts


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def one(drafts, fragment: str):
    matches = [d for d in drafts if fragment in d.text]
    assert len(matches) == 1, f"{fragment!r} matched {len(matches)} drafts"
    return matches[0]


# --- Markdown blocks and sentences ---------------------------------------------------


def test_plain_lines_above_tables_and_lists_are_headings():
    blocks = parse_blocks(page("ev-makers.md"))
    assert [(b.kind, b.heading) for b in blocks] == [
        ("paragraph", "Summary"),
        ("table", "Choice at a glance"),
        ("table", "Evidence by axis"),
        ("list", "FAQ"),
        ("table", "Related pages"),
        ("paragraph", "Related pages"),
    ]
    glance = blocks[1]
    assert glance.header == ("Axis", "Strongest in China", "Strongest elsewhere", "Lead (2025)")
    assert len(glance.rows) == 3 and len(blocks[2].rows) == 8 and len(blocks[3].items) == 6


def test_hash_headings_wrapped_paragraphs_and_numbered_lists():
    blocks = parse_blocks(page("language-releases.md"))
    assert [(b.kind, b.heading) for b in blocks] == [
        ("paragraph", "Programming language releases"),
        ("table", "Current stable versions"),
        ("list", "Notes"),
        ("paragraph", "Outlook"),
    ]
    assert "every October, and Rust" in blocks[0].text  # wrapped lines joined
    assert blocks[1].rows[-1] == ("Zig", "0.13", "", "")
    assert len(blocks[2].items) == 4


def test_a_wrapped_short_line_is_not_taken_for_a_heading():
    text = (
        "Waymo runs robotaxis in\nPhoenix\nand San Francisco.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    blocks = parse_blocks(text)
    assert blocks[0].kind == "paragraph" and blocks[0].heading == ""
    assert blocks[0].text == "Waymo runs robotaxis in Phoenix and San Francisco."


def test_an_indented_line_continues_a_list_item_and_an_unindented_one_ends_the_list():
    text = "- first item\n  goes on\n- second\nNext heading\n| a |\n|---|\n| 1 |\n"
    blocks = parse_blocks(text)
    assert blocks[0].items == ("first item goes on", "second")
    assert blocks[1].heading == "Next heading"


SENTENCES = [
    (
        "Cars are fast, e.g. Tesla Model 3. BYD is cheap.",
        ["Cars are fast, e.g. Tesla Model 3.", "BYD is cheap."],
    ),
    (
        "Prices in the U.S. Market rose. Then fell.",
        ["Prices in the U.S. Market rose.", "Then fell."],
    ),
    (
        "BYD Dolphin vs. Tesla Model 3 prices. Done.",
        ["BYD Dolphin vs. Tesla Model 3 prices.", "Done."],
    ),
    ("Claude 3.7 leads. Gemini 2.0 follows.", ["Claude 3.7 leads.", "Gemini 2.0 follows."]),
    ("It cost $5.6M in Dec. 2024. Cheap!", ["It cost $5.6M in Dec. 2024.", "Cheap!"]),
    ('Is it ahead? No. "Yes," says one.', ["Is it ahead?", "No.", '"Yes," says one.']),
    ("It is the No. 1 seller. Really.", ["It is the No. 1 seller.", "Really."]),
    ("Pony.ai runs in 2 cities.", ["Pony.ai runs in 2 cities."]),
]


@pytest.mark.parametrize(("text", "sentences"), SENTENCES)
def test_sentences_split_on_real_ends_only(text, sentences):
    assert split_sentences(text) == sentences


# --- Subjects --------------------------------------------------------------------------


NAMES = [
    ("Qwen3 (Apache 2.0, April 2026) and DeepSeek-V3 (MIT)", ["Qwen3", "DeepSeek-V3"]),
    (
        "Frontier proprietary models (GPT-4o, Claude 3.7, Gemini 2.0)",
        ["GPT-4o", "Claude 3.7", "Gemini 2.0"],
    ),
    ("US has guidance but no enacted federal AI law", []),
    ("Executive Order on AI (Oct 2023); NIST AI RMF", ["Executive Order on AI", "NIST AI RMF"]),
    ("CAC generative AI rules (2023), PIPL", ["CAC generative AI rules", "PIPL"]),
    ("Baidu Apollo approved in 10 cities", ["Baidu Apollo"]),
    ("DeepSeek's training cost", ["DeepSeek"]),
    ("Manus (March 2025) demonstrated autonomy", ["Manus"]),
    ("Python 3.11 was faster", ["Python 3.11"]),
    ("Open-source foundation models lead", []),
    ("The builders who use this map", []),
    ("export controls block NVIDIA H100+ to China", ["NVIDIA H100+"]),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_names_in_a_statement(text, names):
    assert [name.text for name in find_names(text)] == names


def test_a_first_word_counts_when_the_page_names_it_elsewhere():
    assert find_names("Tesla sold the most cars.") == []
    assert [n.text for n in find_names("Tesla sold the most cars.", frozenset({"Tesla"}))] == [
        "Tesla"
    ]


SUBJECTS = [
    # the first name in the clause holding the date wins over the statement's first name
    ("Agent infrastructure; Qwen-Agent, AutoGLM; Manus (March 2025) shipped", "Manus"),
    ("BYD passed Tesla in Q4 2023, while Tesla Model Y led (2023)", "BYD"),
    (
        "TypeScript 5.4 shipped in March 2024; TypeScript 5.5 followed in June 2024",
        "TypeScript 5.5",
    ),
    ("CAC rules (2023), PIPL; China has no federal law as of May 2026", "CAC rules"),
]


@pytest.mark.parametrize(("text", "subject"), SUBJECTS)
def test_subject_is_the_name_nearest_the_winning_date(text, subject):
    chosen = latest(find_dates(text))
    assert subject_for(text, find_names(text), chosen.span) == subject


# --- import_page on hand-written pages ----------------------------------------------------


EV_STATED = [
    # fragment, section, as_of
    ("BYD passed Tesla", "Summary / paragraph 1", "2023-12"),
    ("Mass-market EVs;", "Choice at a glance / table: Axis / row: Mass-market EVs", "2025"),
    ("Premium sedans;", "Choice at a glance / table: Axis / row: Premium sedans", "2025"),
    ("Fast charging;", "Choice at a glance / table: Axis / row: Fast charging", "2025"),
    ("BYD delivered 3.02M", "Evidence by axis / table: Axis / row: Volume", "2023"),
    ("400 km of range", "Evidence by axis / table: Axis / row: Batteries", "2023-08"),
    ("tariff on Chinese EVs", "Evidence by axis / table: Axis / row: Trade", "2024-05-14"),
    ("Tesla FSD v12", "Evidence by axis / table: Axis / row: Software", "2024-03"),
    ("countervailing duties", "Evidence by axis / table: Axis / row: Europe", "2024-10-30"),
    ("price cuts continued", "Evidence by axis / table: Axis / row: Price war", "2024"),
    ("passed half of new car", "Evidence by axis / table: Axis / row: Share", "2024-09"),
    ("BYD sold the most plug-in", "FAQ / list item 2", "2023"),
    ("Tesla sold the most battery-electric", "FAQ / list item 2", "2023"),
    ("Provisional duties applied", "FAQ / list item 6", "2024-10-30"),
    ("$139/kWh (2023)", "Related pages / paragraph 1", "2023"),
    ("88,898 locked orders", "Related pages / paragraph 1", "2024-03"),
    ("The gap narrowed in 2024–2025.", "Related pages / paragraph 1", "2025"),
]
EV_PAGE_DATED = ["BYD Seagull starts near", "Battery Makers List", "BYD Dolphin vs.", "73.6 kWh"]
EV_SKIPPED = [
    "Electric car makers do not compete",  # rhetorical
    "Real-world range varies",  # a table row with nothing to check
    "Prices abroad are higher",
    "Pick on the axis",
    "Which EV maker sold the most",  # questions assert nothing
]


def test_every_dated_statement_of_a_page_gets_its_own_date():
    drafts = import_page(page("ev-makers.md"), page="ev-makers")
    assert len(drafts) == len(EV_STATED)
    for fragment, section, as_of in EV_STATED:
        draft = one(drafts, fragment)
        assert (draft.section, str(draft.as_of), draft.date_source) == (section, as_of, "stated")
        assert draft.page == "ev-makers"


def test_a_column_header_date_is_reported_as_where_it_came_from():
    drafts = import_page(page("ev-makers.md"), page="ev-makers")
    assert one(drafts, "Mass-market EVs;").dates_found == [
        "(2025) [from column header 'Lead (2025)']"
    ]
    assert one(drafts, "BYD sold the most").dates_found == [
        "2023 [from question 'Which EV maker sold the most cars in 2023?']"
    ]
    assert one(drafts, "Provisional duties").dates_found == ["July 5, 2024", "2024-10-30"]


def test_undated_checkable_statements_take_the_page_date_when_given():
    page_date = AsOf.parse("2025-06-01")
    drafts = import_page(page("ev-makers.md"), page="ev-makers", page_date=page_date)
    assert len(drafts) == len(EV_STATED) + len(EV_PAGE_DATED)
    for fragment in EV_PAGE_DATED:
        draft = one(drafts, fragment)
        assert (draft.as_of, draft.date_source, draft.dates_found) == (page_date, "page", [])
    for fragment in EV_SKIPPED:
        assert not [d for d in drafts if fragment in d.text], fragment
    assert str(one(drafts, "Tesla FSD v12").as_of) == "2024-03"  # own dates still win


def test_ids_are_unique_well_formed_and_stable_across_imports():
    for name in ("ev-makers.md", "language-releases.md"):
        first = import_page(page(name), page=name, page_date=AsOf.parse("2025-06"))
        second = import_page(page(name), page=name, page_date=AsOf.parse("2025-06"))
        ids = [d.id for d in first]
        assert ids == [d.id for d in second]
        assert len(set(ids)) == len(ids)
        assert all(ID_PATTERN.match(i) for i in ids)
    drafts = import_page(page("ev-makers.md"), page="ev-makers")
    assert one(drafts, "Tesla FSD v12").id.startswith("software-tesla-fsd-v12-")


def test_a_repeated_statement_still_gets_a_distinct_id():
    text = "Notes\n| Item | Fact |\n|---|---|\n| A | Rust 1.75 (2023) |\n| A | Rust 1.75 (2023) |\n"
    ids = [d.id for d in import_page(text, page="p")]
    assert len(ids) == 2 and len(set(ids)) == 2


LANGUAGE_STATED = [
    # fragment, section, as_of, subject
    ("(October 2022)", "Programming language releases / paragraph 1", "2022-10", "Python 3.11"),
    (
        "Python; 3.13;",
        "Current stable versions / table: Language / row: Python",
        "2024-10-07",
        "Python",
    ),
    ("Rust; 1.75;", "Current stable versions / table: Language / row: Rust", "2023-12-28", "Rust"),
    ("Go; 1.22;", "Current stable versions / table: Language / row: Go", "2024-02", "Go"),
    (
        "Java; 21 (LTS)",
        "Current stable versions / table: Language / row: Java",
        "2023-09-19",
        "Java",
    ),
    ("Kotlin; 2.0;", "Current stable versions / table: Language / row: Kotlin", "2024-05", "K2"),
    ("9899:2024", "Current stable versions / table: Language / row: C", "2024-10", "C23"),
    ("Lua; 5.4", "Current stable versions / table: Language / row: Lua", "2024", "Lua"),
    ("Python 3.12 arrived", "Notes / list item 1", "2023-10-02", "Python 3.12"),
    ("TypeScript 5.4 shipped", "Notes / list item 3", "2024-06", "TypeScript 5.5"),
    ("both Go and Rust", "Outlook / paragraph 1", "2025-01", "Go"),
]


def test_hash_headed_page_with_markup_and_precisions():
    drafts = import_page(page("language-releases.md"), page="languages")
    assert len(drafts) == len(LANGUAGE_STATED)
    for fragment, section, as_of, subject in LANGUAGE_STATED:
        draft = one(drafts, fragment)
        assert (draft.section, str(draft.as_of), draft.subject) == (section, as_of, subject)
    assert one(drafts, "Kotlin").text == "Kotlin; 2.0; May 2024; K2 compiler is now stable"


def test_a_header_date_covers_only_rows_that_fill_its_column():
    plain = import_page(page("language-releases.md"), page="languages")
    assert not [d for d in plain if d.text.startswith("Zig")]  # its Support cell is empty
    dated = import_page(
        page("language-releases.md"), page="languages", page_date=AsOf.parse("2025-06")
    )
    zig = one(dated, "Zig; 0.13")
    assert (str(zig.as_of), zig.date_source) == ("2025-06", "page")
    assert one(dated, "release notes for every version").date_source == "page"  # link text kept
    assert not [d for d in dated if "good moment" in d.text]


REVIEW = [
    # fragment, review_every with page date 2025-06
    ("BYD delivered 3.02M", "never"),  # a full past year, more than a year old: settled
    ("$139/kWh (2023)", "never"),
    ("Tesla FSD v12", "90d"),  # month precision is kept under review
    ("passed half of new car", "90d"),  # "as of" always ages
    ("The gap narrowed in 2024–2025.", "90d"),  # a range ending within the year
    ("BYD Seagull starts near", "90d"),  # page-dated
]


@pytest.mark.parametrize(("fragment", "review_every"), REVIEW)
def test_review_every_is_never_only_for_old_years_and_ranges(fragment, review_every):
    drafts = import_page(page("ev-makers.md"), page="ev-makers", page_date=AsOf.parse("2025-06"))
    assert one(drafts, fragment).review_every == review_every


def test_without_a_page_date_the_latest_stated_date_stands_in_for_it():
    table = "Sales\n| Maker | Fact |\n|---|---|\n| BYD | Sold 3.02M cars in 2023 |\n"
    drafts = import_page(table + "| NIO | Plans (June 2024) |\n", page="ev")
    assert one(drafts, "in 2023").review_every == "90d"  # 2023 vs June 2024: within a year
    drafts = import_page(table + "| NIO | Plans (June 2025) |\n", page="ev")
    assert one(drafts, "in 2023").review_every == "never"
    ev_page = import_page(page("ev-makers.md"), page="ev")  # latest stated there: 2025
    assert one(ev_page, "BYD delivered").review_every == "never"


def test_a_page_without_tables_is_refused():
    text = "Summary\nBYD sold 3.02M cars in 2023.\n\nFAQ\n- Is BYD big?\n- Yes, as of 2025.\n"
    with pytest.raises(PageImportError, match="no tables"):
        import_page(text, page="tableless")


# --- render_claims_toml -----------------------------------------------------------------


def test_rendered_file_holds_exactly_the_loader_keys_and_a_review_header():
    drafts = import_page(page("ev-makers.md"), page="ev-makers", page_date=AsOf.parse("2025-06"))
    text = render_claims_toml(drafts, imported_on=date(2025, 6, 2))
    assert text.startswith("# Draft claims imported from ev-makers on 2025-06-02. Review every")
    claims = tomllib.loads(text)["claim"]
    assert len(claims) == len(drafts)
    keys = {"id", "page", "section", "text", "subject", "as_of", "review_every"}
    assert all(set(claim) == keys for claim in claims)
    by_id = {claim["id"]: claim for claim in claims}
    for draft in drafts:
        claim = by_id[draft.id]
        assert (claim["text"], claim["as_of"], claim["review_every"]) == (
            draft.text,
            str(draft.as_of),
            draft.review_every,
        )
    trade = by_id[one(drafts, "tariff on Chinese EVs").id]
    assert trade["as_of"] == "2024-05-14"


def test_rendered_comments_give_dates_found_and_hints():
    drafts = import_page(page("language-releases.md"), page="languages")
    text = render_claims_toml(drafts, imported_on=date(2025, 6, 2))
    assert "# dates found: \"(2024) [from column header 'Support (2024)']\"" in text
    assert '# hint: family = "Python 3.12"' in text
    seed_like = import_page(
        "T\n| Model | Note |\n|---|---|\n| Qwen3 | Apache 2.0 (April 2026) |\n", page="p"
    )
    assert '# hint: license = "Apache-2.0"' in render_claims_toml(seed_like)


def test_rendering_no_drafts_still_says_what_the_file_is():
    text = render_claims_toml([], imported_on=date(2025, 6, 2), page="empty")
    assert text.startswith("# Draft claims imported from empty on 2025-06-02")
    assert tomllib.loads(text) == {}


# --- The seed page ---------------------------------------------------------------------


# Every dated statement of the seed, read by hand: a distinctive fragment, its as-of.
SEED_DATED = [
    ("Qwen3 (Apache 2.0, April 2026)", "2026-04"),  # with DeepSeek-V3 (MIT, December 2024)
    ("Open-source foundation models; Qwen3 (Alibaba)", "2026"),  # column header Gap (2026)
    ("Frontier proprietary models; Qwen-Max", "2026"),
    ("Autonomous vehicles (commercial);", "2026"),
    ("AI agent infrastructure;", "2026"),
    ("GPU compute availability;", "2026"),
    ("1,000+ robotaxis operating in China as of 2025", "2025"),
    ("40M+ videos/month (2025)", "2025"),
    ("Manus (March 2025)", "2025-03"),
    ("no enacted federal AI law as of May 2026", "2026-05"),  # beats (2023) and (Oct 2023)
    ("without Chinese phone number as of 2025", "2025"),
    ("$5.6M per reported estimate, Dec 2024", "2024-12"),
    ("near-parity in 2024–2025", "2025"),
    ("without Chinese phone numbers as of 2025", "2025"),
    ("have reached GPT-4o-level benchmarks", "2026"),  # answers "... in 2026?"
    ("DeepSeek-V3 (December 2024) set open-source records", "2024-12"),
    ("DeepSeek-V3 (Dec 2024) exceeded GPT-4o", "2024-12"),
    ("DeepSeek-R1 (Jan 2025) matches o1", "2025-01"),
    ("global efficiency standard in 2024–2025", "2025"),
]


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed page is not on this machine ({SEED})")
    return SEED.read_text(encoding="utf-8")


def test_every_dated_statement_of_the_seed_is_found_with_its_precision():
    drafts = import_page(seed_text(), page="china-us-ai")
    assert len(drafts) == len(SEED_DATED)
    for fragment, as_of in SEED_DATED:
        draft = one(drafts, fragment)
        assert str(draft.as_of) == as_of, fragment
        assert draft.date_source == "stated"
    thesis = one(drafts, "Qwen3 (Apache 2.0, April 2026)")
    assert thesis.dates_found == ["April 2026", "December 2024"]
    assert (thesis.section, thesis.subject) == ("Thesis / paragraph 1", "Qwen3")
    policy = one(drafts, "as of May 2026")
    assert policy.dates_found == ["(2023)", "(Oct 2023)", "as of May 2026"]
    assert (
        policy.section == "Full dimension comparison / table: Dimension / row: Policy environment"
    )
    assert one(drafts, "Manus (March 2025)").subject == "Manus"
    assert one(drafts, "DeepSeek-R1 (Jan 2025)").section == "FAQ / list item 6"


def test_the_seed_with_a_page_date_adds_its_undated_checkable_rows():
    page_date = AsOf.parse("2026-05")
    drafts = import_page(seed_text(), page="china-us-ai", page_date=page_date)
    ids = [d.id for d in drafts]
    assert len(set(ids)) == len(ids)
    assert one(drafts, "Qwen3-30B-A3B (MoE, 3B active)").as_of == page_date
    assert one(drafts, "Huawei Ascend 910B ≈ 70–80%").date_source == "page"
    assert not [d for d in drafts if "not asking who is" in d.text]  # rhetorical
    assert not [d for d in drafts if d.text.endswith("?")]
    assert all(d.date_source == "stated" for d in drafts if any(f in d.text for f, _ in SEED_DATED))
