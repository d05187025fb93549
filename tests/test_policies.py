"""
Tests for the shipped policies and how text output names a policy that is not one of them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Store,
    cli,
)
from lazada_eligibility._l10n import LANGUAGES
from lazada_eligibility.explain import explain, render_policy_note
from lazada_eligibility.policy import dump_policy
from lazada_eligibility.policy.shipped import SHIPPED_POLICIES, is_shipped, lazada_cross_border

EXAMPLES = Path(__file__).parent.parent / "examples"
AS_OF = "2026-11-28"
DAY = dt.date(2026, 11, 28)


def stricter():
    """The default policy at US$1,500: the shipped id and version, another rule."""
    return lazada_cross_border(minimum=Money("1500", "USD"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture
def impostor(tmp_path):
    """A policy document that takes the shipped id and version with another minimum."""
    path = tmp_path / "impostor.toml"
    path.write_text(dump_policy(stricter(), "toml"), encoding="utf-8")
    return path


class TestIsShipped:
    def test_shipped_policies(self):
        """Every shipped policy is shipped, by its digest."""
        assert all(is_shipped(p.digest) for p in SHIPPED_POLICIES)
        assert LAZADA_CROSS_BORDER in SHIPPED_POLICIES

    def test_same_id_other_rule_is_not_shipped(self):
        """A policy with the shipped id and version but another rule is not shipped."""
        policy = stricter()
        assert (LAZADA_CROSS_BORDER.id, LAZADA_CROSS_BORDER.version) == (
            policy.id,
            policy.version,
        )
        assert not is_shipped(policy.digest)

    def test_same_rule_other_id_is_not_shipped(self):
        """The shipped rule under another id is not shipped either: the digest covers the id."""
        policy = attrs.evolve(LAZADA_CROSS_BORDER, id="my-lazada")
        assert not is_shipped(policy.digest)

    def test_a_prefix_is_not_enough(self):
        """Only a whole digest is recognised, not its prefix."""
        assert not is_shipped(LAZADA_CROSS_BORDER.digest[:12])


class TestPolicyNote:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_custom_policy_names_its_digest(self, language):
        """An explanation under a policy that takes the shipped id names the digest prefix, in every language."""
        policy = stricter()
        records = [MonthlyTurnover(Month(2026, m), Money("1200", "USD")) for m in (8, 9, 10)]
        app = Application("Seller Co.", "mobiles", [Store("Amazon US", "A1", records)])
        lines = explain(policy.evaluate(app, as_of=DAY), language).splitlines()
        assert policy.digest[:12] in lines[1]
        assert policy.digest[:13] not in "\n".join(lines)
        shipped = explain(LAZADA_CROSS_BORDER.evaluate(app, as_of=DAY), language)
        assert policy.digest[:12] not in shipped
        assert LAZADA_CROSS_BORDER.digest[:12] not in shipped
        assert len(lines) == len(shipped.splitlines()) + 1

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_note_is_translated(self, language):
        """Every language has its own sentence for the note, holding the digest once."""
        note = render_policy_note("ab" * 32, language)
        assert note is not None
        assert 1 == note.count("abababababab")
        if language != "en":
            assert note != render_policy_note("ab" * 32, "en")

    def test_shipped_policy_has_no_note(self):
        """The shipped policy's decisions say nothing about a digest."""
        assert render_policy_note(LAZADA_CROSS_BORDER.digest) is None


class TestCommandLine:
    @pytest.mark.parametrize("extra", [(), ("--explain",), ("--locale", "vi")])
    def test_check_names_the_digest_of_an_impostor(self, impostor, extra):
        """The check command, given a document that reuses the shipped id, names its digest prefix."""
        status, out = run(
            "check", str(EXAMPLES / "eligible.json"), "--as-of", AS_OF,
            "--policy", str(impostor), *extra,
        )  # fmt: skip
        assert stricter().digest[:12] in out.splitlines()[1]
        assert 1 == status  # eligible.json has months under US$1,500

    def test_check_with_the_shipped_policy_names_no_digest(self, tmp_path):
        """The check command names no digest for the shipped policy, built in or as a copy of its document."""
        copy = tmp_path / "copy.toml"
        copy.write_text(dump_policy(LAZADA_CROSS_BORDER, "toml"), encoding="utf-8")
        for argv in ((), ("--policy", str(copy))):
            status, out = run("check", str(EXAMPLES / "eligible.json"), "--as-of", AS_OF, *argv)
            assert 0 == status
            assert LAZADA_CROSS_BORDER.digest[:12] not in out
            assert "digest" not in out

    def test_when_names_the_digest_of_an_impostor(self, impostor):
        """The when command, given a document that reuses the shipped id, names its digest prefix first."""
        _, out = run("when", str(EXAMPLES / "short-month.json"), "--as-of", AS_OF,
                     "--policy", str(impostor))  # fmt: skip
        assert stricter().digest[:12] in out.splitlines()[0]
        _, shipped = run("when", str(EXAMPLES / "short-month.json"), "--as-of", AS_OF)
        assert "digest" not in shipped

    def test_json_output_is_unchanged(self, impostor):
        """The JSON form already carries the whole digest and gains no note."""
        _, out = run("check", str(EXAMPLES / "eligible.json"), "--as-of", AS_OF,
                     "--policy", str(impostor), "--format", "json")  # fmt: skip
        assert stricter().digest == json.loads(out)["policy"]["digest"]
        assert "shipped" not in out
