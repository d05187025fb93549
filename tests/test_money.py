"""
Tests for Money and RateTable.
"""

from __future__ import annotations

import decimal
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import (
    CurrencyMismatchError,
    EligibilityError,
    Money,
    Month,
    RateTable,
    ValidationError,
)
from lazada_eligibility.money import known_currency, to_decimal
from strategies import decimals


class TestMoney:
    def test_amount_kinds(self):
        """Decimal, int and numeric strings are accepted and kept exactly."""
        assert Decimal("1000.50") == Money("1000.50", "USD").amount
        assert Decimal(7) == Money(7, "USD").amount
        assert Decimal("0.1") == Money(Decimal("0.1"), "USD").amount

    def test_precision_is_kept(self):
        """No rounding happens on construction."""
        assert Decimal("10.005") == Money("10.005", "USD").amount

    def test_float_refused(self):
        """A float is refused with a TypeError that says why."""
        with pytest.raises(TypeError, match="cannot represent money exactly"):
            Money(0.1, "USD")  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", [True, None, [1], object()])
    def test_other_types_refused(self, bad):
        """Non-numbers are refused with a TypeError naming the type."""
        with pytest.raises(TypeError, match="amount must be"):
            Money(bad, "USD")

    @pytest.mark.parametrize("bad", ["", "ten", "1,000", "NaN", "Infinity", "-inf"])
    def test_bad_strings(self, bad):
        """Strings that are not finite decimal numbers raise ValidationError naming amount."""
        with pytest.raises(ValidationError, match="amount"):
            Money(bad, "USD")

    def test_currency_upper_cased(self):
        """Currency codes are upper-cased."""
        assert "EUR" == Money(1, " eur ").currency

    @pytest.mark.parametrize("bad", ["XXY", "dollars", "", 840])
    def test_unknown_currency(self, bad):
        """Unknown currency codes raise ValidationError naming the currency."""
        with pytest.raises(ValidationError, match="currency"):
            Money(1, bad)

    def test_arithmetic(self):
        """Addition, subtraction, negation and scaling stay in the currency."""
        a, b = Money("10.25", "USD"), Money("0.75", "USD")
        assert Money("11.00", "USD") == a + b
        assert Money("9.50", "USD") == a - b
        assert Money("-10.25", "USD") == -a
        assert Money("20.50", "USD") == a * 2 == 2 * a
        assert Money("11.275", "USD") == a * Decimal("1.1")

    def test_sum(self):
        """sum() works from the integer 0."""
        assert Money("6", "USD") == sum([Money(1, "USD"), Money(2, "USD"), Money(3, "USD")])

    def test_mismatch(self):
        """Mixing currencies raises CurrencyMismatchError, a TypeError and an EligibilityError."""
        with pytest.raises(CurrencyMismatchError) as info:
            _ = Money(1, "USD") + Money(1, "EUR")
        assert isinstance(info.value, TypeError)
        assert isinstance(info.value, EligibilityError)
        with pytest.raises(CurrencyMismatchError):
            _ = Money(1, "USD") < Money(1, "EUR")

    def test_foreign_operands(self):
        """Arithmetic with non-Money is not implemented."""
        assert NotImplemented == Money(1, "USD").__add__(1)
        assert NotImplemented == Money(1, "USD").__radd__(5)
        assert NotImplemented == Money(1, "USD").__mul__(1.5)
        assert NotImplemented == Money(1, "USD").__lt__(1)
        with pytest.raises(TypeError):
            _ = Money(1, "USD") * 1.5  # type: ignore[operator]

    def test_comparisons(self):
        """Exactly the same amount is not less; comparisons are by amount."""
        m = Money("1000.00", "USD")
        assert m >= Money(1000, "USD")
        assert m <= Money(1000, "USD")
        assert not m < Money(1000, "USD")
        assert m > Money("999.99", "USD")
        assert not m > Money(1000, "USD")
        assert not Money("999.99", "USD") >= m
        assert not m <= Money("999.99", "USD")
        assert Money(1000, "USD") == m

    @pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__"])
    def test_comparing_with_other_types_is_not_implemented(self, op):
        """Comparing Money with a number is left to Python, which refuses it."""
        assert NotImplemented is getattr(Money(1, "USD"), op)(1)

    @pytest.mark.parametrize(
        ("compare", "verb"),
        [
            (lambda a, b: a < b, "compare"),
            (lambda a, b: a <= b, "compare"),
            (lambda a, b: a > b, "compare"),
            (lambda a, b: a >= b, "compare"),
            (lambda a, b: a + b, "add"),
            (lambda a, b: a - b, "subtract"),
        ],
    )
    def test_mismatch_names_the_operation(self, compare, verb):
        """Mixing currencies says what was attempted, with both amounts."""
        expected = (
            f"cannot {verb} Money('1', 'USD') and Money('2', 'EUR'): "
            "convert one currency to the other first"
        )
        with pytest.raises(CurrencyMismatchError) as e:
            compare(Money(1, "USD"), Money(2, "EUR"))
        assert expected == str(e.value)

    def test_product_that_cannot_be_exact_is_refused(self):
        """A product that would need more than 80 digits is refused, not rounded."""
        factor = Decimal("1." + "1" * 70)
        with pytest.raises(ValidationError) as e:
            _ = Money("999999999999999.999999", "USD") * factor
        expected = (
            f"amount: the result of 999999999999999.999999 and {factor} cannot be held exactly"
        )
        assert expected == str(e.value)

    def test_format_defaults_to_english(self):
        """Without a locale, format writes English."""
        assert "$1,234.50" == Money("1234.5", "USD").format()

    def test_format_ignores_the_callers_context(self):
        """Formatting under prec=4 and ROUND_UP still shows US$999.99 and large sums whole."""
        with decimal.localcontext(prec=4, rounding=decimal.ROUND_UP):
            assert "$999.99" == Money("999.99", "USD").format("en")
            big = Money("999999999999999", "USD") + Money("999999999999999", "USD")
            assert "$1,999,999,999,999,998.00" == big.format("en")

    def test_format(self):
        """format() rounds to the currency's digits in the locale's style."""
        assert "US$1.234,50" == Money("1234.5", "USD").format("id")
        assert "¥1,235" == Money("1234.6", "JPY").format("en")
        assert "1.234.567\xa0₫" == Money("1234567", "VND").format("vi")

    def test_rounded(self):
        """rounded() rounds half-even to the currency's digits."""
        assert Money("10.00", "USD") == Money("10.005", "USD").rounded()
        assert Money("1234", "JPY") == Money("1234.5", "JPY").rounded()
        assert Money("1236", "JPY") == Money("1235.5", "JPY").rounded()

    def test_dict_round_trip(self):
        """to_dict and from_dict round-trip with the amount as a string."""
        m = Money("1000.10", "USD")
        assert {"amount": "1000.10", "currency": "USD"} == m.to_dict()
        assert m == Money.from_dict(m.to_dict())

    def test_from_dict_problems(self):
        """from_dict reports every bad or missing key at once."""
        with pytest.raises(ValidationError) as info:
            Money.from_dict({"amount": 1.5, "extra": 1})
        paths = [p.path for p in info.value.problems]
        assert ["currency", "amount", "extra"] == sorted(
            paths, key=["currency", "amount", "extra"].index
        )
        with pytest.raises(ValidationError, match="expected a mapping"):
            Money.from_dict("1000 USD")

    def test_repr_and_str(self):
        """Repr reads like the constructor; str is amount and code."""
        assert "Money('1.50', 'EUR')" == repr(Money("1.50", "EUR"))
        assert "1.50 EUR" == str(Money("1.50", "EUR"))

    def test_pickle(self):
        """Money pickles."""
        m = Money("3.14", "USD")
        assert m == pickle.loads(pickle.dumps(m))

    @given(decimals(), decimals(), decimals())
    def test_addition_laws(self, a, b, c):
        """Addition is associative and commutative with zero as identity."""
        x, y, z = Money(a, "USD"), Money(b, "USD"), Money(c, "USD")
        assert (x + y) + z == x + (y + z)
        assert x + y == y + x
        assert x == x + Money.zero("USD")
        assert x == (x + y) - y

    @given(decimals(), decimals())
    def test_order_matches_amounts(self, a, b):
        """Money orders exactly as its amounts do."""
        assert (Money(a, "EUR") < Money(b, "EUR")) == (a < b)

    @given(st.floats(allow_nan=False))
    def test_any_float_refused(self, value):
        """Every float is refused, whatever its value."""
        with pytest.raises(TypeError):
            Money(value, "USD")  # type: ignore[arg-type]


