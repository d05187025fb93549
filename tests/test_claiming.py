"""
Tests for evaluate_and_claim: decide, and claim only when eligible, as one unit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading

import pytest

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    Application,
    Decision,
    EvidenceAlreadyClaimed,
    Money,
    Month,
    MonthlyTurnover,
    Platform,
    PlatformKind,
    Policy,
    Store,
    ValidationError,
    Verdict,
    evaluate,
)
from lazada_eligibility.claiming import evaluate_and_claim
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.registry import InMemoryRegistry, SqliteRegistry
from lazada_eligibility.rules import any_store, platform_kind
from lazada_eligibility.typing import EvidenceRegistry, TransactionalRegistry

AS_OF = dt.date(2026, 11, 28)
GOOD = tuple(MonthlyTurnover(Month(2026, m), Money("1500", "USD")) for m in (8, 9, 10))
SHORT = (*GOOD[:2], MonthlyTurnover(Month(2026, 10), Money("999.99", "USD")))
NO_REUSE_CHECK = Policy(
    id="no-reuse-check", version="1", rule=any_store(platform_kind("cross-border"))
)


def store(store_id: str, turnover=GOOD, platform: str = "Amazon US") -> Store:
    return Store(platform, store_id, turnover, category="mobiles")


def app(app_id: str | None, *stores: Store) -> Application:
    return Application(f"Seller of {app_id}", "mobiles", stores, id=app_id)


class PlainRegistry:
    """A registry with only the protocol's four methods: no transactions."""

    def __init__(self, inner: InMemoryRegistry | None = None) -> None:
        self.inner = InMemoryRegistry() if inner is None else inner

    def holder(self, platform, store_id):
        return self.inner.holder(platform, store_id)

    def claim(self, application, *, decision=None):
        return self.inner.claim(application, decision=decision)

    def release(self, application_id):
        return self.inner.release(application_id)

    def claims_of(self, application_id):
        return self.inner.claims_of(application_id)


class RacedRegistry(PlainRegistry):
    """A plain registry where a rival claims just before our claim lands."""

    def __init__(self, rival: Application) -> None:
        super().__init__()
        self.rival = rival

    def claim(self, application, *, decision=None):
        if self.rival is not None:
            rival, self.rival = self.rival, None
            self.inner.claim(rival)
        return super().claim(application, decision=decision)


@pytest.fixture(params=["memory", "sqlite", "plain"])
def registry(request, tmp_path):
    """A transactional registry of each kind, and one with the protocol's methods only."""
    if request.param == "memory":
        return InMemoryRegistry()
    if request.param == "sqlite":
        return SqliteRegistry(tmp_path / "claims.db")
    return PlainRegistry()


