"""
Tests for decision provenance: catalog digests, the rates and registry state recorded, the round trip and the schema.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    LAZADA_CATEGORIES,
    LAZADA_CROSS_BORDER,
    Application,
    CategoryTaxonomy,
    Decision,
    InMemoryRegistry,
    Money,
    Month,
    MonthlyTurnover,
    PlatformCatalog,
    RateTable,
    Store,
    ValidationError,
    evaluate,
)
from lazada_eligibility import provenance as provenance_module
from lazada_eligibility._decision_schema import provenance_schema
from lazada_eligibility.decision import SCHEMA_VERSION, decision_schema
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.provenance import (
    LIBRARY_VERSION,
    Provenance,
    RateUsed,
    Stamper,
    content_digest,
    summary_fingerprints,
)
from strategies import AS_OF, applications, provenances, rate_tables
from test_batch import RATES, corpus

PROVENANCE_VALIDATOR = jsonschema.Draft202012Validator(provenance_schema())
VALIDATOR = jsonschema.Draft202012Validator(
    decision_schema(), format_checker=jsonschema.FormatChecker()
)


def _store(
    *records: tuple[int, str, str], platform: str = "Amazon US", store_id: str = "A1"
) -> Store:
    return Store(
        platform,
        store_id,
        [
            MonthlyTurnover(Month(2026, m), Money(amount, currency))
            for m, amount, currency in records
        ],
        category="mobiles",
    )


EURO_STORE = _store((8, "1200", "USD"), (9, "950", "EUR"), (10, "1000", "USD"))
EURO_RATES = RateTable({("EUR", Month(2026, 9)): Decimal("1.1")})


class TestContentDigest:
    def test_equal_content_gives_the_equal_digest(self):
        """A taxonomy read back from its own JSON has the digest of the original."""
        copy = CategoryTaxonomy.from_dict(json.loads(json.dumps(LAZADA_CATEGORIES.to_dict())))
        assert copy is not LAZADA_CATEGORIES
        assert content_digest(LAZADA_CATEGORIES) == content_digest(copy)

    def test_changed_content_changes_the_digest(self):
        """Adding a group to the taxonomy, or a platform alias to the catalog, changes the digest."""
        grouped = LAZADA_CATEGORIES.with_group("phones", ["mobiles"])
        assert content_digest(LAZADA_CATEGORIES) != content_digest(grouped)
        data = DEFAULT_PLATFORMS.to_dict()
        data["platforms"][0]["aliases"] = [*data["platforms"][0].get("aliases", []), "Zz Shop"]
        assert content_digest(DEFAULT_PLATFORMS) != content_digest(PlatformCatalog.from_dict(data))

    def test_the_digest_is_the_same_in_another_process(self):
        """Digests are canonical JSON hashed, so another interpreter computes the same ones."""
        code = (
            "from lazada_eligibility import DEFAULT_PLATFORMS, LAZADA_CATEGORIES\n"
            "from lazada_eligibility.provenance import content_digest\n"
            "print(content_digest(DEFAULT_PLATFORMS), content_digest(LAZADA_CATEGORIES))"
        )
        found = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": "12345"},
        ).stdout.split()
        assert [content_digest(DEFAULT_PLATFORMS), content_digest(LAZADA_CATEGORIES)] == found

    def test_a_catalog_is_hashed_once(self, monkeypatch: pytest.MonkeyPatch):
        """Deciding many applications with one catalog object hashes it once, not per decision."""
        calls = []
        real = provenance_module.digest_of

        def counting(doc: object) -> str:
            calls.append(1)
            return real(doc)

        monkeypatch.setattr(provenance_module, "digest_of", counting)
        taxonomy = LAZADA_CATEGORIES.with_group("phones", ["mobiles"])
        catalog = PlatformCatalog.from_dict(DEFAULT_PLATFORMS.to_dict())
        app = Application("Seller Co.", "mobiles", [EURO_STORE])
        for _ in range(20):
            evaluate(app, as_of=AS_OF, categories=taxonomy, platforms=catalog)
        assert 2 == len(calls)  # the new taxonomy and the new catalog, each once


class TestRecorded:
    def test_catalog_digests_and_library_version_are_recorded(self):
        """A decision names the digests of the catalog and taxonomy it was decided with, and the version."""
        taxonomy = LAZADA_CATEGORIES.with_group("phones", ["mobiles"])
        decision = evaluate(
            Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF, categories=taxonomy
        )
        assert decision.provenance is not None
        assert content_digest(DEFAULT_PLATFORMS) == decision.provenance.platforms
        assert content_digest(taxonomy) == decision.provenance.categories
        assert LIBRARY_VERSION == decision.provenance.library

    def test_the_rates_used_are_recorded_with_their_values(self):
        """The EUR month's rate is recorded, with its value; USD months need none."""
        decision = evaluate(
            Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF, rates=EURO_RATES
        )
        assert decision.provenance is not None
        expected = (
            RateUsed(month=Month(2026, 9), currency="EUR", target="USD", rate=Decimal("1.1")),
        )
        assert expected == decision.provenance.rates

    def test_a_missing_rate_is_recorded_as_none(self):
        """Without rates, the EUR month looked for a rate and found none: recorded as such."""
        decision = evaluate(Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF)
        assert decision.provenance is not None
        assert (None,) == tuple(r.rate for r in decision.provenance.rates)

    def test_rates_outside_the_decided_months_are_not_recorded(self):
        """A record before the review window asks for no rate, so none is recorded."""
        store = _store((7, "5", "EUR"), (8, "1200", "USD"), (9, "1200", "USD"), (10, "1200", "USD"))
        decision = evaluate(
            Application("Seller Co.", "mobiles", [store]), as_of=AS_OF, rates=EURO_RATES
        )
        assert decision.provenance is not None
        assert () == decision.provenance.rates

    def test_changing_a_used_rate_changes_the_rates_digest(self):
        """Another value for the rate used gives another digest; a rate not used does not."""
        app = Application("Seller Co.", "mobiles", [EURO_STORE])
        first = evaluate(app, as_of=AS_OF, rates=EURO_RATES).provenance
        other = RateTable({("EUR", Month(2026, 9)): Decimal("1.2")})
        unused = RateTable(
            {("EUR", Month(2026, 9)): Decimal("1.1"), ("GBP", Month(2026, 9)): "1.3"}
        )
        assert first is not None
        assert first.rates_digest != evaluate(app, as_of=AS_OF, rates=other).provenance.rates_digest
        assert (
            first.rates_digest == evaluate(app, as_of=AS_OF, rates=unused).provenance.rates_digest
        )

    def test_no_registry_is_recorded_as_none(self):
        """Without a registry, nothing was read: ``None``, not an empty list."""
        decision = evaluate(Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF)
        assert decision.provenance is not None
        assert decision.provenance.registry is None

    def test_claimed_stores_are_recorded_without_their_holder(self):
        """A store held by another application is recorded as the application wrote it; the holder is not."""
        registry = InMemoryRegistry()
        holder = Application("Other Holder Ltd", "mobiles", [_store(store_id="a1")], id="OLD-1")
        registry.claim(holder)
        app = Application(
            "Seller Co.",
            "mobiles",
            [EURO_STORE, _store(platform="eBay US", store_id="E9")],
            id="NEW-1",
        )
        decision = evaluate(app, as_of=AS_OF, registry=registry, rates=EURO_RATES)
        assert decision.provenance is not None
        assert (("Amazon US", "A1"),) == decision.provenance.registry
        text = json.dumps(decision.to_dict())
        assert "Other Holder" not in text
        assert "OLD-1" not in text

    def test_an_empty_registry_is_recorded_as_no_claims(self):
        """A registry that holds none of the stores is recorded as an empty list."""
        decision = evaluate(
            Application("Seller Co.", "mobiles", [EURO_STORE], id="A"),
            as_of=AS_OF,
            registry=InMemoryRegistry(),
        )
        assert decision.provenance is not None
        assert () == decision.provenance.registry


