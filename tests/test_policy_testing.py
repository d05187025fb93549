"""Tests for lazada_eligibility.policy_testing: suites, their validation, coverage and boundary cases."""

# The house style puts the expected value first: `expected == actual`.

from __future__ import annotations

import datetime as dt
import json
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    InMemoryRegistry,
    Verdict,
    evaluate,
)
from lazada_eligibility.policy import load_policy
from lazada_eligibility.policy.shipped import lazada_cross_border_document
from lazada_eligibility.policy_testing import (
    SUITE_BYTES,
    SuiteError,
    coverage,
    generate_suite,
    load_suite,
    run_suite,
    write_golden,
)

PACKAGE = Path(__file__).parent.parent / "src" / "lazada_eligibility"
SHIPPED_SUITE = PACKAGE / "policy" / "shipped" / "lazada-cross-border.suite.toml"
AS_OF = dt.date(2026, 11, 28)


def _store(amounts: tuple[str, ...], platform: str = "amazon.com", **extra: object) -> dict:
    months = ("2026-08", "2026-09", "2026-10")
    return {
        "platform": platform,
        "store_id": "A1TEST",
        "category": "mobiles",
        "turnover": [
            {"month": m, "amount": {"amount": a, "currency": "USD"}}
            for m, a in zip(months, amounts, strict=True)
        ],
        **extra,
    }


def _app(*stores: dict, market: str | None = None) -> dict:
    app = {"applicant": "Seller Co.", "category": "mobiles", "stores": list(stores)}
    if market is not None:
        app["market"] = market
    return app


ELIGIBLE = _app(_store(("1200", "1300", "1400")))
SHORT = _app(_store(("1200", "850", "1400")))


