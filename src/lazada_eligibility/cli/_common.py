"""
What every command shares: exit statuses, errors, and reading the inputs.

Applications, policies, rates, catalogs and dates are read here as every
input is read, for all the commands of :mod:`lazada_eligibility.cli`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import decimal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .. import _reading
from .._terminal import safe_text
from ..assemble import store_document_hint
from ..exceptions import EligibilityError, ValidationError
from ..limits import AS_OF_RANGE
from ..models import Application
from ..money import RateTable
from ..rules import Verdict

EXIT_USAGE = 64


EXIT_DATAERR = 65


EXIT_NOINPUT = 66


EXIT_SOFTWARE = 70


EXIT_CANTCREAT = 73


EXIT_IOERR = 74


EXIT_TEMPFAIL = 75


EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""


EXIT_PIPE = 141
"""128 + SIGPIPE, as shells report ``seq 1 9 | head -1``'s ``seq``: no message."""


VERDICT_EXIT = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.REVIEW: 2}


PROG = "lazada-eligibility"


class CliError(Exception):
    """
    A problem to report in one line, with the exit status to end on.
    """

    def __init__(self, message: str, status: int = EXIT_DATAERR, prog: str = PROG) -> None:
        super().__init__(message)
        self.status = status
        self.prog = prog


def read_json(path: str, stdin: IO[bytes] | None = None) -> Any:  # noqa: ANN401 -- any JSON value
    """
    Read a JSON document from *path* (``-`` for standard input), as every input file is read.

    Raises:
        CliError: The file is missing (66), or too large, not UTF-8 or not
            strict JSON (65), naming it and where.
    """
    try:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = _reading.read_bytes(Path(path), _reading.APPLICATION_BYTES, stream)
        else:
            data = _reading.read_bytes(Path(path), _reading.APPLICATION_BYTES)
        return _reading.loads(data)
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    except ValidationError as e:
        raise CliError(f"{path}: {e}") from None


def read_application(path: str) -> Application:
    """
    Read an application from a JSON file in the :meth:`Application.to_dict` form.
    """
    data = read_json(path)
    hint = store_document_hint(data)
    if hint is not None:
        raise CliError(f"{path}: {hint}")
    try:
        return Application.from_dict(data)
    except EligibilityError as e:
        raise CliError(f"{path}: {e}") from None


def file_name(text: str) -> str:
    """
    ``type=`` for options that name a file: an empty name is a usage error (64), not bad data.
    """
    if not text.strip():
        msg = f"expected a file name, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def parse_as_of(text: str | None) -> dt.date:
    """
    Parse ``--as-of`` (ISO date); without it, today: the one place that reads the clock.
    """
    if text is None:
        return dt.date.today()  # noqa: DTZ011 -- the CLI decides "as of today" by design
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of: expected a date such as 2026-11-28, got {text!r}",
                       EXIT_USAGE) from None  # fmt: skip
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        raise CliError(
            f"--as-of: expected a date from {low} to {high}, got {text!r}", EXIT_USAGE
        ) from None
    return day


def read_rates(path: str | None) -> RateTable | None:
    """
    Read ``--rates`` (a ``currency,month,rate_to_usd`` CSV file), if given.
    """
    if path is None:
        return None
    if not Path(path).is_file():
        raise CliError(f"{path}: no such rates file", EXIT_NOINPUT)
    try:
        # RateTable.from_csv reads as every input is read: size, encoding, then rows.
        return RateTable.from_csv(path)
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    except ValidationError as e:
        message = str(e)
        raise CliError(message if message.startswith(path) else f"{path}: {message}") from None
    except EligibilityError as e:
        raise CliError(str(e)) from None


def add_catalog_options(p: argparse.ArgumentParser) -> None:
    """
    Add ``--categories FILE`` and ``--platforms FILE`` to a command that decides.
    """
    p.add_argument(
        "--categories",
        type=file_name,
        metavar="FILE",
        help="a category taxonomy (JSON, as CategoryTaxonomy.from_file reads); default: "
        "the built-in",
    )
    p.add_argument(
        "--platforms",
        type=file_name,
        metavar="FILE",
        help="a platform catalog (JSON, as PlatformCatalog.from_file reads); default: the built-in",
    )


def read_catalogs(args: argparse.Namespace) -> tuple[Any, Any]:
    """
    Read ``--platforms`` and ``--categories``: ``(PlatformCatalog or None, CategoryTaxonomy or None)``.
    """
    from ..categories import CategoryTaxonomy  # noqa: PLC0415 -- only with the options
    from ..platforms import PlatformCatalog  # noqa: PLC0415 -- likewise

    found: list[Any] = []
    for path, load in ((args.platforms, PlatformCatalog.from_file),
                       (args.categories, CategoryTaxonomy.from_file)):  # fmt: skip
        if path is None:
            found.append(None)
            continue
        if not Path(path).is_file():
            raise CliError(f"{path}: no such file", EXIT_NOINPUT)
        try:
            found.append(load(path))
        except OSError as e:
            raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
        except (EligibilityError, UnicodeDecodeError) as e:
            raise CliError(f"{path}: {e}") from None
    return found[0], found[1]


def read_policy(path: str | None, categories: Any = None) -> Any:  # noqa: ANN401 -- a Policy or None; a CategoryTaxonomy
    """
    Read ``--policy`` (a TOML or JSON policy document), if given, against *categories*.
    """
    if path is None:
        return None
    from ..policy._documents import load_policy  # noqa: PLC0415 -- only commands that take --policy

    if not Path(path).is_file():
        raise CliError(f"{path}: no such policy file", EXIT_NOINPUT)
    try:
        return load_policy(Path(path), categories=categories)
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    except EligibilityError as e:
        raise CliError(f"{path}: {e}") from None


@contextlib.contextmanager
def about(path: str) -> Iterator[None]:
    """
    Report a :class:`ValidationError` raised while deciding as a problem of the file at *path*.

    Deciding checks the application against the taxonomy in use (an unknown
    category id is refused there), so the file must be named then too.
    """
    try:
        yield
    except ValidationError as e:
        raise CliError(f"{path}: {e}") from None
    except decimal.DecimalException as e:
        # An amount or rate too large for exact arithmetic (see _classify).
        raise CliError(f"{path}: a number is out of range: {type(e).__name__}") from None


def terminal_text(text: str, application: Application) -> str:
    """
    Return rendered *text* with the application's own strings shown escaped where unsafe.
    """
    strings = [application.applicant, application.category, str(application.id or "")]
    for store in application.stores:
        strings.extend(
            str(v or "")
            for v in (store.platform, store.store_id, store.name, store.owner, store.category)
        )
    return safe_text(text, strings)
