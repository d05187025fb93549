"""
Tests for replay: recorded decisions decided again, line by line, naming the input that changed.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    LAZADA_CATEGORIES,
    Application,
    InMemoryRegistry,
    Money,
    Month,
    MonthlyTurnover,
    PlatformCatalog,
    RateTable,
    Store,
    cli,
    evaluate,
)
from lazada_eligibility.batch._io import LineTooLong
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.replay import ReplayStatus, replay
from strategies import AS_OF
from test_batch import EXAMPLES, RATES, corpus

RATES_FILE = str(EXAMPLES / "rates-2026.csv")
N = 40


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A corpus, and its decisions from batch in both details, recorded once."""
    root = tmp_path_factory.mktemp("replay")
    apps = root / "apps.jsonl"
    apps.write_text("".join(json.dumps(a) + "\n" for a in corpus(N)), "utf-8")
    found = {"apps": apps}
    for detail in ("summary", "full"):
        out = root / f"{detail}.jsonl"
        status, _ = run(
            "batch", str(apps), "-o", str(out), "--as-of", "2026-11-28",
            "--rates", RATES_FILE, "--detail", detail,
        )  # fmt: skip
        assert status in {0, 1, 2}
        found[detail] = out
    return found


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def _apps() -> list[dict[str, object]]:
    return corpus(N)


class TestSameInputs:
    @pytest.mark.parametrize("detail", ["summary", "full"])
    def test_batch_output_replays_identical(self, files, detail):
        """Every line of a batch run replays identical on the same inputs, naming no changed input."""
        report = replay(_lines(files[detail]), _lines(files["apps"]), rates=RATES)
        assert {"identical": N, "differs": 0, "error": 0} == report.counts
        assert all(r.changed == () for r in report.lines)
        assert report.identical

    def test_check_json_decisions_replay_identical(self):
        """Decisions as check --format json writes them replay identical."""
        apps = _apps()[:10]
        decisions = [
            evaluate(Application.from_dict(a), as_of=AS_OF, rates=RATES).to_json() for a in apps
        ]
        report = replay(decisions, [json.dumps(a) for a in apps], rates=RATES)
        assert report.identical

    def test_the_registry_state_is_replayed_from_the_record(self):
        """A decision that found a store reused replays identical with no registry at hand."""
        registry = InMemoryRegistry()
        holder = Application.from_dict({**_apps()[0], "id": "HOLDER", "applicant": "Someone"})
        registry.claim(holder)
        app = Application.from_dict(_apps()[0])
        decision = evaluate(app, as_of=AS_OF, rates=RATES, registry=registry)
        assert "evidence.reused" in {r.code for r in decision.reasons}
        [line] = replay([decision.to_json()], [app], rates=RATES).lines
        assert (ReplayStatus.IDENTICAL, ()) == (line.status, line.changed)


class TestRegistryNow:
    def test_a_registry_given_now_replaces_the_recorded_state(self):
        """Against a registry that now holds a store for another application, the registry is named."""
        app = Application.from_dict(_apps()[0])
        recorded = evaluate(app, as_of=AS_OF, rates=RATES, registry=InMemoryRegistry())
        registry = InMemoryRegistry()
        registry.claim(
            Application.from_dict({**_apps()[0], "id": "HOLDER", "applicant": "Someone"})
        )
        [line] = replay([recorded.to_json()], [app], rates=RATES, registry=registry).lines
        assert ReplayStatus.DIFFERS is line.status
        assert ("registry",) == line.changed
        assert "evidence.reused" in line.added

    def test_the_application_s_own_claims_are_not_reuse(self):
        """A registry holding the application's own claims (made when it passed) replays identical."""
        app = Application.from_dict(_apps()[0])
        recorded = evaluate(app, as_of=AS_OF, rates=RATES, registry=InMemoryRegistry())
        registry = InMemoryRegistry()
        registry.claim(app)
        [line] = replay([recorded.to_json()], [app], rates=RATES, registry=registry).lines
        assert (ReplayStatus.IDENTICAL, ()) == (line.status, line.changed)

    def test_the_command_reads_a_registry_file(self, tmp_path):
        """The command with --registry DB checks reuse against that SQLite file, read-only, naming the registry."""
        from lazada_eligibility import SqliteRegistry

        db = tmp_path / "claims.db"
        with SqliteRegistry(db) as registry:
            registry.claim(
                Application.from_dict({**_apps()[0], "id": "HOLDER", "applicant": "Someone"})
            )
        app = _apps()[0]
        decision = evaluate(Application.from_dict(app), as_of=AS_OF, rates=RATES)
        d, a = tmp_path / "d.jsonl", tmp_path / "a.jsonl"
        d.write_text(decision.to_json() + "\n", "utf-8")
        a.write_text(json.dumps(app) + "\n", "utf-8")
        status, out = run("replay", str(d), str(a), "--rates", RATES_FILE, "--registry", str(db))
        assert 1 == status
        assert "inputs changed: registry; reasons added: evidence.reused" in out