def _suite(folder: Path, body: str, name: str = "suite.toml") -> Path:
    path = folder / name
    path.write_text(body, "utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    return [str(p) for p in caught.value.problems]


HEAD = 'policy = "lazada-cross-border"\nas_of = "2026-11-28"\n'
NO_STORE = '{ applicant = "Seller Co.", category = "mobiles", stores = [] }'


class TestLoadSuite:
    def test_valid(self, tmp_path):
        """A suite with a file application and an inline one loads both, in order."""
        (tmp_path / "apps").mkdir()
        (tmp_path / "apps" / "ok.json").write_text(json.dumps(ELIGIBLE), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "ok"\napplication = "apps/ok.json"\nverdict = "pass"\n'
            f'[[case]]\nname = "none"\napplication = {NO_STORE}\nverdict = "fail"\n'
            'reasons = ["stores.none"]\nearliest = "never"\n',
        )
        suite = load_suite(path)
        assert ["ok", "none"] == [c.name for c in suite.cases]
        assert tmp_path / "apps" / "ok.json" == suite.cases[0].application_file
        assert frozenset({"stores.none"}) == suite.cases[1].reasons
        assert (True, None) == suite.cases[1].earliest
        assert LAZADA_CROSS_BORDER.digest == suite.policy.digest

    def test_paths_relative_to_the_suite_not_the_working_directory(self, tmp_path, monkeypatch):
        """Application paths are resolved from the suite's folder, wherever the run starts."""
        (tmp_path / "suites").mkdir()
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "ok.json").write_text(json.dumps(ELIGIBLE), "utf-8")
        path = _suite(
            tmp_path / "suites",
            HEAD + '[[case]]\nname = "ok"\napplication = "../data/ok.json"\nverdict = "pass"\n',
        )
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "data").mkdir()
        monkeypatch.chdir(elsewhere)
        assert "Seller Co." == load_suite(path).cases[0].application.applicant

    def test_symlinked_application(self, tmp_path):
        """A symbolic link to an application is followed, relative to the suite."""
        (tmp_path / "real.json").write_text(json.dumps(ELIGIBLE), "utf-8")
        (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
        path = _suite(
            tmp_path, HEAD + '[[case]]\nname = "ok"\napplication = "link.json"\nverdict = "pass"\n'
        )
        assert 1 == len(load_suite(path).cases)

    def test_unknown_keys_did_you_mean(self, tmp_path):
        """Unknown keys are named with their path and the closest known key."""
        path = _suite(
            tmp_path,
            'polcy = "x"\npolicy = "lazada-cross-border"\nas_of = "2026-11-28"\n'
            f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdit = "fail"\nverdict = "fail"\n'
            'reasons = ["stores.none"]\n',
        )
        problems = _problems(path)
        assert any(p.startswith("polcy: unknown key; did you mean 'policy'?") for p in problems)
        assert any(
            p.startswith("case[0].verdit: unknown key; did you mean 'verdict'?") for p in problems
        )

    def test_wrong_types(self, tmp_path):
        """Each wrong value names its key path and what was expected."""
        path = _suite(
            tmp_path,
            'policy = "lazada-cross-border"\nas_of = "28/11/2026"\n'
            f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "passed"\nreasons = "x"\n'
            f'[[case]]\nname = 3\napplication = 4\nverdict = "fail"\nreasons = [1]\n',
        )
        assert [
            "as_of: expected a date such as 2026-11-28, got '28/11/2026'",
            "case[0].verdict: expected pass, fail or review, got 'passed'",
            "case[0].reasons: expected a list of reason codes, got 'x'",
            "case[1].name: expected non-blank text, got 3",
            "case[1].application: in case 'case[1]': expected a file name or a table, got 4",
            "case[1].reasons[0]: expected a reason code, got 1",
        ] == _problems(path)

    def test_reason_codes_checked(self, tmp_path):
        """An unknown reason code gets the closest known one; a repeated one is refused."""
        path = _suite(
            tmp_path,
            HEAD + f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\n'
            'reasons = ["turnover.below-minimun", "stores.none", "stores.none"]\n',
        )
        assert [
            (
                "case[0].reasons[0]: unknown outcome code 'turnover.below-minimun'; "
                "did you mean 'turnover.below-minimum'?"
            ),
            "case[0].reasons[2]: 'stores.none' is listed twice",
        ] == _problems(path)

    def test_reasons_and_verdict_agree(self, tmp_path):
        """A passing case lists no reasons; a failing one must list them."""
        path = _suite(
            tmp_path,
            HEAD + f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "pass"\n'
            'reasons = ["stores.none"]\n'
            f'[[case]]\nname = "b"\napplication = {NO_STORE}\nverdict = "fail"\n',
        )
        assert [
            "case[0].reasons: a decision that passes has no reasons; remove them",
            "case[1].reasons: required when the verdict is fail",
        ] == _problems(path)

    def test_duplicate_case_names(self, tmp_path):
        """Two cases of one name are refused, naming both."""
        case = f'[[case]]\nname = "same"\napplication = {NO_STORE}\nverdict = "fail"\nreasons = ["stores.none"]\n'
        path = _suite(tmp_path, HEAD + case + case)
        assert ["case[1].name: duplicate case name 'same' (also case[0])"] == _problems(path)

    def test_bad_locale(self, tmp_path):
        """A golden text in a language the explanations are not written in is refused."""
        path = _suite(
            tmp_path,
            HEAD + f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\n'
            'reasons = ["stores.none"]\nexplain.xx = "a.txt"\nexplain.de = "b.txt"\nexplain.ms = "c.txt"\n',
        )
        problems = _problems(path)
        assert 2 == len(problems)
        assert problems[0].startswith("case[0].explain.xx: not a locale the explanations are")
        assert problems[1].startswith("case[0].explain.de: not a locale")

    def test_missing_application_file(self, tmp_path):
        """A missing application file names the case, the file and where it was looked for."""
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "gone"\napplication = "apps/gone.json"\nverdict = "pass"\n',
        )
        with pytest.raises(SuiteError) as caught:
            load_suite(path)
        assert caught.value.missing
        message = str(caught.value)
        assert message.startswith(
            "case[0].application: in case 'gone': no such file 'apps/gone.json'"
        )
        assert str(tmp_path / "apps" / "gone.json") in message

    def test_missing_policy_file(self, tmp_path):
        """A policy that is neither a file nor a shipped id is a missing file."""
        path = _suite(
            tmp_path,
            'policy = "nope.toml"\nas_of = "2026-11-28"\n'
            f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\nreasons = ["stores.none"]\n',
        )
        with pytest.raises(SuiteError) as caught:
            load_suite(path)
        assert caught.value.missing
        assert str(caught.value).startswith("policy: no such policy file 'nope.toml'")

    def test_invalid_policy(self, tmp_path):
        """An invalid policy document's problems are reported under the suite's policy key."""
        (tmp_path / "bad.toml").write_text(
            'id = "x"\nversion = "1"\nrule = { any_stor = {} }\n', "utf-8"
        )
        path = _suite(
            tmp_path,
            'policy = "bad.toml"\nas_of = "2026-11-28"\n'
            f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\nreasons = ["stores.none"]\n',
        )
        with pytest.raises(SuiteError) as caught:
            load_suite(path)
        assert not caught.value.missing
        assert "policy: bad.toml: rule.any_stor: unknown rule kind 'any_stor'" in str(caught.value)

    def test_invalid_application_names_case_and_file(self, tmp_path):
        """An application that is itself invalid is reported with the case and the file."""
        bad = _app(_store(("1200", "1300", "1400"), store_id=" "))
        (tmp_path / "bad.json").write_text(json.dumps(bad), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "broken"\napplication = "bad.json"\nverdict = "pass"\n',
        )
        assert [
            (
                "case[0].application: in case 'broken': bad.json: not a valid application: "
                "stores[0].store_id: must be non-blank text, got ' '"
            )
        ] == _problems(path)

    def test_application_not_json(self, tmp_path):
        """An application file that is not JSON names the case, the file, line and column."""
        (tmp_path / "bad.json").write_text('{"applicant": ', "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "broken"\napplication = "bad.json"\nverdict = "pass"\n',
        )
        [problem] = _problems(path)
        assert problem.startswith("case[0].application: in case 'broken': bad.json: not JSON:")

    def test_huge_application(self, tmp_path):
        """An application file over the limit is refused before it is parsed, naming the case."""
        (tmp_path / "big.json").write_bytes(b" " * (4 << 20) + b"{}")
        path = _suite(
            tmp_path, HEAD + '[[case]]\nname = "big"\napplication = "big.json"\nverdict = "pass"\n'
        )
        assert [
            "case[0].application: in case 'big': big.json: larger than 4 MiB, the limit for this file"
        ] == _problems(path)

    def test_garbage_toml(self, tmp_path):
        """Text that is not TOML is refused with the parser's place, not a traceback."""
        path = _suite(tmp_path, "policy = = \n[[case\n")
        [problem] = _problems(path)
        assert problem.startswith("not TOML:")

    def test_not_utf8(self, tmp_path):
        """A suite that is not UTF-8 is refused naming the byte."""
        path = tmp_path / "suite.toml"
        path.write_bytes(HEAD.encode() + b"# \xff\n")
        [problem] = _problems(path)
        assert problem.startswith("not UTF-8 text")

    def test_huge_file(self, tmp_path):
        """A suite larger than the limit is refused before it is parsed."""
        path = tmp_path / "suite.toml"
        path.write_text(HEAD + "#" * SUITE_BYTES, "utf-8")
        [problem] = _problems(path)
        assert "larger than" in problem

    def test_deep_nesting(self, tmp_path):
        """A suite nested past the limit is refused before the parser recurses."""
        path = _suite(tmp_path, HEAD + "x = " + "[" * 5000 + "]" * 5000 + "\n")
        [problem] = _problems(path)
        assert "nested deeper than" in problem

    def test_missing_keys_and_cases(self, tmp_path):
        """A suite without policy, as_of or any case says each is required."""
        path = _suite(tmp_path, "case = []\n")
        assert [
            "policy: required",
            "as_of: required",
            "case: expected one or more [[case]] tables, got []",
        ] == _problems(path)

    def test_case_required_keys(self, tmp_path):
        """A case without name, application or verdict says each is required."""
        path = _suite(tmp_path, HEAD + "[[case]]\nreasons = []\n")
        assert [
            "case[0].name: required",
            "case[0].application: required",
            "case[0].verdict: required",
        ] == _problems(path)

    def test_as_of_out_of_range(self, tmp_path):
        """A decision day outside the range decisions take is refused, per case too."""
        path = _suite(
            tmp_path,
            'policy = "lazada-cross-border"\nas_of = 1066-10-14\n'
            f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\nreasons = ["stores.none"]\n'
            "as_of = 2026-11-28T10:00:00\n",
        )
        problems = _problems(path)
        assert problems[0] == "as_of: expected a date from 1900-01-01 to 2999-12-31, got 1066-10-14"
        assert problems[1].startswith(
            "case[0].as_of: expected a date such as 2026-11-28, got a date and time"
        )

    def test_claimed_checked(self, tmp_path):
        """Claimed records need platform, store_id and application_id, and nothing else."""
        path = _suite(
            tmp_path,
            HEAD + f'[[case]]\nname = "a"\napplication = {NO_STORE}\nverdict = "fail"\n'
            'reasons = ["stores.none"]\nclaimed = [{ platform = "eBay", store = "x" }]\n',
        )
        assert [
            (
                "case[0].claimed[0].store: unknown key; did you mean 'store_id'? "
                "(expected platform, store_id, application_id)"
            ),
            "case[0].claimed[0].store_id: required",
            "case[0].claimed[0].application_id: required",
        ] == _problems(path)

    def test_missing_suite(self, tmp_path):
        """A suite file that does not exist is a missing file."""
        with pytest.raises(SuiteError) as caught:
            load_suite(tmp_path / "nope.toml")
        assert caught.value.missing


