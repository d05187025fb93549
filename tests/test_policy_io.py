"""Tests for lazada_eligibility.policy: loading, validating and dumping policy documents."""

# The house style puts the expected value first: `expected == actual`.

from __future__ import annotations

import contextlib
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility import LAZADA_CATEGORIES, Money, Month, Store
from lazada_eligibility.exceptions import PolicyError
from lazada_eligibility.policy import (
    MAX_BYTES,
    Policy,
    RuleParam,
    dump_policy,
    load_policy,
    policy_reference,
    policy_schema,
    register_rule_kind,
)
from lazada_eligibility.policy import _kinds as kinds_module
from lazada_eligibility.policy._documents import builtin_schema_text
from lazada_eligibility.policy._toml import dumps as toml_dumps
from lazada_eligibility.policy.shipped import (
    LAZADA_CROSS_BORDER,
    SOURCE,
    lazada_cross_border,
    lazada_cross_border_document,
)
from lazada_eligibility.rules import (
    CustomRule,
    Level,
    Verdict,
    all_of,
    any_store,
    by_market,
    category_matches,
    combined_stores,
    each_month,
    evidence_not_reused,
    leaf_rule,
    min_turnover,
    platform_kind,
)
from strategies import AS_OF, application_rules, applications, rate_tables

PACKAGE = Path(__file__).parent.parent / "src" / "lazada_eligibility"
DEFAULT_FILE = PACKAGE / "policy" / "shipped" / "lazada-cross-border.toml"
SCHEMA_FILE = PACKAGE / "data" / "policy.schema.json"
DEEP_PATH = "rule.all[0].any_store.all[2].each_month.rule.min_turnover.amount"


def doc(rule: object, **extra: object) -> dict[str, Any]:
    """Return a minimal policy document around *rule*."""
    return {"id": "test", "version": "1", "rule": rule, **extra}


def default_doc() -> dict[str, Any]:
    """Return the canonical default policy as a parsed document."""
    return json.loads(dump_policy(LAZADA_CROSS_BORDER, "json"))


def problems_of(source: object, **kwargs: Any) -> list[tuple[str, str]]:
    """Return the (path, message) of every problem loading *source* raises."""
    with pytest.raises(PolicyError) as info:
        load_policy(source, **kwargs)  # type: ignore[arg-type]
    return [(p.path, p.message) for p in info.value.problems]


def paths_of(source: object, **kwargs: Any) -> list[str]:
    """Return the path of every problem loading *source* raises."""
    return [path for path, _ in problems_of(source, **kwargs)]


@pytest.fixture(name="registry")
def registry_fixture():
    """Let a test register rule kinds without leaking them to other tests."""
    saved = dict(kinds_module.KINDS)
    yield kinds_module.KINDS
    kinds_module.KINDS.clear()
    kinds_module.KINDS.update(saved)


class TestShippedDefault:
    """The default policy is the shipped TOML document."""

    def test_default_is_the_document(self):
        """Loading the shipped file gives LAZADA_CROSS_BORDER, digest and all."""
        loaded = load_policy(DEFAULT_FILE)

        assert LAZADA_CROSS_BORDER == loaded
        assert LAZADA_CROSS_BORDER.digest == loaded.digest
        assert DEFAULT_FILE.read_text("utf-8") == lazada_cross_border_document()

    def test_factory_without_parameters(self):
        """lazada_cross_border() with no parameters is the default policy."""
        built = lazada_cross_border()

        assert LAZADA_CROSS_BORDER == built
        assert LAZADA_CROSS_BORDER.digest == built.digest

    def test_default_rule(self):
        """The document describes the policy of the design."""
        expected = all_of(
            any_store(
                platform_kind("cross-border")
                & category_matches("same-top-level")
                & each_month(min_turnover(Money("1000", "USD")), window=3)
            ),
            evidence_not_reused(),
        )

        assert expected == LAZADA_CROSS_BORDER.rule

    def test_source_names_each_default(self):
        """The source text says where each parameter's default comes from."""
        declared = tomllib.loads(lazada_cross_border_document())["params"]
        wanted = {
            "months": "months=3",
            "minimum": "US$1,000",
            "lag_days": "lag_days=0",
            "category_mode": "category_mode='same-top-level'",
        }

        assert set(wanted) <= set(declared)
        for text in wanted.values():
            line = next(chunk for chunk in SOURCE.split("\n- ") if text in chunk)
            assert "Source:" in line or "Judgment" in line

    @settings(max_examples=40, deadline=None)
    @given(
        months=st.none() | st.integers(1, 12),
        minimum=st.none() | st.builds(Money, st.decimals(0, 5000, places=2), st.just("EUR")),
        lag_days=st.none() | st.integers(0, 27),
        mode=st.none() | st.sampled_from(("exact", "within", "same-top-level")),
    )
    def test_factory_equals_document_with_params(self, months, minimum, lag_days, mode):
        """lazada_cross_border(**params) equals loading the document with those params."""
        params: dict[str, object] = {"months": months, "lag_days": lag_days, "category_mode": mode}
        if minimum is not None:
            params.update(minimum=str(minimum.amount), currency=minimum.currency)
        given_params = {k: v for k, v in params.items() if v is not None}
        loaded = load_policy(lazada_cross_border_document(), params=given_params)

        built = lazada_cross_border(
            months=months, minimum=minimum, lag_days=lag_days, category_mode=mode
        )

        assert loaded == built
        assert loaded.digest == built.digest

    def test_combined_stores(self):
        """stores='combined' sums the qualifying stores with the same store rule."""
        store_rule = (
            platform_kind("cross-border")
            & category_matches()
            & each_month(min_turnover(Money("1000", "USD")))
        )

        assert combined_stores(store_rule) & evidence_not_reused() == (
            lazada_cross_border(stores="combined").rule
        )

    def test_id_and_version(self):
        """The id and version replace the document's and change the digest."""
        policy = lazada_cross_border(id="mine", version="2")

        assert ("mine", "2") == (policy.id, policy.version)
        assert LAZADA_CROSS_BORDER.rule == policy.rule
        assert LAZADA_CROSS_BORDER.digest != policy.digest

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"stores": "some"}, ""),
            ({"minimum": "1500"}, ""),
            ({"months": 0}, "params.months"),
            ({"lag_days": 28}, "params.lag_days"),
        ],
    )
    def test_bad_parameters(self, kwargs, path):
        """A bad parameter is a PolicyError naming it."""
        with pytest.raises(PolicyError) as info:
            lazada_cross_border(**kwargs)

        assert path == info.value.problems[0].path


