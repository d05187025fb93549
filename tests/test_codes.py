"""
Tests for the outcome code specs, the typed decision document and its shipped schema.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    Decision,
    InMemoryRegistry,
    Money,
    Month,
    MonthlyTurnover,
    Outcome,
    Policy,
    Store,
    ValidationError,
    Verdict,
    evaluate,
)
from lazada_eligibility._decision_schema import _text, decision_schema
from lazada_eligibility.codes import (
    BUILTIN_CODES,
    CodeSpec,
    code_spec,
    decode_facts,
    encode_facts,
    register_code,
)
from lazada_eligibility.decision import SCHEMA_VERSION
from lazada_eligibility.decision import decision_schema as shipped_schema
from lazada_eligibility.explain import MESSAGES, explain
from lazada_eligibility.rules import (
    Context,
    CustomRule,
    Level,
    any_store,
    each_month,
    min_turnover,
)
from lazada_eligibility.subjects import StoreRef
from strategies import AS_OF, application_rules, applications, rate_tables

SCHEMA_FILE = Path(__file__).parent.parent / "src/lazada_eligibility/data/decision.schema.json"

AUDIT = register_code(
    CodeSpec(
        "audit.flagged",
        facts={"ratio": "decimal", "audited_on": "date", "month": "text"},
        message="{where}: flagged by the audit of {audited_on} (ratio {ratio}).",
        translations={"ms": "{where}: ditanda oleh audit {audited_on} (nisbah {ratio})."},
        remedy="audit.explain",
        remedy_message="{where}: explain the audit ratio {ratio} to your account manager.",
        remedy_translations={
            "ms": "{where}: terangkan nisbah audit {ratio} kepada pengurus akaun."
        },
        summary="An audit flagged the store (a test code).",
    )
)


@attrs.frozen
class Audited(CustomRule[Store]):
    """A custom store rule whose outcome carries typed facts, one of them named month."""

    kind = "audited"
    subject = Level.STORE

    def evaluate(self, store: Store, ctx: Context) -> Outcome:
        flagged = "flag" in store.store_id or store.store_id.endswith("7")
        facts: dict[str, Any] = {
            "ratio": Decimal("0.125"),
            "audited_on": dt.date(2026, 10, 31),
            "month": "not a month",  # a custom fact named month stays text
        }
        if flagged:
            return Outcome("audited", Verdict.FAIL, "audit.flagged", ctx.ref(store), facts)
        extra = {"when": dt.date(2026, 1, 2), "share": Decimal("1.50"), "seen": Month(2026, 9)}
        return Outcome("audited", Verdict.PASS, "audited.pass", ctx.ref(store), extra)


def round_trip(decision: Decision) -> Decision:
    return Decision.from_dict(json.loads(json.dumps(decision.to_dict())))


def validate(decision: Decision) -> None:
    jsonschema.validate(
        decision.to_dict(), decision_schema(), format_checker=jsonschema.FormatChecker()
    )


def store(store_id: str, amounts: tuple[int, ...] = (1200, 1200, 1200)) -> Store:
    turnover = [MonthlyTurnover(Month(2026, 8 + i), Money(a, "USD")) for i, a in enumerate(amounts)]
    return Store("eBay", store_id, turnover, category="mobiles")


class TestCodeSpecs:
    def test_every_builtin_message_comes_from_its_spec(self):
        """Explain's MESSAGES is the messages of the built-in specs, one per code."""
        expected = {s.code: s.message for s in BUILTIN_CODES if s.message}

        assert expected == dict(MESSAGES)

    def test_every_code_the_engine_raises_has_a_spec(self):
        """Every code in decisions over generated applications and rules is registered."""
        builtin = {s.code for s in BUILTIN_CODES}
        app = Application("Seller Co.", "mobiles", [store("s1"), Store("Taobao", "t1")])
        d = evaluate(app, as_of=AS_OF, registry=InMemoryRegistry())

        assert set() == {o.code for o in d.outcome.walk()} - builtin

    def test_unknown_fact_type_is_refused(self):
        """A spec with a fact type outside FACT_TYPES is refused, naming the fact."""
        with pytest.raises(ValueError, match="'ratio' has type 'float'"):
            CodeSpec("x.y", facts={"ratio": "float"})

    def test_a_code_cannot_be_registered_twice_differently(self):
        """Registering another spec under a held code raises unless asked to replace."""
        register_code(AUDIT)  # the same spec again is fine

        with pytest.raises(ValueError, match=r"audit\.flagged"):
            register_code(attrs.evolve(AUDIT, summary="another"))

    def test_declared_fact_of_the_wrong_type_is_refused_on_encoding(self):
        """A fact that does not have its declared type fails loudly instead of writing junk."""
        with pytest.raises(TypeError, match="'amount' is declared money"):
            encode_facts("turnover.ok", {"amount": "850 USD"})

    def test_fact_named_month_is_read_by_the_code_not_the_name(self):
        """A custom fact named month that is text reads back as text."""
        data = encode_facts("audit.flagged", {"month": "2026-09"})

        assert {"month": "2026-09"} == decode_facts("audit.flagged", data)
        assert {"month": Month(2026, 9)} == decode_facts("turnover.ok", {"month": "2026-09"})

    @given(
        st.dictionaries(
            st.text(min_size=1, max_size=5),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers()
                | st.text(max_size=5)
                | st.decimals(allow_nan=False, allow_infinity=False)
                | st.dates()
                | st.builds(Month, st.integers(2000, 2100), st.integers(1, 12))
                | st.builds(Money, st.integers(0, 10**6), st.sampled_from(["USD", "MYR"])),
                lambda inner: (
                    st.lists(inner, max_size=3).map(tuple)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3)
                ),
                max_leaves=6,
            ),
            max_size=4,
        )
    )
    def test_undeclared_facts_round_trip_exactly(self, facts):
        """Facts no spec declares read back equal, through JSON, whatever their types."""
        data = json.loads(json.dumps(encode_facts("no.such-code", facts)))

        assert facts == decode_facts("no.such-code", data)
        assert {k: type(v) for k, v in facts.items()} == {
            k: type(v) for k, v in decode_facts("no.such-code", data).items()
        }

    def test_a_value_json_cannot_hold_is_refused_by_name(self):
        """An undeclared fact of a type JSON cannot hold raises TypeError naming the fact."""
        with pytest.raises(TypeError, match="fact 'blob'"):
            encode_facts("no.such-code", {"blob": b"\x00"})

    def test_unregistered_code_gets_a_bare_spec(self):
        """A code nobody registered has a spec that declares no facts and no message."""
        assert CodeSpec("") == code_spec("nobody.registered")


