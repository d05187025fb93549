"""
Tests for MonthlyTurnover, Store and Application.
"""

from __future__ import annotations

import contextlib
import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Store,
    ValidationError,
)
from strategies import NEAR_AMOUNTS, applications, near_turnover, stores


def record(month: int = 9, amount: str = "1000", category: str | None = None) -> MonthlyTurnover:
    return MonthlyTurnover(Month(2026, month), Money(amount, "USD"), category)


def read_as(read: Any, data: object) -> str:
    """The application read, as its repr (every digit), or the refusal's message."""
    try:
        return repr(read(data))
    except ValidationError as e:
        return f"refused: {e}"


def paths(error: ValidationError) -> list[str]:
    return [p.path for p in error.problems]


class TestMonthlyTurnover:
    def test_valid(self):
        """A month, an amount and an optional category make a record."""
        r = record(category="mobiles")
        assert (Month(2026, 9), "mobiles") == (r.month, r.category)

    def test_negative_amount(self):
        """Negative turnover is refused."""
        with pytest.raises(ValidationError, match="must not be negative"):
            record(amount="-0.01")

    def test_types_checked_all_at_once(self):
        """Wrong types in every field are reported together."""
        with pytest.raises(ValidationError) as info:
            MonthlyTurnover("2026-09", 1000, " ")  # type: ignore[arg-type]
        assert ["month", "amount", "category"] == paths(info.value)

    def test_from_dict_forms(self):
        """Amounts come as a Money mapping, or as text beside a currency."""
        a = MonthlyTurnover.from_dict(
            {"month": "2026-09", "amount": {"amount": "5", "currency": "USD"}}
        )
        b = MonthlyTurnover.from_dict({"month": "Sep 2026", "amount": "5", "currency": "usd"})
        assert a == b

    def test_from_dict_currency_twice(self):
        """A currency beside a full Money mapping is refused as ambiguous."""
        with pytest.raises(ValidationError, match="currency"):
            MonthlyTurnover.from_dict(
                {
                    "month": "2026-09",
                    "amount": {"amount": "5", "currency": "USD"},
                    "currency": "EUR",
                }
            )

    def test_from_dict_all_problems(self):
        """Every bad key is reported with its path."""
        with pytest.raises(ValidationError) as info:
            MonthlyTurnover.from_dict({"month": "Sept 26", "amount": {"amount": 2.5, "currency": "ZZZ"},
                                       "colour": "red"})  # fmt: skip
        assert {"month", "amount", "amount.currency", "colour"} == set(paths(info.value))


class TestStore:
    def test_duplicate_month_and_category(self):
        """Two records for one month and category are refused, naming both."""
        with pytest.raises(ValidationError) as info:
            Store("ebay.com", "x", [record(9), record(9)])
        assert ["turnover[1]"] == paths(info.value)
        assert "turnover[0]" in str(info.value)

    def test_none_category_is_the_store_category(self):
        """A record without a category duplicates one in the store's category."""
        with pytest.raises(ValidationError):
            Store("ebay.com", "x", [record(9), record(9, category="mobiles")], category="mobiles")

    def test_breakdown_by_category(self):
        """Records of one month in different categories are a breakdown."""
        store = Store(
            "ebay.com", "x", [record(9, category="mobiles"), record(9, category="laptops")]
        )
        assert 2 == len(store.records_in(Month(2026, 9)))
        assert () == store.records_in(Month(2026, 10))
        assert (Month(2026, 9),) == store.months

    @pytest.mark.parametrize("field", ["platform", "store_id"])
    def test_blank_text(self, field):
        """Blank platform or store id is refused."""
        kwargs: dict[str, Any] = {"platform": "ebay.com", "store_id": "x", field: "  "}
        with pytest.raises(ValidationError) as info:
            Store(**kwargs)
        assert [field] == paths(info.value)

    def test_several_problems(self):
        """Bad name, owner and records are reported together."""
        with pytest.raises(ValidationError) as info:
            Store("", "", ["not a record"], name=5, owner=6, category="")  # type: ignore[list-item, arg-type]
        assert ["platform", "store_id", "category", "name", "owner", "turnover[0]"] == paths(
            info.value
        )

    def test_label(self):
        """The label joins platform and store id."""
        assert "Amazon US/A1" == Store("Amazon US", "A1").label

    def test_list_becomes_tuple(self):
        """Turnover given as a list is stored as a tuple, so stores hash."""
        store = Store("ebay.com", "x", [record()])
        assert isinstance(store.turnover, tuple)
        assert hash(store) == hash(Store("ebay.com", "x", (record(),)))