class TestRoundTrip:
    def test_decisions_of_a_corpus_round_trip_exactly(self):
        """Every decision of a varied corpus reads back equal, provenance included, and validates."""
        for raw in corpus(60):
            decision = evaluate(
                Application.from_dict(raw), as_of=AS_OF, rates=RATES, registry=InMemoryRegistry()
            )
            data = json.loads(decision.to_json())
            VALIDATOR.validate(data)
            back = Decision.from_dict(data)
            assert decision == back
            assert decision.provenance == back.provenance

    @settings(max_examples=25, deadline=None)
    @given(applications(), rate_tables())
    def test_any_decision_round_trips(self, application: Application, rates: RateTable):
        """Decisions of generated applications and rates read back equal and validate."""
        decision = evaluate(application, as_of=AS_OF, rates=rates)
        data = json.loads(decision.to_json())
        VALIDATOR.validate(data)
        assert decision == Decision.from_dict(data)

    @settings(max_examples=50, deadline=None)
    @given(provenances())
    def test_any_provenance_round_trips_in_both_forms(self, provenance: Provenance):
        """A provenance reads back equal from its full form, and its compact form gives its fingerprints."""
        data = json.loads(json.dumps(provenance.to_dict()))
        PROVENANCE_VALIDATOR.validate(data)
        assert provenance == Provenance.from_dict(data)
        assert provenance.fingerprints() == summary_fingerprints(
            json.loads(json.dumps(provenance.summary()))
        )

    def test_a_version_2_document_reads_without_provenance(self):
        """A decision written before provenance existed still reads, with ``provenance`` None."""
        decision = evaluate(Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF)
        data = decision.to_dict()
        del data["provenance"]
        data["schema_version"] = 2
        assert Decision.from_dict(data).provenance is None

    def test_the_schema_version_is_3(self):
        """The decision document with provenance is schema version 3."""
        assert 3 == SCHEMA_VERSION
        assert {"const": 3} == decision_schema()["properties"]["schema_version"]


