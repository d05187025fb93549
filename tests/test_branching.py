"""Branching rules (by_applied_category, by_market) and groups in policy documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store, Verdict
from lazada_eligibility.exceptions import PolicyError
from lazada_eligibility.explain import LANGUAGES
from lazada_eligibility.planning import assumed_minimum, earliest_plan
from lazada_eligibility.policy import dump_policy, load_policy, policy_schema
from lazada_eligibility.rules import (
    Context,
    Level,
    by_applied_category,
    by_market,
    evidence_not_reused,
    min_turnover,
    platform_kind,
)

FASHION = Path(__file__).parent.parent / "examples" / "policies" / "fashion.toml"
AS_OF = dt.date(2026, 11, 28)
USD = "USD"

# Exactly the form of issue 17, with the default store rule written out.
ISSUE_FORM = """
id = "fashion"
version = "1"

[categories.groups]
fashion = ["womens-fashion", "mens-fashion", "kids-fashion"]

[rule]
all = [
  { by_applied_category = { cases = [
      { categories = ["fashion"], rule = { any_store = { all = [
          { platform_kind = { kinds = ["cross-border"] } },
          { category_matches = { mode = "same-top-level" } },
          { each_month = { window = 6, rule = { min_turnover = { amount = "1500", currency = "USD" } } } },
      ] } } },
    ], otherwise = { any_store = { all = [
          { platform_kind = { kinds = ["cross-border"] } },
          { category_matches = { mode = "same-top-level" } },
          { each_month = { window = 3, rule = { min_turnover = { amount = "1000", currency = "USD" } } } },
      ] } } } },
  { evidence_not_reused = {} },
]
"""


def seller(category: str, amount: str, *, market: str | None = None) -> Application:
    """An application for *category* with one Amazon store at *amount* a month, May to October."""
    records = [MonthlyTurnover(Month(2026, m), Money(amount, USD)) for m in range(5, 11)]
    store = Store("Amazon US", "A1", records, category=category)
    return Application("Seller Co.", category, [store], id="APP-1", market=market)


@pytest.fixture(scope="module")
def fashion():
    return load_policy(FASHION)


class TestDocuments:
    def test_issue_form_loads(self):
        """The document form of the issue loads, the group standing for its three categories."""
        policy = load_policy(ISSUE_FORM)
        branch = policy.rule.rules[0]
        assert (("womens-fashion", "mens-fashion", "kids-fashion"),) == tuple(
            keys for keys, _ in branch.cases
        )

    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_round_trip(self, fmt):
        """The policy dumps and loads back equal, with the same digest."""
        policy = load_policy(ISSUE_FORM)
        again = load_policy(dump_policy(policy, fmt))
        assert policy == again
        assert policy.digest == again.digest

    def test_schema_validates(self):
        """The issue's document, groups and all, validates against the JSON Schema."""
        import tomllib

        jsonschema.validate(tomllib.loads(ISSUE_FORM), policy_schema())

    def test_schema_refuses_a_case_without_rule(self):
        """The schema refuses a case that has no rule, as the loader does."""
        import tomllib

        doc = tomllib.loads(ISSUE_FORM)
        del doc["rule"]["all"][0]["by_applied_category"]["cases"][0]["rule"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, policy_schema())
        with pytest.raises(PolicyError, match=r"cases\[0\]\.rule: required"):
            load_policy(doc)

    def test_example_is_the_issue_form(self, fashion):
        """The shipped example decides as the issue's form does."""
        assert load_policy(ISSUE_FORM).rule == fashion.rule

    @pytest.mark.parametrize(
        ("groups", "message"),
        [
            (
                'fashion = ["womens-fashon"]',
                r"categories\.groups\.fashion\[0\]: .*did you mean 'womens-fashion'",
            ),
            ('mobiles = ["laptops"]', r"'mobiles' is already a category of the taxonomy"),
            (
                '3c-digital = ["laptops"]',
                r"categories\.groups\.3c-digital: a group's name is letters",
            ),
            ("fashion = []", r"categories\.groups\.fashion: expected at least 1 item"),
            ('fashion = "womens-fashion"', r"categories\.groups\.fashion: expected a list"),
        ],
    )
    def test_bad_groups(self, groups, message):
        """A bad group is refused with its path and what is wrong."""
        text = ISSUE_FORM.replace(
            'fashion = ["womens-fashion", "mens-fashion", "kids-fashion"]', groups
        )
        with pytest.raises(PolicyError, match=message):
            load_policy(text)

    def test_group_in_prohibited_categories(self):
        """A group of the document can be used in any list of categories."""
        doc = {
            "id": "x",
            "version": "1",
            "categories": {"groups": {"closed": ["womens-fashion", "mobiles"]}},
            "rule": {"prohibited_categories": {"categories": ["closed", "audio"]}},
        }
        rule = load_policy(doc).rule
        assert ("audio", "mobiles", "womens-fashion") == rule.categories

    def test_group_where_one_category_is_expected(self):
        """A group of the document cannot stand where one category is expected."""
        from lazada_eligibility.categories import LAZADA_CATEGORIES
        from lazada_eligibility.policy._build import _Builder
        from lazada_eligibility.policy._kinds import RuleParam

        builder = _Builder({}, {}, LAZADA_CATEGORIES)
        builder.groups["fashion"] = ("womens-fashion",)
        builder.value(RuleParam("category"), "fashion", "x")
        expected = (
            "x: 'fashion' is a group of the document, which stands for several categories; "
            "it can be used only in a list of categories"
        )
        assert [expected] == [str(p) for p in builder.problems]

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                ("otherwise = ", "otherwize = "),
                r"otherwize: unexpected key.*\n?.*otherwise: required",
            ),
            (
                ('{ categories = ["fashion"]', '{ category = ["fashion"]'),
                r"cases\[0\]\.category: unexpected key",
            ),
            (
                ('categories = ["fashion"]', 'categories = ["fashon"]'),
                r"did you mean 'fashion'|unknown category id 'fashon'",
            ),
        ],
    )
    def test_bad_cases(self, change, message):
        """A malformed case or a missing otherwise is reported at its path."""
        with pytest.raises(PolicyError, match=message):
            load_policy(ISSUE_FORM.replace(*change))

    def test_bad_market(self):
        """A market that is not one of Lazada's six is refused, naming the choices."""
        doc = {
            "id": "x",
            "version": "1",
            "rule": {"by_market": {"cases": [{"markets": ["UK"], "rule": {"evidence_not_reused": {}}}],
                                   "otherwise": {"evidence_not_reused": {}}}},
        }  # fmt: skip
        with pytest.raises(PolicyError, match=r"cases\[0\]\.markets\[0\]: expected one of 'ID'"):
            load_policy(doc)