class TestLoadPolicy:
    """Sources, defaults and parameters."""

    def test_sources_agree(self, tmp_path):
        """A path, TOML text, JSON text and a mapping of one document load equal."""
        text = dump_policy(LAZADA_CROSS_BORDER)
        json_file = tmp_path / "p.json"
        json_file.write_text(dump_policy(LAZADA_CROSS_BORDER, "json"), "utf-8")
        toml_file = tmp_path / "p.toml"
        toml_file.write_text(text, "utf-8")

        loaded = [
            load_policy(text),
            load_policy(dump_policy(LAZADA_CROSS_BORDER, "json")),
            load_policy(json_file),
            load_policy(toml_file),
            load_policy(default_doc()),
        ]

        assert [LAZADA_CROSS_BORDER] * 5 == loaded

    def test_suffix_decides_the_format(self, tmp_path):
        """A .json file is read as JSON even when it does not start with '{'."""
        path = tmp_path / "p.json"
        path.write_text("\n  " + dump_policy(LAZADA_CROSS_BORDER, "json"), "utf-8")

        assert LAZADA_CROSS_BORDER == load_policy(path)

    def test_byte_order_mark(self, tmp_path):
        """A UTF-8 byte order mark is skipped."""
        path = tmp_path / "p.toml"
        path.write_bytes(b"\xef\xbb\xbf" + dump_policy(LAZADA_CROSS_BORDER).encode())

        assert LAZADA_CROSS_BORDER == load_policy(path)

    def test_defaults_filled_in(self):
        """Parameters with defaults may be left out; the policy has the defaults."""
        short = doc(
            {
                "any_store": {
                    "each_month": {"rule": {"min_turnover": {"amount": "1000", "currency": "usd"}}}
                }
            }
        )

        expected = any_store(each_month(min_turnover(Money("1000", "USD")), 3, 0))

        assert expected == load_policy(short).rule

    def test_schema_key_ignored(self):
        """A $schema key, for editors, is allowed and does not change the policy."""
        with_schema = {**default_doc(), "$schema": "./policy.schema.json"}

        assert LAZADA_CROSS_BORDER.digest == load_policy(with_schema).digest

    def test_params_override(self):
        """params= replaces declared values; the digest follows the values used."""
        text = lazada_cross_border_document()
        literal = default_doc()
        rule = literal["rule"]["all"][0]["any_store"]["all"][2]["each_month"]
        rule["window"] = 6
        rule["rule"]["min_turnover"]["amount"] = "1500"

        changed = load_policy(text, params={"months": 6, "minimum": Decimal(1500)})

        assert load_policy(literal).digest == changed.digest
        assert LAZADA_CROSS_BORDER.digest != changed.digest

    def test_param_in_a_list(self):
        """A reference may stand for a list item or for the whole list."""
        rule = {
            "any_store": {
                "all": [
                    {"platform_kind": {"kinds": [{"param": "kind"}]}},
                    {"owner_is": {"owners": {"param": "owners"}}},
                ]
            }
        }

        policy = load_policy(doc(rule, params={"kind": "domestic", "owners": ["A", "B"]}))

        assert "any_store(platform_kind('domestic') & owner_is('A', 'B'))" == str(policy.rule)

    def test_python_values_as_params(self):
        """Money, Month-free tuples and Decimals given to params= count as their document form."""
        rule = {
            "any_store": {
                "all": [
                    {"platform_kind": {"kinds": {"param": "kinds"}}},
                    {
                        "each_month": {
                            "rule": {
                                "min_turnover": {"amount": {"param": "amount"}, "currency": "USD"}
                            }
                        }
                    },
                ]
            }
        }
        document = doc(rule, params={"kinds": ["cross-border"], "amount": "1"})

        policy = load_policy(document, params={"kinds": ("domestic",), "amount": Decimal("2.50")})

        assert "platform_kind('domestic')" in str(policy.rule)
        assert "Money('2.50', 'USD')" in str(policy.rule)

    def test_custom_taxonomy(self):
        """Category ids are checked against the taxonomy given."""
        small = LAZADA_CATEGORIES.with_categories(
            attrs.evolve(LAZADA_CATEGORIES.get("mobiles"), id="space-gear", lazada_id=None)
        )
        document = doc({"prohibited_categories": {"categories": ["space-gear"]}})

        assert ["rule.prohibited_categories.categories[0]"] == paths_of(document)
        assert "prohibited_categories('space-gear')" == str(
            load_policy(document, categories=small).rule
        )

    def test_not_a_source(self):
        """Bytes and other objects are a TypeError, not a guess."""
        with pytest.raises(TypeError, match="load_policy"):
            load_policy(b"id = 'x'")  # type: ignore[arg-type]

    def test_missing_file(self, tmp_path):
        """A file that does not exist is the operating system's error."""
        with pytest.raises(FileNotFoundError):
            load_policy(tmp_path / "none.toml")

    def test_file_name_as_text(self):
        """Text that looks like a file name gets a hint to pass a Path."""
        [(path, message)] = problems_of("my-policy.toml")

        assert "" == path
        assert "pathlib.Path" in message