class TestEvaluateAndClaim:
    def test_eligible_application_is_claimed(self, registry):
        """An eligible decision claims the store it relied on; a listed store without turnover stays free."""
        decision = evaluate_and_claim(
            app("APP-1", store("A1"), store("B2", ())), as_of=AS_OF, registry=registry
        )
        assert decision.eligible
        assert (("Amazon US", "A1"),) == decision.relied_on
        assert [("amazon", "a1")] == [
            (c.namespace, c.store_id) for c in registry.claims_of("APP-1")
        ]
        assert None is registry.holder("amazon.com", "b2")

    def test_second_application_is_refused(self, registry):
        """Another application over a held record fails with evidence.reused and claims nothing."""
        evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        decision = evaluate_and_claim(
            app("APP-2", store("free"), store(" a1 ")), as_of=AS_OF, registry=registry
        )
        assert Verdict.FAIL == decision.verdict
        assert [("evidence.reused", {})] == [(r.code, r.facts) for r in decision.reasons]
        assert ["APP-1"] == [c.application_id for c in decision.holders]
        assert [] == registry.claims_of("APP-2")
        assert None is registry.holder("amazon.com", "free")

    @pytest.mark.parametrize(
        ("stores", "verdict"),
        [
            ((store("A1", SHORT),), Verdict.FAIL),
            ((store("A1", platform="Taobao"),), Verdict.FAIL),
            ((store("A1"), store("X", platform="Unknown Bazaar")), Verdict.REVIEW),
        ],
    )
    def test_ineligible_claims_nothing(self, registry, stores, verdict):
        """A failing or reviewing decision leaves the registry as it was."""
        decision = evaluate_and_claim(app("APP-1", *stores), as_of=AS_OF, registry=registry)
        assert verdict == decision.verdict
        assert [] == registry.claims_of("APP-1")

    def test_deciding_again_is_harmless(self, registry):
        """An application already holding its records stays eligible and keeps its claims."""
        first = evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        claims = registry.claims_of("APP-1")
        again = evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        assert (True, True) == (first.eligible, again.eligible)
        assert claims == registry.claims_of("APP-1")

    def test_application_needs_an_id(self, registry):
        """Without an id nothing can be claimed: a clear error before anything is decided."""
        with pytest.raises(ValidationError) as info:
            evaluate_and_claim(app(None, store("A1")), as_of=AS_OF, registry=registry)
        assert ["id"] == [p.path for p in info.value.problems]

    def test_not_an_application(self, registry):
        """Something that is not an Application is a TypeError naming its type."""
        with pytest.raises(TypeError, match="expected an Application, got dict"):
            evaluate_and_claim({"id": "x"}, as_of=AS_OF, registry=registry)

    def test_policy_without_reuse_check_raises_on_conflict(self, registry):
        """When the policy does not check reuse, a held record is an error, and nothing is claimed."""
        evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        with pytest.raises(EvidenceAlreadyClaimed) as info:
            evaluate_and_claim(
                app("APP-2", store("B2"), store("A1")),
                as_of=AS_OF,
                registry=registry,
                policy=NO_REUSE_CHECK,
            )
        assert ["APP-1"] == [c.application_id for c in info.value.conflicts]
        assert [] == registry.claims_of("APP-2")

    def test_eligible_store_on_unknown_platform(self, registry):
        """Claiming every listed store, one the registry cannot claim ends in a clear error."""
        lenient = Policy(id="lenient", version="1", rule=any_store(platform_kind("cross-border")))
        with pytest.raises(ValidationError, match="unknown platform 'Unknown Bazaar'"):
            evaluate_and_claim(
                app("APP-1", store("A1"), store("X", platform="Unknown Bazaar")),
                as_of=AS_OF,
                registry=registry,
                policy=lenient,
                claim="listed",
            )
        assert [] == registry.claims_of("APP-1")

    def test_unused_store_on_unknown_platform_is_left_alone(self, registry):
        """By default only the qualifying store is claimed, so an unused unknown one is no error."""
        lenient = Policy(id="lenient", version="1", rule=any_store(platform_kind("cross-border")))
        decision = evaluate_and_claim(
            app("APP-1", store("A1"), store("X", platform="Unknown Bazaar")),
            as_of=AS_OF,
            registry=registry,
            policy=lenient,
        )
        assert decision.eligible
        assert [("amazon", "a1")] == [
            (c.namespace, c.store_id) for c in registry.claims_of("APP-1")
        ]

    def test_uses_the_registry_catalog(self, tmp_path):
        """Without platforms=, decisions resolve platforms with the registry's own catalog."""
        shop = Platform(id="myshop", name="My Shop", kind=PlatformKind.CROSS_BORDER, family="my")
        catalog = DEFAULT_PLATFORMS.with_platforms(shop)
        registry = SqliteRegistry(tmp_path / "c.db", platforms=catalog)
        decision = evaluate_and_claim(
            app("APP-1", store("S1", platform="My Shop")), as_of=AS_OF, registry=registry
        )
        assert decision.eligible
        assert ["myshop"] == [c.platform for c in registry.claims_of("APP-1")]

    def test_explicit_catalog_wins(self, tmp_path):
        """platforms= overrides the registry's catalog for the decision."""
        registry = InMemoryRegistry()
        without_amazon = DEFAULT_PLATFORMS.without("amazon.com")
        decision = evaluate_and_claim(
            app("APP-1", store("A1")), as_of=AS_OF, registry=registry, platforms=without_amazon
        )
        assert Verdict.REVIEW == decision.verdict
        assert [] == registry.claims()

    def test_decision_is_recorded_with_the_claim(self, connect, tmp_path):
        """The SQLite registry keeps the deciding policy beside the claim."""
        registry = SqliteRegistry(tmp_path / "c.db")
        decision = evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        row = (
            connect(registry.path)
            .execute("SELECT policy_id, policy_digest, decided_as_of FROM claims")
            .fetchone()
        )
        assert (decision.policy_id, decision.policy_digest, "2026-11-28") == row