class TestHelpers:
    def test_known_currency(self):
        """known_currency normalises and rejects."""
        assert "SGD" == known_currency("sgd")
        with pytest.raises(ValidationError):
            known_currency(None)

    def test_to_decimal_field_name(self):
        """to_decimal names the field it was told."""
        with pytest.raises(ValidationError, match="rate"):
            to_decimal("x", "rate")


class TestRateTable:
    def test_direct_and_cross_rates(self):
        """Rates to USD, from USD and between two covered currencies."""
        table = RateTable(
            {("EUR", Month(2026, 8)): Decimal("1.10"), ("GBP", Month(2026, 8)): Decimal("1.32")}
        )
        assert Decimal("1.10") == table.rate("EUR", "USD", Month(2026, 8))
        eighty = decimal.Context(prec=80)
        assert eighty.divide(1, Decimal("1.10")) == table.rate("USD", "EUR", Month(2026, 8))
        assert Decimal("1.2") == table.rate("GBP", "EUR", Month(2026, 8))
        assert Decimal(1) == table.rate("JPY", "JPY", Month(2026, 8))

    def test_missing_is_none(self):
        """A missing rate is None, never a guess, and convert says None too."""
        table = RateTable({("EUR", Month(2026, 8)): "1.1"})
        assert table.rate("EUR", "USD", Month(2026, 9)) is None
        assert table.rate("JPY", "EUR", Month(2026, 8)) is None
        assert table.convert(Money(1, "EUR"), "USD", Month(2026, 9)) is None

    def test_convert_unrounded(self):
        """Convert keeps every digit."""
        table = RateTable({("EUR", Month(2026, 8)): "1.0842"})
        assert Money("1062.516", "USD") == table.convert(Money(980, "EUR"), "USD", Month(2026, 8))

    def test_bad_entries(self):
        """Every bad entry is reported at once."""
        with pytest.raises(ValidationError) as info:
            RateTable(
                {("EUR", Month(2026, 8)): "0", ("XXY", Month(2026, 8)): "1", ("EUR", "2026-13"): 1}
            )
        assert 3 == len(info.value.problems)

    def test_string_months_and_rows(self):
        """Months may be given as text; from_rows builds the same table."""
        a = RateTable({("EUR", "2026-08"): "1.1"})
        b = RateTable.from_rows([("EUR", "2026-08", "1.1")])
        assert a.items() == b.items()
        assert 1 == len(a)
        assert ("EUR", Month(2026, 8)) in a

    def test_from_csv(self, tmp_path: Path):
        """A CSV with the documented header loads; blank lines are skipped."""
        path = tmp_path / "rates.csv"
        path.write_text("\ufeffcurrency,month,rate_to_usd\nEUR,2026-08,1.08\n\nGBP,Aug 2026,1.27\n")
        table = RateTable.from_csv(path)
        assert Decimal("1.27") == table.rate("GBP", "USD", Month(2026, 8))

    def test_from_csv_errors_name_lines(self, tmp_path: Path):
        """Bad rows are reported with their file and line, all at once."""
        path = tmp_path / "rates.csv"
        path.write_text(
            "currency,month,rate_to_usd\nEUR,2026-08,1.08\nEUR,2026-08,1.09\nXXY,2026-08,1\n"
            "EUR,2026-09\nEUR,2026-10,-1\n"
        )
        with pytest.raises(ValidationError) as info:
            RateTable.from_csv(path)
        where = [p.path.rsplit(":", 1)[-1].split(".")[0] for p in info.value.problems]
        assert ["3", "4", "5", "6"] == where
        assert all(p.path.startswith(str(path)) for p in info.value.problems)

    def test_from_csv_bad_header(self, tmp_path: Path):
        """A wrong header is refused, naming what was found."""
        path = tmp_path / "rates.csv"
        path.write_text("ccy,month,rate\n")
        with pytest.raises(ValidationError, match="ccy,month,rate"):
            RateTable.from_csv(path)

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (
                b"currency,month,rate_to_usd\nEUR,2026-08,1.0\xff\n",
                "{path}: not UTF-8 text: invalid start byte at byte 43 (line 2)",
            ),
            (
                b"currency,month,rate_to_usd\n" + b"#" * (16 << 20),
                "{path}: larger than 16 MiB, the limit for this file",
            ),
            (
                b'currency,month,rate_to_usd\n"' + b"9" * 200_000 + b'"\n',
                "{path}:2: not CSV this library reads: field larger than field limit (131072)",
            ),
        ],
        ids=["not-utf8", "too-large", "huge-field"],
    )
    def test_from_csv_reads_as_every_input_is_read(
        self, tmp_path: Path, data: bytes, expected: str
    ):
        """Garbage, huge files and huge fields are a ValidationError naming the file, never a traceback."""
        path = tmp_path / "rates.csv"
        path.write_bytes(data)

        with pytest.raises(ValidationError) as info:
            RateTable.from_csv(path)

        assert expected.format(path=path) == str(info.value)

    def test_pickle(self):
        """Rate tables pickle (they travel to worker processes)."""
        table = RateTable({("EUR", Month(2026, 8)): "1.1"})
        assert table.items() == pickle.loads(pickle.dumps(table)).items()