BAD_DOCUMENTS = [
    pytest.param(
        doc({"any_stor": {}}), "rule.any_stor", "did you mean 'any_store'", id="unknown-kind"
    ),
    pytest.param(
        doc({"platform_kind": {}, "owner_is": {}}), "rule", "one rule kind", id="two-kinds"
    ),
    pytest.param(doc({}), "rule", "an empty table", id="empty-node"),
    pytest.param(doc(["all"]), "rule", "expected a rule", id="node-not-a-table"),
    pytest.param(doc({"all": []}), "rule.all", "at least 1", id="empty-all"),
    pytest.param(doc({"all": {"x": 1}}), "rule.all", "expected a list", id="all-not-a-list"),
    pytest.param(
        doc({"any_store": {"platform_kind": {}}}),
        "rule.any_store.platform_kind.kinds",
        "required parameter",
        id="missing-parameter",
    ),
    pytest.param(
        doc({"evidence_not_reused": {"strict": True}}),
        "rule.evidence_not_reused.strict",
        "unexpected parameter",
        id="extra-parameter",
    ),
    pytest.param(
        doc({"evidence_not_reused": []}),
        "rule.evidence_not_reused",
        "table of parameters",
        id="parameters-not-a-table",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {
                        "window": "3",
                        "rule": {"min_turnover": {"amount": "1", "currency": "USD"}},
                    }
                }
            }
        ),
        "rule.any_store.each_month.window",
        "whole number",
        id="wrong-type",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {
                        "window": 121,
                        "rule": {"min_turnover": {"amount": "1", "currency": "USD"}},
                    }
                }
            }
        ),
        "rule.any_store.each_month.window",
        "at most 120",
        id="out-of-range",
    ),
    pytest.param(
        doc({"any_store": {"category_matches": {"mode": "fuzzy"}}}),
        "rule.any_store.category_matches.mode",
        "expected one of 'exact'",
        id="not-a-choice",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {"rule": {"min_turnover": {"amount": 1000.5, "currency": "USD"}}}
                }
            }
        ),
        "rule.any_store.each_month.rule.min_turnover.amount",
        "a float cannot hold an exact value",
        id="float-money",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {"rule": {"min_turnover": {"amount": "1e3x", "currency": "USD"}}}
                }
            }
        ),
        "rule.any_store.each_month.rule.min_turnover.amount",
        "number written as text",
        id="not-a-number",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {"rule": {"min_turnover": {"amount": "-5", "currency": "USD"}}}
                }
            }
        ),
        "rule.any_store.each_month.rule.min_turnover.amount",
        "at least 0",
        id="negative-money",
    ),
    pytest.param(
        doc(
            {
                "any_store": {
                    "each_month": {"rule": {"min_turnover": {"amount": "1000", "currency": "USX"}}}
                }
            }
        ),
        "rule.any_store.each_month.rule.min_turnover.currency",
        "unknown ISO 4217 currency code 'USX'",
        id="unknown-currency",
    ),
    pytest.param(
        doc({"prohibited_categories": {"categories": ["mobile"]}}),
        "rule.prohibited_categories.categories[0]",
        "unknown category id 'mobile'; did you mean",
        id="unknown-category",
    ),
    pytest.param(
        doc({"any_store": {"evidence_not_reused": {}}}),
        "rule.any_store",
        "takes a store rule",
        id="wrong-subject",
    ),
    pytest.param(
        doc({"platform_kind": {"kinds": ["domestic"]}}),
        "rule",
        "a policy needs an application rule",
        id="not-an-application-rule",
    ),
    pytest.param(
        doc({"any_store": {"param": "x"}}, params={"x": 1}),
        "rule.any_store",
        "a rule cannot come from a parameter",
        id="rule-from-parameter",
    ),
    pytest.param(
        doc({"owner_is": {"owners": {"param": "who"}}}),
        "rule.owner_is.owners.param",
        "unknown parameter 'who'",
        id="unknown-parameter",
    ),
    pytest.param(
        doc({"evidence_not_reused": {}}, params={"minimum": "1"}),
        "params.minimum",
        "declared but not used",
        id="unused-parameter",
    ),
    pytest.param(
        doc({"evidence_not_reused": {}}, params=[1]),
        "params",
        "expected a table",
        id="params-not-a-table",
    ),
    pytest.param(
        {"id": "x", "version": " ", "rule": {"evidence_not_reused": {}}},
        "version",
        "non-blank text",
        id="blank-version",
    ),
    pytest.param({"id": "x", "version": "1"}, "rule", "required", id="no-rule"),
    pytest.param(
        doc({"evidence_not_reused": {}}, rules=[]), "rules", "unexpected key", id="unknown-key"
    ),
    pytest.param(
        doc({"evidence_not_reused": {}}, title=3), "title", "expected text", id="title-not-text"
    ),
    pytest.param(
        doc({"evidence_not_reused": {}}, id="\ud800"), "id", "not valid Unicode", id="surrogate"
    ),
    pytest.param({1: "x"}, "", "keys must be text", id="key-not-text"),
]


