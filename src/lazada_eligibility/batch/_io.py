"""
JSON Lines in and out for batch runs: numbered input lines, and output that survives a kill.

Output is written in whole lines, a chunk of them per ``write`` call, and
flushed to the operating system after each chunk: a process killed at any
moment leaves a file of complete lines, except that a write cut short (the
kernel stops a write for SIGKILL between pages; a full disk; a power cut)
can leave one torn line at the end.
:func:`open_output` with ``resume=True`` cuts such a line off, counts the
complete ones and says how many input lines to skip.
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Final, cast

from .._reading import APPLICATION_BYTES, loads, show_size
from ..exceptions import FieldProblem

__all__ = [
    "LINE_BYTES",
    "BatchIOError",
    "LineSink",
    "LineTooLong",
    "decision_record",
    "dump_record",
    "error_record",
    "file_size",
    "load_json",
    "open_output",
    "read_lines",
]

_BLOCK: Final = 1 << 20
LINE_BYTES: Final = APPLICATION_BYTES
"""The longest input line read: one application document (4 MiB)."""


class BatchIOError(Exception):
    """
    An input or output file that a batch run cannot use; the message names it.
    """


class LineTooLong:
    """
    Stands for an input line longer than :data:`LINE_BYTES`, which is not read into memory.
    """

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def __str__(self) -> str:
        return f"a line of {self.size:,} bytes or more, over the limit of {show_size(LINE_BYTES)}"

    def __reduce__(self) -> tuple[type[LineTooLong], tuple[int]]:
        return LineTooLong, (self.size,)


def read_lines(
    stream: IO[bytes], *, skip: int = 0, name: str = "input"
) -> Iterator[bytes | LineTooLong]:
    """
    Yield the lines of *stream* without their line ends, after skipping *skip* lines.

    A line longer than :data:`LINE_BYTES` is skipped unread and given as a
    :class:`LineTooLong`, so that its position still has an output line.

    Raises:
        BatchIOError: The stream has fewer than *skip* lines.
    """
    for done in range(skip):
        if not _skip_line(stream):
            raise BatchIOError(
                f"{name}: the output already has {skip} lines but the input has only {done}; "
                "is this the same input?"
            )
    while line := stream.readline(LINE_BYTES + 1):
        if len(line) > LINE_BYTES and not line.endswith(b"\n"):
            size = len(line)
            while (more := stream.readline(_BLOCK)) and not more.endswith(b"\n"):
                size += len(more)
            yield LineTooLong(size + len(more))
            continue
        # Keep other whitespace: it belongs to the JSON text, which tolerates it.
        yield line.rstrip(b"\r\n")


def _skip_line(stream: IO[bytes]) -> bool:
    line = stream.readline(_BLOCK)
    while line and not line.endswith(b"\n"):
        more = stream.readline(_BLOCK)
        if not more:
            break
        line = more
    return bool(line)


def load_json(text: str | bytes) -> Any:  # noqa: ANN401 -- any JSON value
    """
    Parse one JSON document as every input is read (:func:`._reading.loads`).

    Raises:
        ValidationError: Saying what is wrong and where: the column, or the
            path of a repeated key or of text that is not Unicode.
    """
    return loads(text)


def decision_record(line: int, decision: dict[str, Any]) -> dict[str, Any]:
    """
    Return the output record of a decided line: the line number, then the decision's mapping.
    """
    return {"line": line, **decision}


def error_record(
    line: int, message: str, problems: Iterable[FieldProblem], application_id: str | None
) -> dict[str, Any]:
    """
    Return the output record of a line that could not be decided.
    """
    return {
        "line": line,
        "application_id": application_id,
        "error": message,
        "problems": [{"path": p.path, "message": p.message} for p in problems],
    }


_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def dump_record(record: dict[str, Any]) -> bytes:
    """
    Return *record* as one line of compact JSON, line end included.

    Keys stay in the order they were made: decisions are built in a fixed
    order, so equal records give equal bytes without the cost of sorting.
    """
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        # JSON allows these raw in strings, but many line readers (Python's
        # str.splitlines, JavaScript before ES2019) end a line at them: one
        # decision would read as two lines. They can only sit inside strings.
        text = text.translate(_LINE_BREAKS)
    # A lone surrogate can only sit inside a JSON string, where its escape
    # is what json.dumps with ensure_ascii would write: still exact JSON.
    return text.encode("utf-8", "backslashreplace") + b"\n"


class LineSink:
    """
    Writes chunks of complete lines to a binary or text stream and flushes each chunk.
    """

    def __init__(self, stream: IO[bytes] | IO[str]) -> None:
        self._stream = stream
        self.lines = 0

    def write(self, lines: Iterable[bytes]) -> None:
        """
        Write *lines*, each ending in a line feed, in one call; then flush.
        """
        lines = list(lines)
        if not lines:
            return
        data = b"".join(lines)
        stream = self._stream
        if isinstance(stream, io.TextIOBase):
            stream.write(data.decode())
        else:
            _write_all(cast("IO[bytes]", stream), data)
        stream.flush()
        self.lines += len(lines)


def _write_all(stream: IO[bytes], data: bytes) -> None:
    # An unbuffered file may take part of a large write; loop until all is out.
    view = memoryview(data)
    while view:
        written = stream.write(view)
        view = view[written or 0 :]


def open_output(path: str, *, resume: bool) -> tuple[IO[bytes], int]:
    """
    Open the output file; with *resume*, keep its complete lines and say how many there are.

    Returns:
        The file, positioned at its end, and how many complete lines it holds
        (how many input lines to skip).

    Raises:
        BatchIOError: The file cannot be opened, or its last complete line is
            not a record of this command for that line number.
    """
    try:
        if not resume or not Path(path).exists():
            return Path(path).open("wb", buffering=0), 0
        f = Path(path).open("r+b", buffering=0)  # noqa: SIM115 -- returned to the caller, who closes it
    except OSError as e:
        raise BatchIOError(f"{path}: cannot open for writing: {e.strerror or e}") from None
    try:
        count, end = _complete_lines(f)
        if count:
            _check_last(f, path, end, count)
        f.truncate(end)
        f.seek(end)
    except BaseException:
        f.close()
        raise
    return f, count


def _complete_lines(f: IO[bytes]) -> tuple[int, int]:
    # Count the newlines and find where the last complete line ends; a torn
    # last line (no newline) is not counted and will be cut off.
    count = 0
    end = 0
    offset = 0
    f.seek(0)
    while block := f.read(_BLOCK):
        n = block.count(b"\n")
        if n:
            count += n
            end = offset + block.rindex(b"\n") + 1
        offset += len(block)
    return count, end


def _last_line(f: IO[bytes], end: int) -> bytes:
    size = 1 << 16
    while True:
        start = max(0, end - 1 - size)
        f.seek(start)
        window = f.read(end - 1 - start)
        cut = window.rfind(b"\n")
        if cut >= 0 or start == 0:
            return window[cut + 1 :]
        size *= 4


def _check_last(f: IO[bytes], path: str, end: int, count: int) -> None:
    # Resuming onto some other file would silently skip input: refuse unless
    # the last complete line is this command's record for line `count`.
    line = _last_line(f, end)
    try:
        record = json.loads(line)
        found = record.get("line") if isinstance(record, dict) else None
    except ValueError:
        found = None
    if found != count:
        raise BatchIOError(
            f"{path}: cannot resume: line {count} is not the decision for input line {count}; "
            "is it the output of 'lazada-eligibility batch'?"
        )


def file_size(stream: IO[bytes]) -> int | None:
    """
    Return the size of the file behind *stream*, or ``None`` for a pipe or terminal.
    """
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None
