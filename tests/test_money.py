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
from lazada_eligibility.exceptions import FieldProblem
from lazada_eligibility.money import bounded_amount, bounded_rate, known_currency, to_decimal
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


class TestWhatMutationTestingFound:
    """
    Mutants of money.py that the suite let through.

    Each test kills some: a message, a field name, a boundary or a branch
    that nothing exercised.
    """

    def test_unknown_currency_names_the_field(self):
        """An unknown code and a non-string are problems of ``currency``, quoting what was given."""
        with pytest.raises(ValidationError) as unknown:
            known_currency("XXY")
        with pytest.raises(ValidationError) as not_text:
            known_currency(840)

        assert [FieldProblem("currency", "unknown ISO 4217 currency code 'XXY'")] == list(
            unknown.value.problems
        )
        assert [
            FieldProblem("currency", "must be an ISO 4217 code such as 'USD', got 840")
        ] == list(not_text.value.problems)

    @pytest.mark.parametrize(
        ("check", "field"),
        [(bounded_amount, "amount"), (bounded_rate, "rate")],
        ids=["amount", "rate"],
    )
    def test_number_text_is_refused_past_64_characters_and_not_at_64(self, check, field):
        """64 characters are read (leading zeros allowed); 65 are refused before parsing, naming the field."""
        at_limit = "0" * 63 + "1"
        over = "0" * 64 + "1"

        assert Decimal(1) == check(at_limit)
        with pytest.raises(ValidationError) as info:
            check(over, "the_field")
        assert [
            FieldProblem("the_field", "must be a number of at most 64 characters, got 65")
        ] == list(info.value.problems)
        with pytest.raises(ValidationError, match=f"^{field}: "):
            check(over)

    def test_huge_integers_are_refused_with_their_size(self):
        """An integer of 5,000 digits is refused before any conversion, saying roughly how long it is."""
        with pytest.raises(ValidationError) as info:
            bounded_rate(10**4999, "rate_to_usd")

        assert [
            FieldProblem(
                "rate_to_usd",
                "must be below 10^15 in magnitude, got an integer of about 5000 digits",
            )
        ] == list(info.value.problems)

    def test_to_decimal_messages_name_the_field(self):
        """Text that is not a number or not finite is a problem of the named field, quoting the value."""
        with pytest.raises(ValidationError) as bad:
            to_decimal("12,50", "turnover")
        with pytest.raises(ValidationError) as infinite:
            to_decimal("Infinity", "turnover")
        with pytest.raises(
            TypeError, match=r"^turnover must be a Decimal, str or int, not float 1\.5: a float"
        ):
            to_decimal(1.5, "turnover")
        with pytest.raises(
            TypeError, match=r"^turnover must be a Decimal, str or int, not list \[\]$"
        ):
            to_decimal([], "turnover")  # type: ignore[arg-type]

        assert [
            FieldProblem("turnover", "must be a decimal number such as '1000.50', got '12,50'")
        ] == list(bad.value.problems)
        assert [FieldProblem("turnover", "must be a finite number, got 'Infinity'")] == list(
            infinite.value.problems
        )

    def test_money_from_dict_reports_every_problem_at_once(self):
        """Both missing keys and every unexpected one are reported together, each by name."""
        with pytest.raises(ValidationError) as info:
            Money.from_dict({"amt": "1", "ccy": "USD"})
        with pytest.raises(ValidationError) as not_a_mapping:
            Money.from_dict(["1", "USD"])

        assert [
            FieldProblem("amount", "is required"),
            FieldProblem("currency", "is required"),
            FieldProblem("amt", "unexpected key"),
            FieldProblem("ccy", "unexpected key"),
        ] == list(info.value.problems)
        assert [
            FieldProblem("", "expected a mapping with 'amount' and 'currency', got ['1', 'USD']")
        ] == list(not_a_mapping.value.problems)

    def test_empty_rates_file_is_a_missing_header(self, tmp_path: Path):
        """An empty rates file is refused for its missing header, on line 1, not with a TypeError."""
        path = tmp_path / "rates.csv"
        path.write_text("")

        with pytest.raises(ValidationError) as info:
            RateTable.from_csv(path)

        assert [
            FieldProblem(f"{path}:1", "expected the header 'currency,month,rate_to_usd', got ''")
        ] == list(info.value.problems)

    def test_rates_file_rows_name_their_problem(self, tmp_path: Path):
        """A short row and a repeated rate say what is wrong with them, on their line."""
        path = tmp_path / "rates.csv"
        path.write_text(
            "currency,month,rate_to_usd\r\nEUR,2026-08\r\nEUR,2026-09,1.08\r\nEUR,2026-09,1.09\r\n"
        )

        with pytest.raises(ValidationError) as info:
            RateTable.from_csv(path)

        assert [
            FieldProblem(f"{path}:2", "expected 3 cells, got 2"),
            FieldProblem(f"{path}:4", "a second rate for EUR in 2026-09"),
        ] == list(info.value.problems)

    def test_a_cross_rate_that_does_not_end_converts_with_80_digits(self):
        """An amount times a non-terminating cross rate is the product rounded to 80 significant digits."""
        table = RateTable({("EUR", "2026-08"): "1.08", ("GBP", "2026-08"): "1.27"})
        month = Month(2026, 8)
        rate = table.rate("GBP", "EUR", month)
        assert rate is not None

        converted = table.convert(Money("123456789.123456", "GBP"), "EUR", month)

        with decimal.localcontext() as ctx:
            ctx.prec = 80
            expected = +(Decimal("123456789.123456") * rate)
        assert converted is not None
        assert "EUR" == converted.currency
        assert expected == converted.amount
        assert 80 == len(converted.amount.as_tuple().digits)

    def test_digits_may_be_grouped_with_underscores(self):
        """``1_000.50`` reads as 1000.50, as Python reads it; a problem without a field is the amount's."""
        assert Decimal("1000.50") == to_decimal("1_000.50")
        with pytest.raises(ValidationError, match=r"^amount: must be a decimal number"):
            to_decimal("x")

    @pytest.mark.parametrize("check", [bounded_amount, bounded_rate], ids=["amount", "rate"])
    def test_bounded_numbers_name_their_field_when_not_a_number(self, check):
        """Text that is not a number is a problem of the field the caller named."""
        with pytest.raises(ValidationError) as info:
            check("one", "rate_to_usd")

        assert [
            FieldProblem("rate_to_usd", "must be a decimal number such as '1000.50', got 'one'")
        ] == list(info.value.problems)

    def test_money_from_dict_wrong_types_are_problems(self):
        """A float or a list as the amount is a problem of ``amount`` saying why, not a TypeError."""
        with pytest.raises(ValidationError) as info:
            Money.from_dict({"amount": 1.5, "currency": "USD"})

        assert [
            FieldProblem(
                "amount",
                "amount must be a Decimal, str or int, not float 1.5: "
                "a float cannot represent money exactly; pass str(value) or a Decimal",
            )
        ] == list(info.value.problems)

    def test_money_from_dict_keys_of_any_type(self):
        """A bad amount says why, and unexpected keys of mixed types are listed, not a TypeError."""
        with pytest.raises(ValidationError) as info:
            Money.from_dict({"amount": "lots", "currency": "USD", 1: "x", "z": 2})

        assert [
            FieldProblem("amount", "must be a decimal number such as '1000.50', got 'lots'"),
            FieldProblem("1", "unexpected key"),
            FieldProblem("z", "unexpected key"),
        ] == list(info.value.problems)