class TestBadDocuments:
    """Every class of bad document is a PolicyError that says where."""

    @pytest.mark.parametrize(("document", "path", "message"), BAD_DOCUMENTS)
    def test_problem_has_path(self, document, path, message):
        """The problem names the path and what was expected."""
        found = problems_of(document)

        assert path in [p for p, _ in found]
        assert any(message in m for p, m in found if p == path), found

    def test_every_problem_reported(self):
        """All problems of a document come at once, each with its own path."""
        document = default_doc()
        store_rules = document["rule"]["all"][0]["any_store"]["all"]
        store_rules[0]["platform_kind"]["kinds"] = ["overseas"]
        store_rules[2]["each_month"]["window"] = 0
        store_rules[2]["each_month"]["rule"]["min_turnover"]["amount"] = 1000.5
        del document["version"]

        assert [
            "version",
            "rule.all[0].any_store.all[0].platform_kind.kinds[0]",
            "rule.all[0].any_store.all[2].each_month.window",
            DEEP_PATH,
        ] == paths_of(document)

    def test_bad_override(self):
        """A bad value given to params= names the parameter and where it is used."""
        [(path, message)] = problems_of(lazada_cross_border_document(), params={"minimum": 1.5})

        assert "params.minimum" == path
        assert f"used at {DEEP_PATH}; given to load_policy" in message

    def test_undeclared_override(self):
        """A parameter the document does not declare cannot be given."""
        assert ["params.minmum"] == paths_of(
            lazada_cross_border_document(), params={"minmum": "1500"}
        )

    def test_params_not_a_mapping(self):
        """params= must be a mapping."""
        assert ["params"] == paths_of(default_doc(), params=[("months", 3)])

    def test_duplicate_json_key(self):
        """A key repeated in a JSON object is an error at its path."""
        text = dump_policy(LAZADA_CROSS_BORDER, "json").replace(
            '"lag_days": 0,', '"lag_days": 0, "lag_days": 5,'
        )

        assert ["rule.all[0].any_store.all[2].each_month.lag_days"] == paths_of(text)

    def test_duplicate_toml_key(self):
        """A key repeated in TOML is an error naming the line."""
        text = dump_policy(LAZADA_CROSS_BORDER).replace('version = "2026.11"', 'id = "again"')

        [(_, message)] = problems_of(text)

        assert message.startswith("not TOML:")
        assert "line 2" in message

    def test_json_not_an_object(self, tmp_path):
        """A JSON file that holds a list is not a policy document."""
        path = tmp_path / "p.json"
        path.write_text("[]", "utf-8")

        [(_, message)] = problems_of(path)

        assert message.startswith("expected a policy document")

    def test_not_json(self):
        """Broken JSON names the line and column."""
        [(_, message)] = problems_of('{"id": "x",\n "version": }')

        assert "not JSON: Expecting value at line 2, column 13" == message

    @pytest.mark.parametrize("opener", ["[", '{"a":'])
    def test_too_deep_json(self, opener):
        """A JSON document nested 10,000 deep is refused before parsing."""
        text = '{"id": "x", "version": "1", "rule": ' + opener * 10_000

        [(_, message)] = problems_of(text)

        assert message.startswith("nested deeper than 64 levels at line 1")

    def test_too_deep_toml(self):
        """A TOML document nested 10,000 deep is refused before parsing."""
        text = 'id = "x"\nversion = "1"\nrule = ' + "{ a = " * 10_000

        [(_, message)] = problems_of(text)

        column = len("rule = ") + 64 * len("{ a = ") + 1

        assert f"nested deeper than 64 levels at line 3, column {column}" == message

    def test_brackets_in_strings_do_not_nest(self):
        """Brackets inside strings and comments are not counted as nesting."""
        brackets = "[" * 100
        text = dump_policy(attrs.evolve(LAZADA_CROSS_BORDER, title=brackets, source=brackets))

        assert brackets == load_policy(f"# {brackets}\n" + text).title

    def test_bad_parameter_name(self):
        """A declared parameter's name must be a plain identifier."""
        rule = {"any_store": {"owner_is": {"owners": {"param": "who is"}}}}

        assert ["params.who is"] == paths_of(doc(rule, params={"who is": ["A"]}))

    def test_multiline_strings_skipped(self):
        """Multi-line strings, even ending in extra quotes, do not confuse the depth check."""
        text = dump_policy(LAZADA_CROSS_BORDER).replace(
            'title = "', 'title = \'\'\'[[[\'\'\' \n# [[\ntitle2 = """x"""""\nx = "'
        )

        assert ["title2", "x"] == paths_of(text)

    def test_too_deep_mapping(self):
        """A mapping nested deeper than the limit is refused without recursion."""
        node: dict[str, Any] = {"evidence_not_reused": {}}
        for _ in range(10_000):
            node = {"not": node}

        assert [("rule" + ".not" * 63, "nested deeper than 64 levels")] == problems_of(doc(node))

    def test_cyclic_mapping(self):
        """A mapping that contains itself is refused, not followed forever."""
        node: dict[str, Any] = {}
        node["not"] = node

        [(_, message)] = problems_of(doc(node))

        assert "nested deeper than 64 levels" == message

    def test_too_many_values(self):
        """A mapping with more values than the limit is refused."""
        document = doc({"owner_is": {"owners": ["x"] * 200_000}})

        [(_, message)] = problems_of(document)

        assert "more than 100,000 values" in message

    def test_too_large_text(self):
        """Text over the size limit is refused without parsing: 50 MB or just over 1 MB."""
        for size in (50_000_000, MAX_BYTES + 1):
            [(_, message)] = problems_of("#" * size)
            assert "larger than 1,000,000 bytes" in message

    def test_too_large_file(self, tmp_path):
        """A file over the size limit is refused without reading it whole."""
        path = tmp_path / "big.toml"
        path.write_text("#" * (MAX_BYTES + 10), "utf-8")

        [(_, message)] = problems_of(path)

        assert "larger than 1,000,000 bytes" in message

    def test_not_utf8(self, tmp_path):
        """A file that is not UTF-8 is a PolicyError."""
        path = tmp_path / "p.toml"
        path.write_bytes(b'id = "\xff"')

        [(_, message)] = problems_of(path)

        assert message.startswith("not UTF-8 text")

    def test_huge_integer(self):
        """An integer past the interpreter's digit limit is a PolicyError."""
        [(_, message)] = problems_of('{"id": ' + "9" * 5000 + "}")

        assert message.startswith("not a policy document")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["all", "not", "rule", "param", "kinds", "x"]), inner, max_size=3
        )
    ),
    max_leaves=20,
)
kind_names = st.sampled_from([*kinds_module.BUILTIN_KINDS, "nope"])
param_names = st.sampled_from(
    [
        "window",
        "lag_days",
        "rule",
        "amount",
        "currency",
        "kinds",
        "mode",
        "categories",
        "owners",
        "category_mode",
        "param",
    ]
)
scalars = st.sampled_from(
    [
        3,
        0,
        -1,
        1.5,
        "USD",
        "1000",
        "cross-border",
        "mobiles",
        "exact",
        True,
        None,
        [],
        {},
        ["cross-border"],
        {"param": "p"},
    ]
)
nodes = st.recursive(
    st.builds(lambda k, ps: {k: ps}, kind_names, st.dictionaries(param_names, scalars, max_size=3)),
    lambda inner: (
        st.builds(lambda k, v: {k: v}, kind_names, inner | st.lists(inner, max_size=3))
        | st.builds(
            lambda k, ps, r: {k: {**ps, "rule": r}},
            kind_names,
            st.dictionaries(param_names, scalars, max_size=2),
            inner,
        )
    ),
    max_leaves=8,
)


