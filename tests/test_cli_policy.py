"""Tests for the command line's policy commands: validate, show and diff."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from lazada_eligibility import Application, Verdict, cli
from lazada_eligibility.policy import dump_policy, load_policy
from lazada_eligibility.policy.diff import policy_diff
from lazada_eligibility.policy.shipped import LAZADA_CROSS_BORDER, lazada_cross_border_document

EXAMPLES = Path(__file__).parent.parent / "examples"
EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))
AS_OF = ("--as-of", "2026-11-28")
VERDICTS = (Verdict.PASS, Verdict.REVIEW, Verdict.FAIL)


def run(*argv: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit status and standard output."""
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture(name="mine")
def mine_fixture(tmp_path) -> Path:
    """A copy of the shipped default with the minimum raised to 1500 and four months."""
    text = lazada_cross_border_document()
    text = text.replace('minimum = "1000"', 'minimum = "1500"').replace("months = 3", "months = 4")
    text = text.replace('version = "2026.11"', 'version = "2027.01"')
    path = tmp_path / "mine.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(name="corpus")
def corpus_fixture(tmp_path) -> Path:
    """The examples as one JSON Lines file."""
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps(json.loads(Path(p).read_text("utf-8"))) for p in EXAMPLE_FILES]
    path.write_text("\n".join(lines) + "\n\n", "utf-8")
    return path


class TestValidate:
    """policy validate FILE."""

    def test_valid(self, mine):
        """A valid document exits 0 and prints its id, version and digest."""
        status, out = run("policy", "validate", str(mine))

        assert 0 == status
        assert (
            f"{mine}: ok: lazada-cross-border 2027.01, digest {load_policy(mine).digest} "
            "(not a shipped policy)\n" == out
        )

    def test_shipped(self, tmp_path):
        """The shipped default's own document validates and says it is the shipped policy."""
        path = tmp_path / "default.toml"
        path.write_text(lazada_cross_border_document(), "utf-8")

        status, out = run("policy", "validate", str(path))

        assert 0 == status
        assert out.endswith(f"digest {LAZADA_CROSS_BORDER.digest} (a shipped policy)\n")

    def test_reused_identity_refused(self, tmp_path, capsys):
        """A document taking the shipped id and version with another rule is refused with 65."""
        path = tmp_path / "clash.toml"
        text = lazada_cross_border_document().replace('minimum = "1000"', 'minimum = "1500"')
        path.write_text(text, "utf-8")

        status, out = run("policy", "validate", str(path))

        err = capsys.readouterr().err
        assert 65 == status
        assert "" == out
        assert "id 'lazada-cross-border' and version '2026.11' are those of a shipped policy" in err
        assert f"shipped {LAZADA_CROSS_BORDER.digest[:12]}" in err

    def test_reused_identity_warned(self, tmp_path, capsys):
        """With --allow-shipped-id the clash is a warning and the document validates."""
        path = tmp_path / "clash.toml"
        text = lazada_cross_border_document().replace("months = 3", "months = 4")
        path.write_text(text, "utf-8")

        status, out = run("policy", "validate", "--allow-shipped-id", str(path))

        assert 0 == status
        assert out.endswith("(not a shipped policy)\n")
        assert "lazada-eligibility: warning: " in capsys.readouterr().err

    def test_one_line_per_problem(self, tmp_path, capsys):
        """An invalid document exits 65 with one line per problem, naming file and path."""
        path = tmp_path / "bad.toml"
        text = lazada_cross_border_document().replace("months = 3", "months = 0")
        path.write_text(text.replace('kinds = ["cross-border"]', 'kinds = ["overseas"]'), "utf-8")

        status, out = run("policy", "validate", str(path))

        assert (65, "") == (status, out)
        kinds = "rule.all[0].any_store.all[0].platform_kind.kinds[0]"
        window = "rule.all[0].any_store.all[2].each_month.window"
        assert [
            (
                f"lazada-eligibility: {path}: {kinds}: "
                "expected one of 'cross-border', 'domestic', got 'overseas'"
            ),
            (
                f"lazada-eligibility: {path}: params.months: must be at least 1, got 0 "
                f"(used at {window})"
            ),
        ] == capsys.readouterr().err.splitlines()

    def test_not_toml(self, tmp_path, capsys):
        """A document that does not parse exits 65 naming the line."""
        path = tmp_path / "bad.toml"
        path.write_text('id = "x"\nid = "y"\n', "utf-8")

        assert 65 == run("policy", "validate", str(path))[0]
        assert "line 2" in capsys.readouterr().err

    def test_missing_file(self, capsys):
        """A missing file exits 66."""
        assert 66 == run("policy", "validate", "no/such.toml")[0]
        assert "no/such.toml: no such policy file" in capsys.readouterr().err

    @pytest.mark.parametrize("argv", [["policy"], ["policy", "validate"], ["policy", "frob"]])
    def test_usage(self, argv, capsys):
        """Missing or unknown arguments exit 64."""
        assert 64 == run(*argv)[0]
        assert "usage:" in capsys.readouterr().err


