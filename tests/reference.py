"""
A deliberately naive reference evaluator: the oracle for both fast engines.

It reads a policy's *document* (``rule.to_doc()``, the form docs/policy-files.md
and the policy reference describe) and decides an application by the
documented semantics of each built-in rule kind, in straight-line Python:
no compiled closures, no generated code, no caches, no ``decimal`` context
(sums and conversions are :class:`fractions.Fraction`, so they are exact by
construction). It uses only the public models and catalogs: ``Application``,
``Store``, ``RateTable.rate``, ``PlatformCatalog.resolve``,
``Platform.identity`` and the taxonomy's ``is_within``, ``match_key``,
``is_group`` and ``groups``.

It is slow on purpose and must stay simple: when it and an engine disagree,
read the docs, not the engine, to tell which one is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from lazada_eligibility import DEFAULT_PLATFORMS, LAZADA_CATEGORIES, Month

PASS, REVIEW, FAIL = "pass", "review", "fail"
_RANK = {FAIL: 0, REVIEW: 1, PASS: 2}


@attrs.frozen
class Node:
    """
    One outcome of the reference: the rule kind, the verdict, the code, key facts and children.
    """

    rule: str
    verdict: str
    code: str
    facts: tuple[tuple[str, Any], ...] = ()
    children: tuple[Node, ...] = ()


def worst(verdicts: list[str]) -> str:
    """Kleene "and": fail if any fails, else review if any reviews, else pass."""
    if FAIL in verdicts:
        return FAIL
    return REVIEW if REVIEW in verdicts else PASS


def best(verdicts: list[str]) -> str:
    """Kleene "or": pass if any passes, else review if any reviews, else fail."""
    if PASS in verdicts:
        return PASS
    return REVIEW if REVIEW in verdicts else FAIL


def window(as_of: dt.date, months: int, lag_days: int) -> list[Month]:
    """The *months* complete calendar months before as_of's month, a month earlier while day <= lag_days."""
    last = Month(as_of.year, as_of.month) - 1
    if as_of.day <= lag_days:
        last = last - 1
    return [last - (months - 1 - i) for i in range(months)]


