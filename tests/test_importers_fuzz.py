"""
Fuzz the ``import`` command: mutated exports and arguments never crash it or lie in its status.

The strategies live here, not in ``tests/strategies.py``: they build broken
export files and command lines, which only this test needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility.cli import main
from lazada_eligibility.importers import KINDS

FIXTURES = Path(__file__).parent / "fixtures" / "exports"

# Each fixture with a command line that reads it, so that most runs get past
# the options and into the rows.
EXPORTS: dict[str, tuple[str, ...]] = {
    "aliexpress_orders.csv": (
        "csv", "--platform", "AliExpress", "--date-column", "Payment Time",
        "--amount-column", "Order Amount", "--currency-column", "Currency",
    ),
    "amazon_business_by_child_de.csv": (
        "amazon-business-report", "--platform", "amazon.de", "--month", "2026-09",
    ),
    "amazon_business_by_child_ja.csv": (
        "amazon-business-report", "--platform", "amazon.co.jp", "--month", "2026-09",
    ),
    "amazon_business_by_date_es.csv": ("auto", "--platform", "amazon.es"),
    "amazon_business_by_date_us.csv": ("auto", "--platform", "amazon.com"),
    "amazon_business_by_date_zh.csv": ("amazon-business-report", "--platform", "amazon.com"),
    "amazon_date_range_de.csv": ("auto", "--platform", "amazon.de"),
    "amazon_date_range_fr.csv": ("amazon-date-range", "--platform", "amazon.fr"),
    "amazon_date_range_ja.csv": ("auto", "--platform", "amazon.co.jp"),
    "amazon_date_range_us.csv": ("auto", "--platform", "amazon.com"),
    "amazon_settlement.txt": ("amazon-settlement", "--platform", "amazon.com"),
    "ebay_orders.csv": ("ebay-orders", "--platform", "ebay.com"),
    "ebay_orders_uk.csv": ("auto", "--platform", "ebay.co.uk"),
    "ebay_transactions.csv": ("ebay-transactions", "--platform", "ebay.com"),
}  # fmt: skip

# The import command's statuses (docs/cli.md): a store (0), a usage error (64),
# bad input data (65), an input file missing (66), an output that cannot be
# created (73). It gives no verdict, so never 1 or 2; 70 would be a bug; 74
# needs a full disk, which test_importers_safety.py reaches with /dev/full.
STATUSES = frozenset({0, 64, 65, 66, 73})

HOSTILE_CELLS = (
    "1e1000000",
    "9" * 300,
    "-" + "9" * 20,
    "NaN",
    "Infinity",
    "(",
    "1.2345678",
    "$1,2,3",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01",
    "Feb 30, 2026",
    "\x00",
    "\x1b[31m",
    "\u202e",
    '"',
    "\n",
    "x" * 140_000,
    "Order",
    "Refund",
    "--",
    "",
    "1,000,000,000,000,000.00",
)

HOSTILE_BYTES = (b"\xff\xfe", b"\xed\xa0\x80", b"\x00", b"\r", b'"', b",", b"\t", b"\xef\xbb\xbf")

OPTION_VALUES: dict[str, tuple[str, ...]] = {
    "--tz": ("UTC", "Asia/Tokyo", "+08:00", "../../etc/passwd", "/etc/localtime", "EST+5", ""),
    "--encoding": ("utf-8", "cp932", "latin-1", "rot13", "zip", "hex", "idna", "utf-16", "bogus"),
    "--locale": ("de_DE", "en_US", "ja", "xx_YY", "", "../x"),
    "--currency": ("USD", "EUR", "XXX", "usd", "$", ""),
    "--month": ("2026-09", "Sep 2026", "9999-12", "0000-01", "13/2026", ""),
    "--basis": ("gross", "net"),
    "--revenue": ("with-shipping", "items"),
    "--amount": ("sold-for", "total-price", "gross", "items", "bogus"),
    "--date-format": ("%Y-%m-%d", "%", "%Q", "%d.%m.%Y"),
    "--delimiter": (",", ";", "\t", "", ",,"),
    "--category": ("mobiles", "3c-digital", "mobile", ""),
    "--date-column": ("day", "Payment Time", "Date", ""),
    "--amount-column": ("total", "Order Amount", "Sold For"),
    "--currency-column": ("Currency", "nope"),
    "--zone-name": ("IST=Asia/Kolkata", "PDT=../../etc/passwd", "X", "=+05:30"),
    "--column": ("sales=Umsatz", "nope=x", "date=", "datetime=Datum"),
}
PLATFORMS = ("amazon.com", "amazon.de", "ebay.com", "ebay.co.uk", "AliExpress", "Amazon Malaysia")


@st.composite
def mutated_exports(draw: st.DrawFn, name: str) -> bytes:
    """
    The fixture export *name* with a few of its cells, lines or bytes changed.
    """
    data = (FIXTURES / name).read_bytes()
    for _ in range(draw(st.integers(0, 4))):
        lines = data.split(b"\n")
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(("cell", "bytes", "drop", "repeat", "truncate")))
        if action == "cell":
            cells = lines[at].split(b",")
            i = draw(st.integers(0, len(cells) - 1))
            cells[i] = ('"' + draw(st.sampled_from(HOSTILE_CELLS)) + '"').encode(
                "utf-8", "surrogatepass"
            )
            lines[at] = b",".join(cells)
        elif action == "bytes":
            line = lines[at]
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + draw(st.sampled_from(HOSTILE_BYTES)) + line[pos:]
        elif action == "drop":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        else:
            return b"\n".join(lines)[: draw(st.integers(0, len(data)))]
        data = b"\n".join(lines)
    return data


@st.composite
def arguments(draw: st.DrawFn, fixture: str, files: list[str]) -> list[str]:
    """
    An import command line for *files*: mostly the one that reads *fixture*, with a few changes.
    """
    kind, *fitting = EXPORTS[fixture]
    if draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(("auto", *KINDS)))
        fitting = ["--platform", draw(st.sampled_from(PLATFORMS))]
    argv = ["import", kind, *files, "--store-id", draw(st.sampled_from(("S1", "A1B2C3")))]
    argv += fitting
    extra = st.lists(st.sampled_from(sorted(OPTION_VALUES)), max_size=2, unique=True)
    for flag in draw(extra):
        argv += [flag, draw(st.sampled_from(OPTION_VALUES[flag]))]
    if draw(st.booleans()):
        argv.append("--skip-bad-rows")
    if draw(st.booleans()):
        argv += ["--overlap", "sum"]
    output = draw(st.sampled_from((None, None, "out.json", "missing/out.json", "export0.csv")))
    if output is not None:
        argv += ["-o", output]
    argv.append("-q")
    return argv


@st.composite
def runs(draw: st.DrawFn) -> tuple[list[bytes], list[str]]:
    """
    One to three mutated exports (sometimes the same twice) and the arguments to import them.
    """
    fixture = draw(st.sampled_from(sorted(EXPORTS)))
    exports = draw(st.lists(mutated_exports(fixture), min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        exports.append(exports[0])
    names = [f"export{i}.csv" for i in range(len(exports))]
    return exports, draw(arguments(fixture, names))


def _write(folder: Path, exports: list[bytes], argv: list[str]) -> list[str]:
    for i, data in enumerate(exports):
        (folder / f"export{i}.csv").write_bytes(data)
    in_folder = ("export", "out.json", "missing/")
    return [str(folder / a) if a.startswith(in_folder) else a for a in argv]


SEEN: Counter[int] = Counter()


def _one_message(status: int, err: str) -> None:
    """
    Check that a failure says one line, after argparse's usage block for a bad argument.
    """
    if status == 0:
        assert "" == err
        return
    *before, last = err.rstrip("\n").split("\n")
    assert last.startswith("lazada-eligibility"), err
    usage = bool(before) and before[0].startswith("usage: ")
    assert all(line.startswith(" ") for line in before[1:]) if usage else not before, err


class TestImportFuzz:
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(run=runs())
    def test_in_process(self, run, capsys):
        """Whatever the exports and arguments, the status is documented and stderr has no traceback."""
        exports, argv = run
        with tempfile.TemporaryDirectory() as folder:
            status = main(_write(Path(folder), exports, argv))
        err = capsys.readouterr().err
        SEEN[status] += 1
        assert status in STATUSES, (status, argv, err)
        assert "Traceback" not in err
        _one_message(status, err)

    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(run=runs())
    def test_subprocess(self, run):
        """Through the real script too: a documented status, one line on stderr, no traceback."""
        exports, argv = run
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [sys.executable, "-m", "lazada_eligibility", *_write(Path(folder), exports, argv)],
                capture_output=True,
                text=True,
                check=False,
                timeout=60,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
        assert done.returncode in STATUSES, (done.returncode, argv, done.stderr)
        assert "Traceback" not in done.stderr


@pytest.fixture(scope="module", autouse=True)
def _statuses_seen():
    """Fail when the fuzz never reached the statuses it is meant to exercise."""
    yield
    if SEEN:
        assert {0, 64, 65} <= set(SEEN), SEEN
