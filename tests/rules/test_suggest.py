import pytest

from rules.suggest import edit_sentence, find_span


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        ("GPT-4o (OpenAI), Claude 3.7 (Anthropic)",
         [("GPT-4o", "GPT-5.1"), ("Claude 3.7", "Claude Opus 4.5")],
         "GPT-5.1 (OpenAI), Claude Opus 4.5 (Anthropic)"),
        ("Qwen3 (released April 2026)", [("April 2026", "April 2025")],
         "Qwen3 (released April 2025)"),
        # a span inside a longer name is no span
        ("Qwen3-30B-A3B equals Qwen3.5 and Qwen3", [("Qwen3", "Qwen3.5")],
         "Qwen3-30B-A3B equals Qwen3.5 and Qwen3.5"),
        ("GPT-4o.", [("GPT-4o", "GPT-5")], "GPT-5."),
        # nothing applies
        ("Llama 4", [("Llama 3", "Llama 4")], None),
        ("Llama 4", [("Llama 4", "Llama 4")], None),
        # overlapping edits keep the first
        ("Meta Llama 4", [("Llama 4", "Llama 5"), ("Meta Llama 4", "x")], "Meta Llama 5"),
    ],
)
def test_edit_sentence(text, edits, expected):
    assert edit_sentence(text, edits) == expected


def test_find_span_is_case_insensitive_and_whole_word():
    assert find_span("Meta's llama 4; Mistral", "Llama 4") == 7
    assert find_span("Llama 40", "Llama 4") == -1
