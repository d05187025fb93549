"""
Policies: the model, its documents, its rule kinds and the shipped ones.

- :class:`~lazada_eligibility.Policy` and
  :class:`~lazada_eligibility.PreparedPolicy`: a rule with an identity,
  and its prepared forms.
- :func:`load_policy`, :func:`dump_policy`, :func:`policy_schema`,
  :func:`policy_reference` and :func:`register_rule_kind`: policies as
  TOML or JSON documents (see :doc:`/policy-files`).
- :mod:`lazada_eligibility.policy.shipped`: the shipped policies, starting
  with :data:`~lazada_eligibility.LAZADA_CROSS_BORDER`.
- :mod:`lazada_eligibility.policy.diff`: what changes when one policy
  replaces another, over a file of applications.

A policy document has ``id``, ``version``, ``title``, ``source``, optional
``[params]`` and ``rule``, a tree whose every node is one rule kind with
its parameters, exactly as :meth:`~lazada_eligibility.rules.Rule.to_doc`
writes it::

    id = "demo"
    version = "1"

    [params]
    minimum = "1500"

    [rule]
    any_store = { all = [
      { platform_kind = { kinds = ["cross-border"] } },
      { each_month = { window = 3, rule = { min_turnover = { amount = { param = "minimum" }, currency = "USD" } } } },
    ] }

Loading is safe by construction: only registered rule kinds, built through
the public factories; only declared parameters of the right types; no
code, no imports, no attribute lookups by name; bounded depth and size.

Private modules hold each concern: ``_policy`` (the model), ``_documents``
(loading and dumping), ``_build`` (from document to rule), ``_kinds`` (the
rule kinds), ``_docs`` (their reference), ``_text`` (reading the text) and
``_toml`` (writing it).
"""

from __future__ import annotations

from ._documents import (
    MAX_BYTES,
    MAX_DEPTH,
    RuleParam,
    dump_policy,
    load_policy,
    policy_reference,
    policy_schema,
    register_rule_kind,
)
from ._policy import Policy, PreparedPolicy, as_date

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Policy",
    "PreparedPolicy",
    "RuleParam",
    "as_date",
    "dump_policy",
    "load_policy",
    "policy_reference",
    "policy_schema",
    "register_rule_kind",
]