class TestFuzz:
    """Whatever the input, the outcome is a Policy or a PolicyError."""

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(json_values)
    def test_arbitrary_values(self, value):
        """Arbitrary JSON-like values load or raise PolicyError."""
        with contextlib.suppress(PolicyError):
            assert isinstance(load_policy({"id": "x", "version": "1", "rule": value}), Policy)

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(nodes, st.dictionaries(st.sampled_from(["p", "q"]), scalars, max_size=2))
    def test_rule_shaped_values(self, node, params):
        """Trees of real kind and parameter names load or raise PolicyError."""
        try:
            assert isinstance(load_policy(doc(node, params=params)), Policy)
        except PolicyError as e:
            problems = e.problems
        else:
            problems = ()
        assert all(p.message for p in problems)

    @settings(max_examples=300)
    @given(st.text(alphabet="{}[]\"'#=\n ,:\\ab1.", max_size=60))
    def test_arbitrary_text(self, text):
        """Arbitrary text of document-ish characters loads or raises PolicyError."""
        with contextlib.suppress(PolicyError):
            assert isinstance(load_policy(text), Policy)


class TestDumpPolicy:
    """The canonical form, and round trips."""

    @settings(max_examples=150, deadline=None)
    @given(application_rules(), st.sampled_from(["toml", "json"]))
    def test_round_trip(self, rule, fmt):
        """load_policy(dump_policy(p)) == p with the same digest, for random rule trees."""
        policy = Policy("random", "1", rule, title='T "quoted"\n', source='a\\b\n"""')

        loaded = load_policy(dump_policy(policy, fmt))

        assert policy == loaded
        assert policy.digest == loaded.digest

    @settings(max_examples=100, deadline=None)
    @given(application_rules())
    def test_dump_is_canonical(self, rule):
        """dump_policy(load_policy(doc)) is a fixed point, the same in TOML and JSON."""
        text = dump_policy(Policy("random", "1", rule))

        again = dump_policy(load_policy(text))

        assert text == again
        assert tomllib.loads(text) == json.loads(dump_policy(load_policy(text), "json"))

    def test_canonical_writes_every_parameter(self):
        """Left-out defaults are written out, and equivalent spellings are normalised."""
        short = doc(
            {
                "all": [
                    {
                        "any_store": {
                            "each_month": {
                                "rule": {"min_turnover": {"amount": "01000.50", "currency": "usd"}}
                            }
                        }
                    }
                ]
            },
            params={},
        )

        canonical = json.loads(dump_policy(load_policy(short), "json"))

        assert {
            "any_store": {
                "each_month": {
                    "window": 3,
                    "lag_days": 0,
                    "rule": {
                        "min_turnover": {
                            "amount": "1000.50",
                            "currency": "USD",
                            "category_mode": "same-top-level",
                        }
                    },
                }
            }
        } == (canonical["rule"])

    def test_json_form(self):
        """JSON is indented, with sorted keys, and keeps non-ASCII text."""
        policy = attrs.evolve(LAZADA_CROSS_BORDER, title="跨境")

        text = dump_policy(policy, "json")

        assert (
            json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            == text
        )
        assert "跨境" in text

    def test_unknown_format(self):
        """A format other than toml or json is a PolicyError."""
        with pytest.raises(PolicyError, match="'yaml'"):
            dump_policy(LAZADA_CROSS_BORDER, "yaml")  # type: ignore[arg-type]


toml_keys = st.text(max_size=6)
toml_values = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(toml_keys, inner, max_size=3),
    max_leaves=12,
)


