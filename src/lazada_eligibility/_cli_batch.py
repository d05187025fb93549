"""
``lazada-eligibility batch``: decide a JSON Lines file of applications, one output line per input line.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, TextIO

from ._batch_io import BatchIOError, LineSink, file_size, open_output, read_lines
from ._batch_workers import DEFAULT_CHUNK_SIZE, decide_lines
from .batch import BatchSummary
from .cli import (
    EXIT_DATAERR,
    EXIT_NOINPUT,
    EXIT_USAGE,
    CliError,
    parse_as_of,
    read_policy,
    read_rates,
)
from .exceptions import EligibilityError

__all__ = ["register"]

EXIT_IOERR: Final = 74
"""The output could not be written (sysexits' EX_IOERR)."""
EXIT_INTERRUPTED: Final = 130
"""128 + SIGINT, as shells report a run stopped by Ctrl-C."""

_DESCRIPTION = """\
Decide every application in a JSON Lines file (one application per line, as
'check' reads it) and write one JSON line per input line, in input order: the
decision with its input line number, or an error record naming the line and
the problem. A bad line does not stop the run. A summary goes to standard
error. Output is written in whole lines: after an interruption, --resume
keeps the complete lines and continues after them.
Exit status: 0 every line decided, 65 some lines could not be decided,
64 usage error, 66 an input that cannot be read, 74 the output cannot be
written, 130 interrupted.
"""


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add the ``batch`` command to the command line's subcommands.
    """
    p = commands.add_parser(
        "batch",
        help="decide many applications (JSON Lines)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "applications",
        metavar="APPLICATIONS.jsonl",
        help="one application per line ('-' for standard input)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="DECISIONS.jsonl",
        help="where to write the decisions (default: standard output)",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="processes that decide in parallel, or 'auto' for one per CPU (default: 1)",
    )
    p.add_argument("--as-of", help="the decision date, YYYY-MM-DD (default: today)")
    p.add_argument("--policy", help="a policy document (TOML or JSON); default: the built-in")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    p.add_argument(
        "--registry",
        metavar="DB",
        help="an evidence registry (SQLite file) to check reuse against; nothing is claimed",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep the complete lines already in the output and continue after them",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: on a terminal, when the 'progress' extra is installed)",
    )
    p.set_defaults(run=_batch)


def _workers(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a positive whole number or 'auto', got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _batch(args: argparse.Namespace, out: TextIO) -> int:
    as_of = parse_as_of(args.as_of)
    policy = read_policy(args.policy)
    rates = read_rates(args.rates)
    to_stdout = args.output in (None, "-")
    if args.resume and to_stdout:
        raise CliError("--resume needs an output file (-o DECISIONS.jsonl)", EXIT_USAGE)
    tqdm = _progress_library(args.progress)
    with contextlib.ExitStack() as stack:
        registry = _open_registry(args.registry)
        if registry is not None and hasattr(registry, "close"):
            stack.callback(registry.close)
        source = stack.enter_context(_open_input(args.applications))
        if to_stdout:
            out.flush()
            sink, skip = LineSink(getattr(out, "buffer", out)), 0
        else:
            try:
                stream, skip = open_output(args.output, resume=args.resume)
            except BatchIOError as e:
                raise CliError(str(e), EXIT_NOINPUT) from None
            stack.callback(stream.close)
            sink = LineSink(stream)
        run = _Run(sink, source, tqdm, skip)
        lines = read_lines(source, skip=skip, name=args.applications)
        results = decide_lines(
            lines,
            as_of=as_of,
            policy=policy,
            workers=args.workers,
            rates=rates,
            registry=registry,
            start=skip + 1,
        )
        return run.drive(results)


class _Run:
    """
    Writes results as they come, keeps the summary, the progress bar and the clock.
    """

    def __init__(self, sink: LineSink, source: IO[bytes], tqdm: Any, skip: int) -> None:  # noqa: ANN401 -- tqdm is untyped
        self.sink = sink
        self.source = source
        self.skip = skip
        self.summary = BatchSummary()
        self.bar = None if tqdm is None else _bar(tqdm, source)
        self.started = time.monotonic()

    def drive(self, results: Iterator[tuple[int, bytes, Any, tuple[str, ...], str | None]]) -> int:
        buffer: list[bytes] = []
        count = self.summary.count
        try:
            for position, text, verdict, codes, error in results:
                buffer.append(text)
                count(position, verdict, codes, error)
                if len(buffer) >= DEFAULT_CHUNK_SIZE:
                    self.write(buffer)
            self.write(buffer)
        except BatchIOError as e:
            raise CliError(str(e)) from None
        except BrokenPipeError:
            # The reader went away (`batch ... | head`): stop quietly, and
            # keep Python from failing again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_IOERR
        except KeyboardInterrupt:
            # What was decided is written whole: a valid prefix to resume from.
            self.write(buffer)
            self.close_bar()
            done = self.skip + self.sink.lines
            self.say(f"interrupted after line {done:,}; run again with --resume to continue")
            return EXIT_INTERRUPTED
        finally:
            # Stop the workers now, not whenever the generator is collected.
            close = getattr(results, "close", None)
            if close is not None:
                close()
        self.close_bar()
        self.say(self.report())
        return EXIT_DATAERR if self.summary.errors else 0

    def write(self, buffer: list[bytes]) -> None:
        try:
            self.sink.write(buffer)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise CliError(f"cannot write the output: {e.strerror or e}", EXIT_IOERR) from None
        if self.bar is not None:
            self.bar.update(self._progress() - self.bar.n)
        buffer.clear()

    def _progress(self) -> int:
        if self.bar is not None and self.bar.total is not None:
            return self.source.tell()
        return self.sink.lines

    def close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def report(self) -> str:
        if self.skip and not self.summary.total:
            return f"nothing left to decide: the output already has all {self.skip:,} lines"
        elapsed = max(time.monotonic() - self.started, 1e-9)
        text = self.summary.report(noun="line")
        rate = f"decided in {elapsed:.1f} s ({self.summary.total / elapsed:,.0f} lines/s)"
        resumed = f"; resumed after line {self.skip:,}" if self.skip else ""
        return f"{text}\n{rate}{resumed}"

    @staticmethod
    def say(text: str) -> None:
        for line in text.splitlines():
            print(f"lazada-eligibility batch: {line}", file=sys.stderr)  # noqa: T201


def _bar(tqdm: Any, source: IO[bytes]) -> Any:  # noqa: ANN401 -- tqdm is untyped
    size = file_size(source)
    if size is None:
        return tqdm(unit=" lines", unit_scale=True, file=sys.stderr, dynamic_ncols=True)
    # A file's size gives the bar an end and an ETA; the bytes already
    # skipped on --resume count as done.
    return tqdm(
        total=size,
        initial=source.tell(),
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        dynamic_ncols=True,
    )


def _progress_library(wanted: bool | None) -> Any:  # noqa: ANN401 -- tqdm is untyped
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return None
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        if wanted:
            raise CliError(
                "--progress needs tqdm: pip install 'lazada-eligibility[progress]'", EXIT_USAGE
            ) from None
        return None


@contextlib.contextmanager
def _open_input(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        f = Path(path).open("rb")  # noqa: SIM115 -- closed below, after the generator resumes
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    with f:
        yield f


def _open_registry(path: str | None) -> Any:  # noqa: ANN401 -- a SqliteRegistry, imported lazily
    if path is None:
        return None
    if not Path(path).is_file():
        raise CliError(f"{path}: no such registry file", EXIT_NOINPUT)
    try:
        from .registry import SqliteRegistry  # noqa: PLC0415 -- only when --registry is given
    except ImportError:  # pragma: no cover -- a build without the SQLite registry
        raise CliError("--registry: this build has no SQLite registry", EXIT_USAGE) from None
    try:
        return SqliteRegistry(path, read_only=True)  # batch only checks: never writes the file
    except EligibilityError as e:
        raise CliError(str(e), EXIT_NOINPUT) from None  # the registry names the file