class TestFactories:
    def test_branches_about_different_subjects(self):
        """Branches must be about one subject."""
        with pytest.raises(PolicyError, match="different subjects: case 0"):
            by_market([(["PH"], platform_kind("cross-border"))], evidence_not_reused())

    @pytest.mark.parametrize(
        ("cases", "message"),
        [
            ([], "needs at least one case"),
            ([("PH", evidence_not_reused())], "needs a list of keys"),
            ([({"PH", "VN"}, evidence_not_reused())], "needs a list of keys"),
            ([([], evidence_not_reused())], "needs at least one key"),
            ([(["PH"], "rule")], "takes a rule"),
            ([(["PH"],)], "must be a pair"),
        ],
    )
    def test_bad_cases(self, cases, message):
        """Each way a case can be wrong is refused with a clear message."""
        with pytest.raises(PolicyError, match=message):
            by_market(cases, evidence_not_reused())

    def test_markets_are_normalised(self):
        """Markets are upper-cased, as applications write them."""
        rule = by_market([(["ph"], evidence_not_reused())], evidence_not_reused())
        assert ("PH",) == rule.cases[0][0]
        assert Level.APPLICATION == rule.level

    def test_unknown_category_key_refused_when_prepared(self):
        """A category key the taxonomy lacks is refused when the policy is prepared."""
        from lazada_eligibility import Policy

        rule = by_applied_category([(["no-such"], evidence_not_reused())], evidence_not_reused())
        with pytest.raises(PolicyError, match="no-such"):
            Policy("x", "1", rule).prepare()


