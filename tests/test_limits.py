"""
Tests of the bounds of amounts and rates and the limits of applications, each at its edge.

Just inside each limit is accepted; just outside is refused with a message
that names the field.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from lazada_eligibility import (
    Application,
    Money,
    Month,
    MonthlyTurnover,
    PolicyError,
    RateTable,
    Store,
    ValidationError,
    cli,
    load_policy,
)
from lazada_eligibility.limits import (
    AMOUNT_LIMIT,
    AMOUNT_PLACES,
    MAX_RECORDS_PER_STORE,
    MAX_STORES,
    MAX_TEXT_LENGTH,
    RATE_LIMIT,
    RATE_PLACES,
)
from lazada_eligibility.policy.shipped import lazada_cross_border_document

SEP = Month(2026, 9)


def problems(error: ValidationError) -> list[str]:
    return [str(p) for p in error.problems]


class TestAmounts:
    @pytest.mark.parametrize(
        "amount",
        [
            "999999999999999.999999",
            "-999999999999999.999999",
            "0.000001",
            "1.500000000",
            10**15 - 1,
        ],
    )
    def test_inside(self, amount):
        """Amounts just below 10^15 with at most 6 places are accepted as given."""
        assert Decimal(amount) == Money(amount, "USD").amount

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("1000000000000000", "must be below 10^15 in magnitude, got 1000000000000000"),
            ("-1e15", "must be below 10^15 in magnitude, got -1E+15"),
            (10**15, "must be below 10^15 in magnitude, got an integer of about 16 digits"),
            ("1e26", "must be below 10^15 in magnitude, got 1E+26"),
            ("1e1000000", "must be below 10^15 in magnitude, got 1E+1000000"),
            ("0.0000001", "must have at most 6 decimal places, got 1E-7"),
            ("1000.0000001", "must have at most 6 decimal places, got 1000.0000001"),
        ],
    )
    def test_outside(self, amount, message):
        """Amounts of 10^15 or more, or with a 7th place, are refused naming the amount."""
        with pytest.raises(ValidationError) as e:
            Money(amount, "USD")
        assert [f"amount: {message}"] == problems(e.value)

    def test_a_five_thousand_digit_integer_is_refused_before_conversion(self):
        """A 5,000-digit integer is refused without turning it into text."""
        with pytest.raises(ValidationError, match=r"amount: must be below 10\^15"):
            Money(10**5000, "USD")

    def test_long_text_is_refused_before_parsing(self):
        """A megabyte of digits is refused by its length."""
        with pytest.raises(ValidationError, match="at most 64 characters, got 1000000"):
            Money("1" * 1_000_000, "USD")

    def test_from_dict_names_the_field(self):
        """Money.from_dict reports a bound like any bad field."""
        with pytest.raises(ValidationError) as e:
            MonthlyTurnover.from_dict({"month": "2026-09", "amount": "1e26", "currency": "USD"})
        assert ["amount: must be below 10^15 in magnitude, got 1E+26"] == problems(e.value)

    def test_constants(self):
        """The bounds are the documented numbers."""
        assert (10**15, 6, 10**9, 12) == (AMOUNT_LIMIT, AMOUNT_PLACES, RATE_LIMIT, RATE_PLACES)

    def test_arithmetic_results_may_exceed_the_bounds(self):
        """Sums and products are exact and kept whole; the bounds apply to amounts given."""
        big = Money("999999999999999", "USD")
        assert Decimal(1999999999999998) == (big + big).amount
        assert Decimal("0.0000005") == (Money("0.000001", "USD") * Decimal("0.5")).amount


class TestRates:
    @pytest.mark.parametrize(
        "rate", ["999999999.999999999999", "0.000000000001", "0.0000400000000000"]
    )
    def test_inside(self, rate):
        """Rates in (0, 10^9) with at most 12 places (trailing zeros aside) are accepted."""
        table = RateTable({("VND", SEP): rate})
        assert Decimal(rate) == table.rate("VND", "USD", SEP)

    @pytest.mark.parametrize(
        ("rate", "message"),
        [
            ("1000000000", "must be below 10^9, got 1000000000"),
            ("0", "must be positive, got 0"),
            ("-1", "must be positive, got -1"),
            ("0.0000000000001", "must have at most 12 decimal places, got 1E-13"),
        ],
    )
    def test_outside_in_a_mapping(self, rate, message):
        """A mapping's bad rate is refused naming its key."""
        with pytest.raises(ValidationError) as e:
            RateTable({("VND", SEP): rate})
        assert [f"[('VND', Month(2026, 9))]: rate: {message}"] == problems(e.value)

    def test_outside_in_a_csv(self, tmp_path: Path):
        """A CSV's bad rates are refused naming the file, line and column."""
        path = tmp_path / "rates.csv"
        path.write_text(
            "currency,month,rate_to_usd\nVND,2026-09,0.0000400\nIDR,2026-09,1e9\n"
            "EUR,2026-09,1.0800000000001\n",
            encoding="utf-8",
        )
        with pytest.raises(ValidationError) as e:
            RateTable.from_csv(path)
        assert [
            f"{path}:3.rate_to_usd: must be below 10^9, got 1E+9",
            f"{path}:4.rate_to_usd: must have at most 12 decimal places, got 1.0800000000001",
        ] == problems(e.value)


