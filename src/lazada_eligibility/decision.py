"""
Decisions: the verdict on an application, its reasons and the whole outcome tree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, overload

import attrs

from .exceptions import ValidationError
from .money import Money, money_fact
from .periods import Month
from .rules import Outcome, Verdict

if TYPE_CHECKING:
    from .registry import Claim
    from .remediation import Remedy

__all__ = ["CAVEAT_CODES", "Decision"]

CAVEAT_CODES: Final = frozenset({"evidence.unchecked"})
"""Codes that pass but say something was not checked; a decision lists them as caveats."""

_MONTH_KEYS: Final = frozenset({"month", "months"})


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


def decode_fact(key: str, value: object) -> object:
    """
    Read back a fact written by :func:`encode_fact`; months are known by their key.
    """
    if key in _MONTH_KEYS:
        if isinstance(value, list):
            return tuple(Month.parse(v) for v in value)
        if isinstance(value, str):
            return Month.parse(value)
    if isinstance(value, Mapping) and set(value) == {"amount", "currency"}:
        return money_fact(value)
    if isinstance(value, list):
        return tuple(decode_fact("", v) for v in value)
    return value


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """
    Return *outcome* and its children as JSON-ready mappings.
    """
    d: dict[str, Any] = {
        "rule": outcome.rule,
        "verdict": outcome.verdict.value,
        "code": outcome.code,
        "subject": outcome.subject,
        "facts": {k: encode_fact(v) for k, v in outcome.facts.items()},
    }
    if outcome.children:
        d["children"] = [outcome_to_dict(c) for c in outcome.children]
    return d


def outcome_from_dict(data: Mapping[str, Any], path: str = "outcome") -> Outcome:
    """
    Read back an outcome written by :func:`outcome_to_dict`.
    """
    try:
        return Outcome(
            rule=str(data["rule"]),
            verdict=Verdict(data["verdict"]),
            code=str(data["code"]),
            subject=str(data["subject"]),
            facts={k: decode_fact(k, v) for k, v in data.get("facts", {}).items()},
            children=tuple(
                outcome_from_dict(c, f"{path}.children[{i}]")
                for i, c in enumerate(data.get("children", ()))
            ),
        )
    except ValidationError as e:
        raise e.prefixed(path) from None
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ValidationError.single(path, f"not an outcome: {e!r}") from None


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

    .. versionadded:: 0.1.0
    """

    policy_id: str
    policy_version: str
    policy_digest: str
    as_of: dt.date
    outcome: Outcome
    application_id: str | None = None
    relied_on: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    holders: tuple[Claim, ...] = attrs.field(default=(), eq=False, repr=False, converter=_claims)

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
        :attr:`holders` never are.

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
            "reasons": [outcome_to_dict(o) for o in self.reasons],
            "remediation": [r.to_dict() for r in self.remediation()],
            "verdict": self.verdict.value,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """
        Return :meth:`to_dict` as JSON text with sorted keys: byte-identical for equal decisions.

        .. versionadded:: 0.1.0
        """
        return json.dumps(self.to_dict(), sort_keys=True, indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """
        Read back a decision written by :meth:`to_dict`.

        Raises:
            ValidationError: The mapping is not a decision.

        .. versionadded:: 0.1.0
        """
        try:
            policy = data["policy"]
            return cls(
                policy_id=policy["id"],
                policy_version=policy["version"],
                policy_digest=policy["digest"],
                as_of=dt.date.fromisoformat(data["as_of"]),
                outcome=outcome_from_dict(data["outcome"]),
                application_id=data.get("application_id"),
                relied_on=tuple(
                    (str(r["platform"]), str(r["store_id"])) for r in data.get("relied_on", ())
                ),
            )
        except (KeyError, TypeError) as e:
            raise ValidationError.single("", f"not a decision: missing or bad {e}") from None

    def explain(self, locale: str = "en") -> str:
        """
        Return a short explanation for the seller, in *locale*.

        .. versionadded:: 0.1.0
        """
        from .explain import explain  # noqa: PLC0415 -- explain sits above decision

        return explain(self, locale)

    @overload
    def remediation(self, locale: None = None) -> tuple[Remedy, ...]: ...

    @overload
    def remediation(self, locale: str) -> tuple[str, ...]: ...

    def remediation(self, locale: str | None = None) -> tuple[Remedy, ...] | tuple[str, ...]:
        """
        Return what to do about each reason: remedies, or with *locale*, sentences in it.

        Each :class:`~lazada_eligibility.remediation.Remedy` is a code with
        its figures (month, amount, shortfall, minimum, the currency that
        lacks a rate, the category to add turnover in, the domestic platform).

        Example:
            >>> import datetime as dt
            >>> from lazada_eligibility import Application, Store, evaluate
            >>> decision = evaluate(
            ...     Application("Seller Co.", "home-living", [Store("Taobao", "shop-1")]),
            ...     as_of=dt.date(2026, 11, 28),
            ... )
            >>> [r.code for r in decision.remediation()]
            ['platform.use-cross-border']
            >>> print(*decision.remediation("en"))
            Store taobao.com/shop-1: Taobao is a domestic platform, so its turnover does not count. Add a store on a cross-border platform such as Amazon, eBay or AliExpress.

        .. versionadded:: 0.1.0
        """
        from .remediation import remediation  # noqa: PLC0415 -- remediation sits above decision

        remedies = remediation(self)
        if locale is None:
            return remedies
        return tuple(r.render(locale, name_store=True) for r in remedies)
