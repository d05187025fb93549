"""
Turn a parsed policy document into a :class:`~lazada_eligibility.Policy` (internal).

Two passes. The first walks the raw value once, bounded: depth, size,
duplicate keys (JSON), text that is not Unicode, keys that are not text.
The second builds the rule tree through the kind table only, and collects
every problem with its path instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from .. import _arith
from ..categories import CategoryTaxonomy
from ..exceptions import EligibilityError, FieldProblem, PolicyError, ValidationError
from ..limits import AMOUNT_LIMIT
from ..money import Money, known_currency
from ..periods import Month
from ..rules import Level, Rule
from ..rules._custom import encode_param
from ._kinds import KINDS, RuleKind, RuleParam
from ._policy import Policy
from ._text import check_tree, join, show

__all__ = ["DECIMAL", "PARAM_NAME", "build_policy", "check_defaults"]

TOP_KEYS: Final = ("id", "version", "title", "source", "params", "categories", "rule")
PARAM_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BAD: Final[Any] = object()


class _Members(tuple[str, ...]):
    """
    The members a group of the document stands for, where a category was written.
    """

    __slots__ = ()


def _flatten(items: list[Any]) -> tuple[Any, ...]:
    if not any(isinstance(v, _Members) for v in items):
        return tuple(items)
    # A group of the document stands for its members, in the order written.
    flat = [m for v in items for m in (v if isinstance(v, _Members) else (v,))]
    return tuple(dict.fromkeys(flat))


def _ref(value: object) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1 and "param" in value:
        name = value["param"]
        return name if isinstance(name, str) else ""
    return None


class _Builder:
    """
    Builds one document; collects problems as it goes.
    """

    def __init__(
        self,
        declared: Mapping[str, object],
        overrides: Mapping[str, object],
        categories: CategoryTaxonomy,
    ) -> None:
        self.problems: list[FieldProblem] = []
        self.declared = declared
        self.overrides = overrides
        self.categories = categories
        self.used: set[str] = set()
        self.groups: dict[str, tuple[str, ...]] = {}

    def problem(self, path: str, message: str) -> Any:  # noqa: ANN401 -- always _BAD
        self.problems.append(FieldProblem(path, message))
        return _BAD

    # Rule nodes -----------------------------------------------------------

    def node(self, raw: object, path: str) -> Any:  # noqa: ANN401 -- a Rule or _BAD
        if _ref(raw) is not None:
            return self.problem(path, "a rule cannot come from a parameter")
        if not isinstance(raw, Mapping) or len(raw) != 1:
            got = (
                "an empty table"
                if isinstance(raw, Mapping) and not raw
                else f"keys {', '.join(repr(k) for k in raw)}"
                if isinstance(raw, Mapping)
                else show(raw)
            )
            return self.problem(
                path,
                f"expected a rule: a table with one rule kind, such as {{ all = [...] }}, got {got}",
            )
        ((name, value),) = raw.items()
        kind = KINDS.get(name)
        if kind is None:
            close = difflib.get_close_matches(str(name), list(KINDS), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            return self.problem(join(path, str(name)), f"unknown rule kind {name!r}{hint}")
        where = join(path, name)
        if kind.shape == "rules":
            args = {"rules": self.value(kind.params[0][1], value, where)}
        elif kind.shape == "rule":
            args = {"rule": self.node(value, where)}
        elif kind.shape == "cases":
            args = self.cases(kind, value, where)
        else:
            args = self.params(kind, value, where)
        if args is _BAD or any(v is _BAD for v in args.values()):
            return _BAD
        return self.build(kind, args, where)

    def cases(self, kind: RuleKind, raw: object, path: str) -> Any:  # noqa: ANN401, C901 -- a dict or _BAD; every problem of a case
        # { cases = [{ KEYS = [...], rule = {...} }, ...], otherwise = {...} }
        keys, param = kind.params[0]
        if not isinstance(raw, Mapping):
            return self.problem(
                path, f"expected {{ cases = [...], otherwise = {{...}} }}, got {show(raw)}"
            )
        for key in raw:
            if key not in {"cases", "otherwise"}:
                self.problem(
                    join(path, str(key)),
                    f"unexpected key; {kind.name} takes 'cases' and 'otherwise'",
                )
        found: list[Any] = []
        listed = raw.get("cases")
        if not isinstance(listed, list | tuple) or not listed:
            got = "nothing" if listed is None else show(listed)
            found.append(
                self.problem(
                    join(path, "cases"), f"expected a list of at least one case, got {got}"
                )
            )
            listed = ()
        for i, case in enumerate(listed):
            where = f"{join(path, 'cases')}[{i}]"
            if not isinstance(case, Mapping):
                found.append(
                    self.problem(
                        where, f"expected {{ {keys} = [...], rule = {{...}} }}, got {show(case)}"
                    )
                )
                continue
            for key in case:
                if key not in {keys, "rule"}:
                    self.problem(
                        join(where, str(key)), f"unexpected key; a case has {keys!r} and 'rule'"
                    )
            got_keys = (
                self.value(param, case[keys], join(where, keys))
                if keys in case
                else self.problem(join(where, keys), "required")
            )
            rule = (
                self.node(case["rule"], join(where, "rule"))
                if "rule" in case
                else self.problem(join(where, "rule"), "required")
            )
            found.append(_BAD if _BAD in (got_keys, rule) else (got_keys, rule))
        if "otherwise" in raw:
            otherwise = self.node(raw["otherwise"], join(path, "otherwise"))
        else:
            otherwise = self.problem(
                join(path, "otherwise"), "required: the rule when no case applies"
            )
        if any(c is _BAD for c in found) or otherwise is _BAD:
            return _BAD
        return {"cases": tuple(found), "otherwise": otherwise}

    def params(self, kind: RuleKind, raw: object, path: str) -> Any:  # noqa: ANN401 -- a dict or _BAD
        if not isinstance(raw, Mapping):
            return self.problem(
                path, f"expected a table of parameters (such as {{}}), got {show(raw)}"
            )
        known = dict(kind.params)
        for key in raw:
            if key not in known:
                names = ", ".join(repr(k) for k in known) or "none"
                self.problem(
                    join(path, str(key)), f"unexpected parameter; {kind.name} takes {names}"
                )
        args: dict[str, Any] = {}
        for key, param in kind.params:
            if key in raw:
                args[key] = self.value(param, raw[key], join(path, key))
            elif param.required:
                args[key] = self.problem(join(path, key), f"required parameter of {kind.name}")
            else:
                args[key] = self.value(param, param.default, join(path, key))
        return args

    def build(self, kind: RuleKind, args: dict[str, Any], path: str) -> Any:  # noqa: ANN401 -- a Rule or _BAD
        try:
            rule = kind.build(**args)
        except (EligibilityError, TypeError, ValueError) as e:
            return self.problem(path, str(e))
        if not isinstance(rule, Rule):
            return self.problem(
                path, f"the builder of {kind.name!r} returned {show(rule)}, not a Rule"
            )
        if not kind.builtin and rule.kind != kind.name:
            return self.problem(
                path, f"the builder of {kind.name!r} returned a rule of kind {rule.kind!r}"
            )
        return rule

    # Parameter values -----------------------------------------------------

    def value(self, param: RuleParam, raw: object, path: str, note: str = "") -> Any:  # noqa: ANN401 -- parsed or _BAD
        # *note* is set while reading a declared parameter's value: it says
        # where the value is used, and references inside it are not followed.
        if param.type == "rule" and not param.many:
            return self.node(raw, path)
        if not note and _ref(raw) is not None:
            return self.deref(param, raw, path, many=param.many)
        if not param.many:
            return self.scalar(param, raw, path, note)
        if not isinstance(raw, list | tuple):
            return self.fail(path, note, f"expected a list, got {show(raw)}")
        if len(raw) < param.min_items:
            return self.fail(path, note, f"expected at least {param.min_items} item(s), got none")
        items = []
        for i, item in enumerate(raw):
            where = f"{path}[{i}]"
            if param.type == "rule":
                items.append(self.node(item, where))
            elif not note and _ref(item) is not None:
                items.append(self.deref(param, item, where, many=False))
            else:
                items.append(self.scalar(param, item, where, note))
        return _BAD if any(v is _BAD for v in items) else _flatten(items)

    def deref(self, param: RuleParam, raw: object, path: str, *, many: bool) -> Any:  # noqa: ANN401 -- parsed or _BAD
        name = _ref(raw)
        if name is None or name not in self.declared:
            names = ", ".join(repr(k) for k in self.declared) or "none"
            return self.problem(
                join(path, "param"), f"unknown parameter {name!r}; the document declares {names}"
            )
        self.used.add(name)
        given = name in self.overrides
        value = self.overrides[name] if given else self.declared[name]
        note = f"used at {path}" + ("; given to load_policy" if given else "")
        return self.value(attrs.evolve(param, many=many), value, f"params.{name}", note)

    def fail(self, path: str, note: str, message: str) -> Any:  # noqa: ANN401 -- always _BAD
        return self.problem(path, f"{message} ({note})" if note else message)

    def scalar(self, param: RuleParam, raw: object, path: str, note: str) -> Any:  # noqa: ANN401 -- one dispatch on the declared type
        kind = param.type
        if isinstance(raw, float):
            hint = f'; write it as text, such as "{raw}"' if kind in {"decimal", "money"} else ""
            return self.fail(path, note, f"a float cannot hold an exact value, got {raw!r}{hint}")
        if kind == "int":
            if type(raw) is not int:
                return self.fail(path, note, f"expected a whole number, got {show(raw)}")
            return self.bounded(param, raw, path, note)
        if kind == "bool":
            if type(raw) is not bool:
                return self.fail(path, note, f"expected true or false, got {show(raw)}")
            return raw
        if kind == "decimal":
            return self.decimal(param, raw, path, note)
        if kind == "money":
            return self.money(param, raw, path, note)
        if not isinstance(raw, str) or not raw.strip():
            return self.fail(path, note, f"expected non-blank text, got {show(raw)}")
        return self.text(param, raw, path, note)

    def decimal(self, param: RuleParam, raw: object, path: str, note: str) -> Any:  # noqa: ANN401 -- Decimal or _BAD
        if type(raw) is int:
            if abs(raw) >= AMOUNT_LIMIT:
                digits = abs(raw).bit_length() * 30103 // 100000 + 1
                return self.fail(
                    path, note, f"must be below 10^15 in magnitude, got about {digits} digits"
                )
            value = Decimal(raw)
        elif not isinstance(raw, str) or not DECIMAL.fullmatch(raw):
            expected = 'expected a number written as text, such as "1000.50"'
            return self.fail(path, note, f"{expected}, got {show(raw)}")
        else:
            value = Decimal(raw)
        # Decimals in policies are amounts: the bounds of an amount hold here
        # too, so a minimum of "1e1000000" is refused where it is written.
        problem = _arith.amount_problem(value)
        if problem is not None:
            return self.fail(path, note, problem)
        return self.bounded(param, value, path, note)

    def text(self, param: RuleParam, raw: str, path: str, note: str) -> Any:  # noqa: ANN401 -- parsed or _BAD
        kind = param.type
        if kind == "str":
            if param.choices and raw not in param.choices:
                choices = ", ".join(repr(c) for c in param.choices)
                return self.fail(path, note, f"expected one of {choices}, got {raw!r}")
            return raw
        convert: Any = {"currency": known_currency, "month": Month.parse}.get(kind, self.category)
        if kind == "category" and raw in self.groups:
            if not param.many:
                return self.fail(
                    path,
                    note,
                    f"{raw!r} is a group of the document, which stands for several categories; "
                    "it can be used only in a list of categories",
                )
            return _Members(self.groups[raw])
        try:
            return convert(raw)
        except ValidationError as e:
            return self.fail(path, note, e.problems[0].message)
        except EligibilityError as e:
            return self.fail(path, note, str(e))

    def category(self, raw: str) -> str:
        taxonomy = self.categories
        if raw not in taxonomy and not taxonomy.is_group(raw):
            taxonomy.get(raw)  # raises UnknownCategoryError, with suggestions
        return raw

    def bounded(self, param: RuleParam, value: Any, path: str, note: str) -> Any:  # noqa: ANN401 -- int or Decimal
        low, high = param.minimum, param.maximum
        if low is not None and value < low:
            return self.fail(path, note, f"must be at least {low}, got {value}")
        if high is not None and value > high:
            return self.fail(path, note, f"must be at most {high}, got {value}")
        return value

    def money(self, param: RuleParam, raw: object, path: str, note: str) -> Any:  # noqa: ANN401 -- Money or _BAD
        if not isinstance(raw, Mapping):
            return self.fail(
                path, note, f'expected {{ amount = "1000", currency = "USD" }}, got {show(raw)}'
            )
        for key in raw:
            if key not in {"amount", "currency"}:
                self.fail(
                    join(path, str(key)), note, "unexpected key; money has amount and currency"
                )
        parts = {}
        for key, of in (("amount", "decimal"), ("currency", "currency")):
            if key not in raw:
                parts[key] = self.fail(join(path, key), note, "required")
            else:
                part = RuleParam(of, minimum=param.minimum if of == "decimal" else None)
                parts[key] = self.scalar(part, raw[key], join(path, key), note)
        if any(v is _BAD for v in parts.values()) or len(raw) != 2:
            return _BAD
        return Money(parts["amount"], parts["currency"])


def _text(doc: Mapping[str, Any], key: str, builder: _Builder, *, required: bool) -> str:
    if key not in doc:
        if required:
            builder.problem(key, "required")
        return ""
    value = doc[key]
    if not isinstance(value, str) or (required and not value.strip()):
        what = "non-blank text" if required else "text"
        builder.problem(key, f"expected {what}, got {show(value)}")
        return ""
    return value


def build_policy(
    doc: object,
    *,
    params: Mapping[str, object] | None,
    categories: CategoryTaxonomy,
) -> Policy:
    """
    Build the policy that *doc*, a parsed document, describes.

    Raises:
        PolicyError: With every problem found, each with its path.
    """
    problems, readable = check_tree(doc, "")
    if not isinstance(doc, Mapping):
        expected = "expected a policy document: a table with id, version and rule"
        raise PolicyError([FieldProblem("", f"{expected}, got {show(doc)}")])
    if not readable:
        raise PolicyError(_unique(problems))
    declared = doc.get("params", {})
    if not isinstance(declared, Mapping):
        problems.append(FieldProblem("params", f"expected a table, got {show(declared)}"))
        declared = {}
    builder = _Builder(declared, _overrides(params, declared, problems), categories)
    rule, texts = _build(doc, builder)
    problems.extend(builder.problems)
    if problems:
        raise PolicyError(_unique(problems))
    return Policy(rule=rule, groups=builder.groups, **texts)


def _build(doc: Mapping[str, Any], builder: _Builder) -> tuple[Any, dict[str, str]]:
    for key in doc:
        if key not in TOP_KEYS and key != "$schema":
            builder.problem(key, f"unexpected key; a policy has {', '.join(TOP_KEYS)}")
    for name in builder.declared:
        if not PARAM_NAME.fullmatch(name):
            builder.problem(f"params.{name}", "a parameter's name is letters, digits, '_' and '-'")
    texts = {
        key: _text(doc, key, builder, required=key in {"id", "version"})
        for key in ("id", "version", "title", "source")
    }
    if "categories" in doc:
        _groups(doc["categories"], builder)
    if "rule" in doc:
        rule = builder.node(doc["rule"], "rule")
    else:
        rule = builder.problem("rule", "required: the policy's rule tree")
    for name in builder.declared:
        if name not in builder.used:
            builder.problem(f"params.{name}", "declared but not used in the rule")
    if rule is not _BAD and rule.level is not Level.APPLICATION:
        builder.problem(
            "rule", f"a policy needs an application rule, but {rule} is {rule.level.article} rule"
        )
    return rule, texts


def _groups(raw: object, builder: _Builder) -> None:
    """
    Read ``[categories.groups]``: names for lists of categories, used wherever a category is.
    """
    if not isinstance(raw, Mapping):
        builder.problem(
            "categories", f"expected a table such as [categories.groups], got {show(raw)}"
        )
        return
    for key in raw:
        if key != "groups":
            builder.problem(join("categories", str(key)), "unexpected key; categories has groups")
    groups = raw.get("groups", {})
    if not isinstance(groups, Mapping):
        builder.problem("categories.groups", f"expected a table of groups, got {show(groups)}")
        return
    taxonomy = builder.categories
    member = RuleParam("category", many=True, min_items=1)
    for name, members in groups.items():
        where = join("categories.groups", str(name))
        if not isinstance(name, str) or not PARAM_NAME.fullmatch(name):
            builder.problem(where, "a group's name is letters, digits, '_' and '-'")
            continue
        if name in taxonomy or taxonomy.is_group(name):
            what = "group" if taxonomy.is_group(name) else "category"
            builder.problem(
                where, f"{name!r} is already a {what} of the taxonomy; choose another name"
            )
            continue
        found = builder.value(member, members, where)
        if found is not _BAD:
            builder.groups[name] = found


def _overrides(
    params: Mapping[str, object] | None,
    declared: Mapping[str, object],
    problems: list[FieldProblem],
) -> dict[str, object]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise PolicyError(
            [FieldProblem("params", f"expected a mapping of parameters, got {show(params)}")]
        )
    found: dict[str, object] = {}
    for name, value in params.items():
        if name not in declared:
            names = ", ".join(repr(k) for k in declared) or "none"
            problems.append(
                FieldProblem(
                    f"params.{name}",
                    f"given to load_policy but not declared; the document declares {names}",
                )
            )
            continue
        found[name] = encode_param(value)
    found_problems, readable = check_tree(found, "params")
    problems.extend(found_problems)
    if not readable:
        raise PolicyError(_unique(problems))
    return found


def check_defaults(params: Mapping[str, RuleParam], categories: CategoryTaxonomy) -> None:
    """
    Raise :class:`PolicyError` unless every default of *params* is a valid value.
    """
    builder = _Builder({}, {}, categories)
    for key, param in params.items():
        if not param.required:
            builder.value(param, param.default, f"{key}.default")
    if builder.problems:
        raise PolicyError(builder.problems)


def _unique(problems: list[FieldProblem]) -> list[FieldProblem]:
    return list(dict.fromkeys(problems))