def _tampered(**changes: object) -> dict[str, object]:
    decision = evaluate(
        Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF, rates=EURO_RATES
    )
    data = decision.to_dict()
    provenance = data["provenance"]
    for path, value in changes.items():
        node = provenance
        *parents, last = path.split("__")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return data


class TestTampered:
    @pytest.mark.parametrize(
        ("changes", "path", "words"),
        [
            ({"platforms": "abc"}, "provenance.platforms", "64 lowercase hex digits"),
            ({"categories": "A" * 64}, "provenance.categories", "64 lowercase hex digits"),
            ({"categories": 7}, "provenance.categories", "64 lowercase hex digits"),
            ({"platforms": KeyError}, "provenance.platforms", "missing"),
            ({"library": ""}, "provenance.library", "non-empty text"),
            (
                {"rates__digest": "0" * 64},
                "provenance.rates.digest",
                "does not match the rates listed",
            ),
            ({"rates__used": "none"}, "provenance.rates.used", "expected a list"),
            ({"rates__used__0__month": "2026-13"}, "provenance.rates.used[0].month", "not a month"),
            (
                {"rates__used__0__rate": "NaN"},
                "provenance.rates.used[0].rate",
                "not a finite number",
            ),
            ({"rates__used__0__rate": 1.1}, "provenance.rates.used[0].rate", "expected a string"),
            (
                {"registry": {"claimed": [{"platform": "x"}]}},
                "provenance.registry.claimed[0]",
                "platform and store_id",
            ),
            ({"registry": []}, "provenance.registry", "null or an object"),
            ({"holder": "someone"}, "provenance.holder", "not a key"),
        ],
    )
    def test_a_tampered_provenance_is_refused_naming_the_key(self, changes, path, words):
        """Each tampering gives one ValidationError naming the path and what was wrong."""
        with pytest.raises(ValidationError) as caught:
            Decision.from_dict(_tampered(**changes))
        assert path == caught.value.problems[0].path
        assert words in caught.value.problems[0].message

    def test_a_version_3_document_without_provenance_is_refused(self):
        """Version 3 requires the key (null is allowed; absent is not)."""
        data = _tampered()
        del data["provenance"]
        with pytest.raises(ValidationError, match="provenance: missing"):
            Decision.from_dict(data)

    def test_a_huge_garbage_value_is_shown_shortened(self):
        """A megabyte of garbage in a digest gives a short message, not the megabyte."""
        with pytest.raises(ValidationError) as caught:
            Decision.from_dict(_tampered(platforms="z" * 1_000_000))
        assert len(str(caught.value)) < 300

    def test_a_summary_provenance_is_read_as_fingerprints(self):
        """The compact form reads back to the fingerprints of the full one."""
        decision = evaluate(
            Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=AS_OF, rates=EURO_RATES
        )
        assert decision.provenance is not None
        assert decision.provenance.fingerprints() == summary_fingerprints(
            decision.provenance.summary()
        )

    def test_a_bad_summary_provenance_names_the_key(self):
        """A compact provenance with a bad rates digest is refused naming ``rates``."""
        p = Provenance(platforms="0" * 64, categories="1" * 64)
        data = {**p.summary(), "rates": "xyz"}
        with pytest.raises(ValidationError, match="rates: expected a SHA-256 digest"):
            summary_fingerprints(data)