@attrs.define
class Reference:
    """
    Decides applications as the documentation says; see the module.
    """

    as_of: dt.date
    rates: Any = None
    registry: Any = None
    platforms: Any = DEFAULT_PLATFORMS
    categories: Any = LAZADA_CATEGORIES

    # -- the whole decision ------------------------------------------------------------

    def decide(self, doc: Mapping[str, Any], app: Any) -> Node:
        """Return the outcome tree of the application rule document *doc* for *app*."""
        return self.node(doc, app, None, None)

    def node(self, doc: Mapping[str, Any], app: Any, store: Any, month: Any) -> Node:  # noqa: C901 -- one line per kind
        ((kind, value),) = doc.items()
        if kind in {"all", "any"}:
            children = tuple(self.node(d, app, store, month) for d in value)
            verdict = (worst if kind == "all" else best)([c.verdict for c in children])
            return Node(kind, verdict, f"{kind}.{verdict}", (), children)
        if kind == "not":
            child = self.node(value, app, store, month)
            verdict = {PASS: FAIL, FAIL: PASS, REVIEW: REVIEW}[child.verdict]
            return Node("not", verdict, f"not.{verdict}", (), (child,))
        if kind in {"any_store", "every_store"}:
            return self.each_store(kind, value, app)
        if kind == "combined_stores":
            return self.combined(value, app)
        if kind == "each_month":
            stores = store if isinstance(store, tuple) else (store,)
            return self.each_month(value, app, stores)
        if kind in {"by_applied_category", "by_market"}:
            return self.branch(kind, value, app, store, month)
        if kind == "platform_kind":
            return self.platform_kind(value["kinds"], store)
        if kind == "category_matches":
            return self.category_matches(value["mode"], app, store)
        if kind == "prohibited_categories":
            return self.prohibited(value["categories"], app)
        if kind == "min_turnover":
            return self.min_turnover(value, app, store, month)
        if kind == "evidence_not_reused":
            return self.evidence(app)
        if kind == "owner_is":
            return self.owner_is(value["owners"], app, store)
        msg = f"the reference does not know rule kind {kind!r}"
        raise NotImplementedError(msg)

    # -- quantifiers -----------------------------------------------------------------

    def each_store(self, kind: str, doc: Mapping[str, Any], app: Any) -> Node:
        # "Some store passes" / "every store passes"; no store at all fails.
        if not app.stores:
            return Node(kind, FAIL, "stores.none")
        children = tuple(self.node(doc, app, s, None) for s in app.stores)
        verdicts = [c.verdict for c in children]
        verdict = best(verdicts) if kind == "any_store" else worst(verdicts)
        return Node(kind, verdict, f"{kind}.{verdict}", (), children)

    def each_month(self, doc: Mapping[str, Any], app: Any, stores: tuple[Any, ...]) -> Node:
        months = window(self.as_of, doc["window"], doc["lag_days"])
        children = tuple(self.node(doc["rule"], app, stores, m) for m in months)
        verdict = worst([c.verdict for c in children])
        return Node("each_month", verdict, f"each_month.{verdict}", (), children)

    def combined(self, doc: Mapping[str, Any], app: Any) -> Node:
        # The parts without each_month are store checks; the stores that pass
        # them have their turnover summed and must pass the each_month parts.
        parts = doc.get("all", [doc])
        checks = [p for p in parts if "each_month" not in p]
        totals = [p for p in parts if "each_month" in p]
        children: list[Node] = []
        verdicts = []
        for s in app.stores:
            found = tuple(self.node(c, app, s, None) for c in checks)
            v = worst([f.verdict for f in found])
            verdicts.append(v)
            children.append(Node("all", v, f"all.{v}", (), found))
        sure = self.distinct([s for s, v in zip(app.stores, verdicts, strict=True) if v == PASS])
        maybe = self.distinct([s for s, v in zip(app.stores, verdicts, strict=True) if v != FAIL])

        def summed(stores: tuple[Any, ...]) -> str:
            if not stores:
                return FAIL
            return worst([self.each_month(t["each_month"], app, stores).verdict for t in totals])

        verdict = summed(sure)
        if verdict != PASS and REVIEW in verdicts and summed(maybe) != FAIL:
            verdict = REVIEW  # counting the stores that reviewed could change the answer
        if sure:
            children.extend(self.each_month(t["each_month"], app, sure) for t in totals)
        code = f"combined_stores.{verdict}" if app.stores else "stores.none"
        return Node("combined_stores", verdict, code, (), tuple(children))

    def distinct(self, stores: list[Any]) -> tuple[Any, ...]:
        seen: dict[object, Any] = {}
        for s in stores:
            platform = self.platforms.resolve(s.platform)
            key = (platform.namespace, platform.identity(s.store_id).store_id) if platform else s
            seen.setdefault(key, s)
        return tuple(seen.values())

    def branch(self, kind: str, doc: Mapping[str, Any], app: Any, store: Any, month: Any) -> Node:
        # The first case whose keys take in the application decides, else otherwise.
        keys = "categories" if kind == "by_applied_category" else "markets"
        if kind == "by_applied_category" and not self.known(app.category):
            return Node(kind, REVIEW, "category.unknown")
        chosen, case = doc["otherwise"], None
        for i, c in enumerate(doc["cases"]):
            if any(self.takes_in(kind, k, app) for k in c[keys]):
                chosen, case = c["rule"], i
                break
        child = self.node(chosen, app, store, month)
        return Node(kind, child.verdict, f"{kind}.{child.verdict}", (("case", case),), (child,))

    def takes_in(self, kind: str, key: str, app: Any) -> bool:
        if kind == "by_market":
            return app.market == key
        applied, taxonomy = app.category, self.categories
        if applied == key:
            return True
        if taxonomy.is_group(applied):
            return all(taxonomy.is_within(m, key) for m in taxonomy.groups[applied])
        return taxonomy.is_within(applied, key)

    # -- leaves ----------------------------------------------------------------------

    def platform_kind(self, kinds: list[str], store: Any) -> Node:
        platform = self.platforms.resolve(store.platform)
        if platform is None:
            return Node("platform_kind", REVIEW, "platform.unknown")
        kind = platform.kind.value
        return Node("platform_kind", PASS if kind in kinds else FAIL, f"platform.{kind}")

    def known(self, category: str | None) -> bool:
        taxonomy = self.categories
        return category is not None and (category in taxonomy or taxonomy.is_group(category))

    def matches(self, mode: str, applied: str, category: str | None) -> str:
        """Whether turnover in *category* counts for *applied* under *mode*."""
        taxonomy = self.categories
        if not self.known(category) or not self.known(applied):
            return REVIEW
        if category == applied:
            return PASS
        if mode == "exact":
            return FAIL
        if taxonomy.is_group(category):
            # A group counts as one top level; nothing is within a group label.
            ok = mode == "same-top-level" and not taxonomy.is_group(applied)
            return PASS if ok and taxonomy.match_key(applied) == category else FAIL
        if mode == "within" or taxonomy.is_group(applied):
            return PASS if taxonomy.is_within(category, applied) else FAIL
        return PASS if taxonomy.match_key(category) == taxonomy.match_key(applied) else FAIL

    @staticmethod
    def categories_of(store: Any) -> list[str | None]:
        # A record's category is its own, or else its store's.
        found = list(dict.fromkeys(r.category or store.category for r in store.turnover))
        return found or [store.category]

    def category_matches(self, mode: str, app: Any, store: Any) -> Node:
        verdicts = [self.matches(mode, app.category, c) for c in self.categories_of(store)]
        verdict = best(verdicts)
        code = {PASS: "category.match", FAIL: "category.mismatch", REVIEW: "category.unknown"}
        return Node("category_matches", verdict, code[verdict])

    def prohibited(self, categories: list[str], app: Any) -> Node:
        if not self.known(app.category):
            return Node("prohibited_categories", REVIEW, "category.unknown")
        if any(self.categories.is_within(app.category, c) for c in categories):
            return Node("prohibited_categories", FAIL, "category.prohibited")
        return Node("prohibited_categories", PASS, "category.allowed")

    def min_turnover(self, doc: Mapping[str, Any], app: Any, stores: Any, month: Month) -> Node:  # noqa: C901, PLR0912 -- the documented order of codes, in one place
        minimum, target, mode = Fraction(doc["amount"]), doc["currency"], doc["category_mode"]
        total, seen = Fraction(0), False
        no_rate = inexact = None
        unknown = False  # a record whose category cannot be matched (unknown, or none at all)
        for store in stores:
            for record in store.turnover:
                if record.month != month:
                    continue
                seen = True
                category = record.category or store.category
                if mode != "any":
                    counts = self.matches(mode, app.category, category)
                    unknown = unknown or counts == REVIEW
                    if counts != PASS:
                        continue
                amount = record.amount
                if amount.currency == target:
                    total += Fraction(amount.amount)
                    continue
                rate = (
                    None if self.rates is None else self.rates.rate(amount.currency, target, month)
                )
                if rate is None:
                    no_rate = no_rate or amount.currency
                elif not usable(rate):
                    inexact = inexact or amount.currency
                else:
                    total += Fraction(amount.amount) * Fraction(rate)
        facts: tuple[tuple[str, Any], ...] = (("month", month), ("amount", total))
        if total >= minimum:
            return Node("min_turnover", PASS, "turnover.ok", facts)
        if not seen:
            return Node("min_turnover", FAIL, "turnover.month-missing", (("month", month),))
        if no_rate:
            return Node("min_turnover", REVIEW, "fx.rate-missing", (*facts, ("currency", no_rate)))
        if inexact:
            return Node("min_turnover", REVIEW, "fx.rate-inexact", (*facts, ("currency", inexact)))
        if unknown:
            return Node("min_turnover", REVIEW, "category.unknown", facts)
        return Node("min_turnover", FAIL, "turnover.below-minimum",
                    (*facts, ("shortfall", minimum - total)))  # fmt: skip

    def evidence(self, app: Any) -> Node:
        if self.registry is None:
            return Node("evidence_not_reused", PASS, "evidence.unchecked")
        children = []
        for store in app.stores:
            platform = self.platforms.resolve(store.platform)
            if platform is None:
                children.append(Node("evidence_not_reused", REVIEW, "platform.unknown"))
                continue
            held = self.registry.holder(platform.id, platform.identity(store.store_id).store_id)
            mine = (
                held is not None
                and app.id is not None
                and ((held.application_id, held.applicant) == (app.id, app.applicant))
            )
            if held is None or mine:
                children.append(Node("evidence_not_reused", PASS, "evidence.unused"))
            else:
                children.append(Node("evidence_not_reused", FAIL, "evidence.reused"))
        verdict = worst([c.verdict for c in children])
        code = {PASS: "evidence.unused", REVIEW: "evidence.unverified", FAIL: "evidence.reused"}
        return Node("evidence_not_reused", verdict, code[verdict], (), tuple(children))

    @staticmethod
    def owner_is(owners: list[str], app: Any, store: Any) -> Node:
        if store.owner is None:
            return Node("owner_is", REVIEW, "owner.unknown")
        wanted = {o.casefold() for o in owners} or {app.applicant.strip().casefold()}
        if store.owner.strip().casefold() in wanted:
            return Node("owner_is", PASS, "owner.match")
        return Node("owner_is", FAIL, "owner.mismatch")


def usable(rate: Any) -> bool:
    """A rate the engine converts with: positive, below 10^9, with at most 12 decimal places."""
    value = Fraction(rate)
    return 0 < value < 10**9 and (value * 10**12).denominator == 1


def reasons(node: Node, *, negated: bool = False) -> list[Node]:
    """
    The leaves that keep *node* from passing, as docs/rules.md describes reasons.

    Below a node that fails, only children that fail are followed (a child
    that merely reviews does not change a failure); below ``not`` the
    polarity flips, so a leaf that passed there is a reason.
    """

    def seen(n: Node, flipped: bool) -> str:
        if flipped and n.verdict != REVIEW:
            return FAIL if n.verdict == PASS else PASS
        return n.verdict

    effective = seen(node, negated)
    if effective == PASS:
        return []
    if not node.children:
        return [node]
    below = negated != (node.rule == "not")
    found: list[Node] = []
    for child in node.children:
        v = seen(child, below)
        if v == PASS or (effective == FAIL and v != FAIL):
            continue
        found.extend(reasons(child, negated=below))
    return found
