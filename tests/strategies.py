"""
Hypothesis strategies for the project's own tests.

They are the public ones from :mod:`lazada_eligibility.testing`, so the
project tests with exactly what embedders get; test-only strategies go here.
"""

from __future__ import annotations

import json as _json
from pathlib import Path as _Path

from hypothesis import strategies as _st

from lazada_eligibility.testing import *  # noqa: F403
from lazada_eligibility.testing import __all__ as _public

__all__ = list(_public)


# -- hostile input: mutations of a valid application document -----------------------------

_EXAMPLE = _json.loads(
    (_Path(__file__).parent.parent / "examples" / "eligible.json").read_text("utf-8")
)
HOSTILE_TEXT = (
    "",
    " ",
    "\n",
    "Evil\nis held by application X",
    "\x1b[2J\x1b[31mred",
    "\u202egnp.exe",
    "\ufeffA1",
    "\u200b",
    "\x00",
    "1e1000000",
    "-1e1000000",
    "1e26",
    "9" * 5000,
    "NaN",
    "Infinity",
    "0." + "0" * 300 + "1",
    "mobile",
    "Amazon Malaysia",
    "9999-12",
    "0000-01",
)
_PATHS = (
    ("applicant",),
    ("category",),
    ("id",),
    ("market",),
    ("stores", 0, "platform"),
    ("stores", 0, "store_id"),
    ("stores", 0, "name"),
    ("stores", 0, "category"),
    ("stores", 0, "turnover", 0, "month"),
    ("stores", 0, "turnover", 0, "amount", "amount"),
    ("stores", 0, "turnover", 1, "amount", "currency"),
)


def _set(doc: object, path: tuple[object, ...], value: object) -> None:
    for key in path[:-1]:
        doc = doc[key]  # type: ignore[index]
    doc[path[-1]] = value  # type: ignore[index]


@_st.composite
def hostile_documents(draw: _st.DrawFn) -> bytes:
    """
    Bytes of an application document, mutated as an adversary or a broken exporter would.
    """
    doc = _json.loads(_json.dumps(_EXAMPLE))
    for _ in range(draw(_st.integers(1, 3))):
        path = draw(_st.sampled_from(_PATHS))
        value = draw(
            _st.sampled_from(HOSTILE_TEXT)
            | _st.text(max_size=20)
            | _st.integers(-(10**30), 10**30)
            | _st.just(None)
            | _st.just([])
            | _st.just({"amount": "1"})
        )
        _set(doc, path, value)
    text = _json.dumps(doc, ensure_ascii=draw(_st.booleans()))
    kind = draw(_st.sampled_from(("plain", "surrogate", "repeat", "deep", "cut", "bytes", "bom")))
    if kind == "surrogate":
        text = text.replace('"A2X9K4PLMN7Q"', '"\\ud800"')
    elif kind == "repeat":
        text = text.replace('"platform": ', '"platform": "\u6dd8\u5b9d", "platform": ', 1)
    elif kind == "deep":
        depth = draw(_st.sampled_from((65, 1000, 100_000)))
        text = text.replace('"stores": [', '"stores": ' + "[" * depth, 1) + "]" * depth
    elif kind == "cut":
        text = text[: draw(_st.integers(0, len(text)))]
    data = text.encode("utf-8", "surrogatepass")
    if kind == "bytes":
        at = draw(_st.integers(0, len(data)))
        data = data[:at] + draw(_st.binary(min_size=1, max_size=4)) + data[at:]
    elif kind == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


__all__ += ["HOSTILE_TEXT", "hostile_documents"]


# -- near-canonical turnover: what a reader's shortcut could wrongly accept -----------------

NEAR_AMOUNTS = (
    "0", "1000", "1000.00", "999.999999", "999.9999999", "0.5", ".5", "5.", "0100", "-0",
    "-1", "+1", " 1", "1 ", "1_000", "1e3", "1E3", "NaN", "Infinity", "\uff11\uff10\uff10\uff10", "\u0661\u0660\u0660\u0660",
    "999999999999999", "1000000000000000", "999999999999999.999999", "", "1,000.00",
)  # fmt: skip
NEAR_CURRENCIES = ("USD", "usd", " USD", "USD ", "XXX", "ZZZ", "US$", "", "\uff35\uff33\uff24")
NEAR_MONTHS = ("2026-09", "2026/9", "Sep 2026", "2026年9月", "2026-13", "2026-00", " 2026-09",
               "0000-01", "\uff12\uff10\uff12\uff16-09", "")  # fmt: skip
NEAR_CATEGORIES = (None, "mobiles", "", " ", "\t", "x" * 200, "x" * 201, 5)


@_st.composite
def near_turnover(draw: _st.DrawFn) -> dict[str, object]:
    """
    A turnover record in the canonical shape whose values are valid, or nearly so.
    """
    amount = draw(
        _st.sampled_from(NEAR_AMOUNTS)
        | _st.from_regex(r"[0-9]{1,17}(\.[0-9]{0,8})?", fullmatch=True)
    )
    record: dict[str, object] = {
        "month": draw(_st.sampled_from(NEAR_MONTHS)),
        "amount": {"amount": amount, "currency": draw(_st.sampled_from(NEAR_CURRENCIES))},
    }
    category = draw(_st.sampled_from(NEAR_CATEGORIES))
    if category is not None or draw(_st.booleans()):
        record["category"] = category
    return record


__all__ += ["NEAR_AMOUNTS", "near_turnover"]