class TestPassProvenance:
    def test_a_foreign_currency_pass_needs_the_tree(self):
        """A pass with a record in another currency cannot tell its rates without the tree: None."""
        store = _store((8, "1200", "USD"), (9, "1200", "EUR"), (10, "1200", "USD"))
        prepared = LAZADA_CROSS_BORDER.prepare(rates=EURO_RATES)
        app = Application("Seller Co.", "mobiles", [store])
        assert evaluate(app, as_of=AS_OF, rates=EURO_RATES).eligible
        assert prepared.pass_provenance(app) is None

    def test_a_dollar_pass_equals_the_full_provenance(self):
        """A pass in dollars only has the provenance the full evaluation records, registry or not."""
        store = _store((8, "1200", "USD"), (9, "1200", "USD"), (10, "1200", "USD"))
        app = Application("Seller Co.", "mobiles", [store], id="A-1")
        for registry in (None, InMemoryRegistry()):
            prepared = LAZADA_CROSS_BORDER.prepare(registry=registry)
            full = evaluate(app, as_of=AS_OF, registry=registry)
            assert full.eligible
            assert full.provenance == prepared.pass_provenance(app)


class TestShortcuts:
    @settings(max_examples=80, deadline=None)
    @given(applications(), st.none() | rate_tables(), st.sampled_from((None, "combined")))
    def test_the_recorded_rates_are_those_the_whole_tree_shows(self, app, rates, stores):
        """Skipping the tree walk when every record is in the minimum's currency loses no rate."""
        policy = LAZADA_CROSS_BORDER if stores is None else lazada_cross_border(stores="combined")
        decision = evaluate(app, as_of=AS_OF, policy=policy, rates=rates)
        stamper = Stamper(policy.rule, policy.prepare(rates=rates).env)

        seen = stamper._rates(app, decision.outcome.walk())
        recorded = decision.provenance
        assert recorded is not None
        expected = Provenance(
            platforms=recorded.platforms, categories=recorded.categories, rates=seen
        )

        assert expected.rates == recorded.rates


def test_as_of_is_recorded_beside_provenance():
    """The date is the decision's own key, not part of the provenance."""
    decision = evaluate(
        Application("Seller Co.", "mobiles", [EURO_STORE]), as_of=dt.date(2026, 11, 28)
    )
    assert "as_of" not in decision.to_dict()["provenance"]