class TestRunSuite:
    def test_failing_case_says_what_differs(self, tmp_path):
        """A case the policy decides otherwise lists verdict, missing and extra reasons, and earliest."""
        (tmp_path / "short.json").write_text(json.dumps(SHORT), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "wrong"\napplication = "short.json"\nverdict = "review"\n'
            'reasons = ["platform.unknown"]\nearliest = "2026-12-01"\n',
        )
        result = run_suite(load_suite(path))
        assert not result.passed
        assert [
            "verdict: expected review, got fail",
            "reasons missing: platform.unknown",
            "reasons not expected: turnover.below-minimum",
            "earliest: expected 2026-12-01, got 2027-01-01",
        ] == result.cases[0].problems()

    def test_passing_case(self, tmp_path):
        """A case the policy decides as stated passes."""
        (tmp_path / "short.json").write_text(json.dumps(SHORT), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "short"\napplication = "short.json"\nverdict = "fail"\n'
            'reasons = ["turnover.below-minimum"]\nearliest = "2027-01-01"\n',
        )
        result = run_suite(load_suite(path))
        assert result.passed
        assert () == result.failed

    def test_claimed_records_are_reused(self, tmp_path):
        """Records another application holds make the case fail as reused; without claims it passes."""
        (tmp_path / "ok.json").write_text(json.dumps(ELIGIBLE), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "reused"\napplication = "ok.json"\nverdict = "fail"\n'
            'reasons = ["evidence.reused"]\n'
            'claimed = [{ platform = "Amazon US", store_id = "a1test", application_id = "OTHER" }]\n'
            '[[case]]\nname = "free"\napplication = "ok.json"\nverdict = "pass"\n',
        )
        result = run_suite(load_suite(path))
        assert [] == [p for c in result.cases for p in c.problems()]

    def test_claim_on_unknown_platform(self, tmp_path):
        """A claimed record the registry cannot hold is a suite error naming the case and holder."""
        (tmp_path / "ok.json").write_text(json.dumps(ELIGIBLE), "utf-8")
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "odd"\napplication = "ok.json"\nverdict = "pass"\n'
            'claimed = [{ platform = "Nowhere Mall", store_id = "x", application_id = "OTHER" }]\n',
        )
        with pytest.raises(SuiteError) as caught:
            run_suite(load_suite(path))
        assert str(caught.value).startswith(
            "case[0].claimed: the records claimed by 'OTHER' cannot be claimed: "
        )

    def test_rates(self, tmp_path):
        """The suite's rates convert turnover in other currencies; without them the case reviews."""
        examples = Path(__file__).parent.parent / "examples"
        case = (
            '[[case]]\nname = "two currencies"\napplication = "{app}"\nverdict = "pass"\n'
        ).format(app=(examples / "two-currencies.json").as_posix())
        with_rates = _suite(
            tmp_path,
            HEAD + f'rates = "{(examples / "rates-2026.csv").as_posix()}"\n' + case,
            "with.toml",
        )
        assert run_suite(load_suite(with_rates)).passed
        without = run_suite(load_suite(_suite(tmp_path, HEAD + case, "without.toml")))
        assert "verdict: expected pass, got review" == without.cases[0].problems()[0]

    def test_missing_rates(self, tmp_path):
        """A rates file that does not exist is a missing file."""
        path = _suite(
            tmp_path,
            HEAD + 'rates = "rates.csv"\n' + f'[[case]]\nname = "a"\napplication = {NO_STORE}\n'
            'verdict = "fail"\nreasons = ["stores.none"]\n',
        )
        with pytest.raises(SuiteError) as caught:
            load_suite(path)
        assert caught.value.missing
        assert str(caught.value).startswith("rates: no such rates file 'rates.csv'")

    def test_bad_rates_file(self, tmp_path):
        """A rates file that is not UTF-8 is a bad suite naming the file once, and the byte."""
        (tmp_path / "rates.csv").write_bytes(b"currency,month,rate_to_usd\nEUR,2026-08,1\xff\n")
        path = _suite(
            tmp_path,
            HEAD + 'rates = "rates.csv"\n' + f'[[case]]\nname = "a"\napplication = {NO_STORE}\n'
            'verdict = "fail"\nreasons = ["stores.none"]\n',
        )
        with pytest.raises(SuiteError) as caught:
            load_suite(path)
        assert not caught.value.missing
        message = str(caught.value)
        assert message.startswith(f"rates: {tmp_path / 'rates.csv'}: not UTF-8 text")
        assert 1 == message.count("rates.csv")

    def test_golden_texts(self, tmp_path):
        """A golden text that differs gives a unified diff; write_golden rewrites only it."""
        (tmp_path / "short.json").write_text(json.dumps(SHORT), "utf-8")
        (tmp_path / "g").mkdir()
        decision = evaluate(Application.from_dict(SHORT), as_of=AS_OF, registry=InMemoryRegistry())
        right = decision.explain("ms") + "\n"
        (tmp_path / "g" / "ms.txt").write_text(right, "utf-8")
        (tmp_path / "g" / "en.txt").write_text(
            decision.explain("en").replace("850.00", "851.00") + "\n", "utf-8"
        )
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "s"\napplication = "short.json"\nverdict = "fail"\n'
            'reasons = ["turnover.below-minimum"]\nexplain.en = "g/en.txt"\nexplain.ms = "g/ms.txt"\n'
            'explain.zh_CN = "g/zh.txt"\n',
        )
        result = run_suite(load_suite(path))
        problems = result.cases[0].problems()
        assert [
            f"explain.en: differs from {tmp_path / 'g' / 'en.txt'}",
            f"explain.zh_CN: no golden file {tmp_path / 'g' / 'zh.txt'}; run with --update-golden to write it",
        ] == problems
        diff = result.cases[0].golden[0].diff()
        assert diff.startswith("--- en.txt (golden)\n+++ decision now\n")
        assert "-- September 2026: turnover US$851.00" in diff
        assert "+- September 2026: turnover US$850.00" in diff
        before = (tmp_path / "g" / "ms.txt").stat().st_mtime_ns
        assert (tmp_path / "g" / "en.txt", tmp_path / "g" / "zh.txt") == write_golden(result)
        assert before == (tmp_path / "g" / "ms.txt").stat().st_mtime_ns
        assert run_suite(load_suite(path)).passed

    def test_unknown_category_at_run(self, tmp_path):
        """An application whose category the taxonomy does not know is a suite error naming the case."""
        app = _app(_store(("1200", "1300", "1400"), category="no-such-category"))
        path = _suite(
            tmp_path,
            HEAD + '[[case]]\nname = "odd"\napplication = ' + _inline(app) + '\nverdict = "pass"\n',
        )
        with pytest.raises(SuiteError) as caught:
            run_suite(load_suite(path))
        assert str(caught.value).startswith("case[0].application: in case 'odd': ")
        assert "no-such-category" in str(caught.value)