class TestPolicyMinimums:
    def test_a_huge_minimum_parameter_is_refused_naming_it(self):
        """Minimum = "1e1000000" in [params] is a PolicyError at params.minimum."""
        text = lazada_cross_border_document().replace('minimum = "1000"', 'minimum = "1e1000000"')
        with pytest.raises(
            PolicyError, match=r"params\.minimum: must be below 10\^15 in magnitude"
        ):
            load_policy(text)

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ('"1e26"', "must be below 10^15 in magnitude, got 1E+26"),
            ("1000000000000000", "must be below 10^15 in magnitude, got about 16 digits"),
            ('"1000.0000001"', "must have at most 6 decimal places, got 1000.0000001"),
        ],
    )
    def test_a_bad_minimum_in_the_rule_is_refused_naming_it(self, amount, message):
        """A minimum written in the rule is refused at its own path."""
        text = (
            f'id = "x"\nversion = "1"\n[rule.min_turnover]\namount = {amount}\ncurrency = "USD"\n'
        )
        with pytest.raises(PolicyError) as e:
            load_policy(text)
        assert f"rule.min_turnover.amount: {message}" in str(e.value)

    def test_the_largest_minimum_loads(self):
        """A minimum just below 10^15 with 6 places loads."""
        text = (
            'id = "x"\nversion = "1"\n[rule.any_store.each_month.rule.min_turnover]\n'
            'amount = "999999999999999.999999"\ncurrency = "USD"\n'
        )
        assert "Money('999999999999999.999999', 'USD')" in str(load_policy(text).rule)


def store(i: int = 0, records: int = 1, **text: str) -> Store:
    turnover = [MonthlyTurnover(Month(2000, 1) + k, Money(1, "USD")) for k in range(records)]
    return Store(text.get("platform", "Amazon US"), text.get("store_id", f"S{i}"), turnover,
                 name=text.get("name"), owner=text.get("owner"))  # fmt: skip


def store_doc(i: int, records: int = 0) -> dict[str, object]:
    turnover = [
        {"month": str(Month(2000, 1) + k), "amount": {"amount": "1", "currency": "USD"}}
        for k in range(records)
    ]
    return {"platform": "Amazon US", "store_id": f"S{i}", "turnover": turnover}