class TestChangedInputs:
    def test_a_changed_platform_catalog_is_named(self, files):
        """Making a cross-border platform domestic changes lines, and the platforms are named."""
        data = DEFAULT_PLATFORMS.to_dict()
        for platform in data["platforms"]:
            if platform["id"] == "aliexpress.com":
                platform["kind"] = "domestic"
        catalog = PlatformCatalog.from_dict(data)
        report = replay(
            _lines(files["summary"]), _lines(files["apps"]), rates=RATES, platforms=catalog
        )
        differs = [r for r in report.lines if r.status is ReplayStatus.DIFFERS]
        assert differs
        assert all(r.changed == ("platforms",) for r in report.lines)
        assert any("platform.domestic" in r.added for r in differs)

    def test_a_changed_taxonomy_is_named_even_when_decisions_stay(self, files):
        """A new group changes the taxonomy digest; lines it does not affect stay identical."""
        taxonomy = LAZADA_CATEGORIES.with_group("phones", ["mobiles"])
        report = replay(
            _lines(files["full"]), _lines(files["apps"]), rates=RATES, categories=taxonomy
        )
        assert all(r.changed == ("categories",) for r in report.lines)
        assert N == report.counts["identical"]

    def test_changed_rates_are_named(self, files):
        """Replaying without the rates names the rates for lines that used one."""
        report = replay(_lines(files["full"]), _lines(files["apps"]))
        differs = [r for r in report.lines if r.status is ReplayStatus.DIFFERS]
        assert differs
        assert all(r.changed == ("rates",) for r in differs)
        assert any("fx.rate-missing" in r.added for r in differs)
        same = [r for r in report.lines if r.status is ReplayStatus.IDENTICAL]
        assert all(r.changed in {(), ("rates",)} for r in same)

    def test_one_changed_rate_value_is_named(self, files):
        """Another value for one used rate is named as rates on the lines that used it, and only them."""
        rows = [(c, m, r) for (c, m), r in RATES.items()]
        bumped = RateTable.from_rows([(c, m, r * 2 if c == "EUR" else r) for c, m, r in rows])
        report = replay(_lines(files["summary"]), _lines(files["apps"]), rates=bumped)
        named = [r for r in report.lines if r.changed]
        assert named
        assert all(r.changed == ("rates",) for r in named)
        for r in named:
            assert any(
                rec["amount"]["currency"] == "EUR"
                for s in _apps()[r.line - 1]["stores"]
                for rec in s["turnover"]
            )

    def test_a_changed_policy_is_named_with_the_reasons_that_moved(self, files):
        """A higher minimum turns passes into fails; the policy is named and the new reason added."""
        policy = lazada_cross_border(minimum=Money("2000", "USD"))
        report = replay(_lines(files["full"]), _lines(files["apps"]), rates=RATES, policy=policy)
        moved = [r for r in report.lines if r.recorded == "pass" and r.now == "fail"]
        assert moved
        assert all("policy" in r.changed for r in report.lines)
        assert all("turnover.below-minimum" in r.added for r in moved)

    def test_another_library_version_is_named(self, files):
        """A line recorded by another version names the library."""
        first = json.loads(_lines(files["summary"])[0])
        first["provenance"]["library"] = "0.0.1"
        [line] = replay([json.dumps(first)], _lines(files["apps"])[:1], rates=RATES).lines
        assert ("library",) == line.changed
        assert ReplayStatus.IDENTICAL is line.status