class TestApplication:
    def test_market(self):
        """Markets are upper-cased and checked."""
        assert "VN" == Application("A", "mobiles", [], market="vn").market
        with pytest.raises(ValidationError, match="market"):
            Application("A", "mobiles", [], market="US")

    def test_duplicate_store(self):
        """The same store twice is refused."""
        s = Store("ebay.com", "x")
        with pytest.raises(ValidationError, match="listed twice"):
            Application("A", "mobiles", [s, Store(" EBAY.COM ", "X")])

    def test_problems_together(self):
        """Blank applicant, category, id and bad stores are reported together."""
        with pytest.raises(ValidationError) as info:
            Application(" ", "", ["x"], id=" ")  # type: ignore[list-item]
        assert ["applicant", "category", "id", "stores[0]"] == paths(info.value)

    def test_from_dict_nested_paths(self):
        """Nested problems carry their full path."""
        data = {
            "applicant": "A",
            "category": "mobiles",
            "stores": [
                {"platform": "ebay.com", "store_id": "ok"},
                {"platform": "ebay.com", "store_id": "x",
                 "turnover": [{"month": "2026-09", "amount": "-1", "currency": "USD"}]},
            ],
            "extra": True,
        }  # fmt: skip
        with pytest.raises(ValidationError) as info:
            Application.from_dict(data)
        assert ["extra", "stores[1].turnover[0].amount"] == sorted(paths(info.value))

    @pytest.mark.parametrize(
        "data",
        [None, [], "x", {"stores": "x", "applicant": "A", "category": "c"}, {"applicant": 1}],
    )
    def test_from_dict_never_crashes(self, data):
        """Malformed documents raise ValidationError, nothing else."""
        with pytest.raises(ValidationError):
            Application.from_dict(data)

    @given(applications())
    def test_json_round_trip(self, app):
        """from_dict(to_dict(x)) == x through JSON text."""
        assert app == Application.from_dict(json.loads(json.dumps(app.to_dict())))

    @given(stores())
    def test_store_round_trip(self, store):
        """Stores round-trip through JSON too."""
        assert store == Store.from_dict(json.loads(json.dumps(store.to_dict())))

    @given(applications())
    def test_pickle(self, app):
        """Applications pickle (they travel to worker processes)."""
        assert app == pickle.loads(pickle.dumps(app))

    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                st.sampled_from(["applicant", "category", "stores", "id", "market", "platform",
                                 "store_id", "turnover", "month", "amount", "currency", "x"]),
                inner, max_size=5),
            max_leaves=12,
        )
    )  # fmt: skip
    def test_fuzz_only_library_errors(self, data):
        """Arbitrary JSON-like input gives an Application or a ValidationError, never another error."""
        with contextlib.suppress(ValidationError):
            Application.from_dict(data)