class TestApplicationLimits:
    def test_stores_at_the_limit(self):
        """An application of exactly MAX_STORES stores is accepted."""
        assert MAX_STORES == len(
            Application("A", "mobiles", [store(i) for i in range(MAX_STORES)]).stores
        )

    def test_one_store_too_many(self):
        """One store more is refused naming stores."""
        with pytest.raises(ValidationError) as e:
            Application("A", "mobiles", [store(i) for i in range(MAX_STORES + 1)])
        assert [f"stores: at most {MAX_STORES} stores, got {MAX_STORES + 1}"] == problems(e.value)

    def test_records_at_the_limit(self):
        """A store of exactly MAX_RECORDS_PER_STORE records is accepted."""
        assert MAX_RECORDS_PER_STORE == len(store(records=MAX_RECORDS_PER_STORE).turnover)

    def test_one_record_too_many(self):
        """One record more is refused naming turnover."""
        with pytest.raises(ValidationError) as e:
            store(records=MAX_RECORDS_PER_STORE + 1)
        assert [
            f"turnover: at most {MAX_RECORDS_PER_STORE} monthly records, got {MAX_RECORDS_PER_STORE + 1}"
        ] == problems(e.value)

    def test_store_id_length(self):
        """A store id of MAX_TEXT_LENGTH characters passes; one more is refused by the identity check."""
        assert store(store_id="x" * MAX_TEXT_LENGTH)
        with pytest.raises(ValidationError) as e:
            store(store_id="x" * (MAX_TEXT_LENGTH + 1))
        expected = (
            f"is {MAX_TEXT_LENGTH + 1} characters long; a store id has at most {MAX_TEXT_LENGTH}"
        )
        assert [f"store_id: {expected}"] == problems(e.value)

    @pytest.mark.parametrize("field", ["platform", "name", "owner"])
    def test_store_text_lengths(self, field):
        """Store text of MAX_TEXT_LENGTH characters passes; one more is refused naming the field."""
        assert store(**{field: "x" * MAX_TEXT_LENGTH})
        with pytest.raises(ValidationError) as e:
            store(**{field: "x" * (MAX_TEXT_LENGTH + 1)})
        expected = f"must be at most {MAX_TEXT_LENGTH} characters, got {MAX_TEXT_LENGTH + 1}"
        assert [f"{field}: {expected}: {'x' * 20!r}..."] == problems(e.value)

    @pytest.mark.parametrize("field", ["applicant", "category", "id"])
    def test_application_text_lengths(self, field):
        """Application text of MAX_TEXT_LENGTH characters passes; one more is refused naming the field."""
        values = {"applicant": "A", "category": "mobiles", "id": "APP-1"}
        assert Application(**{**values, field: "x" * MAX_TEXT_LENGTH}, stores=[])
        with pytest.raises(ValidationError) as e:
            Application(**{**values, field: "x" * (MAX_TEXT_LENGTH + 1)}, stores=[])
        assert [f"{field}: must be at most {MAX_TEXT_LENGTH} characters"] == [
            p.split(", got")[0] for p in problems(e.value)
        ]

    def test_a_ten_megabyte_store_id_is_refused(self):
        """A 10 MB store id is refused with a short message, not echoed."""
        with pytest.raises(ValidationError) as e:
            store(store_id="x" * 10_000_000)
        assert len(str(e.value)) < 200

    def test_from_dict_refuses_before_converting(self, monkeypatch):
        """from_dict refuses a list over the limit without converting a single item."""
        calls = []
        monkeypatch.setattr(Store, "from_dict", classmethod(lambda _cls, d: calls.append(d)))
        doc = {
            "applicant": "A",
            "category": "mobiles",
            "stores": [store_doc(i) for i in range(MAX_STORES + 1)],
        }
        with pytest.raises(ValidationError) as e:
            Application.from_dict(doc)
        assert [f"stores: at most {MAX_STORES} stores, got {MAX_STORES + 1}"] == problems(e.value)
        assert [] == calls

    def test_from_dict_records_limit(self):
        """from_dict names the store whose records are over the limit."""
        doc = {
            "applicant": "A",
            "category": "mobiles",
            "stores": [store_doc(0, MAX_RECORDS_PER_STORE + 1)],
        }
        with pytest.raises(ValidationError) as e:
            Application.from_dict(doc)
        assert [
            f"stores[0].turnover: at most {MAX_RECORDS_PER_STORE} monthly records, got {MAX_RECORDS_PER_STORE + 1}"
        ] == problems(e.value)

    def test_from_dict_at_the_limits(self):
        """A document at every limit reads, through the fast path or the thorough one."""
        stores = [store_doc(i, 3) for i in range(MAX_STORES - 1)]
        stores.append(store_doc(MAX_STORES, MAX_RECORDS_PER_STORE))
        app = Application.from_dict({"applicant": "A", "category": "mobiles", "stores": stores})
        assert (MAX_STORES, MAX_RECORDS_PER_STORE) == (
            len(app.stores),
            len(app.stores[-1].turnover),
        )


