"""
Build the package's Lazada category tree from the research snapshot.

Reads the storefront category menu collected in
``../shared/research/lazada-ph-storefront-categories.json`` (level-1 ids are
slugs, deeper ids are Lazada's numeric ids) and writes
``src/lazada_eligibility/data/categories.json``, where every category has a
unique lowercase slug id and keeps Lazada's numeric id as ``lazada_id``.

Slugs are the ASCII-folded, lower-cased name with ``&`` and apostrophes
dropped and every other run of punctuation or spaces turned into one ``-``.
Where two categories would get the same slug, the lower-level one is
prefixed with its parent's slug; within one level all of them are, and again
with the next ancestor until every slug is unique. Same-named siblings get
their Lazada id as a suffix. A few ids that code and
policies name are fixed by :data:`OVERRIDES`.

The output is deterministic: running the script twice on the same snapshot
writes the same bytes, and a test checks that the committed file is what the
script writes. Uses the standard library only, so it runs without installing
the package::

    python scripts/build_categories.py [RESEARCH_JSON] [-o OUTPUT] [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / "../shared/research/lazada-ph-storefront-categories.json"
DEFAULT_OUTPUT = REPO / "src/lazada_eligibility/data/categories.json"

#: Research id -> our id, for the ids that code, policies and docs name.
OVERRIDES = {
    "electronic-devices": "electronic-devices",
    "electronic-accessories": "electronic-accessories",
    "tv-home-appliances": "tv-home-appliances",
    "health-beauty": "health-beauty",
    "babies-toys": "babies-toys",
    "groceries-pets": "groceries-pets",
    "home-living": "home-living",
    "womens-fashion-accessories": "womens-fashion",
    "mens-fashion-accessories": "mens-fashion",
    "kids-fashion-accessories": "kids-fashion",
    "sports-lifestyle": "sports-lifestyle",
    "automotive-motorcycles": "automotive-motorcycles",
    "digital-goods": "digital-goods",
    "5121": "mobiles",
    "5120": "tablets",
    "5149": "laptops",
    "5148": "desktop-computers",  # Lazada "Desktops"
    "5185": "cameras",  # Lazada "Digital Cameras"
    # Both "Accessories" would otherwise become "womens-fashion-accessories"
    # and "mens-fashion-accessories", the research ids of two level-1s.
    "7346": "womens-accessories",
    "7276": "mens-accessories",
}

#: Named sets of categories that count as one top level for matching.
GROUPS = {
    "3c-digital": {
        "name": "3C digital",
        "description": (
            "Computers, communication and consumer electronics: Lazada's "
            "Electronic Devices and Electronic Accessories, which the storefront "
            "splits but sellers and the source rule treat as one category."
        ),
        "members": ["electronic-devices", "electronic-accessories"],
    },
}

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def slugify(name: str) -> str:
    """Return the slug of a category name: ``"Home Décor"`` -> ``home-decor``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = re.sub(r"['\u2019&]", "", folded.lower())
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def build(research: dict[str, Any]) -> dict[str, Any]:
    """Return the package data document for the research document."""
    entries: list[dict[str, Any]] = research["categories"]
    parents = _parent_indexes(entries)
    slugs: list[str] = [""] * len(entries)
    for level in sorted({e["level"] for e in entries}):
        indexes = [i for i, e in enumerate(entries) if e["level"] == level]
        taken = {s for s in slugs if s}
        _assign_level(entries, indexes, parents, slugs, taken)
    categories = [
        {
            "id": slugs[i],
            "name": e["name"],
            "parent": None if (parent := parents[i]) is None else slugs[parent],
            "level": e["level"],
            "lazada_id": None if e["level"] == 1 else e["id"],
        }
        for i, e in enumerate(entries)
    ]
    return {"source": research["source"], "groups": GROUPS, "categories": categories}


def _parent_indexes(entries: list[dict[str, Any]]) -> list[int | None]:
    # Lazada lists some level-3 categories under two parents with one id, so
    # ids are unique only among the categories that are someone's parent.
    by_id: dict[tuple[int, str], int] = {}
    for i, e in enumerate(entries):
        key = (e["level"], e["id"])
        if key in by_id and e["level"] < 3:
            raise SystemExit(f"ambiguous parent id {e['id']!r} at entry {i}")
        by_id.setdefault(key, i)
    parents: list[int | None] = []
    for i, e in enumerate(entries):
        if e["parent"] is None:
            parents.append(None)
            continue
        parent = by_id.get((e["level"] - 1, e["parent"]))
        if parent is None:
            raise SystemExit(f"entry {i}: unknown parent {e['parent']!r}")
        parents.append(parent)
    return parents


def _assign_level(
    entries: list[dict[str, Any]],
    indexes: list[int],
    parents: list[int | None],
    slugs: list[str],
    taken: set[str],
) -> None:
    fixed = {i for i in indexes if entries[i]["id"] in OVERRIDES}
    candidate = {i: OVERRIDES.get(entries[i]["id"]) or slugify(entries[i]["name"]) for i in indexes}
    # Lazada has a few same-named siblings (two "Crackers & Biscuits" under
    # one parent); no ancestor tells them apart, their own ids do.
    siblings = Counter((parents[i], candidate[i]) for i in indexes)
    for i in indexes:
        if i not in fixed and siblings[parents[i], candidate[i]] > 1:
            candidate[i] = f"{candidate[i]}-{entries[i]['id']}"
    ancestor = {i: parents[i] for i in indexes}
    while True:
        counts = Counter(candidate.values())
        clashing = [
            i
            for i in indexes
            if i not in fixed and (counts[candidate[i]] > 1 or candidate[i] in taken)
        ]
        if not clashing:
            break
        for i in clashing:
            up = ancestor[i]
            if up is None:
                raise SystemExit(f"cannot make a unique slug for entry {i}")
            candidate[i] = f"{slugs[up]}-{candidate[i]}"
            ancestor[i] = parents[up]
    for i in indexes:
        if not _SLUG.fullmatch(candidate[i]):
            raise SystemExit(f"entry {i}: bad slug {candidate[i]!r}")
        slugs[i] = candidate[i]
    if len({slugs[i] for i in indexes} | taken) != len(indexes) + len(taken):
        raise SystemExit("override ids clash with other categories")


def render(document: dict[str, Any]) -> str:
    """Return *document* as JSON text with one category per line."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{", f'  "source": {dump(document["source"])},', '  "groups": {']
    groups = list(document["groups"].items())
    for n, (group_id, group) in enumerate(groups):
        comma = "," if n < len(groups) - 1 else ""
        lines.append(f"    {dump(group_id)}: {dump(group)}{comma}")
    lines += ["  },", '  "categories": [']
    categories = document["categories"]
    for n, category in enumerate(categories):
        comma = "," if n < len(categories) - 1 else ""
        lines.append(f"    {dump(category)}{comma}")
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the script; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("research", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if OUTPUT differs from what would be written",
    )
    args = parser.parse_args(argv)
    research = json.loads(args.research.read_text(encoding="utf-8"))
    text = render(build(research))
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != text.encode("utf-8"):
            print(f"{args.output} is out of date; run {Path(__file__).name}")
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    print(f"wrote {len(research['categories'])} categories to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