class TestTomlWriter:
    """The small TOML writer is correct for what documents hold."""

    @settings(max_examples=300)
    @given(st.dictionaries(toml_keys, toml_values, max_size=5))
    def test_round_trip(self, document):
        """The stdlib reads back exactly what was written."""
        assert document == tomllib.loads(toml_dumps(document))

    @given(st.text())
    def test_multiline_text(self, text):
        """Top-level text with newlines is written multi-line and reads back equal."""
        assert {"s": text + "\n"} == tomllib.loads(toml_dumps({"s": text + "\n"}))

    @pytest.mark.parametrize("value", [1.5, None, Decimal(1), {1: "x"}, "\udc80"])
    def test_refuses_what_toml_cannot_hold(self, value):
        """Floats, None, objects, non-text keys and broken text are refused."""
        with pytest.raises(PolicyError):
            toml_dumps({"v": value})


class TestRegisterRuleKind:
    """Custom rules load from documents like built-in ones."""

    def test_leaf_rule(self, registry):
        """A leaf_rule factory with a schema loads, defaults filled, and round-trips."""

        @leaf_rule("store")
        def named(store, ctx, *, names):
            return store.name in names

        register_rule_kind("named", named, {"names": RuleParam("str", many=True, min_items=1)})
        policy = load_policy(doc({"any_store": {"named": {"names": ["A", "B"]}}}))

        assert any_store(named(names=("A", "B"))) == policy.rule
        assert policy == load_policy(dump_policy(policy))
        assert "kind-named" in policy_schema()["$defs"]
        assert "``named``" in policy_reference()

    def test_custom_rule_class(self, registry):
        """A CustomRule subclass with Money, Month and Decimal fields round-trips."""

        @attrs.frozen
        class Since(CustomRule[Store]):
            kind = "since"
            subject = Level.STORE
            first: Month
            floor: Money
            share: Decimal = Decimal("0.5")
            strict: bool = False

            def evaluate(self, store, ctx):
                return Verdict.REVIEW

        register_rule_kind(
            "since",
            Since,
            {
                "first": RuleParam("month"),
                "floor": RuleParam("money", minimum=0),
                "share": RuleParam("decimal", "0.5"),
                "strict": RuleParam("bool", False),
            },
        )
        document = doc(
            {
                "any_store": {
                    "since": {"first": "Sep 2026", "floor": {"amount": "10", "currency": "EUR"}}
                }
            }
        )

        policy = load_policy(document)

        assert any_store(Since(Month(2026, 9), Money("10", "EUR"))) == policy.rule
        assert policy.digest == load_policy(dump_policy(policy)).digest
        assert policy == load_policy(dump_policy(policy, "json"))

    def test_custom_parameter_problems(self, registry):
        """Custom parameters are checked like built-in ones, with paths."""

        @leaf_rule("store")
        def tagged(store, ctx, *, when, floor):
            return True

        register_rule_kind(
            "tagged", tagged, {"when": RuleParam("month"), "floor": RuleParam("money")}
        )
        document = doc({"any_store": {"tagged": {"when": "someday", "floor": {"amount": "1"}}}})

        assert [
            "rule.any_store.tagged.when",
            "rule.any_store.tagged.floor.currency",
        ] == paths_of(document)

    def test_builder_errors_have_paths(self, registry):
        """A builder that raises, or builds another kind, is a problem at its node."""

        def broken(**params):
            raise ValueError("no good")

        register_rule_kind("broken", broken)
        register_rule_kind("liar", lambda: evidence_not_reused())

        assert [
            ("rule.all[0].broken", "no good"),
            (
                "rule.all[1].liar",
                "the builder of 'liar' returned a rule of kind 'evidence_not_reused'",
            ),
        ] == problems_of(doc({"all": [{"broken": {}}, {"liar": {}}]}))

    def test_parameter_types(self, registry):
        """Booleans, whole-number decimals and money tables are checked with their paths."""

        @leaf_rule("store")
        def typed(store, ctx, *, flag, share, floor, extra):
            return flag

        schema = {
            "flag": RuleParam("bool"),
            "share": RuleParam("decimal"),
            "floor": RuleParam("money"),
            "extra": RuleParam("money"),
        }
        register_rule_kind("typed", typed, schema)
        extra = {"amount": "1", "currency": "USD"}
        bad = {"flag": 1, "share": 2, "floor": "10 USD", "extra": {**extra, "note": "x"}}
        good = {"flag": True, "share": 2, "floor": {"amount": 1, "currency": "EUR"}, "extra": extra}

        assert [
            "rule.any_store.typed.flag",
            "rule.any_store.typed.floor",
            "rule.any_store.typed.extra.note",
        ] == paths_of(doc({"any_store": {"typed": bad}}))
        assert (
            "typed(extra=Money('1', 'USD'), flag=True, floor=Money('1', 'EUR'), share=Decimal('2'))"
            == str(load_policy(doc({"any_store": {"typed": good}})).rule.rule)
        )

    def test_builder_returns_no_rule(self, registry):
        """A builder that returns something else than a rule is a problem at its node."""
        register_rule_kind("nothing", lambda: None)  # type: ignore[arg-type,return-value]

        assert [("rule.nothing", "the builder of 'nothing' returned None, not a Rule")] == (
            problems_of(doc({"nothing": {}}))
        )

    def test_unwritable_parameter(self, registry):
        """A custom rule whose parameter no document can hold cannot be dumped."""

        @leaf_rule("store")
        def holding(store, ctx, *, thing):
            return True

        policy = Policy("x", "1", any_store(holding(thing=1.5)))

        for fmt in ("toml", "json"):
            with pytest.raises(PolicyError, match=r"1\.5"):
                dump_policy(policy, fmt)

    @pytest.mark.parametrize("name", ["Bad", "param", "all", "min_turnover", "1x", ""])
    def test_refused_names(self, registry, name):
        """Malformed, reserved and built-in names cannot be registered."""
        with pytest.raises(PolicyError):
            register_rule_kind(name, evidence_not_reused)

    def test_replace(self, registry):
        """A custom kind is replaced only when asked to."""
        register_rule_kind("mine", evidence_not_reused, summary="first")
        with pytest.raises(PolicyError, match="replace=True"):
            register_rule_kind("mine", evidence_not_reused)
        register_rule_kind("mine", evidence_not_reused, summary="second", replace=True)

        assert "second" == registry["mine"].summary

    def test_bad_schema(self, registry):
        """A schema entry that is not a RuleParam, or a default that does not fit, is refused."""
        with pytest.raises(PolicyError):
            register_rule_kind("a", evidence_not_reused, {"x": int})  # type: ignore[dict-item]
        with pytest.raises(PolicyError, match=r"x\.default"):
            register_rule_kind("b", evidence_not_reused, {"x": RuleParam("int", "3")})
        with pytest.raises(PolicyError, match="type must be one of"):
            RuleParam("float")
        assert "a" not in registry
        assert "b" not in registry