class TestOneUnit:
    def test_decides_inside_the_transaction(self):
        """With a transactional registry, the look-ups and the claim happen in one transaction."""
        events: list[str] = []

        class Spy(InMemoryRegistry):
            depth = 0

            @contextlib.contextmanager
            def transaction(self):
                with super().transaction() as held:
                    self.depth += 1
                    events.append("begin")
                    try:
                        yield held
                    finally:
                        self.depth -= 1
                        events.append("end")

            def holder(self, platform, store_id):
                events.append(f"holder in={self.depth}")
                return super().holder(platform, store_id)

            def claim(self, application, *, decision=None):
                events.append(f"claim in={self.depth}")
                return super().claim(application, decision=decision)

        spy = Spy()
        assert isinstance(spy, TransactionalRegistry)
        evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=spy)
        assert ["begin", "holder in=1", "claim in=1", "end"] == events

    def test_plain_registry_loses_the_race_gracefully(self):
        """When a rival claims between decision and claim, the application is decided again."""
        rival = app("RIVAL", store("A1"))
        registry = RacedRegistry(rival)
        assert not isinstance(registry, TransactionalRegistry)
        assert isinstance(registry, EvidenceRegistry)
        decision = evaluate_and_claim(app("APP-1", store("A1")), as_of=AS_OF, registry=registry)
        assert ["evidence.reused"] == [r.code for r in decision.reasons]
        assert ["RIVAL"] == [c.application_id for c in decision.holders]
        assert [] == registry.claims_of("APP-1")

    def test_racing_threads_one_winner_per_record(self, tmp_path):
        """Eight threads deciding applications over the same records: exactly one wins each."""
        registry = SqliteRegistry(tmp_path / "c.db")
        start = threading.Barrier(8)
        eligible: list[str] = []

        def decide(worker: int) -> None:
            start.wait()
            for n in range(20):
                application = app(f"T{worker}-{n}", store(f"S{n}"), store(f"S{(n + 1) % 20}"))
                if evaluate_and_claim(application, as_of=AS_OF, registry=registry).eligible:
                    eligible.append(application.id)

        threads = [threading.Thread(target=decide, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        held = registry.claims()
        assert sorted(eligible) == sorted({c.application_id for c in held})
        assert 2 * len(eligible) == len(held)


PLAIN = "A2X9K4PLMN7Q"
# The ways issue 13 wrote one Amazon merchant token to claim it again.
REWRITTEN = {
    "zero-width space": "A2X9\u200bK4PLMN7Q",
    "BOM": "A2X9\ufeffK4PLMN7Q",
    "soft hyphen": "A2X9\u00adK4PLMN7Q",
    "word joiner": "A2X9\u2060K4PLMN7Q",
    "left-to-right mark": "A2X9\u200eK4PLMN7Q",
    "NUL": "A2X9\x00K4PLMN7Q",
    "Cyrillic look-alikes": "А2Х9К4РLМN7Q",  # noqa: RUF001
    "space inside": "A2X9 K4PLMN7Q",
    "seller page URL": "https://www.amazon.com/sp?seller=A2X9K4PLMN7Q",
    "only a zero-width space": "\u200b",
}


def outcome_of(registry, application) -> str:
    """'refused' when the application cannot be built or decided, else its verdict."""
    try:
        decision = evaluate_and_claim(application(), as_of=AS_OF, registry=registry)
    except ValidationError:
        return "refused"
    return decision.verdict.value


class TestIssue13:
    """Each reproduction of issue 13, through the public API."""

    @pytest.mark.parametrize("written", REWRITTEN.values(), ids=REWRITTEN.keys())
    def test_one_amazon_store_is_claimed_once(self, registry, written):
        """After one claim, every rewriting of the id is refused or decided not eligible."""
        assert evaluate_and_claim(
            app("APP-1", store(PLAIN)), as_of=AS_OF, registry=registry
        ).eligible
        found = outcome_of(registry, lambda: app("APP-2", store(written)))
        assert found in {"refused", "fail"}
        assert [] == registry.claims_of("APP-2")

    def test_seller_url_is_refused_as_the_held_store(self, registry):
        """The seller page URL names the held store: evidence.reused, not a new key."""
        evaluate_and_claim(app("APP-1", store(PLAIN)), as_of=AS_OF, registry=registry)
        decision = evaluate_and_claim(
            app("APP-2", store(REWRITTEN["seller page URL"])), as_of=AS_OF, registry=registry
        )
        assert ["evidence.reused"] == [r.code for r in decision.reasons]

    def test_holder_id_from_another_applicant_is_a_conflict(self, registry):
        """Sending the holder's application id under another applicant is refused, naming no one."""
        first = Application("Holder Co.", "mobiles", [store(PLAIN)], id="APP-1")
        assert evaluate_and_claim(first, as_of=AS_OF, registry=registry).eligible
        thief = Application("Thief Co.", "mobiles", [store(PLAIN)], id="APP-1")
        decision = evaluate_and_claim(thief, as_of=AS_OF, registry=registry)
        assert Verdict.FAIL == decision.verdict
        seller_facing = decision.to_json() + decision.explain("en") + decision.explain("zh_CN")
        seller_facing += "".join(r.render("en") for r in decision.remediation())
        assert "Holder Co." not in seller_facing
        assert [("APP-1", "Holder Co.")] == [
            (c.application_id, c.applicant) for c in decision.holders
        ]
        assert ["Holder Co."] == [c.applicant for c in registry.claims_of("APP-1")]

    @pytest.mark.parametrize("locale", ["en", "zh_CN", "ms", "th", "id", "vi", "fil"])
    def test_refusal_never_names_the_holder(self, registry, locale):
        """What the second seller sees names neither the holder's application id nor its company."""
        first = Application("Holder Co.", "mobiles", [store(PLAIN)], id="HOLDER-7")
        evaluate_and_claim(first, as_of=AS_OF, registry=registry)
        second = Application("Other Co.", "mobiles", [store(PLAIN)], id="APP-2")
        decision = evaluate_and_claim(second, as_of=AS_OF, registry=registry)
        shown = (
            decision.to_json()
            + decision.explain(locale)
            + "".join(r.render(locale) for r in decision.remediation())
        )
        assert "evidence.reused" in decision.to_json()
        assert "HOLDER-7" not in shown
        assert "Holder Co." not in shown

    def test_same_holder_claims_again(self, registry):
        """The same id and applicant deciding again keep their claim."""
        first = Application("Holder Co.", "mobiles", [store(PLAIN)], id="APP-1")
        evaluate_and_claim(first, as_of=AS_OF, registry=registry)
        assert evaluate_and_claim(first, as_of=AS_OF, registry=registry).eligible

    @pytest.mark.parametrize(
        ("claimed", "again"),
        [
            (("ebay.com", "best-shop"), ("ebay.co.uk", "best-shop")),
            (("ebay.com", "best-shop"), ("ebay.de", "BEST-SHOP")),
            (("amazon.co.uk", PLAIN), ("amazon.de", PLAIN)),
        ],
    )
    def test_one_account_on_several_sites_is_claimed_once(self, registry, claimed, again):
        """A store claimed on one site of a namespace is held on every site of it."""
        platform, store_id = claimed
        evaluate_and_claim(
            app("APP-1", store(store_id, platform=platform)), as_of=AS_OF, registry=registry
        )
        platform, store_id = again
        decision = evaluate_and_claim(
            app("APP-2", store(store_id, platform=platform)), as_of=AS_OF, registry=registry
        )
        assert ["evidence.reused"] == [r.code for r in decision.reasons]

    def test_combined_stores_never_sums_one_store_twice(self):
        """One store listed as 'Amazon US'/A1 and 'amazon.com'/A1 is refused, not summed twice."""
        six = tuple(MonthlyTurnover(Month(2026, m), Money("600", "USD")) for m in (8, 9, 10))
        with pytest.raises(ValidationError, match="listed twice") as info:
            app("APP-1", store("A1", six), store("A1", six, platform="amazon.com"))
        assert ["stores[1]"] == [p.path for p in info.value.problems]

    def test_combined_stores_under_a_catalog_of_the_embedder(self):
        """Under a catalog whose namespace joins two platforms, the engine refuses the twin."""
        mine = [
            Platform(id=p, name=p, kind=PlatformKind.CROSS_BORDER, family="my", namespace="my")
            for p in ("my-a", "my-b")
        ]
        catalog = DEFAULT_PLATFORMS.with_platforms(*mine)
        six = tuple(MonthlyTurnover(Month(2026, m), Money("600", "USD")) for m in (8, 9, 10))
        twins = app("APP-1", store("A1", six, platform="my-a"), store("a1", six, platform="my-b"))
        with pytest.raises(ValidationError, match="listed twice"):
            evaluate(
                twins, as_of=AS_OF, policy=lazada_cross_border(stores="combined"), platforms=catalog
            )

    def test_listed_but_unused_store_stays_free(self, registry):
        """A third party's store listed without turnover is not locked; its owner can use it."""
        theirs = store("THEIRS1", ())
        first = evaluate_and_claim(
            app("APP-1", store(PLAIN), theirs), as_of=AS_OF, registry=registry
        )
        assert (("Amazon US", PLAIN),) == first.relied_on
        owner = evaluate_and_claim(app("APP-2", store("THEIRS1")), as_of=AS_OF, registry=registry)
        assert owner.eligible

    def test_combined_stores_claims_the_summed_stores(self, registry):
        """Under combined_stores the stores summed are claimed, a domestic one listed is not."""
        six = tuple(MonthlyTurnover(Month(2026, m), Money("600", "USD")) for m in (8, 9, 10))
        application = app(
            "APP-1",
            store("A1", six),
            store("best-shop", six, platform="eBay"),
            store("tb1", GOOD, platform="Taobao"),
        )
        decision = evaluate_and_claim(
            application,
            as_of=AS_OF,
            registry=registry,
            policy=lazada_cross_border(stores="combined"),
        )
        assert decision.eligible
        assert [("amazon", "a1"), ("ebay", "best-shop")] == [
            (c.namespace, c.store_id) for c in registry.claims_of("APP-1")
        ]

    def test_relied_on_is_in_the_json_and_reads_back(self, registry):
        """relied_on is part of the decision's JSON and from_dict reads it back; holders are not."""
        decision = evaluate_and_claim(
            app("APP-1", store(PLAIN), store("B2", ())), as_of=AS_OF, registry=registry
        )
        data = json.loads(decision.to_json())
        assert [{"platform": "Amazon US", "store_id": PLAIN}] == data["relied_on"]
        assert "holders" not in data
        assert decision == Decision.from_dict(data)

    def test_ineligible_relies_on_nothing(self, registry):
        """A decision that does not pass relies on no store, and its JSON has no relied_on."""
        decision = evaluate_and_claim(
            app("APP-1", store(PLAIN, SHORT)), as_of=AS_OF, registry=registry
        )
        assert () == decision.relied_on
        assert "relied_on" not in decision.to_dict()

    def test_claim_listed_locks_every_store(self, registry):
        """claim='listed' claims every listed store, used or not."""
        evaluate_and_claim(
            app("APP-1", store(PLAIN), store("B2", ())),
            as_of=AS_OF,
            registry=registry,
            claim="listed",
        )
        assert ["a2x9k4plmn7q", "b2"] == [c.store_id for c in registry.claims_of("APP-1")]

    def test_claim_option_is_checked(self, registry):
        """An unknown claim option is a clear error naming it."""
        with pytest.raises(ValidationError, match="claim: expected 'used' or 'listed'"):
            evaluate_and_claim(
                app("APP-1", store(PLAIN)), as_of=AS_OF, registry=registry, claim="x"
            )

    @pytest.mark.parametrize(
        "platform",
        [
            "https://taobao.com\\@amazon.com/shop/1",
            "http://tmall.com\\@ebay.com/itm/1",
            "https://detail.china.alibaba.com/offer/1.html",
            "alibaba.com.cn",
        ],
    )
    def test_domestic_urls_never_pass_as_cross_border(self, registry, platform):
        """A URL a browser opens on a domestic site never resolves cross-border."""
        found = DEFAULT_PLATFORMS.resolve(platform)
        assert found is None or found.kind is PlatformKind.DOMESTIC
        decision = evaluate_and_claim(
            app("APP-1", store("1", platform=platform)), as_of=AS_OF, registry=registry
        )
        assert not decision.eligible