def _inline(value: object) -> str:
    # JSON objects written as TOML inline tables (keys bare, values JSON).
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return json.dumps(value)


SMALL_POLICY = """
id = "small"
version = "1"
[rule]
any_store = { all = [
  { platform_kind = { kinds = ["cross-border"] } },
  { each_month = { window = 3, rule = { min_turnover = { amount = "1000", currency = "USD" } } } },
] }
"""

MARKET_POLICY = """
id = "markets"
version = "1"
[rule]
by_market = { cases = [
  { markets = ["MY"], rule = { any_store = { platform_kind = { kinds = ["cross-border"] } } } },
], otherwise = { any_store = { each_month = { window = 3, rule = { min_turnover = { amount = "1000", currency = "USD" } } } } } }
"""


def _decide(policy, *apps: dict):
    return [evaluate(Application.from_dict(a), as_of=AS_OF, policy=policy) for a in apps]


class TestCoverage:
    def test_known_answer(self):
        """A pass and a short month reach 9 of the 15 node-verdict pairs of a five-node policy."""
        policy = load_policy(SMALL_POLICY)
        found = coverage(policy.rule, _decide(policy, ELIGIBLE, SHORT))
        assert [
            "rule",
            "rule.any_store",
            "rule.any_store.all[0]",
            "rule.any_store.all[1]",
            "rule.any_store.all[1].each_month.rule",
        ] == [n.path for n in found.nodes]
        assert (9, 15, Decimal("60.0")) == (found.reached, found.reachable, found.percent)
        platform = found.nodes[2]
        assert frozenset({Verdict.PASS}) == platform.reached
        assert ("platform.domestic", "platform.unknown") == platform.not_produced

    def test_one_case(self):
        """One passing case reaches one verdict of each node: 5 of 15, 33.3% rounded down."""
        policy = load_policy(SMALL_POLICY)
        found = coverage(policy.rule, _decide(policy, ELIGIBLE))
        assert (5, 15, Decimal("33.3")) == (found.reached, found.reachable, found.percent)

    def test_no_decisions(self):
        """No case reaches nothing."""
        found = coverage(LAZADA_CROSS_BORDER.rule, [])
        assert (0, 24, Decimal("0.0")) == (found.reached, found.reachable, found.percent)

    def test_branches_count_apart(self):
        """Nodes inside a branch are reached only by cases that take it."""
        policy = load_policy(MARKET_POLICY)
        found = coverage(policy.rule, _decide(policy, _app(_store(("1", "1", "1")), market="MY")))
        reached = {n.path: {v.value for v in n.reached} for n in found.nodes}
        assert {
            "rule": {"pass"},
            "rule.by_market.cases[0].rule": {"pass"},
            "rule.by_market.cases[0].rule.any_store": {"pass"},
            "rule.by_market.otherwise": set(),
            "rule.by_market.otherwise.any_store": set(),
            "rule.by_market.otherwise.any_store.each_month.rule": set(),
        } == reached
        other = coverage(policy.rule, _decide(policy, _app(_store(("1", "1", "1")), market="TH")))
        assert {"fail"} == {v.value for v in other.nodes[3].reached}
        assert set() == {v.value for v in other.nodes[1].reached}

    def test_combined_stores(self):
        """Under combined_stores the store checks and the month checks are each reached; the 'all' joining them counts for nothing."""
        policy = load_policy(
            'id = "c"\nversion = "1"\n[rule]\ncombined_stores = { all = [\n'
            '  { platform_kind = { kinds = ["cross-border"] } },\n'
            '  { each_month = { window = 3, rule = { min_turnover = { amount = "1000", currency = "USD" } } } },\n'
            "] }\n"
        )
        found = coverage(
            policy.rule,
            _decide(
                policy,
                _app(_store(("600", "600", "600")), _store(("600", "600", "600"), store_id="B2")),
            ),
        )
        by_path = {n.path: n for n in found.nodes}
        assert frozenset() == by_path["rule.combined_stores"].reachable
        assert {Verdict.PASS} == by_path["rule.combined_stores.all[0]"].reached
        assert {Verdict.PASS} == by_path["rule.combined_stores.all[1].each_month.rule"].reached
        assert (4, 12) == (found.reached, found.reachable)

    def test_not_and_any_paths(self):
        """Nodes below 'not' and 'any' are found by their document paths and observed."""
        policy = load_policy(
            'id = "n"\nversion = "1"\n[rule]\nall = [\n'
            '  { not = { prohibited_categories = { categories = ["mobiles"] } } },\n'
            '  { any_store = { any = [{ platform_kind = { kinds = ["domestic"] } }, { owner_is = {} }] } },\n'
            "]\n"
        )
        found = coverage(policy.rule, _decide(policy, ELIGIBLE))
        reached = {n.path: sorted(v.value for v in n.reached) for n in found.nodes}
        assert {
            "rule": ["review"],
            "rule.all[0]": ["pass"],
            "rule.all[0].not": ["fail"],
            "rule.all[1]": ["review"],
            "rule.all[1].any_store": ["review"],
            "rule.all[1].any_store.any[0]": ["fail"],
            "rule.all[1].any_store.any[1]": ["review"],
        } == reached

    def test_custom_kind(self):
        """A registered kind of one's own is a node with the verdicts of its codes."""
        from lazada_eligibility.policy import RuleParam, register_rule_kind
        from lazada_eligibility.rules import leaf_rule

        @leaf_rule("store")
        def coverage_months(store, ctx, *, months):
            """The store has turnover in at least *months* months."""
            return len({r.month for r in store.turnover}) >= months

        register_rule_kind(
            "coverage_months", coverage_months, {"months": RuleParam("int", 3)}, replace=True
        )
        policy = load_policy(
            'id = "k"\nversion = "1"\nrule = { any_store = { coverage_months = {} } }\n'
        )
        found = coverage(policy.rule, _decide(policy, ELIGIBLE))
        node = found.nodes[1]
        assert ("rule.any_store", "coverage_months") == (node.path, node.kind)
        assert frozenset(Verdict) == node.reachable
        assert frozenset({Verdict.PASS}) == node.reached

    def test_shipped_suite_covers_every_pair(self):
        """The shipped policy's own suite passes and reaches every node-verdict pair."""
        result = run_suite(load_suite(SHIPPED_SUITE))
        assert [] == [(c.case.name, c.problems()) for c in result.failed]
        assert Decimal("100.0") == result.coverage.percent
        # Suites always check reuse, so the unchecked caveat is not asked of them.
        assert [] == [n.path for n in result.coverage.nodes if "evidence.unchecked" in n.codes]
        assert ("evidence.unchecked",) == coverage(LAZADA_CROSS_BORDER.rule, []).nodes[-1].codes[
            3:4
        ]
        names = " ".join(c.case.name for c in result.cases)
        for seed in ("domestic", "short", "category", "not the applicant's own", "already used"):
            assert seed in names


