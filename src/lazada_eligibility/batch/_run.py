"""
What makes two batch runs the same run: the settings record kept next to the output (internal).

``batch -o DECISIONS.jsonl`` writes ``DECISIONS.jsonl.run.json`` before the
first decision: the decision date, the policy digest, a digest of the rates,
digests of the platform catalog and category taxonomy given with
``--platforms``/``--categories``, the registry, the input's size and
SHA-256, and the library version. The
output itself stays one line per input line. ``--resume`` reads the record
back and continues only when every setting is the same; otherwise it names
the setting that differs. The counts of the lines already decided are read
back from the output, so that the summary covers the whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from .._version import __version__
from ..registry._postgres import is_postgres_url, redacted
from ..rules import Verdict

if TYPE_CHECKING:
    import datetime as dt

    from ..policy._policy import Policy
    from ..typing import ExchangeRates
    from . import BatchSummary

__all__ = [
    "FORMAT",
    "InputScan",
    "RunMismatchError",
    "count_output",
    "read_record",
    "record_path",
    "run_settings",
    "same_file",
    "scan_input",
    "write_record",
]

FORMAT: Final = 1
_BLOCK: Final = 1 << 20
_LABELS: Final = {
    "format": "the record's format",
    "library_version": "the library version",
    "as_of": "--as-of",
    "policy_digest": "--policy (its digest)",
    "rates_digest": "--rates (a digest of the rates)",
    "platforms_digest": "--platforms (a digest of the platform catalog)",
    "categories_digest": "--categories (a digest of the category taxonomy)",
    "registry": "--registry",
    "detail": "--detail",
    "input_size": "the input's size",
    "input_sha256": "the input's content (SHA-256)",
}


class RunMismatchError(Exception):
    """
    ``--resume`` on an output made with other settings; the message names the setting.
    """


class InputScan:
    """
    The identity and length of an input file: size, SHA-256 and number of lines.
    """

    __slots__ = ("lines", "sha256", "size")

    def __init__(self, size: int, sha256: str, lines: int) -> None:
        self.size = size
        self.sha256 = sha256
        self.lines = lines


def scan_input(stream: IO[bytes]) -> InputScan | None:
    """
    Read a regular file's bytes once for its SHA-256 and line count, then rewind; ``None`` for a pipe.
    """
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    start = stream.tell()
    digest = hashlib.sha256()
    lines = 0
    last = b"\n"
    size = 0
    while block := stream.read(_BLOCK):
        digest.update(block)
        lines += block.count(b"\n")
        last = block[-1:]
        size += len(block)
    if last != b"\n":
        lines += 1  # a last line without a line end is a line
    stream.seek(start)
    return InputScan(size, digest.hexdigest(), lines)


def rates_digest(rates: ExchangeRates | None) -> str | None:
    """
    Return a SHA-256 of the rates' ``(currency, month, rate)`` rows, or ``None`` without rates.
    """
    if rates is None:
        return None
    items = getattr(rates, "items", None)
    if items is None:
        return f"{type(rates).__module__}.{type(rates).__qualname__}"
    text = "\n".join(f"{c},{m},{r}" for (c, m), r in items())
    return hashlib.sha256(text.encode()).hexdigest()


def catalog_digest(catalog: object) -> str | None:
    """
    Return a SHA-256 of a catalog's or taxonomy's ``to_dict()`` form, or ``None`` for the default.

    The digest is of the content, not the file's bytes: the same catalog
    written with other spacing or key order is the same setting.
    """
    if catalog is None:
        return None
    to_dict = getattr(catalog, "to_dict", None)
    if to_dict is None:
        return f"{type(catalog).__module__}.{type(catalog).__qualname__}"
    text = json.dumps(to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _registry_label(registry: str | None) -> str | None:
    # A file by its absolute path; a database by its URL, never with the password.
    if registry is None:
        return None
    if is_postgres_url(registry):
        return redacted(registry)
    return str(Path(registry).resolve())


def run_settings(
    *,
    as_of: dt.date,
    policy: Policy,
    rates: ExchangeRates | None,
    registry: str | None,
    scan: InputScan | None,
    detail: str = "full",
    platforms: object = None,
    categories: object = None,
) -> dict[str, Any]:
    """
    Return the settings that make a run: what ``--resume`` must find unchanged.

    *platforms* and *categories* are the catalogs given on the command line
    (``None`` for the built-in ones, recorded as ``None`` so that records
    written before these settings existed still resume).
    """
    return {
        "format": FORMAT,
        "library_version": __version__,
        "as_of": as_of.isoformat(),
        "policy_digest": policy.digest,
        "rates_digest": rates_digest(rates),
        "platforms_digest": catalog_digest(platforms),
        "categories_digest": catalog_digest(categories),
        "registry": _registry_label(registry),
        "detail": detail,
        "input_size": None if scan is None else scan.size,
        "input_sha256": None if scan is None else scan.sha256,
    }


def record_path(output: str) -> Path:
    """
    Return where the settings of the run writing *output* are kept.
    """
    return Path(output + ".run.json")


def write_record(output: str, settings: Mapping[str, Any]) -> None:
    """
    Write the settings record next to *output*, whole or not at all.

    Raises:
        OSError: It cannot be written.
    """
    path = record_path(output)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", "utf-8")
    temporary.replace(path)


def read_record(output: str) -> dict[str, Any]:
    """
    Read the settings record of the run that wrote *output*.

    Raises:
        RunMismatchError: There is none, or it cannot be read.
    """
    path = record_path(output)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        msg = (
            f"{output}: cannot resume: no record of the run's settings ({path.name}); "
            "run with --force to decide the whole input again"
        )
        raise RunMismatchError(msg) from None
    except (OSError, ValueError) as e:
        msg = f"{path}: cannot resume: the run's settings cannot be read: {e}"
        raise RunMismatchError(msg) from None
    if not isinstance(data, dict):
        msg = f"{path}: cannot resume: not a record of a batch run's settings"
        raise RunMismatchError(msg)
    return data


def check_same(output: str, recorded: Mapping[str, Any], now: Mapping[str, Any]) -> None:
    """
    Refuse to resume when a setting differs, naming the first and both values.

    Raises:
        RunMismatchError: A setting differs.
    """
    for key, label in _LABELS.items():
        if recorded.get(key) != now.get(key):
            msg = (
                f"{output}: cannot resume: {label} differs from the run that wrote it "
                f"(then {_show(recorded.get(key))}, now {_show(now.get(key))}); "
                "use the same settings, or --force to decide the whole input again"
            )
            raise RunMismatchError(msg)


def _show(value: object) -> str:
    if value is None:
        return "none"
    text = str(value)
    return text if len(text) <= 20 else text[:16] + "..."


def same_file(a: IO[bytes] | str, b: str) -> bool:
    """
    Return whether *a* (an open file or a path) and the path *b* are one file, links included.
    """
    try:
        sa = os.fstat(a.fileno()) if not isinstance(a, str) else Path(a).stat()
        sb = Path(b).stat()
    except (OSError, ValueError, AttributeError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def count_output(path: str, lines: int, summary: BatchSummary) -> None:
    """
    Count the first *lines* records of the output at *path* into *summary*.
    """
    with Path(path).open("rb") as f:
        for _, line in zip(range(lines), f, strict=False):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            position = record.get("line", 0)
            if "error" in record:
                summary.count(position, None, (), str(record["error"]))
                continue
            try:
                verdict = Verdict(record.get("verdict"))
            except ValueError:
                continue
            codes = dict.fromkeys(
                r.get("code") for r in record.get("reasons", ()) if isinstance(r, dict)
            )
            summary.count(position, verdict, [c for c in codes if isinstance(c, str)], None)
