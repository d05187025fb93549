"""
Extract, update and compile the message catalogs, with babel's own machinery.

Run from anywhere::

    python scripts/update_catalogs.py           # rewrite what is out of date
    python scripts/update_catalogs.py --check   # only report it; exit 1 if any

1. extract: the messages marked ``N_("...")`` in ``src/lazada_eligibility``
   and the names of the top-level categories and category groups in
   ``data/categories.json`` (context ``category``) go to ``locale/messages.pot``;
2. update: each ``locale/<lang>/LC_MESSAGES/messages.po`` is brought in line
   with the template (new messages empty, gone ones dropped; the English
   catalog copies each message as its own translation);
3. compile: each ``.po`` becomes ``messages.mo``.

A file is rewritten only when its messages change, so a run that changes
nothing leaves the tree alone. Fuzzy matching is off: a changed English
message starts untranslated rather than with a stale guess.
"""

from __future__ import annotations

import argparse
import gettext
import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lazada_eligibility"
LOCALE_DIR = PACKAGE / "locale"
LANGUAGES = ("en", "zh_Hans", "ms", "th", "id", "vi", "fil")
PROJECT = "lazada-eligibility"
COPYRIGHT = "lazada_eligibility maintainers"
# Header lines that change with the clock or babel's version, not with the messages.
VOLATILE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')


def extract() -> Catalog:
    """
    Return the template: every marked message and every top-level category name.
    """
    template = Catalog(project=PROJECT, copyright_holder=COPYRIGHT, fuzzy=False)
    found = extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords={"N_": None},
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, _lineno, message, comments, context in found:
        template.add(message, None, [(filename, 0)], auto_comments=comments, context=context)
    data = json.loads((PACKAGE / "data" / "categories.json").read_text("utf-8"))
    where = [("data/categories.json", 0)]
    for group_id, group in data["groups"].items():
        template.add(group["name"], None, where, auto_comments=[f"category group {group_id}"],
                     context="category")  # fmt: skip
    for category in data["categories"]:
        if category["level"] == 1:
            template.add(category["name"], None, where,
                         auto_comments=[f"top-level category {category['id']}"],
                         context="category")  # fmt: skip
    return template


def po_path(language: str) -> Path:
    """
    Return where the catalog of *language* lives.
    """
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def update(template: Catalog, language: str) -> Catalog:
    """
    Return the catalog of *language* brought in line with *template*.
    """
    path = po_path(language)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=language)
    else:
        catalog = Catalog(locale=language, project=PROJECT, copyright_holder=COPYRIGHT,
                          fuzzy=False)  # fmt: skip
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    if language == "en":
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    """
    Return *catalog* as ``.po`` text, without line numbers (they churn with every edit).
    """
    buf = io.BytesIO()
    write_po(buf, catalog, include_lineno=False, ignore_obsolete=True, width=100)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """
    Return *catalog* compiled, fuzzy translations left out.
    """
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _stable(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith(VOLATILE)]


def mo_messages(data: bytes) -> dict[str, str]:
    """
    Return the translations in compiled catalog *data*, without the header.
    """
    translations = gettext.GNUTranslations(io.BytesIO(data))
    found: dict[str, str] = dict(translations._catalog)  # type: ignore[attr-defined]  # noqa: SLF001 -- the one way to list a compiled catalog
    found.pop("", None)
    return found


def _write(path: Path, data: bytes, same: bool, check: bool, stale: list[Path]) -> None:
    if same:
        return
    stale.append(path)
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def run(check: bool = False, languages: Iterable[str] = LANGUAGES) -> list[Path]:
    """
    Extract, update and compile; return the files that were (or, with *check*, would be) rewritten.
    """
    stale: list[Path] = []
    template = extract()
    pot = po_bytes(template)
    pot_path = LOCALE_DIR / "messages.pot"
    old = pot_path.read_bytes() if pot_path.exists() else b""
    _write(pot_path, pot, _stable(pot) == _stable(old), check, stale)
    for language in languages:
        catalog = update(template, language)
        po = po_bytes(catalog)
        path = po_path(language)
        old = path.read_bytes() if path.exists() else b""
        _write(path, po, _stable(po) == _stable(old), check, stale)
        mo = mo_bytes(catalog)
        mo_path = path.with_suffix(".mo")
        old = mo_path.read_bytes() if mo_path.exists() else b""
        _write(mo_path, mo, bool(old) and mo_messages(mo) == mo_messages(old), check, stale)
    return stale


def main(argv: list[str] | None = None) -> int:
    """
    Run from the command line; with ``--check``, exit 1 when a catalog is out of date.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = run(check=args.check)
    for path in stale:
        verb = "out of date" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