def _one(decision: object, application: object | None = None) -> tuple[ReplayStatus, str]:
    app = _apps()[0] if application is None else application
    [line] = replay([decision], [app], rates=RATES).lines
    return line.status, line.message or ""


def _recorded(detail: str = "full") -> dict[str, object]:
    decision = evaluate(Application.from_dict(_apps()[0]), as_of=AS_OF, rates=RATES)
    if detail == "full":
        return {"line": 1, **decision.to_dict()}
    from lazada_eligibility.batch._summary import summary_record

    return json.loads(json.dumps(summary_record(1, decision)))


class TestBadLines:
    @pytest.mark.parametrize(
        ("decision", "words"),
        [
            (b"{not json", "decisions line 1: "),
            (b"[1, 2]", "expected a decision as a JSON object, got list"),
            (b'{"hello": 1}', "not a decision, a batch summary line or a batch error line"),
            (LineTooLong(5_000_000), "decisions line 1: "),
            (b"\xff\xfe", "decisions line 1: "),
        ],
    )
    def test_garbage_lines_are_reported_on_their_line(self, decision, words):
        """Garbage gives an error line naming the file and line, never an exception."""
        status, message = _one(decision)
        assert ReplayStatus.ERROR is status
        assert words in message

    @pytest.mark.parametrize(
        ("detail", "key", "value", "words"),
        [
            ("full", "platforms", "abc", "provenance.platforms: expected a SHA-256 digest"),
            ("full", "rates", {"digest": "0" * 64, "used": []}, "provenance.rates.digest"),
            ("summary", "categories", "xyz", "provenance.categories: expected a SHA-256 digest"),
            ("summary", "rates", None, "provenance.rates: expected a SHA-256 digest"),
            ("summary", "library", 3, "provenance.library: expected non-empty text"),
        ],
    )
    def test_a_tampered_provenance_is_reported(self, detail, key, value, words):
        """A bad digest in a full or summary line is an error naming the line and the key."""
        record = _recorded(detail)
        record["provenance"][key] = value  # type: ignore[index]
        status, message = _one(json.dumps(record))
        assert ReplayStatus.ERROR is status
        assert message.startswith("decisions line 1: ")
        assert words in message

    @pytest.mark.parametrize("key", ["as_of", "policy_digest", "verdict"])
    def test_a_summary_line_missing_a_key_is_reported(self, key):
        """A summary line without its date, policy digest or verdict is refused naming the key."""
        record = _recorded("summary")
        record.pop(key)
        status, message = _one(json.dumps(record))
        assert ReplayStatus.ERROR is status
        if key != "policy_digest":
            assert f"{key}: " in message

    def test_a_decision_for_another_application_is_refused(self):
        """The decision of application 0 beside application 1 is refused on that line."""
        status, message = _one(json.dumps(_recorded()), _apps()[1])
        assert ReplayStatus.ERROR is status
        assert (
            "is for application 'APP-00000', but applications line 1 is application 'APP-00001'"
            in message
        )

    def test_a_decision_of_another_line_is_refused(self):
        """A record that says it is line 7 is not the decision of line 1."""
        record = {**_recorded(), "line": 7}
        status, message = _one(json.dumps(record))
        assert ReplayStatus.ERROR is status
        assert "the record says it is line 7" in message

    def test_files_of_different_lengths_report_the_missing_lines(self, files):
        """Extra lines on either side are error lines; the others still replay."""
        decisions, apps = _lines(files["summary"]), _lines(files["apps"])
        report = replay(decisions[:3], apps[:5], rates=RATES)
        assert [ReplayStatus.IDENTICAL] * 3 + [ReplayStatus.ERROR] * 2 == [
            r.status for r in report.lines
        ]
        assert "applications have more lines" in (report.lines[3].message or "")
        report = replay(decisions[:2], apps[:1], rates=RATES)
        assert "decisions have more lines" in (report.lines[1].message or "")

    def test_a_bad_application_line_is_reported(self):
        """An application line that is not an application is an error naming the applications file."""
        status, message = _one(json.dumps(_recorded()), b'{"applicant": 5}')
        assert ReplayStatus.ERROR is status
        assert message.startswith("applications line 1: ")

    def test_an_error_line_replays_as_an_error_again(self, tmp_path):
        """A line the batch could not decide is replayed: the same error again is identical."""
        apps = tmp_path / "apps.jsonl"
        apps.write_text('{"applicant": "x", "category": "nope", "stores": []}\n', "utf-8")
        out = tmp_path / "out.jsonl"
        run("batch", str(apps), "-o", str(out), "--as-of", "2026-11-28")
        [line] = replay(_lines(out), _lines(apps), as_of=AS_OF).lines
        assert (ReplayStatus.IDENTICAL, "error", "error") == (line.status, line.recorded, line.now)
        [line] = replay(_lines(out), _lines(apps)).lines
        assert ReplayStatus.ERROR is line.status
        assert "no decided line before it gives the date" in (line.message or "")

    def test_an_unreadable_application_recorded_as_an_error_replays_identical(self, tmp_path):
        """An application line that was garbage then and is garbage now replays identical, no date needed."""
        apps = tmp_path / "apps.jsonl"
        apps.write_text('{"applicant": \n[1]\n', "utf-8")
        out = tmp_path / "out.jsonl"
        run("batch", str(apps), "-o", str(out), "--as-of", "2026-11-28")
        report = replay(_lines(out), _lines(apps))
        assert [ReplayStatus.IDENTICAL] * 2 == [r.status for r in report.lines]