LAG_POLICY = lazada_cross_border_document().replace("lag_days = 0", "lag_days = 3")


class TestGenerateSuite:
    @pytest.mark.parametrize(
        ("document", "currency"),
        [
            (lazada_cross_border_document(), "USD"),
            (LAG_POLICY, "USD"),
            (
                lazada_cross_border_document()
                .replace('currency = "USD"', 'currency = "JPY"')
                .replace('minimum = "1000"', 'minimum = "150000"'),
                "JPY",
            ),
        ],
    )
    def test_generated_cases_pass_under_their_policy(self, tmp_path, document, currency):
        """Every generated case passes under the policy that generated it."""
        (tmp_path / "policy.toml").write_text(document, "utf-8")
        policy = load_policy(tmp_path / "policy.toml")
        text = generate_suite(policy, as_of=AS_OF, policy_ref="policy.toml")
        path = _suite(tmp_path, text)
        result = run_suite(load_suite(path))
        assert [] == [(c.case.name, c.problems()) for c in result.failed]
        assert {Verdict.PASS, Verdict.FAIL} <= {c.decision.verdict for c in result.cases}
        amounts = {
            r["amount"]["amount"]
            for case in tomllib.loads(text)["case"]
            for r in case["application"]["stores"][0]["turnover"]
        }
        step = {"USD": ("999.99", "1000.01"), "JPY": ("149999", "150001")}[currency]
        assert set(step) <= amounts

    @pytest.mark.parametrize(
        ("minimum", "name", "problem"),
        [
            ("1000.01", "every month at the minimum", "verdict: expected pass, got fail"),
            ("999.99", "2026-10 one step below", "verdict: expected fail, got pass"),
        ],
    )
    def test_some_fail_under_a_changed_minimum(self, tmp_path, minimum, name, problem):
        """Cases generated for US$1,000 fail once the minimum moves by one cent either way."""
        (tmp_path / "policy.toml").write_text(lazada_cross_border_document(), "utf-8")
        text = generate_suite(LAZADA_CROSS_BORDER, as_of=AS_OF, policy_ref="policy.toml")
        changed = lazada_cross_border_document().replace(
            'minimum = "1000"', f'minimum = "{minimum}"'
        )
        (tmp_path / "policy.toml").write_text(changed, "utf-8")
        result = run_suite(load_suite(_suite(tmp_path, text)))
        failed = {c.case.name: c.problems() for c in result.failed}
        assert problem == failed[f"window 3, lag 0, minimum 1000 USD: {name}"][0]

    def test_lag_days(self):
        """With lag_days 3, a case for each lag day and the day the window moves, which alone fails."""
        policy = load_policy(LAG_POLICY)
        cases = tomllib.loads(generate_suite(policy, as_of=AS_OF, policy_ref="x"))["case"]
        lagged = [(c["as_of"], c["verdict"]) for c in cases if "as_of" in c]
        assert [
            ("2026-12-01", "pass"),
            ("2026-12-02", "pass"),
            ("2026-12-03", "pass"),
            ("2026-12-04", "fail"),
        ] == lagged

    def test_window_moves(self):
        """Without lag, the day before the window moves passes and the day it moves fails."""
        cases = tomllib.loads(generate_suite(LAZADA_CROSS_BORDER, as_of=AS_OF, policy_ref="x"))[
            "case"
        ]
        moved = [(c["as_of"], c["verdict"], c["reasons"]) for c in cases if "as_of" in c]
        assert [
            ("2026-11-30", "pass", []),
            ("2026-12-01", "fail", ["turnover.month-missing"]),
        ] == moved


