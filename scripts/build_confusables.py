"""
Build the package's look-alike table from Unicode's confusables data.

Store ids are keyed on a confusable skeleton (Unicode TR39, section 4) of
their characters outside ASCII, so that ``A2X9K4PLMN7Q`` written with
Cyrillic look-alike capitals and the Latin one are one store. The runtime may depend
only on attrs, python-dateutil and babel, so the table ships as package data,
written by this script from the ``confusables.json`` of the
``confusable-homoglyphs`` distribution (a development dependency, pinned in
``pyproject.toml``), which holds Unicode's ``confusables.txt`` as pairs.

Why that source: it is the confusables table maintained on PyPI with the
widest use, it carries Unicode's data verbatim (source, prototype and the
characters' names), and it needs no compiler (PyICU would, and would bring
the ICU data of the build machine, not a pinned one).

What is written: for every character outside ASCII that Unicode lists as
confusable, the skeleton it folds to. ``confusables.txt`` maps each source
character to one prototype; the pairs in ``confusables.json`` are stored both
ways, so each equivalence class is rebuilt with a union-find and its
prototype is the member that every other member points to (the star's
centre; for a class of two, either member, chosen by code point).

ASCII characters are never folded: ``0`` and ``O`` or ``l`` and ``1`` are
different characters in every platform's ids, and folding them would make two
real stores one. So a character outside ASCII folds to the one ASCII
character of its class when there is one (Cyrillic small a to ``a``); when
its class holds several (Cyrillic capital O looks like ``O`` and ``0``) it is
listed as *ambiguous*, and ids holding it are refused, since no fold could
say which store it imitates; otherwise it folds to the class's prototype,
expanded until every character in it is a fixed point.

The output is deterministic; a test checks that the committed file is what
this script writes::

    python scripts/build_confusables.py [-o OUTPUT] [--check]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "src/lazada_eligibility/data/confusables.json"
DISTRIBUTION = "confusable-homoglyphs"
_MAX_EXPANSIONS = 8


def _pairs() -> dict[str, list[str]]:
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data = json.loads(text)
    # The distribution read its pairs from the comments of confusables.txt,
    # where right-to-left characters stand between LEFT-TO-RIGHT MARKs.
    pairs: dict[str, list[str]] = {}
    for key, entries in data.items():
        pairs.setdefault(_bare(key), []).extend(_bare(entry["c"]) for entry in entries)
    return pairs


def _bare(text: str) -> str:
    return text.replace("\u200e", "").replace("\u200f", "")


def _find(parent: dict[str, str], node: str) -> str:
    root = node
    while parent[root] != root:
        root = parent[root]
    while parent[node] != root:
        parent[node], node = root, parent[node]
    return root


def _classes(pairs: dict[str, list[str]]) -> dict[str, list[str]]:
    parent: dict[str, str] = {}
    degree: dict[str, int] = {}
    for key, others in pairs.items():
        for other in others:
            for node in (key, other):
                parent.setdefault(node, node)
                degree[node] = degree.get(node, 0) + 1
            a, b = _find(parent, key), _find(parent, other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    classes: dict[str, list[str]] = {}
    for node in parent:
        classes.setdefault(_find(parent, node), []).append(node)
    # Each class keyed by its prototype, the centre of the star: several-
    # character strings are never sources in confusables.txt, so they win.
    return {
        min(members, key=lambda m: (-degree[m] - 1000 * (len(m) > 1), m)): sorted(members)
        for members in classes.values()
    }


def skeletons(pairs: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """
    Return the fold of every non-ASCII character in *pairs*, and the ambiguous ones.

    The second mapping gives each ambiguous character the ASCII characters it resembles.
    """
    fold: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for prototype, members in _classes(pairs).items():
        ascii_chars = [m for m in members if len(m) == 1 and m.isascii()]
        for char in members:
            if len(char) != 1 or char.isascii():
                continue
            if len(ascii_chars) > 1:
                ambiguous[char] = "".join(ascii_chars)
            elif ascii_chars:
                fold[char] = ascii_chars[0]
            elif prototype != char:
                fold[char] = prototype
    for char, text in list(fold.items()):
        expanded = _expand(char, text, fold, ambiguous)
        if expanded is None:
            ambiguous[char] = "".join(sorted({a for c in text for a in ambiguous.get(c, "")}))
            del fold[char]
        else:
            fold[char] = expanded
    return dict(sorted(fold.items())), dict(sorted(ambiguous.items()))


def _expand(char: str, text: str, fold: dict[str, str], ambiguous: dict[str, str]) -> str | None:
    # Fold the characters of a prototype until none changes; None when one is ambiguous.
    for _ in range(_MAX_EXPANSIONS):
        if any(c in ambiguous for c in text):
            return None
        expanded = "".join(fold.get(c, c) for c in text)
        if expanded == text:
            return text
        text = expanded
    raise SystemExit(f"the fold of U+{ord(char):04X} does not settle")  # pragma: no cover


def render() -> str:
    """
    Return the text of the data file.
    """
    version = importlib.metadata.version(DISTRIBUTION)
    fold, ambiguous = skeletons(_pairs())
    document = {
        "description": (
            "Look-alike characters outside ASCII and the TR39 skeleton each folds to, "
            "for store ids; written by scripts/build_confusables.py."
        ),
        "source": f"{DISTRIBUTION} {version} (confusables.json: Unicode confusables.txt)",
        "skeletons": fold,
        "ambiguous": ambiguous,
    }
    return json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """
    Write the table, or with ``--check`` say whether the committed one is current.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text("utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is out of date: run scripts/build_confusables.py", file=sys.stderr
            )
            return 1
        return 0
    args.output.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
