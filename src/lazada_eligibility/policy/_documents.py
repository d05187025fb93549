"""
Policies as documents: load and validate TOML or JSON, dump the canonical form.

The document format is described in :mod:`lazada_eligibility.policy`, the
public face of this module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Literal

from ..categories import LAZADA_CATEGORIES, CategoryTaxonomy
from ..exceptions import FieldProblem, PolicyError
from ..rules import Rule
from . import _docs as _policy_docs
from . import _text
from . import _toml as _toml_writer
from ._build import build_policy, check_defaults
from ._kinds import BUILTIN_KINDS, KINDS, RuleKind, RuleParam, register
from ._policy import Policy

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "RuleParam",
    "dump_policy",
    "load_policy",
    "policy_reference",
    "policy_schema",
    "register_rule_kind",
]

MAX_BYTES: Final = _text.MAX_BYTES
"""The largest policy document, in bytes of UTF-8, that :func:`load_policy` reads."""

MAX_DEPTH: Final = _text.MAX_DEPTH
"""The deepest nesting of tables and lists that :func:`load_policy` reads."""


def load_policy(
    source: Path | str | Mapping[str, Any],
    *,
    params: Mapping[str, object] | None = None,
    categories: CategoryTaxonomy | None = None,
) -> Policy:
    """
    Load a policy document and build its policy.

    Args:
        source: A :class:`~pathlib.Path` to a ``.toml`` or ``.json`` file,
            the document's text (TOML, or JSON when it starts with ``{``),
            or an already parsed mapping.
        params: Values for parameters the document declares in
            ``[params]``, replacing the declared ones. Python values
            (:class:`~lazada_eligibility.Money`, :class:`~decimal.Decimal`,
            tuples) are taken as their document form.
        categories: The taxonomy that category ids must be in
            (default :data:`~lazada_eligibility.LAZADA_CATEGORIES`).

    Returns:
        The policy; its digest covers the parameter values actually used.

    Raises:
        PolicyError: With every problem in the document, each with its path
            (``rule.all[0].any_store.all[2].each_month.window``) and what was
            expected. Text over :data:`MAX_BYTES` or nested deeper than
            :data:`MAX_DEPTH` is refused before it is parsed.
        OSError: The file cannot be read.

    Example:
        >>> from lazada_eligibility.policy import load_policy
        >>> policy = load_policy(
        ...     '''
        ... id = "demo"
        ... version = "1"
        ... [params]
        ... months = 6
        ... [rule]
        ... any_store = { each_month = { window = { param = "months" }, rule = { min_turnover = { amount = "1000", currency = "USD" } } } }
        ... ''',
        ...     params={"months": 12},
        ... )
        >>> print(policy.rule)
        any_store(each_month(min_turnover(Money('1000', 'USD')), window=12))

    .. versionadded:: 0.1.0
    """
    taxonomy = LAZADA_CATEGORIES if categories is None else categories
    if isinstance(source, Mapping):
        doc: object = source
    elif isinstance(source, str):
        doc = _text.parse(source, None)
    elif isinstance(source, os.PathLike):
        doc = _text.parse(_text.read(Path(source)), Path(source).suffix.lower())
    else:
        msg = f"load_policy() takes a Path, the document's text or a mapping, not {type(source).__name__}"
        raise TypeError(msg)
    return build_policy(doc, params=params, categories=taxonomy)


def dump_policy(policy: Policy, format: Literal["toml", "json"] = "toml") -> str:  # noqa: A002 -- the natural name
    """
    Return the canonical document of *policy*: every parameter written out.

    :func:`load_policy` reads it back to an equal policy with the same
    digest, provided every kind in it is registered. Parameters are
    written as the values the policy uses; ``[params]`` is not kept.

    Args:
        policy: The policy.
        format: ``"toml"`` or ``"json"`` (indented, keys sorted).

    Raises:
        PolicyError: A custom rule has a parameter a document cannot hold.

    Example:
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER
        >>> from lazada_eligibility.policy import dump_policy, load_policy
        >>> text = dump_policy(LAZADA_CROSS_BORDER)
        >>> print(text[text.index("[rule]") :])
        [rule]
        all = [
          { any_store = { all = [
            { platform_kind = { kinds = ["cross-border"] } },
            { category_matches = { mode = "same-top-level" } },
            { each_month = { window = 3, lag_days = 0, rule = { min_turnover = { amount = "1000", currency = "USD", category_mode = "same-top-level" } } } },
          ] } },
          { evidence_not_reused = {} },
        ]
        >>> load_policy(text).digest == LAZADA_CROSS_BORDER.digest
        True

    .. versionadded:: 0.1.0
    """
    doc: dict[str, Any] = {
        "id": policy.id,
        "version": policy.version,
        "title": policy.title,
        "source": policy.source,
    }
    rule = policy.rule.to_doc()
    if policy.groups:
        doc["categories"] = {"groups": {name: list(members) for name, members in policy.groups}}
        rule = _with_names(policy, doc, rule)
    doc["rule"] = rule
    if format == "json":
        _check_writable(doc["rule"])
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if format == "toml":
        return _toml_writer.dumps(doc, nested=frozenset({"categories"}))
    raise PolicyError(f"format must be 'toml' or 'json', got {format!r}")


def _with_names(policy: Policy, doc: Mapping[str, Any], rule: Any) -> Any:  # noqa: ANN401 -- a document's rule tree
    """
    Return *rule*, the policy's rule document, with group names where they keep the rule.

    Two spellings are tried, each kept only when loading it gives the same
    rule: a list that a rule sorts (a set of categories) takes a group
    whose members are all in it; any list takes a group whose members run
    in it in order. Otherwise the members stay as they are.
    """
    for as_sets in (True, False):
        named = _named(rule, policy.groups, as_sets=as_sets)
        if named == rule:
            return rule
        try:
            again = build_policy({**doc, "rule": named}, params=None, categories=LAZADA_CATEGORIES)
        except PolicyError:
            continue  # a category of another taxonomy: keep the members
        if again.rule == policy.rule:
            return named
    return rule


def _named(
    node: Any,  # noqa: ANN401 -- a document's rule tree
    groups: tuple[tuple[str, tuple[str, ...]], ...],
    *,
    as_sets: bool,
) -> Any:  # noqa: ANN401 -- the same tree
    """
    Return the rule document *node* with each group's members written as its name.

    Only lists of categories change (the parameters and case keys whose type
    is ``category``). A run of a list equal to a group's members, in order,
    becomes the group's name, the longest group first; with *as_sets*, a
    sorted list also takes a group whose members are all in it.
    """

    def lists(items: object) -> object:
        return _runs(items, groups, as_sets=as_sets)

    if isinstance(node, list):
        return [_named(v, groups, as_sets=as_sets) for v in node]
    if not isinstance(node, Mapping):
        return node
    if len(node) == 1:
        ((name, value),) = node.items()
        kind = KINDS.get(name)
        if kind is not None and isinstance(value, Mapping):
            keys = {key for key, param in kind.params if param.type == "category" and param.many}

            def table(t: Mapping[str, Any]) -> dict[str, Any]:
                return {
                    k: lists(v) if k in keys else _named(v, groups, as_sets=as_sets)
                    for k, v in t.items()
                }

            if kind.shape == "cases":
                cases = [
                    table(case) if isinstance(case, Mapping) else case
                    for case in value.get("cases", [])
                ]
                rest = table({k: v for k, v in value.items() if k != "cases"})
                return {name: {"cases": cases, **rest}}
            if kind.shape == "params":
                return {name: table(value)}
    return {k: _named(v, groups, as_sets=as_sets) for k, v in node.items()}


def _runs(
    items: object, groups: tuple[tuple[str, tuple[str, ...]], ...], *, as_sets: bool
) -> object:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return items
    longest = sorted(groups, key=lambda g: -len(g[1]))
    if as_sets and items == sorted(set(items)):
        left, names = set(items), []
        for name, members in longest:
            if set(members) <= left:
                names.append(name)
                left -= set(members)
        return [*names, *sorted(left)] if names else items
    found: list[object] = []
    i = 0
    while i < len(items):
        for name, members in longest:
            if tuple(items[i : i + len(members)]) == members:
                found.append(name)
                i += len(members)
                break
        else:
            found.append(items[i])
            i += 1
    return found


def _check_writable(value: object) -> None:
    # JSON could hold a float or null, but no document would load back with one.
    if isinstance(value, Mapping):
        for v in value.values():
            _check_writable(v)
    elif isinstance(value, list):
        for v in value:
            _check_writable(v)
    elif not isinstance(value, str | int):
        raise PolicyError(f"a policy document cannot hold {value!r}")


def register_rule_kind(
    name: str,
    builder: Callable[..., Rule[Any]],
    schema: Mapping[str, RuleParam] | None = None,
    *,
    summary: str | None = None,
    codes: Mapping[str, str] | None = None,
    replace: bool = False,
) -> None:
    """
    Let policy documents use a rule of your own, as ``{ name = { ...parameters } }``.

    The loader checks each parameter against *schema*, fills in defaults,
    and calls ``builder(**parameters)``: a :func:`~lazada_eligibility.rules.leaf_rule`
    factory or a :class:`~lazada_eligibility.rules.CustomRule` subclass.
    The rule it returns must have ``kind == name`` and dump to
    ``{name: parameters}``, so that documents round-trip. The loader
    passes every parameter, so give defaults in *schema*, not in the function.

    Args:
        name: The kind's name: lower-case letters, digits and ``_``.
        builder: Called with the parsed parameters as keywords.
        schema: Each parameter's :class:`RuleParam`, in the order the
            rule dumps them.
        summary: One line for the policy reference (default: the first
            line of the builder's docstring).
        codes: The outcome codes the rule gives, each with its meaning
            (default: ``name.pass``, ``name.review``, ``name.fail``).
        replace: Replace a custom kind of that name; built-in kinds cannot be.

    Raises:
        PolicyError: The name is malformed, built in, or taken; a default does
            not fit its parameter.

    Example:
        >>> from lazada_eligibility.policy import RuleParam, load_policy, register_rule_kind
        >>> from lazada_eligibility.rules import leaf_rule
        >>> @leaf_rule("store")
        ... def months_on_record(store, ctx, *, months):
        ...     "The store has turnover in at least *months* months."
        ...     return len({r.month for r in store.turnover}) >= months
        >>> register_rule_kind(
        ...     "months_on_record",
        ...     months_on_record,
        ...     {"months": RuleParam("int", 6, minimum=1)},
        ...     replace=True,
        ... )
        >>> policy = load_policy('''
        ... id = "demo"
        ... version = "1"
        ... rule = { any_store = { months_on_record = {} } }
        ... ''')
        >>> print(policy.rule)
        any_store(months_on_record(months=6))

    .. versionadded:: 0.1.0
    """
    params: dict[str, Any] = dict(schema or {})
    doc = (getattr(builder, "__doc__", None) or "").strip()
    kind = RuleKind(
        name,
        builder,
        tuple(params.items()),
        summary=summary if summary is not None else doc.split("\n", 1)[0],
        codes=tuple((codes or {f"{name}.{v}": v for v in ("pass", "review", "fail")}).items()),
    )
    problems = [
        FieldProblem(key, f"not a RuleParam: {param!r}")
        for key, param in params.items()
        if not isinstance(param, RuleParam)
    ]
    if problems:
        raise PolicyError(problems)
    check_defaults(params, LAZADA_CATEGORIES)
    register(kind, replace=replace)


def policy_schema() -> dict[str, Any]:
    """
    Return the JSON Schema (draft 2020-12) of policy documents, with every registered kind.

    The package ships the schema of the built-in kinds as
    ``data/policy.schema.json``, for editors to validate and complete
    policy files.

    Example:
        >>> from lazada_eligibility.policy import policy_schema
        >>> schema = policy_schema()
        >>> schema["required"]
        ['id', 'version', 'rule']
        >>> "kind-min_turnover" in schema["$defs"]
        True

    .. versionadded:: 0.1.0
    """
    return _policy_docs.schema(KINDS)


def policy_reference(*, builtin_only: bool = False) -> str:
    """
    Return reStructuredText describing each rule kind: parameters and outcome codes.

    The documentation's policy reference is generated from it.

    Example:
        >>> from lazada_eligibility.policy import policy_reference
        >>> print(policy_reference(builtin_only=True).splitlines()[0])
        ``all``

    .. versionadded:: 0.1.0
    """
    return _policy_docs.reference(BUILTIN_KINDS if builtin_only else tuple(KINDS))


def builtin_schema_text() -> str:
    """
    Return the text of the shipped ``data/policy.schema.json``: the built-in kinds' schema.
    """
    schema = _policy_docs.schema(BUILTIN_KINDS)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