def test_no_clock_read(monkeypatch, tmp_path):
    """Running a suite never reads the clock: the registry's claims are stamped with the case's day."""
    import lazada_eligibility.registry as registry_module

    def forbidden() -> dt.datetime:
        raise AssertionError("the clock was read")

    monkeypatch.setattr(registry_module, "_utc_now", forbidden)
    (tmp_path / "ok.json").write_text(json.dumps(ELIGIBLE), "utf-8")
    path = _suite(
        tmp_path,
        HEAD + '[[case]]\nname = "reused"\napplication = "ok.json"\nverdict = "fail"\n'
        'reasons = ["evidence.reused"]\n'
        'claimed = [{ platform = "Amazon US", store_id = "a1test", application_id = "OTHER" }]\n',
    )
    assert run_suite(load_suite(path)).passed


class TestGenerateProperties:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        as_of=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
        months=st.integers(min_value=1, max_value=6),
        lag=st.integers(min_value=0, max_value=5),
        cents=st.integers(min_value=0, max_value=10**8),
    )
    def test_generated_cases_always_pass(self, as_of, months, lag, cents):
        """For any day, window, lag and minimum, every generated case passes under its policy."""
        minimum = Decimal(cents).scaleb(-2)
        document = lazada_cross_border_document()
        for old, new in (("months = 3", f"months = {months}"), ("lag_days = 0", f"lag_days = {lag}"),
                         ('minimum = "1000"', f'minimum = "{minimum}"')):  # fmt: skip
            document = document.replace(old, new)
        policy = load_policy(document)
        text = generate_suite(policy, as_of=as_of, policy_ref="lazada-cross-border")
        cases = tomllib.loads(text)["case"]
        suite = attrs.evolve(load_suite_text(text), policy=policy)
        result = run_suite(suite)
        assert [] == [(c.case.name, c.problems()) for c in result.failed]
        assert (3 if cents else 2) + (2 if lag == 0 else lag + 1) == len(cases)


def load_suite_text(text: str):
    """Load a suite from its text, in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "suite.toml"
        path.write_text(text, "utf-8")
        return load_suite(path)