def _shown(amount: str) -> re.Pattern[str]:
    # 1,500 or 1.500 (or 1 500), as the locales write it.
    return re.compile(amount[0] + r"[,.\u00a0\u202f ]" + amount[1:])


class TestOnlyTheBranchThatApplies:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_fashion_text_is_about_fashion_only(self, fashion, language):
        """A fashion seller reads six months at 1,500, never the default's 1,000."""
        decision = fashion.evaluate(seller("mens-fashion", "1200"), as_of=AS_OF)
        text = decision.explain(language)
        assert Verdict.FAIL == decision.verdict
        assert 6 == len(decision.reasons)
        assert _shown("1500").search(text)
        assert not _shown("1000").search(text)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_default_text_is_about_the_default_only(self, fashion, language):
        """A mobiles seller reads three months at 1,000, never fashion's 1,500 or its months."""
        decision = fashion.evaluate(seller("mobiles", "800"), as_of=AS_OF)
        text = decision.explain(language)
        assert [Month(2026, m) for m in (8, 9, 10)] == [r.facts["month"] for r in decision.reasons]
        assert _shown("1000").search(text)
        assert not _shown("1500").search(text)
        assert "category.allowed" not in {r.code for r in decision.reasons}

    def test_outcome_records_the_branch(self, fashion):
        """The branching outcome names the value it branched on, the case and its keys."""
        fashion_node = fashion.evaluate(
            seller("kids-fashion", "1600"), as_of=AS_OF
        ).outcome.children[0]
        other_node = fashion.evaluate(seller("mobiles", "1600"), as_of=AS_OF).outcome.children[0]
        assert {"applied": "kids-fashion", "case": 0,
                "categories": ("womens-fashion", "mens-fashion", "kids-fashion")} == fashion_node.facts  # fmt: skip
        assert {"applied": "mobiles", "case": None, "categories": ()} == other_node.facts
        assert "by_applied_category.pass" == fashion_node.code
        assert 1 == len(fashion_node.children)

    def test_below_a_fashion_category_takes_the_fashion_branch(self, fashion):
        """A category below a fashion top level is fashion too."""
        sub = next(c.id for c in fashion_categories() if c.level > 1)
        node = fashion.evaluate(seller(sub, "1600"), as_of=AS_OF).outcome.children[0]
        assert 0 == node.facts["case"]

    @pytest.mark.parametrize(
        ("category", "minimum", "months"),
        [("womens-fashion", Money("1500", USD), 6), ("mobiles", Money("1000", USD), 3)],
    )
    def test_when_gives_the_branch_minimum(self, fashion, category, minimum, months):
        """earliest_plan assumes the branch's minimum over the branch's window."""
        plan = earliest_plan(seller(category, "900"), as_of=AS_OF, policy=fashion)
        assert minimum == plan.minimum
        assert months == len(plan.months)
        assert minimum == assumed_minimum(fashion.rule, seller(category, "900"))

    def test_json_of_the_branch(self, fashion):
        """The decision's JSON carries the branch facts."""
        data = fashion.evaluate(seller("mobiles", "1600"), as_of=AS_OF).to_dict()
        text = json.dumps(data)
        assert '"case": null' in text


def fashion_categories():
    from lazada_eligibility.categories import LAZADA_CATEGORIES

    return [c for c in LAZADA_CATEGORIES if LAZADA_CATEGORIES.is_within(c.id, "womens-fashion")]