class TestCustomCodes:
    def decide(self, store_id: str) -> Decision:
        app = Application("Seller Co.", "mobiles", [store(store_id)])
        return Policy("p", "1", any_store(Audited())).evaluate(app, as_of=AS_OF)

    def test_custom_code_explains_in_its_own_words_and_languages(self):
        """A registered custom code's message and remedy render, in English and in its own Malay."""
        d = self.decide("flag1")

        text = explain(d, "en")
        assert (
            "Store ebay.com/flag1: flagged by the audit of October 31, 2026 (ratio 0.125)." in text
        )
        assert "explain the audit ratio 0.125 to your account manager." in text
        malay = explain(d, "ms")
        assert "ditanda oleh audit 31 Oktober 2026 (nisbah 0.125)" in malay
        assert "terangkan nisbah audit 0.125 kepada pengurus akaun" in malay

    def test_custom_remedy_is_a_remedy_value(self):
        """The custom code's remedy is a Remedy with the outcome's typed facts."""
        [remedy] = self.decide("flag1").remediation()

        assert ("audit.explain", Decimal("0.125")) == (remedy.code, remedy.facts["ratio"])

    def test_custom_facts_round_trip(self):
        """Decimal, date and month facts of custom outcomes, declared or not, survive JSON."""
        for store_id in ("flag1", "ok1"):
            d = self.decide(store_id)
            again = round_trip(d)

            assert d == again
            assert d.outcome.walk()[-1].facts == again.outcome.walk()[-1].facts
            validate(d)


