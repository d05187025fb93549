"""Tests for ``lazada-eligibility policy test``: exit statuses, reports, golden texts and --generate."""

from __future__ import annotations

import io
import json
import shlex
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lazada_eligibility import cli
from lazada_eligibility.policy.shipped import lazada_cross_border_document

PACKAGE = Path(__file__).parent.parent / "src" / "lazada_eligibility"
SHIPPED_SUITE = PACKAGE / "policy" / "shipped" / "lazada-cross-border.suite.toml"


def run(*argv: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit status and standard output."""
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


def _store(amounts: tuple[str, ...]) -> dict:
    return {
        "platform": "amazon.com",
        "store_id": "A1CLI",
        "category": "mobiles",
        "turnover": [
            {"month": m, "amount": {"amount": a, "currency": "USD"}}
            for m, a in zip(("2026-08", "2026-09", "2026-10"), amounts, strict=True)
        ],
    }


HEAD = 'policy = "lazada-cross-border"\nas_of = "2026-11-28"\n'


@pytest.fixture(name="suite")
def suite_fixture(tmp_path) -> Path:
    """A suite with a passing case, a failing case and a golden text that differs."""
    apps = tmp_path / "applications"
    apps.mkdir()
    short = {
        "applicant": "Seller Co.",
        "category": "mobiles",
        "stores": [_store(("1200", "850", "1400"))],
    }
    (apps / "short.json").write_text(json.dumps(short), "utf-8")
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "short.en.txt").write_text("Eligible.\n", "utf-8")
    path = tmp_path / "suite.toml"
    path.write_text(
        HEAD
        + '[[case]]\nname = "short"\napplication = "applications/short.json"\nverdict = "fail"\n'
        'reasons = ["turnover.below-minimum"]\nexplain.en = "golden/short.en.txt"\n'
        '[[case]]\nname = "wrongly expected to pass"\napplication = "applications/short.json"\n'
        'verdict = "pass"\nearliest = "2026-11-28"\n',
        "utf-8",
    )
    return path


@pytest.fixture(name="good")
def good_fixture(tmp_path) -> Path:
    """A suite whose one case passes."""
    path = tmp_path / "good.toml"
    path.write_text(
        HEAD + '[[case]]\nname = "none"\n'
        'application = { applicant = "Seller Co.", category = "mobiles", stores = [] }\n'
        'verdict = "fail"\nreasons = ["stores.none"]\n',
        "utf-8",
    )
    return path


class TestExitStatus:
    def test_all_pass(self, good):
        """Every case passing exits 0."""
        assert 0 == run("policy", "test", str(good))[0]

    def test_failing_case(self, suite):
        """A failing case exits 1."""
        assert 1 == run("policy", "test", str(suite))[0]

    def test_below_min_coverage(self, good):
        """A passing suite below --min-coverage exits 1 and says so."""
        status, out = run("policy", "test", str(good), "--min-coverage", "50")
        assert 1 == status
        assert "coverage 12.5% is below the minimum of 50%" in out

    def test_at_min_coverage(self, good):
        """Coverage equal to --min-coverage passes."""
        assert 0 == run("policy", "test", str(good), "--min-coverage", "12.5")[0]

    def test_bad_suite(self, tmp_path, capsys):
        """A bad suite exits 65, one line per problem naming the file and key path."""
        path = tmp_path / "bad.toml"
        path.write_text(
            HEAD + '[[case]]\nname = "x"\napplication = {}\nverdict = "maybe"\n', "utf-8"
        )
        assert 65 == run("policy", "test", str(path))[0]
        err = capsys.readouterr().err
        assert (
            f"lazada-eligibility: {path}: case[0].verdict: expected pass, fail or review, got 'maybe'"
            in err
        )
        assert (
            f"lazada-eligibility: {path}: case[0].application: in case 'x': not a valid application:"
            in err
        )

    def test_missing_application(self, tmp_path, capsys):
        """A missing application file exits 66, naming the case and the file."""
        path = tmp_path / "suite.toml"
        path.write_text(
            HEAD + '[[case]]\nname = "x"\napplication = "gone.json"\nverdict = "pass"\n', "utf-8"
        )
        assert 66 == run("policy", "test", str(path))[0]
        assert (
            "case[0].application: in case 'x': no such file 'gone.json'" in capsys.readouterr().err
        )

    def test_missing_suite(self, tmp_path, capsys):
        """A missing suite file exits 66."""
        assert 66 == run("policy", "test", str(tmp_path / "nope.toml"))[0]
        assert "nope.toml: no such suite file" in capsys.readouterr().err

    @pytest.mark.parametrize("value", ["101", "-1", "lots", "nan"])
    def test_bad_min_coverage(self, good, value):
        """A --min-coverage that is not a percentage is a usage error."""
        assert 64 == run("policy", "test", str(good), "--min-coverage", value)[0]

    def test_output_without_generate(self, good):
        """-o without --generate is a usage error, not silently ignored."""
        assert 64 == run("policy", "test", str(good), "-o", "x.toml")[0]

    def test_as_of_without_generate(self, good):
        """--as-of without --generate is a usage error: a suite says its own day."""
        assert 64 == run("policy", "test", str(good), "--as-of", "2026-01-01")[0]


class TestReport:
    def test_text(self, suite):
        """The text report shows each failing case with expected against got and the golden diff."""
        _, out = run("policy", "test", str(suite))
        assert "FAIL case[0] 'short'" in out
        assert "  explain.en: differs from" in out
        assert "    --- short.en.txt (golden)" in out
        assert "    -Eligible." in out
        assert "    +Not eligible under policy lazada-cross-border (version 2026.11)." in out
        assert "FAIL case[1] 'wrongly expected to pass'" in out
        assert "  verdict: expected pass, got fail" in out
        assert "  reasons not expected: turnover.below-minimum" in out
        assert "  earliest: expected 2026-11-28, got 2027-01-01" in out
        assert "2 cases: 0 passed, 2 failed" in out
        assert "coverage: 9 of 24 node-verdict pairs reached (37.5%)" in out
        assert "    rule.all[0].any_store.all[0]: platform.domestic, platform.unknown" in out

    def test_json(self, suite):
        """The JSON report has each case's expected and got, and the coverage per node."""
        status, out = run("policy", "test", str(suite), "--format", "json")
        data = json.loads(out)
        assert 1 == status
        assert data["passed"] is False
        [report] = data["suites"]
        second = report["cases"][1]
        assert {"verdict": "pass", "reasons": [], "earliest": "2026-11-28"} == second["expected"]
        assert {
            "verdict": "fail",
            "reasons": ["turnover.below-minimum"],
            "earliest": "2027-01-01",
        } == second["got"]
        assert "37.5" == report["coverage"]["percent"]
        assert "rule.all[1]" == report["coverage"]["nodes"][7]["path"]

    def test_junit(self, suite):
        """JUnit XML has one testcase per case (and one for coverage), failures with messages."""
        status, out = run("policy", "test", str(suite), "--format", "junit", "--min-coverage", "90")
        assert 1 == status
        root = ET.fromstring(out.encode())  # noqa: S314 -- our own output
        assert "testsuites" == root.tag
        assert ("3", "3") == (root.get("tests"), root.get("failures"))
        [testsuite] = root.findall("testsuite")
        cases = testsuite.findall("testcase")
        assert ["short", "wrongly expected to pass", "coverage >= 90%"] == [
            c.get("name") for c in cases
        ]
        assert all(c.get("classname") == "lazada-cross-border.2026.11" for c in cases)
        failures = [c.find("failure") for c in cases]
        assert failures[1].get("message").startswith("verdict: expected pass, got fail")
        assert "coverage 37.5% is below the minimum of 90%" == failures[2].get("message")
        assert "--- short.en.txt (golden)" in failures[0].text
        props = {p.get("name"): p.get("value") for p in testsuite.iter("property")}
        assert "37.5" == props["coverage"]

    def test_junit_all_pass(self, good):
        """A passing suite's JUnit XML has testcases without failures."""
        _, out = run("policy", "test", str(good), "--format", "junit")
        root = ET.fromstring(out.encode())  # noqa: S314 -- our own output
        assert ("1", "0") == (root.get("tests"), root.get("failures"))
        assert root.find("testsuite/testcase/failure") is None

    def test_several_suites(self, suite, good):
        """Several suites are each reported; one failing case fails the run."""
        status, out = run("policy", "test", str(good), str(suite))
        assert 1 == status
        assert "1 cases: 1 passed, 0 failed" in out
        assert "2 cases: 0 passed, 2 failed" in out


class TestUpdateGolden:
    def test_rewrites_only_what_differs(self, suite, tmp_path, capsys):
        """--update-golden rewrites the differing golden text, says which, and the case then passes."""
        status, _ = run("policy", "test", str(suite), "--update-golden")
        assert 1 == status  # the other case still fails
        assert (
            f"updated golden text {tmp_path / 'golden' / 'short.en.txt'}" in capsys.readouterr().err
        )
        assert (tmp_path / "golden" / "short.en.txt").read_text("utf-8").startswith("Not eligible")
        _, out = run("policy", "test", str(suite))
        assert "FAIL case[0]" not in out
        run("policy", "test", str(suite), "--update-golden")
        assert "updated" not in capsys.readouterr().err


class TestGenerate:
    def test_to_a_file(self, tmp_path, capsys):
        """--generate -o writes a suite naming the policy relative to itself; it passes as written."""
        (tmp_path / "policies").mkdir()
        policy = tmp_path / "policies" / "mine.toml"
        policy.write_text(lazada_cross_border_document().replace('"2026.11"', '"2027.01"'), "utf-8")
        (tmp_path / "suites").mkdir()
        out_file = tmp_path / "suites" / "boundaries.toml"
        status, _ = run(
            "policy",
            "test",
            str(policy),
            "--generate",
            "--as-of",
            "2026-11-28",
            "-o",
            str(out_file),
        )
        assert 0 == status
        assert "wrote 5 cases to" in capsys.readouterr().err
        assert "../policies/mine.toml" == tomllib.loads(out_file.read_text("utf-8"))["policy"]
        assert 0 == run("policy", "test", str(out_file), "--min-coverage", "40")[0]

    def test_to_standard_output(self):
        """--generate without -o prints the suite."""
        status, out = run(
            "policy", "test", "lazada-cross-border", "--generate", "--as-of", "2026-11-28"
        )
        assert 0 == status
        assert 5 == len(tomllib.loads(out)["case"])

    def test_template(self, tmp_path):
        """--template varies the given application's first store."""
        template = {
            "id": "T",
            "applicant": "Template Co.",
            "category": "mobiles",
            "stores": [_store(("1", "1", "1"))],
        }
        (tmp_path / "t.json").write_text(json.dumps(template), "utf-8")
        _, out = run(
            "policy",
            "test",
            "default",
            "--generate",
            "--as-of",
            "2026-11-28",
            "--template",
            str(tmp_path / "t.json"),
        )
        cases = tomllib.loads(out)["case"]
        assert {"Template Co."} == {c["application"]["applicant"] for c in cases}

    def test_missing_policy(self, tmp_path):
        """--generate with a policy that does not exist exits 66."""
        assert 66 == run("policy", "test", str(tmp_path / "nope.toml"), "--generate")[0]

    def test_generate_with_report_options(self):
        """--generate with options of a run is a usage error."""
        assert 64 == run("policy", "test", "default", "--generate", "--format", "junit")[0]

    def test_unwritable_output(self, tmp_path):
        """An output file that cannot be created exits 73."""
        target = tmp_path / "no-such-dir" / "suite.toml"
        assert (
            73
            == run(
                "policy",
                "test",
                "default",
                "--generate",
                "--as-of",
                "2026-11-28",
                "-o",
                str(target),
            )[0]
        )


def test_shipped_suite():
    """The shipped default policy's suite passes with every node-verdict pair reached, as .ci/run runs it."""
    status, out = run("policy", "test", str(SHIPPED_SUITE), "--min-coverage", "100")
    assert 0 == status, out
    assert "coverage: 24 of 24 node-verdict pairs reached (100.0%)" in out


DOCS = Path(__file__).parent.parent / "docs" / "policy-files.md"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _fenced(text: str, kind: str) -> list[str]:
    """The bodies of the page's fenced blocks of *kind*, in order."""
    found, lines, at = [], text.splitlines(), 0
    while at < len(lines):
        if lines[at] == f"```{kind}":
            end = lines.index("```", at + 1)
            found.append("\n".join(lines[at + 1 : end]) + "\n")
            at = end
        at += 1
    return found


class TestPolicyFilesPage:
    def test_test_section_output_is_real(self, tmp_path, monkeypatch, capsys):
        """The 'Test it' section's commands, run on its suite, print exactly what the page shows."""
        page = DOCS.read_text("utf-8")
        [suite_text] = [b for b in _fenced(page, "toml") if "[[case]]" in b]
        runs = [
            b for b in _fenced(page, "console") if b.startswith("$ lazada-eligibility policy test")
        ]
        assert 3 == len(runs)
        document = lazada_cross_border_document()
        for old, new in (('id = "lazada-cross-border"', 'id = "my-lazada"'),
                         ('version = "2026.11"', 'version = "2027.1"'),
                         ("months = 3", "months = 4"), ('minimum = "1000"', 'minimum = "1500"')):  # fmt: skip
            document = document.replace(old, new)
        (tmp_path / "my-policy.toml").write_text(document, "utf-8")
        (tmp_path / "examples").symlink_to(EXAMPLES)
        monkeypatch.chdir(tmp_path)
        # As the page says: the first run is of the suite with the earliest date mistaken.
        first = suite_text.replace('earliest = "2027-02-01"', 'earliest = "2027-03-01"')
        assert first != suite_text
        for suite, block in zip((first, suite_text, suite_text), runs, strict=True):
            (tmp_path / "my-policy.suite.toml").write_text(suite, "utf-8")
            command, _, shown = block.partition("\n")
            capsys.readouterr()
            _, out = run(*shlex.split(command.removeprefix("$ lazada-eligibility ")))
            assert shown == capsys.readouterr().err + out
        generated = tomllib.loads((tmp_path / "my-policy.boundaries.toml").read_text("utf-8"))
        assert "my-policy.toml" == generated["policy"]
