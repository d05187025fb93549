"""
The compact batch line (``batch --detail summary``): what a pipeline acts on, and no more.

Per decided line: the input line number, the application id, the verdict,
``eligible``, the date, the policy digest, the compact provenance
(:meth:`~lazada_eligibility.provenance.Provenance.summary`), each reason as its code, its
subject as a structured object and its key figures, and what to do, as
remedy codes. A passing line is decided on the verdict-only path and never
builds an outcome tree; only lines that fail or review build their reasons.
The shape is ``data/batch-summary.schema.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from ..decision import encode_fact
from ..explain.remedies import plan

if TYPE_CHECKING:
    import datetime as dt

    from ..decision import Decision
    from ..provenance import Provenance
    from ..rules import Outcome

__all__ = [
    "FIGURES",
    "outcome_subject",
    "pass_record",
    "provenance_summary",
    "summary_record",
    "summary_schema",
]

#: The facts a reason carries into the summary, under their summary names.
FIGURES: Final = (
    ("month", "month"),
    ("amount", "turnover"),
    ("minimum", "minimum"),
    ("shortfall", "shortfall"),
)


def outcome_subject(outcome: Outcome) -> dict[str, Any]:
    """
    Return the outcome's subject as a structured object.

    A typed subject (:mod:`lazada_eligibility.subjects`) is written as the
    decision writes it; text that a custom rule gave as its subject is kept
    whole as ``{"kind": "other", "text": ...}``.
    """
    subject = outcome.subject
    to_dict = getattr(subject, "to_dict", None)
    if to_dict is not None:
        found: dict[str, Any] = to_dict()
        return found
    return {"kind": "other", "text": str(subject)}


def _reason(outcome: Outcome) -> dict[str, Any]:
    facts = outcome.facts
    reason: dict[str, Any] = {"code": outcome.code, "subject": outcome_subject(outcome)}
    for fact, name in FIGURES:
        if fact in facts:
            reason[name] = encode_fact(facts[fact])
    return reason


def provenance_summary(provenance: Provenance | None) -> dict[str, Any] | None:
    """
    Return the compact provenance a summary line carries (``None`` for a decision without one).
    """
    if provenance is None:
        return None
    last = _last_summary[0]  # one read: another thread may replace it meanwhile
    if last[0] is provenance:
        return last[1]  # passing lines share one provenance: summarise it once
    found = provenance.summary()
    _last_summary[0] = (provenance, found)
    return found


# The last provenance summarised, with its summary (never mutated: lines only serialise it).
_last_summary: list[tuple[object, dict[str, Any] | None]] = [(None, None)]


def summary_record(line: int, decision: Decision) -> dict[str, Any]:
    """
    Return the summary line of a decision.
    """
    reasons = decision.reasons
    todo = []
    for remedy in plan(decision, reasons):
        item: dict[str, Any] = {"code": remedy.code}
        clears_on = remedy.facts.get("clears_on")
        if clears_on is not None:
            item["clears_on"] = encode_fact(clears_on)
        todo.append(item)
    return {
        "line": line,
        "application_id": decision.application_id,
        "verdict": decision.verdict.value,
        "eligible": decision.eligible,
        "as_of": decision.as_of.isoformat(),
        "policy_digest": decision.policy_digest,
        "provenance": provenance_summary(decision.provenance),
        "reasons": [_reason(r) for r in reasons],
        "todo": todo,
    }


def pass_record(
    line: int, application_id: str | None, as_of: dt.date, digest: str, provenance: Provenance
) -> dict[str, Any]:
    """
    Return the summary line of a passing application, found on the verdict-only path.
    """
    return {
        "line": line,
        "application_id": application_id,
        "verdict": "pass",
        "eligible": True,
        "as_of": as_of.isoformat(),
        "policy_digest": digest,
        "provenance": provenance_summary(provenance),
        "reasons": [],
        "todo": [],
    }


@cache
def summary_schema() -> dict[str, Any]:
    """
    Return the JSON Schema of summary lines (decided lines and error lines), shipped with the package.
    """
    text = (resources.files("lazada_eligibility") / "data" / "batch-summary.schema.json").read_text(
        "utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
