"""
Tests for typed outcome subjects: what an outcome is about, rendered verbatim.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Platform,
    PlatformKind,
    Store,
    ValidationError,
    evaluate,
)
from lazada_eligibility._l10n import LANGUAGES
from lazada_eligibility.explain import explain
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.subjects import (
    ApplicationRef,
    MonthRef,
    StoreGroup,
    StoreRef,
    subject_from_dict,
)

AS_OF = dt.date(2026, 11, 28)

# A marketplace whose store ids may hold anything printable: separators,
# quotes, commas, "+", "and", non-Latin scripts and right-to-left text.
OPEN_MALL = Platform(
    id="openmall.example",
    name="Open Mall",
    kind=PlatformKind.CROSS_BORDER,
    family="openmall",
    aliases=("Open Mall",),
    store_id_case_sensitive=True,
)
CATALOG = DEFAULT_PLATFORMS.with_platforms(OPEN_MALL)

AWKWARD_IDS = (
    "shop+1",
    "shop+2",
    "a,b,and,c",
    'say"hi"',
    "it's,'quoted'",
    "店铺和一",
    "ร้านและร้าน",
    "متجر+جمل",
    "בגד,שמש",
)
# Ids with spaces: no known platform accepts them, an unknown platform keeps them (and reviews).
SPACED_IDS = ("shop + 1", "a, b and c", "متجر + واحد")


def short_store(store_id: str, amount: int = 300) -> Store:
    turnover = [MonthlyTurnover(Month(2026, m), Money(amount, "USD")) for m in (8, 9, 10)]
    return Store("Open Mall", store_id, turnover, category="mobiles")


def refs() -> st.SearchStrategy[StoreRef]:
    text = st.text(min_size=1, max_size=8)
    optional = st.none() | text
    return st.builds(StoreRef, text, text, optional, optional, optional, text)


def subjects() -> st.SearchStrategy[object]:
    months = st.builds(Month, st.integers(2000, 2100), st.integers(1, 12))
    many = st.lists(refs(), min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(ApplicationRef, st.none() | st.text(max_size=5), st.text(max_size=5)),
        refs(),
        st.builds(StoreGroup, many),
        st.builds(MonthRef, months, many),
    )


class TestSubjects:
    @given(subjects())
    def test_round_trip(self, subject):
        """Every subject reads back equal from its to_dict()."""
        assert subject == subject_from_dict(subject.to_dict())  # type: ignore[attr-defined]

    def test_engine_builds_typed_subjects(self):
        """Store outcomes carry a StoreRef with the store as given and as canonical."""
        app = Application("A", "mobiles", [Store("Amazon US", "A1MINGDA88")], id="APP-1")

        d = evaluate(app, as_of=AS_OF)

        assert ApplicationRef("APP-1", "A") == d.outcome.subject
        store_outcome = d.outcome.children[0].children[0]
        assert (
            StoreRef(
                "Amazon US",
                "A1MINGDA88",
                "amazon.com",
                "amazon",
                "a1mingda88",
                "amazon.com/A1MINGDA88",
            )
            == store_outcome.subject
        )

    def test_month_subject_names_its_month_and_store(self):
        """A month outcome's subject is a MonthRef of the month and the store."""
        d = evaluate(
            Application("A", "mobiles", [short_store("s")]), as_of=AS_OF, platforms=CATALOG
        )

        reason = d.reasons[0]
        assert (Month(2026, 8), ("openmall.example/s",)) == (
            reason.subject.month,
            tuple(s.label for s in reason.subject.stores),
        )

    @pytest.mark.parametrize(
        ("data", "path"),
        [
            ({"kind": "store"}, "platform"),
            ({"kind": "month", "month": "2026-13", "stores": []}, "month"),
            ({"kind": "stores", "stores": []}, "stores"),
            ({"kind": "stores", "stores": [{"platform": 1}]}, "stores[0].platform"),
            ({"kind": "nation"}, "kind"),
            ("store amazon.com/A1", ""),
        ],
    )
    def test_bad_subject_is_named(self, data, path):
        """A damaged subject raises ValidationError at the damaged key."""
        with pytest.raises(ValidationError) as e:
            subject_from_dict(data)

        assert path == e.value.problems[0].path


class TestVerbatimIds:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_awkward_ids_render_verbatim_in_every_language(self, language):
        """Store ids with separators, quotes, commas, +, other scripts and RTL text appear whole."""
        app = Application("A", "mobiles", [short_store(i) for i in AWKWARD_IDS])

        text = explain(evaluate(app, as_of=AS_OF, platforms=CATALOG), language)

        for store_id in AWKWARD_IDS:
            assert f"openmall.example/{store_id}" in text

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_plus_in_an_id_is_not_two_stores(self, language):
        """A store id 'shop + 1' is one store, never 'Stores .../shop, 1, and ...'."""
        stores = [attrs.evolve(short_store(i), platform="Nowhere Mall") for i in SPACED_IDS]

        d = evaluate(Application("A", "mobiles", stores), as_of=AS_OF)
        text = explain(d, language)

        for store_id in SPACED_IDS:
            assert f"Nowhere Mall/{store_id}" in text
        assert "shop, 1" not in text
        assert all(len(r.subject.stores) == 1 for r in d.reasons)

    def test_english_combined_sentence(self):
        """The English combined-stores reason lists exactly the two stores, + and all."""
        app = Application("A", "mobiles", [short_store("shop+1"), short_store("shop+2")])
        policy = lazada_cross_border(stores="combined")

        text = explain(evaluate(app, as_of=AS_OF, platforms=CATALOG, policy=policy), "en")

        assert "Stores openmall.example/shop+1 and openmall.example/shop+2 combined" in text

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.text(
                st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
                min_size=1,
                max_size=10,
            ).filter(lambda s: " " not in s and "/" not in s),
            min_size=2,
            max_size=3,
            unique_by=str.casefold,
        ),
        st.sampled_from(LANGUAGES),
    )
    def test_any_printable_id_renders_verbatim(self, ids, language):
        """Any printable id the platform accepts appears verbatim in the explanation."""
        try:
            app = Application("A", "mobiles", [short_store(i) for i in ids])
            d = evaluate(app, as_of=AS_OF, platforms=CATALOG)
        except ValidationError:
            return  # the id is refused (look-alikes, unassigned...): nothing to render
        text = explain(d, language)

        for store_id in ids:
            label = next(
                s.label for r in d.reasons for s in r.subject.stores if s.store_id == store_id
            )
            assert label in text