class TestPolicySchema:
    """The JSON Schema is generated, shipped, valid and agrees with the loader."""

    def test_shipped_file_is_generated(self):
        """The shipped schema is exactly what the built-in kinds generate."""
        assert builtin_schema_text() == SCHEMA_FILE.read_text("utf-8"), (
            "regenerate with: python -c 'from lazada_eligibility.policy import "
            'builtin_schema_text as t; print(t(), end="")\' > ' + str(SCHEMA_FILE)
        )

    def test_valid_schema(self):
        """The schema is a valid draft 2020-12 JSON Schema."""
        jsonschema.Draft202012Validator.check_schema(policy_schema())

    def test_default_document_validates(self):
        """The shipped default document, with its params, validates."""
        validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))

        assert [] == list(validator.iter_errors(tomllib.loads(lazada_cross_border_document())))

    @settings(max_examples=100, deadline=None)
    @given(application_rules())
    def test_dumps_validate(self, rule):
        """Every canonical document validates against the schema."""
        validator = jsonschema.Draft202012Validator(policy_schema())

        assert [] == list(
            validator.iter_errors(json.loads(dump_policy(Policy("r", "1", rule), "json")))
        )

    @pytest.mark.parametrize(
        "document",
        [
            pytest.param(p.values[0], id=p.id)
            for p in BAD_DOCUMENTS
            if p.id
            in {
                "unknown-kind",
                "two-kinds",
                "empty-all",
                "missing-parameter",
                "extra-parameter",
                "wrong-type",
                "out-of-range",
                "not-a-choice",
                "float-money",
                "not-a-number",
                "unknown-key",
                "title-not-text",
                "no-rule",
                "params-not-a-table",
            }
        ],
    )
    def test_schema_refuses_bad_documents(self, document):
        """Bad documents the schema can see are refused by it too."""
        validator = jsonschema.Draft202012Validator(policy_schema())

        assert not validator.is_valid(document)


class TestPolicyReference:
    """The reference text comes from the kind table."""

    def test_every_kind_parameter_and_code(self):
        """Each built-in kind appears with each parameter and each outcome code."""
        text = policy_reference(builtin_only=True)

        for name in kinds_module.BUILTIN_KINDS:
            kind = kinds_module.KINDS[name]
            section = text.split(f"``{name}``\n")[1].split("\n\n``")[0]
            assert all(f"``{key}``" in section for key, _ in kind.params if kind.shape == "params")
            assert all(f"``{code}``" in section for code, _ in kind.codes)

    @settings(max_examples=150, deadline=None)
    @given(application_rules(), applications(), rate_tables())
    def test_declared_codes_cover_outcomes(self, rule, application, rates):
        """Every outcome a built-in rule gives has a code its kind declares."""
        decision = Policy("r", "1", rule).evaluate(application, as_of=AS_OF, rates=rates)
        declared = {name: {c for c, _ in k.codes} for name, k in kinds_module.KINDS.items()}

        assert [] == [
            (o.rule, o.code) for o in decision.outcome.walk() if o.code not in declared[o.rule]
        ]


GROUPED = """
id = "grouped"
version = "1"

[categories.groups]
fashion = ["womens-fashion", "mens-fashion", "kids-fashion"]
closed = ["groceries-pets", "fashion"]

[rule]
all = [
  { by_applied_category = { cases = [
      { categories = ["fashion", "mobiles"], rule = { any_store = { platform_kind = { kinds = ["cross-border"] } } } },
    ], otherwise = { any_store = { platform_kind = { kinds = ["cross-border"] } } } } },
  { not = { prohibited_categories = { categories = ["closed"] } } },
]
"""


def _grouped(
    groups: str = "", lists: tuple[str, str] = ('["fashion", "mobiles"]', '["closed"]')
) -> str:
    text = GROUPED.replace('["fashion", "mobiles"]', lists[0]).replace('["closed"]', lists[1])
    return text.replace('closed = ["groceries-pets", "fashion"]', groups) if groups else text