class TestDecisionDocument:
    @settings(max_examples=60, deadline=None)
    @given(
        applications(),
        application_rules(),
        st.none() | rate_tables(),
        st.booleans(),
        st.booleans(),
    )
    def test_generated_decisions_round_trip_and_validate(self, app, rule, rates, registry, custom):
        """Every generated decision reads back equal from JSON and validates against the shipped schema."""
        if custom:
            rule &= any_store(Audited())
        reg = InMemoryRegistry() if registry else None
        d = Policy("t", "1", rule).evaluate(app, as_of=AS_OF, rates=rates, registry=reg)

        again = round_trip(d)

        assert d == again
        assert [o.facts for o in d.outcome.walk()] == [o.facts for o in again.outcome.walk()]
        assert d.to_json() == again.to_json()
        validate(d)

    def test_every_verdict_validates(self):
        """A passing, a failing and a reviewing decision each validate and round-trip."""
        apps = {
            Verdict.PASS: Application("A", "mobiles", [store("s1")]),
            Verdict.FAIL: Application("A", "mobiles", [store("s1", (1, 2, 3))]),
            Verdict.REVIEW: Application(
                "A", "mobiles", [attrs.evolve(store("s1"), platform="Nowhere Mall")]
            ),
        }
        for verdict, app in apps.items():
            d = evaluate(app, as_of=AS_OF, registry=InMemoryRegistry())

            assert verdict == d.verdict
            assert d == round_trip(d)
            validate(d)

    def test_schema_version_is_in_every_decision(self):
        """to_dict() carries schema_version, and the schema pins it."""
        d = evaluate(Application("A", "mobiles", [store("s1")]), as_of=AS_OF)

        assert SCHEMA_VERSION == d.to_dict()["schema_version"]
        assert {"const": SCHEMA_VERSION} == decision_schema()["properties"]["schema_version"]

    def test_shipped_schema_is_generated_from_the_specs(self):
        """The shipped decision.schema.json equals the schema generated from the built-in specs."""
        shipped = SCHEMA_FILE.read_text("utf-8")

        assert _text() == shipped
        assert json.loads(shipped) == shipped_schema()

    def test_schema_rejects_a_wrong_fact_type(self):
        """The schema refuses a built-in fact of the wrong type, so it is more than a shape."""
        data = evaluate(
            Application("A", "mobiles", [store("s1", (1, 2, 3))]), as_of=AS_OF
        ).to_dict()
        data["reasons"][0]["facts"]["amount"] = "850 USD"

        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, decision_schema())

    def test_subject_is_a_structured_object(self):
        """An outcome's subject in JSON is an object with the store as given and canonical."""
        d = evaluate(Application("A", "mobiles", [store("s1", (1, 2, 3))]), as_of=AS_OF)

        subject = d.to_dict()["reasons"][0]["subject"]
        assert {
            "kind": "month",
            "month": "2026-08",
            "stores": [
                {
                    "platform": "eBay",
                    "store_id": "s1",
                    "platform_id": "ebay.com",
                    "namespace": "ebay",
                    "canonical_id": "s1",
                    "label": "ebay.com/s1",
                }
            ],
        } == subject


class TestFromDict:
    def data(self) -> dict[str, Any]:
        app = Application("A", "mobiles", [store("s1", (1, 2, 3))])
        policy = Policy("p", "1", any_store(each_month(min_turnover(Money(1000, "USD")))))
        return policy.evaluate(app, as_of=AS_OF).to_dict()

    def problem(self, data: object) -> tuple[str, str]:
        with pytest.raises(ValidationError) as e:
            Decision.from_dict(data)
        [found] = e.value.problems
        return found.path, found.message

    def test_deep_path_is_said_once(self):
        """A bad grandchild is reported at its path, with the prefix written once."""
        data = self.data()
        data["outcome"]["children"][0]["children"][1]["facts"]["month"] = "2026-13"

        path, _ = self.problem(data)

        assert "outcome.children[0].children[1].facts.month" == path

    def test_impossible_as_of_is_a_validation_error(self):
        """An impossible as_of raises ValidationError naming as_of, not a bare ValueError."""
        data = {**self.data(), "as_of": "2026-02-30"}

        path, message = self.problem(data)

        assert ("as_of", True) == (path, "2026-02-30" in message)

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda d: d.pop("policy"), "policy"),
            (lambda d: d["policy"].update(id=3), "policy.id"),
            (lambda d: d.update(as_of=20261128), "as_of"),
            (lambda d: d.update(schema_version=1), "schema_version"),
            (lambda d: d.update(application_id=["x"]), "application_id"),
            (lambda d: d["outcome"].update(verdict="maybe"), "outcome.verdict"),
            (lambda d: d["outcome"].update(children={}), "outcome.children"),
            (lambda d: d["outcome"]["subject"].update(kind="planet"), "outcome.subject.kind"),
            (
                lambda d: d["outcome"]["children"][0]["subject"].update(label=None),
                "outcome.children[0].subject.label",
            ),
            (lambda d: d.update(relied_on=[{"platform": "x"}]), "relied_on[0].store_id"),
        ],
    )
    def test_each_bad_key_is_named(self, change, path):
        """Each kind of damage raises ValidationError at the damaged key's path."""
        data = self.data()
        change(data)

        assert path == self.problem(data)[0]

    @pytest.mark.parametrize("data", [None, [], "decision", 3])
    def test_not_a_mapping(self, data):
        """Something that is not an object raises ValidationError, not TypeError."""
        assert "" == self.problem(data)[0]

    def test_store_ref_fields_are_kept(self):
        """The subject's store reference reads back with every field, as given and as canonical."""
        d = Decision.from_dict(self.data())

        reason = d.reasons[0]
        assert (
            StoreRef("eBay", "s1", "ebay.com", "ebay", "s1", "ebay.com/s1")
            == reason.subject.stores[0]
        )
