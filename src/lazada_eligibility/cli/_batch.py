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
from typing import IO, Any, TextIO

from .._terminal import one_line
from ..batch import BatchSummary
from ..batch import _run as _batch_run
from ..batch._io import BatchIOError, LineSink, open_output, read_lines
from ..batch._workers import DEFAULT_CHUNK_SIZE, DETAILS, decide_lines
from ..policy.shipped import LAZADA_CROSS_BORDER
from ._common import (
    EXIT_CANTCREAT,
    EXIT_DATAERR,
    EXIT_INTERRUPTED,
    EXIT_IOERR,
    EXIT_NOINPUT,
    EXIT_PIPE,
    EXIT_USAGE,
    CliError,
    add_catalog_options,
    file_name,
    parse_as_of,
    read_catalogs,
    read_policy,
    read_rates,
)

__all__ = ["register"]

_DESCRIPTION = """\
Decide every application in a JSON Lines file (one application per line, as
'check' reads it) and write one JSON line per input line, in input order: the
decision with its input line number, or an error record naming the line and
the problem. A bad line does not stop the run. A summary goes to standard
error. Output is written in whole lines: after an interruption, --resume
keeps the complete lines and continues after them, only when the run's
settings (kept in DECISIONS.jsonl.run.json) are the same. An existing output
is never overwritten without --resume or --force, and never the input.
Exit status: 0 every line decided, 65 some lines could not be decided,
64 usage error, 66 an input that cannot be read, 70 internal error, 73 the
output cannot be created, 74 the output cannot be written, 130 interrupted,
141 the reader of standard output went away.
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
    add_catalog_options(p)
    p.add_argument(
        "--registry",
        type=file_name,
        metavar="DB",
        help="an evidence registry (SQLite file or postgresql:// URL) to check reuse "
        "against; nothing is claimed",
    )
    p.add_argument(
        "--detail",
        choices=DETAILS,
        default="summary",
        help="what each output line holds: 'summary' (default) the verdict, each reason's "
        "code, subject and key figures, and what to do; 'full' the whole decision",
    )
    again = p.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="keep the complete lines already in the output and continue after them "
        "(refused when any setting of the run differs)",
    )
    again.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing output and decide the whole input again",
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
    platforms, categories = read_catalogs(args)
    policy = read_policy(args.policy, categories)
    rates = read_rates(args.rates)
    to_stdout = args.output in (None, "-")
    if args.resume and to_stdout:
        raise CliError("--resume needs an output file (-o DECISIONS.jsonl)", EXIT_USAGE)
    if args.resume and args.applications == "-":
        raise CliError(
            "--resume needs the applications in a file: standard input cannot be "
            "checked to be the same input",
            EXIT_USAGE,
        )
    tqdm = _progress_library(args.progress)
    with contextlib.ExitStack() as stack:
        registry = _open_registry(args.registry)
        if registry is not None and hasattr(registry, "close"):
            stack.callback(registry.close)
        source = stack.enter_context(_open_input(args.applications))
        scan = None if to_stdout and tqdm is None else _batch_run.scan_input(source)
        if to_stdout:
            out.flush()
            sink, skip = LineSink(getattr(out, "buffer", out)), 0
        else:
            settings = _batch_run.run_settings(
                as_of=as_of,
                policy=LAZADA_CROSS_BORDER if policy is None else policy,
                rates=rates,
                registry=args.registry,
                scan=scan,
                detail=args.detail,
                platforms=platforms,
                categories=categories,
            )
            stream, skip = _open_output(args, source, settings)
            stack.callback(stream.close)
            sink = LineSink(stream)
        run = _Run(sink, tqdm, skip, None if scan is None else scan.lines)
        if skip:
            _batch_run.count_output(args.output, skip, run.summary)
        lines = read_lines(source, skip=skip, name=args.applications)
        results = decide_lines(
            lines,
            as_of=as_of,
            policy=policy,
            workers=args.workers,
            rates=rates,
            registry=registry,
            start=skip + 1,
            detail=args.detail,
            platforms=platforms,
            categories=categories,
        )
        return run.drive(results)


def _open_output(
    args: argparse.Namespace, source: IO[bytes], settings: dict[str, Any]
) -> tuple[IO[bytes], int]:
    """
    Open ``-o`` safely: never the input, never over an output without --resume or --force.
    """
    path = args.output
    if _batch_run.same_file(source, path):
        raise CliError(
            f"{path}: is the input file; write the decisions to another file", EXIT_USAGE
        )
    try:
        size = Path(path).stat().st_size if Path(path).is_file() else 0
    except OSError:
        size = 0
    resuming = args.resume and size > 0
    if size and not resuming and not args.force:
        raise CliError(
            f"{path}: already holds {size:,} bytes of output; pass --resume to continue "
            "that run or --force to overwrite it",
            EXIT_CANTCREAT,
        )
    if resuming:
        try:
            recorded = _batch_run.read_record(path)
            _batch_run.check_same(path, recorded, settings)
        except _batch_run.RunMismatchError as e:
            raise CliError(str(e), EXIT_USAGE) from None
    try:
        stream, skip = open_output(path, resume=resuming)
    except BatchIOError as e:
        status = EXIT_DATAERR if resuming and Path(path).is_file() else EXIT_CANTCREAT
        raise CliError(str(e), status) from None
    # A device or a pipe (-o /dev/null) cannot be resumed: no record beside it.
    regular = not Path(path).exists() or Path(path).is_file()
    if not resuming and regular:
        try:
            _batch_run.write_record(path, settings)
        except OSError as e:
            stream.close()
            record = _batch_run.record_path(path)
            raise CliError(
                f"{record}: cannot write the run's settings: {e.strerror or e}", EXIT_CANTCREAT
            ) from None
    return stream, skip


class _Run:
    """
    Writes results as they come, keeps the summary, the progress bar and the clock.
    """

    def __init__(self, sink: LineSink, tqdm: Any, skip: int, total: int | None) -> None:  # noqa: ANN401 -- tqdm is untyped
        self.sink = sink
        self.skip = skip
        self.summary = BatchSummary()
        self.bar = None if tqdm is None else _bar(tqdm, total, skip)
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
            # The reader went away (`batch ... | head`): stop quietly, as Unix
            # tools do, and keep Python from failing again when it flushes
            # stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_PIPE
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
            self.bar.update(len(buffer))
        buffer.clear()

    def close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def report(self) -> str:
        decided = self.sink.lines
        if self.skip and not decided:
            return f"nothing left to decide: the output already has all {self.skip:,} lines"
        elapsed = max(time.monotonic() - self.started, 1e-9)
        # After a resume the counts cover the whole output, the rate this run.
        text = self.summary.report(noun="line")
        rate = f"decided {decided:,} in {elapsed:.1f} s ({decided / elapsed:,.0f} lines/s)"
        resumed = f"; resumed after line {self.skip:,}" if self.skip else ""
        return f"{text}\n{rate}{resumed}"

    @staticmethod
    def say(text: str) -> None:
        for line in text.splitlines():
            print(f"lazada-eligibility batch: {one_line(line)}", file=sys.stderr)  # noqa: T201


def _bar(tqdm: Any, total: int | None, skip: int) -> Any:  # noqa: ANN401 -- tqdm is untyped
    # Counted in applications (input lines): the lines already in the
    # output on --resume count as done.
    return tqdm(
        total=total,
        initial=skip,
        unit=" applications",
        unit_scale=True,
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


def _open_registry(target: str | None) -> Any:  # noqa: ANN401 -- a registry, imported lazily
    if target is None:
        return None
    from ._registry import open_read_only  # noqa: PLC0415 -- only when --registry is given

    return open_read_only(target)  # batch only checks: never writes the registry
