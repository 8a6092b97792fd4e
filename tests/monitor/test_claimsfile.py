"""Claims files: precision kept, mistakes listed whole, sources cross-checked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.claimsfile import load_claims
from monitor.problems import ConfigError
from rules.asof import Precision
from tests.conftest import CLAIMS, EXAMPLE


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_claims_keep_their_precision(tmp_path: Path) -> None:
    text = (
        CLAIMS + '\n[[claim]]\nid = "day"\npage = "p"\ntext = "t"\nas_of = 2026-04-15\n'
        'review_every = "2w"\n'
    )
    claims = {c.id: c for c in load_claims([_write(tmp_path, text)], {"hf-qwen"})}
    assert str(claims["qwen3-release"].as_of) == "2026-04"
    assert claims["qwen3-release"].as_of.precision is Precision.MONTH
    assert str(claims["cac-rules"].as_of) == "2023"
    assert claims["cac-rules"].review_every is None
    assert str(claims["day"].as_of) == "2026-04-15"  # a bare TOML date stays a day
    assert claims["day"].review_every == timedelta(weeks=2)
    assert claims["qwen3-release"].released is not None
    assert claims["qwen3-release"].watch == ("hf-qwen",)


def test_every_mistake_is_listed_and_nothing_is_returned(tmp_path: Path) -> None:
    text = CLAIMS.replace('as_of = "2026-04"', 'as_of = "April 2026"')  # bad date
    text = text.replace('review_every = "never"', 'review_every = "never"\ncolour = "red"')
    text = text.replace('watch = ["hf-qwen"]', 'watch = ["hf-qwen", "nowhere"]')
    text += (
        '\n[[claim]]\nid = "cac-rules"\npage = "p"\ntext = "t"\nas_of = "2024"\n'
        'review_every = "1y"\n'
    )
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_claims([path], {"hf-qwen"})
    message = str(caught.value)
    assert len(caught.value.problems) == 4
    assert "'April 2026' is not a date" in message
    assert "unknown key 'colour'" in message
    assert "watch names 'nowhere'" in message
    assert "duplicate claim id 'cac-rules'" in message


def test_impossible_date_and_bad_interval(tmp_path: Path) -> None:
    text = (
        '[[claim]]\nid = "a"\npage = "p"\ntext = "t"\nas_of = "2026-02-30"\nreview_every = "soon"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_claims([_write(tmp_path, text)])
    assert "not a real date" in str(caught.value)
    assert "'soon' is not a duration" in str(caught.value)


def test_example_claims_are_valid_and_many() -> None:
    from monitor.config import load_config

    config = load_config(EXAMPLE / "claimwatch.toml")
    claims = load_claims(config.claims_files, {s.id for s in config.sources})
    assert 35 <= len(claims) <= 60
    page = (EXAMPLE / "page.md").read_text(encoding="utf-8")
    missing = [c.id for c in claims if c.text not in page]
    assert missing == [], "claim text must be an exact substring of page.md"


def test_roles_load_and_round_trip_through_the_store(tmp_path: Path) -> None:
    from rules.claim import Leaders
    from storage.claims import claim_values, row_to_claim
    from storage.models import ClaimRow

    text = """
[[claim]]
id = "us-frontier"
page = "p"
text = "GPT-4o, Claude 3.7 and Gemini 2.0 lead; open models cost less than GPT-4o"
as_of = "2026-05"
review_every = "60d"
latest = ["GPT-4o", "Claude 3.7", "Gemini 2.0"]
baseline = ["GPT-4o"]
about = "Qwen3"
closed = ["Moonshot"]
open = ["Qwen3"]
[claim.leaders]
names = ["Llama 4", "Mistral"]
region = "us"
"""
    (claim,) = load_claims([_write(tmp_path, text)])
    assert claim.latest == ("GPT-4o", "Claude 3.7", "Gemini 2.0")
    assert claim.baseline == ("GPT-4o",)
    assert claim.about == "Qwen3"
    assert claim.leaders == Leaders(("Llama 4", "Mistral"), "us", "open")
    assert claim.closed == ("Moonshot",) and claim.open == ("Qwen3",)
    values = claim_values(claim)
    row = ClaimRow(id=claim.id, **values)
    assert row_to_claim(row) == claim


def test_leaders_need_a_known_region(tmp_path: Path) -> None:
    text = """
[[claim]]
id = "x"
page = "p"
text = "t"
as_of = "2026"
review_every = "90d"
[claim.leaders]
names = ["Llama 4"]
region = "mars"
"""
    with pytest.raises(ConfigError, match="region"):
        load_claims([_write(tmp_path, text)])


@pytest.mark.parametrize(
    ("extra", "about", "latest", "note"),
    [
        # a family with a fact is that fact's scope only: a licence is not "the latest"
        ('license = "apache-2.0"', "Qwen3", (), 'read as about = "Qwen3"'),
        ('released = "2025-04"', "Qwen3", (), 'read as about = "Qwen3"'),
        ('exists = ["Qwen/Qwen3-8B"]', "Qwen3", (), 'read as about = "Qwen3"'),
        # alone, it names the latest of its line
        ("", None, ("Qwen3",), 'read as latest = ["Qwen3"]'),
        # explicit roles win over the legacy key
        ('baseline = ["Qwen3"]', None, (), "ignored: the claim states its roles"),
    ],
)
def test_legacy_family_maps_onto_roles_and_config_check_says_so(
    tmp_path: Path, extra: str, about, latest, note
) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli
    from tests.conftest import write_config

    claims = f"""
[[claim]]
id = "q"
page = "p"
text = "Qwen3"
as_of = "2025-04"
review_every = "90d"
family = "Qwen3"
{extra}
"""
    (claim,) = load_claims([_write(tmp_path, claims)])
    assert (claim.about, claim.latest) == (about, latest)
    config = write_config(tmp_path / "cfg", claims=claims)
    result = CliRunner().invoke(cli, ["--config", str(config), "config", "check"])
    assert result.exit_code == 0, result.output
    assert f"note: claim 'q': family = \"Qwen3\" {note}" in result.output


def test_a_historical_family_is_never_read_as_latest(tmp_path: Path) -> None:
    text = """
[[claim]]
id = "glm"
page = "p"
text = "GLM-4.5 came out in July 2025"
as_of = "2025-07"
review_every = "never"
family = "GLM-4.5"
"""
    (claim,) = load_claims([_write(tmp_path, text)])
    assert claim.latest == () and claim.about == "GLM-4.5"
