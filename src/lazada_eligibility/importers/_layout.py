"""
Finding the header of an export: its column names may come after a preamble, in any language.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from ..exceptions import ExportFormatError, ValidationError
from ._values import format_data, normalize

if TYPE_CHECKING:
    from ._engine import Importer

__all__ = [
    "Digest",
    "Field",
    "Layout",
    "UndecodableError",
    "blank",
    "csv_problem",
    "fields_of",
    "find_header",
    "open_lines",
]

_DELIMITERS: Final = (",", ";", "\t")


class Digest(Protocol):
    """
    What :func:`open_lines` needs of a hash object, such as ``hashlib.sha256()``.
    """

    def update(self, data: bytes, /) -> None:
        """
        Add *data* to the hash.
        """


@attrs.frozen
class Field:
    """
    A column an importer reads: its key, its names by language, whether required.
    """

    key: str
    names: Mapping[str, tuple[str, ...]]
    required: bool

    @property
    def label(self) -> str:
        """
        The name to show in messages: the English one when there is one.
        """
        return (self.names.get("en") or next(iter(self.names.values())))[0]


@attrs.frozen
class Layout:
    """
    Where the header is and which column holds each field.
    """

    line: int
    header: tuple[str, ...]
    index: Mapping[str, int]
    language: str | None
    preamble: tuple[tuple[str, ...], ...]
    delimiter: str


@contextlib.contextmanager
def open_lines(
    source: object, encoding: str, digest: Digest | None = None
) -> Iterator[tuple[str, Iterator[str]]]:
    """
    Yield the name of *source* (a path or a text or binary stream) and its lines.

    Args:
        source: The export.
        encoding: Its encoding, for paths and binary streams.
        digest: A hash to update with every byte read (with the text in
            UTF-8 for a text stream).

    Raises:
        FileNotFoundError: The path does not exist.
        TypeError: *source* is neither a path nor a stream.
    """
    if isinstance(source, str | PathLike):
        path = Path(source)
        with path.open("rb") as f:
            yield str(path), _decoded(_hashed(f, digest), encoding)
        return
    if not hasattr(source, "read"):
        msg = f"expected a path or an open text stream, got {source!r}"
        raise TypeError(msg)
    stream: Any = source
    name = getattr(stream, "name", None)
    label = name if isinstance(name, str) else "<stream>"
    if isinstance(stream.read(0), bytes):
        yield label, _decoded(_hashed(stream, digest), encoding)
    else:
        yield label, _without_bom(_hashed_text(stream, digest))


def _hashed(lines: Iterable[bytes], digest: Digest | None) -> Iterator[bytes]:
    for raw in lines:
        if digest is not None:
            digest.update(raw)
        yield raw


def _hashed_text(lines: Iterable[str], digest: Digest | None) -> Iterator[str]:
    for line in lines:
        if digest is not None:
            digest.update(line.encode("utf-8", "surrogatepass"))
        yield line


class UndecodableError(Exception):
    """
    A line that is not text in the export's encoding.
    """

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(line, reason)
        self.line = line
        self.reason = reason


def _decoded(lines: Iterable[bytes], encoding: str) -> Iterator[str]:
    # Line by line, so that a bad byte is reported on its own line. The
    # encodings of exports (UTF-8, Shift-JIS, GBK, Latin-1) never hide a
    # newline byte inside a character; UTF-16 does, and is not supported.
    decoder = codecs.getincrementaldecoder(encoding)()
    for number, raw in enumerate(lines, 1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError as e:
            raise UndecodableError(number, e.reason) from None


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    it = iter(lines)
    first = next(it, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from it


def csv_problem(error: csv.Error) -> str:
    """
    Say what a :class:`csv.Error` means for an export, in words for its reader.
    """
    text = str(error)
    if "field limit" in text:
        # The csv module's own limit (131,072 characters unless a program
        # changed it); raising it would be global state, and no export needs it.
        return (
            f"a field is longer than {csv.field_size_limit():,} characters, "
            "which no platform export has: not an export, or a damaged one"
        )
    return f"not a CSV file: {text}"


def fields_of(kind: str, required: Iterable[str]) -> tuple[Field, ...]:
    """
    Return the fields of *kind* as ``formats.json`` names them.
    """
    needed = set(required)
    spec: Mapping[str, Mapping[str, list[str]]] = format_data()[kind]["fields"]
    return tuple(
        Field(key, {lang: tuple(names) for lang, names in by_lang.items()}, key in needed)
        for key, by_lang in spec.items()
    )


def blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _names(importer: Importer, fields: tuple[Field, ...]) -> dict[str, list[tuple[str, str]]]:
    """
    Normalized column name -> [(field key, language)], with the ``columns`` option applied.
    """
    override = {k: normalize(v) for k, v in importer.opts.columns.items()}
    unknown = sorted(set(override) - {f.key for f in fields})
    if unknown:
        known = ", ".join(f.key for f in fields)
        raise ValidationError.single(
            "columns", f"{', '.join(unknown)}: not a column of {importer.kind}; it has {known}"
        )
    names: dict[str, list[tuple[str, str]]] = {}
    for f in fields:
        if f.key in override:
            names.setdefault(override[f.key], []).append((f.key, ""))
            continue
        for lang, aliases in f.names.items():
            for alias in aliases:
                names.setdefault(normalize(alias), []).append((f.key, lang))
    return names


def _match(
    cells: list[str], names: Mapping[str, list[tuple[str, str]]]
) -> tuple[dict[str, int], str | None]:
    """
    Which field is in which column of *cells*, and the language most names are in.
    """
    index: dict[str, int] = {}
    votes: dict[str, int] = {}
    for i, cell in enumerate(cells):
        for key, lang in names.get(normalize(cell), ()):
            if key not in index:
                index[key] = i
                if lang:
                    votes[lang] = votes.get(lang, 0) + 1
    return index, max(votes, key=lambda lang: votes[lang], default=None)


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str] | csv.Error]:
    """
    The rows of *reader*, ending with the :class:`csv.Error` that stops it, if one does.
    """
    while True:
        try:
            row = next(reader, None)
        except csv.Error as e:
            yield e
            return
        if row is None:
            return
        yield row


def find_header(
    importer: Importer, head: list[str], name: str
) -> tuple[Layout, int] | ExportFormatError:
    """
    Find the header row in the first lines *head*; return it and its row index, or the error.
    """
    fields = importer.fields()
    names = _names(importer, fields)
    required = {f.key for f in fields if f.required}
    delimiters = (importer.delimiter, *(d for d in _DELIMITERS if d != importer.delimiter))
    if importer.opts.delimiter is not None:
        delimiters = (importer.opts.delimiter,)
    best: tuple[int, int, list[str], set[str]] = (-1, 0, [], set())
    for delimiter in delimiters:
        reader = csv.reader(head, delimiter=delimiter)
        preamble: list[tuple[str, ...]] = []
        start = 1
        for row_number, cells in enumerate(_rows(reader)):
            if isinstance(cells, csv.Error):
                return ExportFormatError(csv_problem(cells), path=name, line=start)
            index, language = _match(cells, names)
            matched = len(required & set(index))
            if matched == len(required):
                layout = Layout(start, tuple(cells), index, language, tuple(preamble), delimiter)
                return layout, row_number
            if matched > best[0] and not blank(cells):
                best = (matched, start, [c.strip() for c in cells if c.strip()], set(index))
            preamble.append(tuple(cells))
            start = reader.line_num + 1
    missing = [f.label for f in fields if f.required and f.key not in best[3]]
    shown = ", ".join(repr(c) for c in best[2][:40]) or "none"
    msg = (
        f"not {importer.title}: missing the column{'s' if len(missing) > 1 else ''} "
        f"{', '.join(repr(m) for m in missing)}; the columns found are {shown}"
    )
    return ExportFormatError(msg, path=name, line=best[1] or None)
