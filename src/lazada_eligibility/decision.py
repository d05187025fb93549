"""
Decisions: the verdict on an application, its reasons and the whole outcome tree.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from .codes import decode_facts, encode_facts
from .exceptions import ValidationError
from .money import Money
from .periods import Month
from .provenance import Provenance
from .rules import Outcome, Verdict
from .subjects import subject_from_dict

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .explain.remedies import Remedy
    from .registry import Claim

__all__ = ["CAVEAT_CODES", "SCHEMA_VERSION", "Decision", "decision_schema"]

CAVEAT_CODES: Final = frozenset({"evidence.unchecked"})
"""Codes that pass but say something was not checked; a decision lists them as caveats."""

_T = TypeVar("_T")

SCHEMA_VERSION: Final = 3
"""
The version of :meth:`~lazada_eligibility.Decision.to_dict`'s document; see ``decision.schema.json``.

Version 3 added the required ``provenance`` key; :meth:`~lazada_eligibility.Decision.from_dict`
still reads version 2 documents, which have none.
"""

_READS: Final = frozenset({2, SCHEMA_VERSION})
# Version 2 is version 3 without "provenance": still read, with no provenance.


def encode_fact(value: object) -> object:
    """
    Return a fact as a JSON-ready value.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # the common case first: batch runs encode millions of facts
    if kind is Money:
        return {"amount": str(value.amount), "currency": value.currency}  # type: ignore[attr-defined]
    if kind is Month:
        return str(value)
    if isinstance(value, Money):
        return value.to_dict()
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset):
        return [encode_fact(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode_fact(v) for k, v in value.items()}
    return value


def decision_schema() -> dict[str, Any]:
    """
    Return the JSON Schema of :meth:`~lazada_eligibility.Decision.to_dict` that the package ships.

    It is generated from the specs of the built-in outcome codes
    (:mod:`lazada_eligibility.codes`) and describes schema version
    :data:`SCHEMA_VERSION`.

    Example:
        >>> from lazada_eligibility.decision import SCHEMA_VERSION, decision_schema
        >>> schema = decision_schema()
        >>> schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
        True

    .. versionadded:: 0.2.0
    """
    text = resources.files(__package__).joinpath("data", "decision.schema.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """
    Return *outcome* and its children as JSON-ready mappings.

    The subject is a typed object; the facts are written by the types the
    code's :class:`~lazada_eligibility.codes.CodeSpec` declares.
    """
    d: dict[str, Any] = {
        "rule": outcome.rule,
        "verdict": outcome.verdict.value,
        "code": outcome.code,
        "subject": outcome.subject.to_dict(),
        "facts": encode_facts(outcome.code, outcome.facts),
    }
    if outcome.children:
        d["children"] = [outcome_to_dict(c) for c in outcome.children]
    return d


def _field(data: Mapping[str, Any], key: str, kind: type, what: str) -> Any:  # noqa: ANN401
    if key not in data:
        raise ValidationError.single(key, "missing")
    value = data[key]
    if not isinstance(value, kind):
        raise ValidationError.single(key, f"expected {what}, got {value!r}")
    return value


def _prefixed(path: str, read: Callable[[], _T]) -> _T:
    try:
        return read()
    except ValidationError as e:
        raise e.prefixed(path) from None


def outcome_from_dict(data: object) -> Outcome:
    """
    Read back an outcome written by :func:`outcome_to_dict`.

    Raises:
        ValidationError: Naming the bad key by its path below the outcome,
            such as ``children[0].facts.month``, once.
    """
    if not isinstance(data, Mapping):
        raise ValidationError.single("", f"expected an object, got {data!r}")
    code = _field(data, "code", str, "a string")
    verdict = _field(data, "verdict", str, "a string")
    try:
        found = Verdict(verdict)
    except ValueError:
        msg = f"expected pass, fail or review, got {verdict!r}"
        raise ValidationError.single("verdict", msg) from None
    subject = _prefixed("subject", lambda: subject_from_dict(data.get("subject")))
    facts = _prefixed("facts", lambda: decode_facts(code, data.get("facts", {})))
    raw = data.get("children", [])
    if not isinstance(raw, list):
        raise ValidationError.single("children", f"expected a list, got {raw!r}")
    children = tuple(
        _prefixed(f"children[{i}]", functools.partial(outcome_from_dict, c))
        for i, c in enumerate(raw)
    )
    return Outcome(
        rule=_field(data, "rule", str, "a string"),
        verdict=found,
        code=code,
        subject=subject,
        facts=facts,
        children=children,
    )


def _effective(outcome: Outcome, negated: bool) -> Verdict:
    verdict = outcome.verdict
    if negated and verdict is not Verdict.REVIEW:
        return Verdict.FAIL if verdict is Verdict.PASS else Verdict.PASS
    return verdict


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return value if type(value) is tuple else tuple(value)


def _claims(value: Iterable[Claim]) -> tuple[Claim, ...]:
    return tuple(value)


def _reasons(outcome: Outcome, negated: bool, found: list[Outcome]) -> None:
    # Walk down through what keeps the verdict from passing. Below a node
    # that fails, only children that fail are followed: a child that merely
    # reviews does not change a failure. Below "not", polarity flips.
    effective = _effective(outcome, negated)
    if effective is Verdict.PASS:
        return
    if not outcome.children:
        found.append(outcome)
        return
    below = negated ^ (outcome.rule == "not")
    for child in outcome.children:
        seen = _effective(child, below)
        if seen is Verdict.PASS or (effective is Verdict.FAIL and seen is not Verdict.FAIL):
            continue
        _reasons(child, below, found)


@attrs.frozen(kw_only=True)
class Decision:
    """
    The verdict on one application under one policy, with every reason.

    Attributes:
        policy_id: The policy's id.
        policy_version: The policy's version.
        policy_digest: The policy's digest, to tell versions apart for sure.
        as_of: The day the application was decided for.
        outcome: The whole outcome tree.
        application_id: The application's id, when it had one.
        relied_on: When eligible, the stores the verdict rests on, as
            ``(platform, store_id)`` pairs written as in the application:
            the stores :func:`~lazada_eligibility.evaluate_and_claim`
            claims. For ``any_store`` the stores that qualified, for
            ``combined_stores`` the stores whose turnover was summed.
        holders: Operator-facing: the claims of other applications that
            hold the records this decision found reused (``evidence.reused``).
            Never part of :meth:`to_dict`, explanations or remedies, which
            the seller sees; a review tool reads it explicitly.
        provenance: What else decided it: the catalogs' digests, the rates
            looked up, the registry state read and the library version
            (:class:`~lazada_eligibility.provenance.Provenance`); ``None``
            for a decision read from a document older than schema version 3.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The *provenance* attribute.
    """

    policy_id: str
    policy_version: str
    policy_digest: str
    as_of: dt.date
    outcome: Outcome
    application_id: str | None = None
    relied_on: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    holders: tuple[Claim, ...] = attrs.field(default=(), eq=False, repr=False, converter=_claims)
    provenance: Provenance | None = attrs.field(default=None, repr=False)

    @property
    def verdict(self) -> Verdict:
        """
        PASS, FAIL or REVIEW.
        """
        return self.outcome.verdict

    @property
    def eligible(self) -> bool:
        """
        True only when the verdict is PASS.
        """
        return self.outcome.verdict is Verdict.PASS

    @property
    def reasons(self) -> tuple[Outcome, ...]:
        """
        The leaf outcomes that keep the decision from passing, each failing or reviewing leaf.

        Under :func:`~lazada_eligibility.rules.not_`, a leaf that passed is
        the reason. Empty when the decision passes.
        """
        found: list[Outcome] = []
        _reasons(self.outcome, negated=False, found=found)
        return tuple(found)

    @property
    def caveats(self) -> tuple[Outcome, ...]:
        """
        Outcomes that passed but were not really checked (``evidence.unchecked``).
        """
        return tuple(o for o in self.outcome.walk() if o.code in CAVEAT_CODES)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping; the same decision always gives the same JSON.

        ``relied_on`` is there only when the decision relied on stores; the
        :attr:`holders` never are. ``provenance`` is
        :meth:`Provenance.to_dict <lazada_eligibility.provenance.Provenance.to_dict>`,
        or ``null`` for a decision made without one.

        .. versionadded:: 0.1.0
        """
        relied = (
            {"relied_on": [{"platform": p, "store_id": s} for p, s in self.relied_on]}
            if self.relied_on
            else {}
        )
        return {
            **relied,
            "application_id": self.application_id,
            "as_of": self.as_of.isoformat(),
            "caveats": [outcome_to_dict(o) for o in self.caveats],
            "eligible": self.eligible,
            "outcome": outcome_to_dict(self.outcome),
            "policy": {
                "digest": self.policy_digest,
                "id": self.policy_id,
                "version": self.policy_version,
            },
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "reasons": [outcome_to_dict(o) for o in self.reasons],
            "remediation": [r.to_dict() for r in self.remediation()],
            "schema_version": SCHEMA_VERSION,
            "verdict": self.verdict.value,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """
        Return :meth:`to_dict` as JSON text with sorted keys: byte-identical for equal decisions.

        .. versionadded:: 0.1.0
        """
        return json.dumps(self.to_dict(), sort_keys=True, indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: object) -> Decision:
        """
        Read back a decision written by :meth:`to_dict`.

        The derived keys (``eligible``, ``verdict``, ``reasons``,
        ``caveats``, ``remediation``) are computed again, not read.

        Raises:
            ValidationError: The mapping is not a decision of a schema
                version this library reads; each problem names its path
                once, such as ``outcome.children[0].facts.month``.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           Reads subjects and facts by type; raises only ``ValidationError``.
        .. versionchanged:: 0.2.0
           Reads ``provenance`` (schema version 3) and still reads version 2.
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"not a decision: expected an object, got {data!r}")
        version = data.get("schema_version", SCHEMA_VERSION)
        if type(version) is not int or version not in _READS:
            msg = f"expected {SCHEMA_VERSION}, got {version!r}: written by another version"
            raise ValidationError.single("schema_version", msg)
        provenance = None
        if version >= 3:
            if "provenance" not in data:
                raise ValidationError.single("provenance", "missing")
            raw = data["provenance"]
            if raw is not None:
                provenance = _prefixed("provenance", lambda: Provenance.from_dict(raw))
        policy = _prefixed("policy", lambda: _policy(data.get("policy")))
        as_of = _field(data, "as_of", str, "a date")
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as e:
            raise ValidationError.single("as_of", f"not a date: {as_of!r} ({e})") from None
        application_id = data.get("application_id")
        if application_id is not None and not isinstance(application_id, str):
            msg = f"expected a string or null, got {application_id!r}"
            raise ValidationError.single("application_id", msg)
        outcome = _prefixed("outcome", lambda: outcome_from_dict(data.get("outcome")))
        raw = data.get("relied_on", [])
        if not isinstance(raw, list):
            raise ValidationError.single("relied_on", f"expected a list, got {raw!r}")
        relied = tuple(
            _prefixed(f"relied_on[{i}]", functools.partial(_relied, r)) for i, r in enumerate(raw)
        )
        return cls(
            policy_id=policy[0],
            policy_version=policy[1],
            policy_digest=policy[2],
            as_of=day,
            outcome=outcome,
            application_id=application_id,
            relied_on=relied,
            provenance=provenance,
        )

    def explain(self, locale: str = "en") -> str:
        """
        Return a short explanation for the seller, in *locale*.

        .. versionadded:: 0.1.0
        """
        from .explain import explain  # noqa: PLC0415 -- explain sits above decision

        return explain(self, locale)

    def remediation(self, *, categories: CategoryTaxonomy | None = None) -> tuple[Remedy, ...]:
        """
        Return what to do about each reason, as :class:`~lazada_eligibility.explain.remedies.Remedy` values.

        Each remedy is a code with its figures (month, amount, shortfall,
        minimum, the currency that lacks a rate, the category to add
        turnover in, the domestic platform). Saying it in a language is the
        explain layer's work: :meth:`Remedy.render(locale)
        <lazada_eligibility.explain.remedies.Remedy.render>`. A convenience
        method: it imports :mod:`~lazada_eligibility.explain.remedies`, which
        sits above this module.

        Args:
            categories: The taxonomy the decision was made with, to tell what
                "the category applied for" covers (default
                :data:`~lazada_eligibility.LAZADA_CATEGORIES`); pass the same
                one to ``Remedy.render``.

        Example:
            >>> import datetime as dt
            >>> from lazada_eligibility import Application, Store, evaluate
            >>> decision = evaluate(
            ...     Application("Seller Co.", "home-living", [Store("Taobao", "shop-1")]),
            ...     as_of=dt.date(2026, 11, 28),
            ... )
            >>> [r.code for r in decision.remediation()]
            ['platform.use-cross-border']
            >>> print(*(r.render("en") for r in decision.remediation()))
            Store taobao.com/shop-1: Taobao is a domestic platform, so its turnover does not count. Add a store on a cross-border platform such as Amazon, eBay or AliExpress.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           Returns remedies only; the *locale* argument is gone (use
           ``Remedy.render``); the *categories* argument.
        """
        from .explain.remedies import remediation  # noqa: PLC0415 -- remediation sits above decision

        return remediation(self, categories=categories)


def _policy(data: object) -> tuple[str, str, str]:
    if not isinstance(data, Mapping):
        raise ValidationError.single("", f"expected an object, got {data!r}")
    return (
        _field(data, "id", str, "a string"),
        _field(data, "version", str, "a string"),
        _field(data, "digest", str, "a string"),
    )


def _relied(data: object) -> tuple[str, str]:
    if not isinstance(data, Mapping):
        raise ValidationError.single("", f"expected an object, got {data!r}")
    return _field(data, "platform", str, "a string"), _field(data, "store_id", str, "a string")
