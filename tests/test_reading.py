"""
The one reader for input documents, and terminal-safe text.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import ValidationError
from lazada_eligibility._reading import (
    check_csv,
    check_nesting,
    decode,
    loads,
    read_bytes,
    structure_problems,
)
from lazada_eligibility._terminal import escape, safe_text


class TestLoads:
    def test_same_as_json_for_plain_documents(self):
        """A plain document reads as json.loads reads it."""
        text = '{"a": [1, 2.5, "x", null, true, {"b": {}}]}'
        assert json.loads(text) == loads(text)

    @given(st.recursive(st.none() | st.integers() | st.text(), lambda c: st.lists(c, max_size=3)))
    def test_round_trips_any_json(self, value):
        """Any JSON value json.dumps writes reads back equal."""
        text = json.dumps(value)
        if text.count("[") <= 64:
            assert value == loads(text)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('{"a": 1, "a": 2}', "a: repeated key"),
            ('{"s": [{"p": 1, "q": 0, "p": 2}]}', "s[0].p: repeated key"),
            ('{"a": {"b": 1, "b": 1}, "c": 2, "c": 3}', "2 problems: a.b: repeated key; c: repeated key"),
            ('["\\ud800"]', "[0]: text that is not valid Unicode"),
            ('{"k": "\\uDFFF"}', "k: text that is not valid Unicode"),
            ("[" * 65 + "]" * 65, "nested deeper than 64 levels at line 1, column 65"),
            ("[" * 100_000, "nested deeper than 64 levels at line 1, column 65"),
            ("1" * 4301, "not JSON this library reads: a number with 4,301 digits (at most 4,300)"),
            ("-" + "1" * 4301, "not JSON this library reads: a number with 4,301 digits (at most 4,300)"),
            ("", "not JSON: empty"),
            ("{oops", "not JSON: Expecting property name enclosed in double quotes at column 2"),
        ],
    )  # fmt: skip
    def test_refuses(self, text, message):
        """Repeated keys, surrogates, deep nesting and huge numbers are refused, saying where."""
        with pytest.raises(ValidationError) as e:
            loads(text)
        assert message == str(e.value)

    def test_brackets_in_strings_do_not_nest(self):
        """Brackets inside strings are text, not nesting."""
        text = json.dumps({"a": "[" * 1000, "b": "{" * 1000})
        assert "[" * 1000 == loads(text)["a"]

    def test_escaped_backslash_is_not_a_surrogate(self):
        """An escaped backslash followed by ud800 is ordinary text, accepted."""
        assert ["\\ud800"] == loads('["\\\\ud800"]')

    def test_byte_order_mark(self):
        """A UTF-8 byte-order mark is accepted, in bytes and in text."""
        assert {} == loads(b"\xef\xbb\xbf{}")
        assert {} == loads("\ufeff{}")

    def test_4300_digits_accepted(self):
        """A whole number of exactly 4,300 digits is still read."""
        assert 4300 == len(str(loads("9" * 4300)))

    def test_structure_of_other_mappings(self):
        """The structure walk finds surrogates in keys and values of any mapping, at any depth."""
        deep: object = "\ud800"
        for _ in range(10_000):
            deep = [deep]
        problems = structure_problems({"a": deep, "\udfff": 1})
        assert ["", "a" + "[0]" * 10_000] == [p.path for p in problems]


class TestDecodeAndRead:
    def test_not_utf8_names_the_byte_and_line(self):
        """Bytes that are not UTF-8 are refused naming the byte (1-based) and the line."""
        with pytest.raises(
            ValidationError, match=r"^not UTF-8 text: invalid start byte at byte 6 \(line 2\)$"
        ):
            decode(b"ab\ncd\xff")  # fmt: skip

    def test_size_checked_before_reading_all(self, tmp_path):
        """A file over the limit is refused after reading one byte past it."""
        path = tmp_path / "big"
        path.write_bytes(b"x" * 101)
        with pytest.raises(ValidationError, match="larger than 100 bytes"):
            read_bytes(path, 100)

    def test_exact_limit_accepted(self, tmp_path):
        """A file of exactly the limit is read."""
        path = tmp_path / "ok"
        path.write_bytes(b"x" * 100)
        assert b"x" * 100 == read_bytes(path, 100)

    def test_csv_field_limit(self):
        """A CSV field over csv's limit is refused naming the line."""
        check_csv("a,b\n1,2\n")
        with pytest.raises(
            ValidationError, match=r"^line 3: not CSV this library reads: field larger"
        ):
            check_csv("a,b\n1,2\n3," + "4" * 200_000 + "\n")  # fmt: skip

    def test_nesting_in_toml_comments(self):
        """Brackets in TOML comments and strings do not count as nesting."""
        check_nesting("# " + "[" * 100 + "\nx = '" + "[" * 100 + "'\n")
        with pytest.raises(ValidationError, match="line 2, column 69"):
            check_nesting("a = 1\nx = " + "[" * 70, limit=64)


class TestTerminal:
    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("plain text, 中文, ไทย", "plain text, 中文, ไทย"),
            ("a\nb", "a\\nb"),
            ("\x1b[2J", "\\x1b[2J"),
            ("\u202egnp", "\\u202egnp"),
            ("zero\u200bwidth", "zero\\u200bwidth"),
            ("\x7f\x85", "\\x7f\\x85"),
            ("\u2028", "\\u2028"),
            ("\ud800", "\\ud800"),
            ("\U000e0001", "\\U000e0001"),
            ("tab\there", "tab\\there"),
        ],
    )
    def test_escape(self, text, shown):
        """Controls, format characters, separators and surrogates are shown escaped."""
        assert shown == escape(text)

    @given(st.text())
    def test_escaped_text_is_one_printable_line(self, text):
        """Whatever a string holds, escaped it is one line of printable characters."""
        shown = escape(text)
        assert "\n" not in shown
        assert shown.isprintable()

    def test_safe_text_keeps_its_own_lines(self):
        """Rendered text keeps its line breaks; user strings within it lose theirs."""
        name = "Evil\nis held by application X"
        text = f"Applicant: {name}\nVerdict: pass"
        assert "Applicant: Evil\\nis held by application X\nVerdict: pass" == safe_text(
            text, [name]
        )