class TestByMarket:
    RULE = by_market(
        [
            (["PH", "VN"], min_turnover(Money("800", USD), "any")),
            (["PH"], min_turnover(Money("5", USD))),
        ],
        min_turnover(Money("1000", USD), "any"),
    )

    @pytest.mark.parametrize(
        ("market", "case", "minimum"),
        [("PH", 0, "800"), ("VN", 0, "800"), ("SG", None, "1000"), (None, None, "1000")],
    )
    def test_first_match_and_no_market(self, market, case, minimum):
        """The first case naming the market decides; no market at all takes otherwise."""
        from lazada_eligibility.categories import LAZADA_CATEGORIES
        from lazada_eligibility.platforms import DEFAULT_PLATFORMS
        from lazada_eligibility.rules._core import Env

        env = Env(DEFAULT_PLATFORMS, LAZADA_CATEGORIES, None, None)
        app = seller("mobiles", "900", market=market)
        store = app.stores[0]
        outcome = self.RULE.compile(env).explain(
            (store,), Month(2026, 10), Context(env, app, AS_OF)
        )
        assert case == outcome.facts["case"]
        assert Money(minimum, USD) == outcome.children[0].facts["minimum"]
        assert market == outcome.facts["market"]


EXAMPLES = Path(__file__).parent.parent / "examples"
MARKETS = ("ID", "MY", "PH", "SG", "TH", "VN")


class TestMarketExamples:
    @pytest.mark.parametrize("market", MARKETS)
    def test_each_market_has_its_branch(self, market):
        """Each market's example sends that market's applications to its case, and others to otherwise."""
        policy = load_policy(EXAMPLES / "policies" / f"market-{market.lower()}.toml")
        for asked, case in (
            (market, 0),
            (None, None),
            (next(m for m in MARKETS if m != market), None),
        ):
            outcome = policy.evaluate(seller("mobiles", "1600", market=asked), as_of=AS_OF).outcome
            assert {"market": asked, "case": case, "markets": (market,) if case == 0 else ()} == (
                outcome.children[0].facts
            )


def _console_blocks(section: str) -> list[tuple[str, str]]:
    # (command, expected output) for each "$ " line of the section's console blocks.
    found = []
    for block in re.findall(r"```console\n(.*?)```", section, re.DOTALL):
        parts = re.split(r"^\$ ", block, flags=re.MULTILINE)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            found.append((command, output))
    return found


def _fashion_section() -> str:
    text = (Path(__file__).parent.parent / "docs" / "policy-files.md").read_text("utf-8")
    start = text.index("## Rules per category: the fashion example")
    return text[start : text.index("\n## ", start + 1)]


class TestFashionWalkThrough:
    @pytest.mark.parametrize("command", [c for c, _ in _console_blocks(_fashion_section())])
    def test_output_is_real(self, command):
        """Each command of the walk-through in docs/policy-files.md prints exactly what the page shows."""
        import shlex
        import subprocess
        import sys

        expected = dict(_console_blocks(_fashion_section()))[command]
        argv = shlex.split(command)
        assert "lazada-eligibility" == argv[0]
        run = subprocess.run(
            [sys.executable, "-m", "lazada_eligibility", *argv[1:]],
            cwd=EXAMPLES / "policies",
            capture_output=True,
            text=True,
            check=False,
        )
        assert expected == run.stdout + run.stderr


def _category_name(category: str, language: str) -> str:
    from lazada_eligibility._l10n import speaker

    return speaker(language).category(category)


