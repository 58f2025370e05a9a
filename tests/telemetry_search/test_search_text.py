"""A span's searchable text: values of input, output and other fields, never keys or roles."""

from __future__ import annotations

import json

from aitower.telemetry.content_search import snippet
from aitower.telemetry.search_text import search_text


def test_messages_sent_as_json_are_searched_as_their_words() -> None:
    content = {
        "input": json.dumps([{"role": "user", "content": "Grüße, my IBAN is DE89\nnext"}]),
        "output": [{"role": "assistant", "content": "noted"}],
        "other": {"gen_ai.tool.call.arguments": '{"account": "DE8937"}', "n": 3},
    }
    assert search_text(content) == "Grüße, my IBAN is DE89\nnext\nnoted\nDE8937\n3"


def test_text_that_is_not_json_is_kept_as_it_is() -> None:
    assert search_text({"input": "[not json", "output": None}) == "[not json"
    assert search_text(None) == ""
    assert search_text({"input": None, "output": None}) == ""


def test_nul_becomes_the_replacement_character() -> None:
    assert search_text({"input": "a\x00b", "output": None}) == "a\ufffdb"


def test_snippet_keeps_eighty_characters_either_side_and_says_where_the_match_is() -> None:
    body = "x" * 100 + "IBAN DE89" + "y" * 100
    found = snippet(body, "iban")
    assert found.match == "IBAN"
    assert found.before == "x" * 80 and found.after == " DE89" + "y" * 75
    assert found.cut_before and found.cut_after
    short = snippet("my iban", "IBAN")
    assert (short.start, short.end, short.cut_before, short.cut_after) == (3, 7, False, False)