class TestShow:
    """policy show FILE."""

    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_canonical_form_and_digest(self, mine, fmt, capsys):
        """The canonical form goes to standard output and the digest to standard error."""
        policy = load_policy(mine)

        status, out = run("policy", "show", str(mine), "--format", fmt)

        assert (0, dump_policy(policy, fmt)) == (status, out)
        assert f"digest {policy.digest}\n" == capsys.readouterr().err
        assert policy == load_policy(out)

    def test_default(self):
        """The word 'default' shows the built-in policy."""
        assert (0, dump_policy(LAZADA_CROSS_BORDER)) == run("policy", "show", "default")

    def test_invalid(self, tmp_path, capsys):
        """An invalid document exits 65, as validate does."""
        path = tmp_path / "bad.json"
        path.write_text('{"id": "x", "version": "1", "rule": {"nope": {}}}', "utf-8")

        assert 65 == run("policy", "show", str(path))[0]
        assert f"lazada-eligibility: {path}: rule.nope: unknown rule kind 'nope'\n" == (
            capsys.readouterr().err
        )


class TestDiff:
    """policy diff OLD NEW APPLICATIONS."""

    def test_text(self, mine, corpus):
        """The text report names both policies, counts every pair and lists the changes."""
        apps = [
            Application.from_dict(json.loads(line))
            for line in corpus.read_text().splitlines()
            if line
        ]
        diff = policy_diff(
            LAZADA_CROSS_BORDER, load_policy(mine), apps, as_of=dt.date(2026, 11, 28)
        )

        status, out = run("policy", "diff", "default", str(mine), str(corpus), *AS_OF)

        lines = out.splitlines()
        assert 0 == status
        assert (
            f"old: lazada-cross-border 2026.11 (digest {LAZADA_CROSS_BORDER.digest[:12]})"
            == (lines[0])
        )
        moved = [c for c in diff.changed if c.verdict_changed]
        others = len(diff.changed) - len(moved)
        assert (
            f"5 applications decided as of 2026-11-28; {len(moved)} verdicts moved, "
            f"{others} with other reasons only" == lines[2]
        )
        assert "old \\ new     pass  review    fail" == lines[4]
        assert [f"{v.value:<10}" + "".join(f"{diff.counts[v, w]:>8}" for w in VERDICTS)
                for v in VERDICTS] == lines[5:8]  # fmt: skip
        assert [str(c) for c in moved] == lines[9:]
        assert (
            "APP-2026-0001: pass -> fail (turnover.below-minimum, turnover.month-missing)" in lines
        )
        assert others > 0

    def test_changed_reasons(self, mine, corpus):
        """--changed reasons also lists applications whose reasons changed with the same verdict."""
        apps = [Application.from_dict(json.loads(x)) for x in corpus.read_text().splitlines() if x]
        diff = policy_diff(
            LAZADA_CROSS_BORDER, load_policy(mine), apps, as_of=dt.date(2026, 11, 28)
        )
        argv = ("policy", "diff", "default", str(mine), str(corpus), *AS_OF, "--changed", "reasons")

        text = run(*argv)[1].splitlines()
        data = json.loads(run(*argv, "--format", "json")[1])
        only_verdicts = json.loads(run(*argv[:-2], "--format", "json")[1])

        assert [str(c) for c in diff.changed] == text[9:]
        assert len(diff.changed) == len(data["changed"])
        assert sum(c.verdict_changed for c in diff.changed) == len(only_verdicts["changed"])
        assert all(c["old"]["verdict"] != c["new"]["verdict"] for c in only_verdicts["changed"])

    def test_json_files_and_json_format(self, mine):
        """Example .json files are read as applications; --format json is the summary."""
        status, out = run(
            "policy", "diff", "default", str(mine), *EXAMPLE_FILES, *AS_OF, "--format", "json"
        )

        data = json.loads(out)
        assert 0 == status
        assert len(EXAMPLE_FILES) == data["total"]
        assert load_policy(mine).digest == data["new"]["digest"]

    def test_rates(self, mine, corpus):
        """--rates reaches both policies: the two-currency example passes under the old."""
        rates = str(EXAMPLES / "rates-2026.csv")
        argv = ("policy", "diff", "default", str(mine), str(corpus), *AS_OF, "--format", "json")

        with_rates = json.loads(run(*argv, "--rates", rates)[1])
        without = json.loads(run(*argv)[1])

        def passed(data):
            return sum(c["count"] for c in data["counts"] if c["old"] == "pass")

        assert passed(with_rates) == passed(without) + 1

    def test_a_list_in_a_json_file(self, mine, tmp_path):
        """A .json file may hold a list of applications."""
        path = tmp_path / "apps.json"
        apps = [json.loads(Path(p).read_text("utf-8")) for p in EXAMPLE_FILES]
        path.write_text(json.dumps(apps), "utf-8")

        out = run("policy", "diff", "default", str(mine), str(path), *AS_OF, "--format", "json")[1]

        assert len(apps) == json.loads(out)["total"]

    def test_stdin(self, mine, corpus, monkeypatch):
        """'-' reads JSON Lines from standard input."""
        stdin = io.TextIOWrapper(io.BytesIO(corpus.read_bytes()), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", stdin)

        out = run("policy", "diff", str(mine), "default", "-", *AS_OF, "--format", "json")[1]

        assert 5 == json.loads(out)["total"]

    def test_bad_line(self, mine, tmp_path, capsys):
        """A bad application is reported naming the file and line, skipped, and the status is 65."""
        path = tmp_path / "apps.jsonl"
        path.write_text('{"applicant": "x", "category": "mobiles", "stores": []}\n{"x": 1}\n')

        status, out = run("policy", "diff", "default", str(mine), str(path), *AS_OF)

        assert 65 == status
        assert f"{path}:2: " in capsys.readouterr().err
        assert "1 applications decided" in out
        assert "1 bad input lines skipped" in out

    def test_known_answer_over_a_mixed_file(self, mine, corpus, tmp_path, capsys):
        """Over good lines mixed with bad ones, the counts are those of the good lines alone."""
        good = [x for x in corpus.read_text().splitlines() if x]
        bad = ["[1,", '{"x": 1}', "[1]", '{"applicant": "x", "category": "no-such", "stores": []}']
        path = tmp_path / "mixed.jsonl"
        path.write_text(
            "\n".join(x for pair in zip(good, [*bad, ""], strict=False) for x in pair) + "\n"
        )
        apps = [Application.from_dict(json.loads(x)) for x in good]
        diff = policy_diff(
            LAZADA_CROSS_BORDER, load_policy(mine), apps, as_of=dt.date(2026, 11, 28)
        )

        status, out = run(
            "policy", "diff", "default", str(mine), str(path), *AS_OF, "--format", "json"
        )

        data = json.loads(out)
        err = capsys.readouterr().err.splitlines()
        assert 65 == status
        assert len(good) == data["total"]
        assert {(o.value, n.value): k for (o, n), k in diff.counts.items()} == {
            (c["old"], c["new"]): c["count"] for c in data["counts"]
        }
        assert [f"{path}:{2 * i + 2}" for i in range(len(bad))] == [
            e.removeprefix("lazada-eligibility: ").split(": ")[0] for e in err
        ]
        assert len(bad) == len(data["skipped"])

    def test_not_json_line(self, mine, tmp_path, capsys):
        """A line that is not JSON is skipped, naming the file and line; the status is 65."""
        path = tmp_path / "apps.jsonl"
        path.write_text("[1,\n")

        assert 65 == run("policy", "diff", "default", str(mine), str(path), *AS_OF)[0]
        assert f"{path}:1: not JSON" in capsys.readouterr().err

    def test_not_an_object(self, mine, tmp_path, capsys):
        """A JSON value that is not an object is not an application."""
        path = tmp_path / "apps.jsonl"
        path.write_text("[1]\n")

        assert 65 == run("policy", "diff", "default", str(mine), str(path), *AS_OF)[0]
        assert "expected an application" in capsys.readouterr().err

    def test_missing_inputs(self, mine, corpus):
        """A missing policy or applications file exits 66."""
        assert 66 == run("policy", "diff", "default", "no.toml", str(corpus), *AS_OF)[0]
        assert 66 == run("policy", "diff", "default", str(mine), "no.jsonl", *AS_OF)[0]

    def test_bad_as_of(self, mine, corpus):
        """A malformed --as-of is a usage error."""
        assert 64 == run("policy", "diff", "default", str(mine), str(corpus), "--as-of", "x")[0]


class TestCheckWithPolicy:
    """check --policy FILE evaluates with a policy document."""

    def test_check_with_the_copy(self, mine):
        """The eligible example fails under the raised minimum and passes under the default."""
        example = str(EXAMPLES / "eligible.json")

        assert 0 == run("check", example, *AS_OF)[0]
        assert 1 == run("check", example, *AS_OF, "--policy", str(mine))[0]