class TestExplainSaysWhichBranch:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_fashion_branch_is_named(self, fashion, language):
        """A fashion seller reads, after the headline, that fashion's rules apply because of the category applied for."""
        from lazada_eligibility.explain import render_branches

        decision = fashion.evaluate(seller("mens-fashion", "1200"), as_of=AS_OF)
        text = decision.explain(language)
        (sentence,) = render_branches(decision, language)
        assert sentence in text.splitlines()[2]  # after the headline and the digest note
        for category in ("womens-fashion", "mens-fashion", "kids-fashion"):
            assert _category_name(category, language) in sentence
        assert _category_name("mobiles", language) not in text
        if language != "en":
            assert sentence != render_branches(decision, "en")[0]

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_general_branch_says_nothing_of_fashion(self, fashion, language):
        """A mobiles seller reads that the general rules apply, and no fashion category is named."""
        from lazada_eligibility.explain import explain, render_branches

        decision = fashion.evaluate(seller("mobiles", "800"), as_of=AS_OF)
        text = explain(decision, language, passed=True)
        (sentence,) = render_branches(decision, language)
        assert sentence in text
        assert _category_name("mobiles", language) in sentence
        fashion_seller = fashion.evaluate(seller("mens-fashion", "800"), as_of=AS_OF)
        assert render_branches(fashion_seller, language)[0] not in text
        for category in ("womens-fashion", "mens-fashion", "kids-fashion"):
            assert _category_name(category, language) not in text
        assert not _shown("1500").search(text)

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("market", ["PH", "SG", None])
    def test_market_branch_is_named(self, language, market):
        """The market branch is named with the reason: a case's market, another market, or none."""
        from lazada_eligibility import Policy
        from lazada_eligibility.explain import render_branches
        from lazada_eligibility.rules import any_store, each_month

        def monthly(amount: str):
            return any_store(each_month(min_turnover(Money(amount, USD)), window=3))

        policy = Policy("per-market", "1", by_market([(["PH"], monthly("800"))], monthly("1000")))
        decision = policy.evaluate(seller("mobiles", "900", market=market), as_of=AS_OF)
        sentences = {
            m: render_branches(
                policy.evaluate(seller("mobiles", "900", market=m), as_of=AS_OF), language
            )
            for m in ("PH", "SG", None)
        }
        text = decision.explain(language)
        assert sentences[market][0] in text
        assert all(s[0] not in text for m, s in sentences.items() if m != market)
        assert 3 == len({s[0] for s in sentences.values()})
        if market is not None:
            from lazada_eligibility._l10n import speaker

            assert speaker(language).locale.territories[market] in sentences[market][0]
        if market == "PH":
            assert Verdict.PASS == decision.verdict  # 900 a month meets PH's 800
        else:
            assert _shown("1000").search(text)
            assert "800" not in text

    def test_a_branch_run_per_store_is_said_once(self):
        """A branching rule under any_store runs once per store but is said once."""
        from lazada_eligibility import Policy
        from lazada_eligibility.explain import render_branches
        from lazada_eligibility.rules import any_store, each_month

        rule = any_store(
            by_market([(["PH"], each_month(min_turnover(Money("800", USD)), window=3))],
                      each_month(min_turnover(Money("1000", USD)), window=3))
        )  # fmt: skip
        app = seller("mobiles", "900", market="PH")
        two = Application(
            "Seller Co.", "mobiles",
            [app.stores[0], Store("eBay US", "B2", app.stores[0].turnover, category="mobiles")],
            market="PH",
        )  # fmt: skip
        decision = Policy("per-store", "1", rule).evaluate(two, as_of=AS_OF)
        branches = [o for o in decision.outcome.walk() if o.rule == "by_market"]
        assert 2 == len(branches)
        assert 1 == len(render_branches(decision))

    def test_no_branching_rule_says_nothing(self):
        """A decision without branching rules gains no sentence."""
        from lazada_eligibility import LAZADA_CROSS_BORDER
        from lazada_eligibility.explain import render_branches

        decision = LAZADA_CROSS_BORDER.evaluate(seller("mobiles", "1200"), as_of=AS_OF)
        assert () == render_branches(decision)