def write_app(path: Path, amounts: dict[str, str]) -> Path:
    records = [{"month": m, "amount": {"amount": a, "currency": "USD"}} for m, a in amounts.items()]
    store_doc = {"platform": "Amazon US", "store_id": "A1", "category": "mobiles"}
    doc = {"applicant": "S", "category": "mobiles", "stores": [{**store_doc, "turnover": records}]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


class TestCommandLine:
    def test_explain_refuses_a_huge_amount(self, tmp_path: Path, capsys):
        """The check command with --explain and US$1e26 stops at the door with status 65 naming the field."""
        path = write_app(tmp_path / "app.json", {"2026-09": "1e26"})
        argv = ["check", str(path), "--explain", "--as-of", "2026-11-28"]
        status = cli.main(argv, out=io.StringIO())
        assert 65 == status
        assert (
            "stores[0].turnover[0].amount: must be below 10^15 in magnitude"
            in capsys.readouterr().err
        )

    def test_explain_shows_a_shortfall_rounded_up(self, tmp_path: Path):
        """US$999.995 reads "US$999.99, US$0.01 short", and the decision is a fail."""
        months = {"2026-08": "2000", "2026-09": "999.995", "2026-10": "2000"}
        path = write_app(tmp_path / "app.json", months)
        out = io.StringIO()
        status = cli.main(["check", str(path), "--explain", "--as-of", "2026-11-28"], out=out)
        assert 1 == status
        text = out.getvalue()
        assert "turnover US$999.99, US$0.01 short of the minimum of US$1,000.00" in text
        assert "US$0.00" not in text


class TestAsOfRange:
    """Every decision takes as_of within AS_OF_RANGE, the same range as the command line."""

    @staticmethod
    def deciders():
        import lazada_eligibility as le

        return {
            "evaluate": lambda app, day: le.evaluate(app, as_of=day),
            "check": lambda app, day: le.LAZADA_CROSS_BORDER.check(app, as_of=day),
            "prepared": lambda app, day: le.LAZADA_CROSS_BORDER.prepare().check(app, as_of=day),
            "earliest": lambda app, day: le.earliest_eligible(app, as_of=day),
        }

    @pytest.mark.parametrize("name", ["evaluate", "check", "prepared", "earliest"])
    def test_the_ends_of_the_range_decide(self, name):
        """The first and the last day of the range are decided."""
        from lazada_eligibility.limits import AS_OF_RANGE

        for day in AS_OF_RANGE:
            self.deciders()[name](Application("A", "mobiles", [store(0)]), day)

    @pytest.mark.parametrize("name", ["evaluate", "check", "prepared", "earliest"])
    @pytest.mark.parametrize(
        "day",
        [dt.date(1, 1, 15), dt.date(1899, 12, 31), dt.date(3000, 1, 1), dt.date(9999, 12, 31)],
    )
    def test_a_day_outside_is_refused_naming_as_of(self, name, day):
        """A day outside the range is a ValidationError naming as_of, never a bare ValueError."""
        with pytest.raises(ValidationError) as e:
            self.deciders()[name](Application("A", "mobiles", [store(0)]), day)
        assert [f"as_of: must be a date from 1900-01-01 to 2999-12-31, got {day}"] == problems(
            e.value
        )
