r"""
Terminal-safe text: user-supplied strings never move the cursor, fake a line or turn the text around (internal).

Ids, names and other strings from input files reach the text output of
every command. A line feed in an applicant name could add a line that looks
like the program's own, an ANSI escape could rewrite the screen, and a
right-to-left override could reverse what a reviewer reads. Text output
shows such characters escaped, as Python writes them (``\n``, ``\x1b``,
``\u202e``); JSON output stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["escape", "one_line", "safe_text"]

_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_unsafe(ch: str) -> bool:
    # What Python calls not printable: controls (C0, C1, DEL), format
    # characters (bidi controls, zero-width and invisible characters),
    # surrogates, private use, unassigned code points, line and paragraph
    # separators, and every space but the plain one.
    return not ch.isprintable()


def _show(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape(text: str) -> str:
    r"""
    Return *text* with every character Python calls not printable escaped.

    Example:
        >>> print(escape("Acme\nis held by application X\x1b[2J\u202e"))
        Acme\nis held by application X\x1b[2J\u202e
    """
    if text.isprintable():
        return text
    return "".join(_show(ch) if _is_unsafe(ch) else ch for ch in text)


def one_line(text: str) -> str:
    """
    Return *text* escaped, so that it is one line on a terminal whatever it holds.
    """
    return escape(text)


def safe_text(text: str, user_strings: Iterable[str] = ()) -> str:
    r"""
    Return rendered *text* safe for a terminal, keeping its own line breaks.

    The *user_strings* it may contain (ids, names) are escaped whole, line
    feeds included; any control or format character left is then escaped,
    line by line.

    Example:
        >>> print(safe_text("Applicant: A\nB\nDone", ["A\nB"]))
        Applicant: A\nB
        Done
    """
    for s in sorted(set(user_strings), key=len, reverse=True):
        if s and escape(s) != s:
            text = text.replace(s, escape(s))
    return "\n".join(_escape_controls(line) for line in text.split("\n"))


def _escape_controls(line: str) -> str:
    if line.isprintable():
        return line
    return "".join(_show(ch) if _is_unsafe(ch) else ch for ch in line)