class TestCommand:
    def test_identical_exits_0(self, files):
        """The same inputs exit 0 and say so per line and in the counts."""
        status, out = run(
            "replay", str(files["summary"]), str(files["apps"]), "--rates", RATES_FILE
        )
        assert 0 == status
        assert out.endswith(f"{N} lines: {N} identical, 0 differs, 0 error\n")
        assert out.startswith("line 1 (application APP-00000): identical\n")

    def test_a_changed_catalog_exits_1_and_names_it(self, files, tmp_path):
        """A platform catalog file that makes AliExpress domestic: exit 1, platforms named."""
        data = DEFAULT_PLATFORMS.to_dict()
        for platform in data["platforms"]:
            if platform["id"] == "aliexpress.com":
                platform["kind"] = "domestic"
        catalog = tmp_path / "platforms.json"
        catalog.write_text(json.dumps(data), "utf-8")
        status, out = run(
            "replay", str(files["full"]), str(files["apps"]), "--rates", RATES_FILE,
            "--platforms", str(catalog),
        )  # fmt: skip
        assert 1 == status
        assert (
            "differs; pass -> fail; inputs changed: platforms; reasons added: platform.domestic"
            in out
        )

    def test_json_format_writes_a_record_per_line(self, files):
        """--format json writes one JSON object per line and no counts."""
        status, out = run(
            "replay", str(files["summary"]), str(files["apps"]), "--format", "json"
        )  # without --rates: some lines differ
        records = [json.loads(line) for line in out.splitlines()]
        assert 1 == status
        assert N == len(records)
        assert {"identical", "differs"} == {r["status"] for r in records}
        assert {"line", "status", "application_id", "changed", "recorded", "now", "added",
                "removed", "message"} == set(records[0])  # fmt: skip

    def test_bad_lines_exit_65_and_the_rest_replays(self, files, tmp_path):
        """A garbage line is reported on its line, the others replay, and the status is 65."""
        lines = _lines(files["summary"])[:3]
        lines[1] = "garbage"
        bad = tmp_path / "bad.jsonl"
        bad.write_text("\n".join(lines) + "\n", "utf-8")
        apps = tmp_path / "apps.jsonl"
        apps.write_text("\n".join(_lines(files["apps"])[:3]) + "\n", "utf-8")
        status, out = run("replay", str(bad), str(apps), "--rates", RATES_FILE)
        assert 65 == status
        assert "line 2: error: decisions line 2: " in out
        assert "3 lines: 2 identical, 0 differs, 1 error" in out

    def test_an_indented_check_decision_is_read_whole(self, tmp_path):
        """Check --format json output (indented) replays as one decision."""
        app = tmp_path / "app.json"
        app.write_text(json.dumps(_apps()[0]), "utf-8")
        decision = tmp_path / "decision.json"
        _, out = run(
            "check", str(app), "--as-of", "2026-11-28", "--format", "json", "--rates", RATES_FILE
        )
        decision.write_text(out, "utf-8")
        apps = tmp_path / "apps.jsonl"
        apps.write_text(json.dumps(_apps()[0]) + "\n", "utf-8")
        status, out = run("replay", str(decision), str(apps), "--rates", RATES_FILE)
        assert (0, "1 line: 1 identical, 0 differs, 0 error") == (status, out.splitlines()[-1])

    def test_a_missing_file_exits_66(self, files, capsys):
        """A decisions file that does not exist is status 66 naming it."""
        status, _ = run("replay", "/nonexistent/d.jsonl", str(files["apps"]))
        assert 66 == status
        assert "/nonexistent/d.jsonl: no such file" in capsys.readouterr().err

    def test_an_empty_file_name_is_a_usage_error(self, files):
        """An empty file name is a usage error (64), as for every command."""
        status, _ = run("replay", "", str(files["apps"]))
        assert 64 == status

    def test_an_application_id_cannot_rewrite_the_terminal(self, tmp_path):
        """An application id with control characters is shown escaped in text output."""
        raw = {**_apps()[0], "id": "A\x1b[2J\u202e"}
        decision = evaluate(Application.from_dict(raw), as_of=AS_OF, rates=RATES)
        d = tmp_path / "d.jsonl"
        d.write_text(decision.to_json() + "\n", "utf-8")
        a = tmp_path / "a.jsonl"
        a.write_text(json.dumps(raw) + "\n", "utf-8")
        status, out = run("replay", str(d), str(a), "--rates", RATES_FILE)
        assert 0 == status
        assert "\x1b" not in out
        assert "\\x1b[2J\\u202e" in out


