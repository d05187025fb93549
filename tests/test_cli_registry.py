"""
Tests for ``lazada-eligibility registry claim|show|release``.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import pytest

from lazada_eligibility import _cli_registry, cli
from lazada_eligibility.policies import lazada_cross_border_document
from lazada_eligibility.registry import RegistryBusyError, SqliteRegistry

EXAMPLES = Path(__file__).parent.parent / "examples"
ELIGIBLE = str(EXAMPLES / "eligible.json")  # APP-2026-0001, Amazon US store A2X9K4PLMN7Q
STORE = "amazon.com/a2x9k4plmn7q"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "claims.db")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


def rival(tmp_path: Path, app_id: str = "APP-2026-0002") -> str:
    """The eligible example under another id and applicant: same store record."""
    data = json.loads(Path(ELIGIBLE).read_text("utf-8"))
    data["id"] = app_id
    data["applicant"] = "Another Trading Co."
    path = tmp_path / f"{app_id}.json"
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def claim(db: str, application: str = ELIGIBLE, *more: str) -> tuple[int, str]:
    return run("registry", "claim", application, "--db", db, "--as-of", "2026-11-28", *more)


class TestClaim:
    def test_eligible_is_claimed(self, db):
        """An eligible application exits 0 and says which records it now holds."""
        status, out = claim(db)
        assert 0 == status
        assert "Claimed 1 store record(s) for APP-2026-0001" in out
        assert f"  {STORE}\n" in out
        assert ["APP-2026-0001"] == [c.application_id for c in SqliteRegistry(db).claims()]

    def test_reused_record_is_refused(self, db, tmp_path):
        """A second application over the same record exits 1 and claims nothing."""
        claim(db)
        status, out = claim(db, rival(tmp_path), "--format", "json")
        document = json.loads(out)
        assert 1 == status
        assert ["evidence.reused"] == [r["code"] for r in document["decision"]["reasons"]]
        assert [] == document["claims"]
        assert [] == SqliteRegistry(db).claims_of("APP-2026-0002")

    def test_json_lists_the_claims(self, db):
        """--format json prints the decision and the claims."""
        status, out = claim(db, ELIGIBLE, "--format", "json")
        document = json.loads(out)
        assert (0, "pass") == (status, document["decision"]["verdict"])
        assert [("amazon.com", "a2x9k4plmn7q", "APP-2026-0001")] == [
            (c["platform"], c["store_id"], c["application_id"]) for c in document["claims"]
        ]

    def test_not_eligible_exits_1(self, db):
        """An application that fails on turnover exits 1 and holds nothing."""
        status, out = claim(db, str(EXAMPLES / "short-month.json"))
        assert 1 == status
        assert "Claimed" not in out
        assert [] == SqliteRegistry(db).claims()

    def test_policy_file(self, db, tmp_path):
        """--policy decides with a policy document: a higher minimum fails the example."""
        policy = tmp_path / "strict.toml"
        text = lazada_cross_border_document().replace('"1000"', '"5000"')
        assert text != lazada_cross_border_document()
        policy.write_text(text, "utf-8")
        assert 1 == claim(db, ELIGIBLE, "--policy", str(policy))[0]
        assert 0 == claim(db)[0]

    def test_application_without_id(self, db, tmp_path, capsys):
        """An application without an id cannot claim: exit 65 naming the file and the field."""
        data = json.loads(Path(ELIGIBLE).read_text("utf-8"))
        del data["id"]
        path = tmp_path / "no-id.json"
        path.write_text(json.dumps(data), "utf-8")
        assert 65 == claim(db, str(path))[0]
        assert f"{path}: id: an application needs an id" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("args", "status", "message"),
        [
            (["missing.json"], 66, "missing.json: cannot read"),
            ([ELIGIBLE, "--as-of", "28/11/2026"], 64, "--as-of: expected a date"),
        ],
    )
    def test_bad_input(self, db, capsys, args, status, message):
        """Bad input ends with the usual exit status and a one-line error."""
        assert status == run("registry", "claim", *args, "--db", db)[0]
        assert message in capsys.readouterr().err

    def test_database_that_cannot_be_used(self, tmp_path, capsys):
        """A --db that is not a database, or cannot be created, exits 66 naming it."""
        junk = tmp_path / "junk.db"
        junk.write_text("not a database" * 100)
        assert 66 == claim(str(junk))[0]
        assert "not an SQLite database" in capsys.readouterr().err
        assert 66 == claim(str(tmp_path / "no" / "such" / "dir.db"))[0]
        assert "cannot open the registry" in capsys.readouterr().err

    def test_busy_registry_exits_75(self, connect, db, monkeypatch, capsys):
        """A registry locked longer than the busy timeout exits 75: try again later."""
        SqliteRegistry(db).close()
        monkeypatch.setattr(
            _cli_registry, "SqliteRegistry", functools.partial(SqliteRegistry, busy_timeout=0.2)
        )
        blocker = connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        assert 75 == claim(db)[0]
        blocker.execute("ROLLBACK")
        assert "busy_timeout" in capsys.readouterr().err

    def test_busy_while_claiming_exits_75(self, db, monkeypatch, capsys):
        """A registry that turns busy in the middle of the claim exits 75 too."""

        def busy(*args, **kwargs):
            raise RegistryBusyError(f"{db}: other writers held the registry")

        monkeypatch.setattr(_cli_registry, "evaluate_and_claim", busy)
        assert 75 == claim(db)[0]
        assert "other writers held the registry" in capsys.readouterr().err


class TestShow:
    def test_all_claims(self, db):
        """Without a filter, show lists every claim."""
        claim(db)
        status, out = run("registry", "show", "--db", db)
        assert 0 == status
        assert out.startswith(
            f"{STORE} is held by application 'APP-2026-0001' (Shenzhen Lianhe Trading Co., Ltd.), "
            "claimed 20"
        )

    def test_store_in_any_spelling(self, db):
        """--store finds the holder under any spelling of the platform and store id."""
        claim(db)
        status, out = run(
            "registry", "show", "--db", db, "--store", "https://www.amazon.com/sp", " A2X9K4PLMN7Q"
        )
        assert (0, True) == (status, out.startswith(STORE))

    def test_store_not_claimed(self, db):
        """A store nobody holds is said to be free."""
        claim(db)
        assert (0, "ebay.com/x is not claimed\n") == run(
            "registry", "show", "--db", db, "--store", "ebay.com", "x"
        )

    def test_application_json(self, db):
        """--application with --format json lists that application's claims."""
        claim(db)
        status, out = run(
            "registry", "show", "--db", db, "--application", "APP-2026-0001", "--format", "json"
        )
        assert (0, [STORE]) == (
            status,
            [f"{c['platform']}/{c['store_id']}" for c in json.loads(out)],
        )
        assert (0, "[]\n") == run(
            "registry", "show", "--db", db, "--application", "NONE", "--format", "json"
        )

    def test_empty_registry(self, db):
        """An empty registry says so."""
        SqliteRegistry(db).close()
        assert (0, f"{db} holds no claims\n") == run("registry", "show", "--db", db)

    def test_unknown_platform(self, db, capsys):
        """A store on a platform the catalog does not know exits 65 naming it."""
        SqliteRegistry(db).close()
        assert 65 == run("registry", "show", "--db", db, "--store", "Lazada", "x")[0]
        assert "--store: platform: unknown platform 'Lazada'" in capsys.readouterr().err

    def test_missing_registry_is_not_created(self, db, capsys):
        """Show on a file that does not exist exits 66 and creates nothing."""
        assert 66 == run("registry", "show", "--db", db)[0]
        assert "no such registry file" in capsys.readouterr().err
        assert not Path(db).exists()

    def test_one_filter_at_a_time(self, db, capsys):
        """--application and --store together are a usage error."""
        args = ["--application", "A", "--store", "ebay.com", "x"]
        assert 64 == run("registry", "show", "--db", db, *args)[0]
        assert "not allowed with argument" in capsys.readouterr().err


class TestRelease:
    def test_release(self, db, tmp_path):
        """Releasing gives the records back; another application can then claim them."""
        claim(db)
        status, out = run("registry", "release", "--db", db, "APP-2026-0001")
        assert 0 == status
        assert out.startswith(f"Released 1 store record(s) of APP-2026-0001:\n{STORE} is held")
        assert 0 == claim(db, rival(tmp_path))[0]

    def test_release_nothing(self, db):
        """Releasing an application that holds nothing says so, in text or JSON."""
        SqliteRegistry(db).close()
        assert (0, "application 'APP-9' held no store records\n") == run(
            "registry", "release", "--db", db, "APP-9"
        )
        assert (0, "[]\n") == run("registry", "release", "--db", db, "APP-9", "--format", "json")

    def test_needs_a_subcommand(self, capsys):
        """The registry command alone is a usage error."""
        assert 64 == run("registry")[0]
        assert "required" in capsys.readouterr().err