class TestGroupNames:
    def test_show_writes_the_names_and_the_table(self):
        """The dumped document has the groups table and the names where the document used them."""
        text = dump_policy(load_policy(GROUPED))
        doc = tomllib.loads(text)
        assert {
            "fashion": ["womens-fashion", "mens-fashion", "kids-fashion"],
            "closed": ["groceries-pets", "womens-fashion", "mens-fashion", "kids-fashion"],
        } == doc["categories"]["groups"]
        branch, negated = doc["rule"]["all"]
        assert ["fashion", "mobiles"] == branch["by_applied_category"]["cases"][0]["categories"]
        assert ["closed"] == negated["not"]["prohibited_categories"]["categories"]
        assert "[categories.groups]\nclosed = " in text

    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_round_trip(self, fmt):
        """Load, dump and load give an equal policy with the same digest, and the same dump."""
        policy = load_policy(GROUPED)
        again = load_policy(dump_policy(policy, fmt))
        assert policy == again
        assert policy.digest == again.digest
        assert dump_policy(policy, fmt) == dump_policy(again, fmt)

    def test_digest_does_not_cover_the_names(self):
        """Renaming a group, or writing its members out, keeps the digest but not equality."""
        policy = load_policy(GROUPED)
        renamed = load_policy(
            GROUPED.replace('"fashion"', '"apparel"').replace("fashion =", "apparel =")
        )
        spelt = load_policy(
            _grouped(
                lists=(
                    '["womens-fashion", "mens-fashion", "kids-fashion", "mobiles"]',
                    '["groceries-pets", "womens-fashion", "mens-fashion", "kids-fashion"]',
                )
            )
        )
        assert policy.digest == renamed.digest == spelt.digest
        assert policy != renamed
        assert policy.rule == renamed.rule == spelt.rule

    def test_members_written_out_are_named_too(self):
        """A list that holds a group's members in order is written with the group's name."""
        spelt = load_policy(
            _grouped(
                lists=(
                    '["mobiles", "womens-fashion", "mens-fashion", "kids-fashion"]',
                    '["closed"]',
                )
            )
        )
        doc = tomllib.loads(dump_policy(spelt))
        assert ["mobiles", "fashion"] == doc["rule"]["all"][0]["by_applied_category"]["cases"][0][
            "categories"
        ]

    def test_out_of_order_or_partial_members_stay_ids(self):
        """Members in another order, or only some of them, are not a group's name."""
        policy = load_policy(
            _grouped(
                lists=('["mens-fashion", "womens-fashion", "kids-fashion"]', '["womens-fashion"]')
            )
        )
        doc = tomllib.loads(dump_policy(policy))
        assert ["mens-fashion", "womens-fashion", "kids-fashion"] == doc["rule"]["all"][0][
            "by_applied_category"
        ]["cases"][0]["categories"]
        assert ["womens-fashion"] == doc["rule"]["all"][1]["not"]["prohibited_categories"][
            "categories"
        ]

    def test_a_repeated_member_round_trips(self):
        """A list naming a member before its group (deduplicated at load) still round-trips."""
        policy = load_policy(_grouped(lists=('["mens-fashion", "fashion"]', '["closed"]')))
        assert ("mens-fashion", "womens-fashion", "kids-fashion") == policy.rule.rules[0].cases[0][
            0
        ]
        again = load_policy(dump_policy(policy))
        assert policy.digest == again.digest

    def test_longest_group_first(self):
        """Where groups overlap, the longest group's name is written."""
        doc = tomllib.loads(dump_policy(load_policy(GROUPED)))
        assert ["closed"] == doc["rule"]["all"][1]["not"]["prohibited_categories"]["categories"]

    def test_market_lists_are_never_named(self):
        """Only lists of categories take group names; a market list is left alone."""
        policy = Policy(
            "m", "1",
            by_market([(["PH"], any_store(platform_kind("cross-border")))],
                      any_store(platform_kind("cross-border"))),
            groups={"ph": ["mobiles"]},
        )  # fmt: skip
        doc = json.loads(dump_policy(policy, "json"))
        assert ["PH"] == doc["rule"]["by_market"]["cases"][0]["markets"]

    def test_a_policy_without_groups_dumps_as_before(self):
        """A policy with no groups writes no categories table."""
        assert "categories" not in tomllib.loads(dump_policy(LAZADA_CROSS_BORDER))
        assert () == LAZADA_CROSS_BORDER.groups

    @pytest.mark.parametrize(
        "groups",
        [
            {"": ["mobiles"]},
            {"g": []},
            {"g": ["mobiles", 3]},
            [("g", ["mobiles"]), ("g", ["mobiles"])],
            "g",
        ],
    )
    def test_bad_groups_are_refused(self, groups):
        """Policy refuses groups that are not distinct names each with category ids."""
        with pytest.raises(PolicyError, match="groups"):
            Policy("p", "1", LAZADA_CROSS_BORDER.rule, groups=groups)

    def test_pickled_policy_keeps_its_groups(self):
        """A policy sent to a worker process keeps its groups."""
        import pickle

        policy = load_policy(GROUPED)
        assert policy.groups == pickle.loads(pickle.dumps(policy)).groups

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.sampled_from(["womens-fashion", "mens-fashion", "kids-fashion", "mobiles",
                                  "groceries-pets", "fashion", "closed"]), min_size=1, max_size=6)
    )  # fmt: skip
    def test_any_list_round_trips(self, items):
        """Any mix of ids and group names loads, dumps and loads to the same digest and dump."""
        text = _grouped(lists=(json.dumps(items), '["closed"]'))
        policy = load_policy(text)
        dumped = dump_policy(policy)
        again = load_policy(dumped)
        assert policy.digest == again.digest
        assert dumped == dump_policy(again)

    def test_policy_show_names_the_group(self, capsys):
        """The policy show command prints the fashion example with its group, by name."""
        import io

        from lazada_eligibility import cli

        out = io.StringIO()
        fashion = PACKAGE.parent.parent / "examples" / "policies" / "fashion.toml"
        assert 0 == cli.main(["policy", "show", str(fashion)], out=out)
        text = out.getvalue()
        assert (
            '[categories.groups]\nfashion = ["womens-fashion", "mens-fashion", "kids-fashion"]'
            in text
        )
        assert '{ categories = ["fashion"], rule = ' in text
        assert load_policy(fashion).digest in capsys.readouterr().err