def test_rates_values_are_exact_decimals():
    """A recorded rate keeps every digit it had (Decimal, never float)."""
    rates = RateTable({("EUR", Month(2026, 9)): Decimal("1.123456789012")})
    store = Store(
        "Amazon US", "A1",
        [MonthlyTurnover(Month(2026, m), Money("1200", "EUR" if m == 9 else "USD")) for m in (8, 9, 10)],
        category="mobiles",
    )  # fmt: skip
    decision = evaluate(Application("S", "mobiles", [store]), as_of=AS_OF, rates=rates)
    assert "1.123456789012" == decision.to_dict()["provenance"]["rates"]["used"][0]["rate"]


DOCS = Path(__file__).parent.parent / "docs"


def _page_steps(text: str) -> list[tuple[str, str]]:
    """The ``python`` and ``console`` blocks of a page, in order."""
    import re

    return re.findall(r"```(python|console)\n(.*?)```", text, flags=re.DOTALL)


class TestHowTo:
    def test_the_replay_page_shows_real_output(self, tmp_path, monkeypatch, capsys):
        """Every command on docs/replay.md prints what the page shows, after the page's own Python ran."""
        import shlex
        import shutil

        shutil.copytree(EXAMPLES, tmp_path / "examples")
        monkeypatch.chdir(tmp_path)
        steps = _page_steps((DOCS / "replay.md").read_text("utf-8"))
        consoles = 0
        for kind, body in steps:
            if kind == "python":
                exec(compile(body, "docs/replay.md", "exec"), {})  # noqa: S102 -- the page's own example
                continue
            lines = body.splitlines()
            command = lines[0].removeprefix("$ ")
            consoles += 1
            capsys.readouterr()
            cli.main(shlex.split(command)[1:])
            captured = capsys.readouterr()
            got = (captured.out + captured.err).splitlines()
            shown = lines[1:]
            assert len(shown) == len(got), (command, got)
            for want, have in zip(shown, got, strict=True):
                if want.endswith("..."):
                    assert have.startswith(want.removesuffix("...")), (command, have)
                else:
                    assert want == have, command
        assert 4 == consoles