class TestFastPath:
    @given(applications())
    def test_same_result_as_the_thorough_path(self, app):
        """Canonical documents build the same application on both paths."""
        from lazada_eligibility.models import _fast_application

        data = json.loads(json.dumps(app.to_dict()))
        assert Application._read(data) == _fast_application(data)

    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                st.sampled_from(["applicant", "category", "stores", "id", "market", "platform",
                                 "store_id", "turnover", "month", "amount", "currency", "name",
                                 "owner"]),
                inner, max_size=6),
            max_leaves=14,
        )
    )  # fmt: skip
    def test_never_accepts_what_the_thorough_path_refuses(self, data):
        """Whenever the thorough path refuses a document, the fast path refuses it too."""
        from lazada_eligibility.models import _fast_application, _NotCanonical

        try:
            expected = Application._read(data)
        except ValidationError:
            with pytest.raises(_NotCanonical):
                _fast_application(data)
        else:
            with contextlib.suppress(_NotCanonical):
                assert expected == _fast_application(data)

    @settings(max_examples=300)
    @given(st.lists(near_turnover(), min_size=1, max_size=3))
    def test_turnover_shortcut_matches_the_thorough_path(self, records):
        """Near-valid turnover values give the same application, or the same refusal, on both paths."""
        data = {"applicant": "A", "category": "mobiles",
                "stores": [{"platform": "amazon.com", "store_id": "A1", "turnover": records}]}  # fmt: skip
        assert read_as(Application._read, data) == read_as(Application.from_dict, data)

    @pytest.mark.parametrize("amount", NEAR_AMOUNTS)
    def test_each_near_amount_agrees(self, amount):
        """Each near-valid amount text is read alike on both paths, digit for digit."""
        data = {"applicant": "A", "category": "c", "stores": [{"platform": "ebay.com",
                "store_id": "x", "turnover": [{"month": "2026-09",
                "amount": {"amount": amount, "currency": "USD"}}]}]}  # fmt: skip
        assert read_as(Application._read, data) == read_as(Application.from_dict, data)

    def test_month_cache_is_bounded(self):
        """The month strings kept for reuse stop growing at their bound."""
        from lazada_eligibility import models

        for year in range(2000, 2000 + models._MONTHS_KEPT // 12 + 10):
            for month in range(1, 13):
                models._month(f"{year}-{month:02d}")
        assert models._MONTHS_KEPT == len(models._MONTHS)


class TestKnownIdentity:
    def test_an_application_keeps_each_store_identity(self):
        """Building an application leaves each store's default-catalog identity for the rules."""
        from lazada_eligibility import DEFAULT_PLATFORMS
        from lazada_eligibility.models import known_identity

        app = Application("A", "mobiles", [Store("Amazon US", " A1B2 ")])
        platform = DEFAULT_PLATFORMS.resolve("Amazon US")
        expected = DEFAULT_PLATFORMS.identity("Amazon US", " A1B2 ")
        assert expected == known_identity(app.stores[0], platform)

    def test_not_reused_under_another_platform(self):
        """An identity found under one platform is never given for another, even an equal-named one."""
        import attrs as attrs_

        from lazada_eligibility import DEFAULT_PLATFORMS
        from lazada_eligibility.models import known_identity

        app = Application("A", "mobiles", [Store("Amazon US", "A1B2")])
        other = attrs_.evolve(DEFAULT_PLATFORMS.resolve("Amazon US"), namespace="elsewhere")
        assert known_identity(app.stores[0], other) is None
        assert (
            known_identity(Store("Amazon US", "A1B2"), DEFAULT_PLATFORMS.resolve("Amazon US"))
            is None
        )

    def test_a_custom_catalog_names_stores_by_its_own_platforms(self):
        """Under a catalog that changes a platform's namespace, outcomes carry that catalog's identity."""
        import datetime as dt

        import attrs as attrs_

        from lazada_eligibility import DEFAULT_PLATFORMS, LAZADA_CROSS_BORDER

        amazon = DEFAULT_PLATFORMS.resolve("Amazon US")
        moved = DEFAULT_PLATFORMS.with_platforms(attrs_.evolve(amazon, namespace="elsewhere"))
        store = Store("Amazon US", "A1B2", [record(9, "10")], category="mobiles")
        app = Application("A", "mobiles", [store])
        default = LAZADA_CROSS_BORDER.prepare().evaluate(app, as_of=dt.date(2026, 11, 28))
        custom = LAZADA_CROSS_BORDER.prepare(platforms=moved).evaluate(
            app, as_of=dt.date(2026, 11, 28)
        )
        namespaces = {
            o.subject.stores[0].namespace for o in custom.outcome.walk() if o.subject.stores
        }
        assert {"elsewhere"} == namespaces
        assert {"amazon"} == {
            o.subject.stores[0].namespace for o in default.outcome.walk() if o.subject.stores
        }

    def test_pickled_store_keeps_its_identity(self):
        """A store that travels to a worker process keeps its identity, named by platform id."""
        from lazada_eligibility import DEFAULT_PLATFORMS
        from lazada_eligibility.models import known_identity

        app = Application("A", "mobiles", [Store("Amazon US", "A1B2", [record()])])
        copied = pickle.loads(pickle.dumps(app))
        platform = DEFAULT_PLATFORMS.resolve("Amazon US")
        assert app == copied
        assert known_identity(app.stores[0], platform) == known_identity(copied.stores[0], platform)
        assert known_identity(copied.stores[0], platform) is not None
