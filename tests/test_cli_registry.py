"""
Tests for ``lazada-eligibility registry claim|show|release``.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import pytest

from lazada_eligibility import cli
from lazada_eligibility.cli import _registry as _cli_registry
from lazada_eligibility.policy.shipped import lazada_cross_border_document
from lazada_eligibility.registry import RegistryBusyError, SqliteRegistry, open_registry

EXAMPLES = Path(__file__).parent.parent / "examples"
ELIGIBLE = str(EXAMPLES / "eligible.json")  # APP-2026-0001, Amazon US store A2X9K4PLMN7Q
STORE = "amazon/a2x9k4plmn7q (claimed on amazon.com)"


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
        assert "  amazon/a2x9k4plmn7q (on amazon.com)\n" in out
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
            _cli_registry, "open_registry", functools.partial(open_registry, busy_timeout=0.2)
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
        assert (0, ["amazon/a2x9k4plmn7q on amazon.com"]) == (
            status,
            [f"{c['namespace']}/{c['store_id']} on {c['platform']}" for c in json.loads(out)],
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


def variant(tmp_path: Path, name: str, **changes: object) -> str:
    """The eligible example as another application, with its first store changed."""
    data = json.loads(Path(ELIGIBLE).read_text("utf-8"))
    data["id"] = changes.pop("id", f"APP-{name}")
    data["applicant"] = changes.pop("applicant", "Another Trading Co.")
    extra = changes.pop("extra_stores", [])
    data["stores"][0].update(changes)
    data["stores"].extend(extra)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(path)


def check(application: str, *more: str) -> tuple[int, str]:
    return run("check", application, "--as-of", "2026-11-28", *more)


class TestIssue13:
    """Each reproduction of issue 13, through the command line."""

    @pytest.mark.parametrize(
        "store_id",
        [
            "A2X9\u200bK4PLMN7Q",
            "A2X9\ufeffK4PLMN7Q",
            "A2X9\u00adK4PLMN7Q",
            "A2X9\u2060K4PLMN7Q",
            "A2X9\u200eK4PLMN7Q",
            "A2X9\x00K4PLMN7Q",
            "А2Х9К4РLМN7Q",  # noqa: RUF001
            "A2X9 K4PLMN7Q",
            "https://www.amazon.com/sp?seller=A2X9K4PLMN7Q",
            "\u200b",
        ],
    )
    def test_rewritten_id_is_not_claimed_again(self, db, tmp_path, store_id):
        """After the example is claimed, no rewriting of its store id is claimed again."""
        assert 0 == claim(db)[0]
        status, _ = claim(db, variant(tmp_path, "x", store_id=store_id))
        assert status in {1, 65}
        assert ["APP-2026-0001"] == [c.application_id for c in SqliteRegistry(db).claims()]

    def test_another_applicant_with_the_holder_id_is_refused(self, db, tmp_path):
        """The example's id under another applicant exits 1 and claims nothing."""
        claim(db)
        thief = variant(tmp_path, "thief", id="APP-2026-0001")
        status, out = claim(db, thief)
        assert 1 == status
        assert ["Shenzhen Lianhe Trading Co., Ltd."] == [
            c.applicant for c in SqliteRegistry(db).claims()
        ]
        assert "Already held (operator view):" in out  # registry commands are operator-facing

    def test_check_names_no_holder(self, db, tmp_path):
        """A seller's check against the registry says the record is used, naming no holder."""
        claim(db)
        for fmt in ("text", "json"):
            status, out = check(rival(tmp_path), "--registry", db, "--format", fmt)
            assert 1 == status
            assert "evidence.reused" in out or "already used" in out
            assert "APP-2026-0001" not in out
            assert "Shenzhen Lianhe" not in out

    def test_check_with_registry_claims_nothing(self, db):
        """Check --registry reads the registry and never claims."""
        SqliteRegistry(db).close()
        assert 0 == check(ELIGIBLE, "--registry", db)[0]
        assert [] == SqliteRegistry(db).claims()

    def test_check_with_missing_registry(self, tmp_path):
        """Check --registry of a missing file exits 66 naming it, creating nothing."""
        missing = tmp_path / "none.db"
        assert 66 == check(ELIGIBLE, "--registry", str(missing))[0]
        assert not missing.exists()

    def test_check_with_damaged_registry(self, tmp_path, capsys):
        """Check --registry of a file that is not a registry exits 66 naming it."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"no database here" * 64)
        assert 66 == check(ELIGIBLE, "--registry", str(bad))[0]
        assert f"{bad}: not an SQLite database" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("platform", "store_id"),
        [("ebay.com", "best-shop"), ("ebay.co.uk", "best-shop"), ("ebay.de", "BEST-SHOP")],
    )
    def test_one_ebay_account_on_several_sites(self, db, tmp_path, platform, store_id):
        """An eBay account claimed on one site is refused on every other."""
        first = variant(tmp_path, "first", platform="ebay.com", store_id="best-shop")
        assert 0 == claim(db, first)[0]
        again = variant(tmp_path, "again", platform=platform, store_id=store_id)
        assert 1 == claim(db, again)[0]

    def test_one_amazon_token_on_two_marketplaces(self, db, tmp_path):
        """A merchant token claimed on amazon.co.uk is refused on amazon.de."""
        assert 0 == claim(db, variant(tmp_path, "uk", platform="amazon.co.uk"))[0]
        assert 1 == claim(db, variant(tmp_path, "de", platform="amazon.de"))[0]

    def test_one_store_listed_twice_is_refused(self, tmp_path):
        """The example's store listed again as amazon.com exits 65 naming the twin."""
        data = json.loads(Path(ELIGIBLE).read_text("utf-8"))
        twin = {**data["stores"][0], "platform": "amazon.com"}
        path = variant(tmp_path, "twin", extra_stores=[twin])
        status, _ = check(path)
        assert 65 == status

    def test_listed_store_stays_free(self, db, tmp_path):
        """A third party's store the example merely lists stays free for its owner."""
        listed = {"platform": "eBay", "store_id": "their-shop", "turnover": []}
        mine = variant(tmp_path, "mine", id="APP-1", extra_stores=[listed])
        assert 0 == claim(db, mine)[0]
        owner = variant(tmp_path, "owner", platform="eBay", store_id="their-shop")
        assert 0 == claim(db, owner)[0]

    @pytest.mark.parametrize(
        "platform",
        [
            "https://taobao.com\\@amazon.com/shop/1",
            "http://tmall.com\\@ebay.com/itm/1",
            "detail.china.alibaba.com",
        ],
    )
    def test_domestic_urls_are_not_cross_border(self, tmp_path, platform):
        """A store whose platform URL a browser opens on a domestic site is not eligible."""
        status, _ = check(variant(tmp_path, "url", platform=platform))
        assert status in {1, 2}


class TestReadOnlyCommands:
    def test_show_opens_read_only(self, db, monkeypatch):
        """Registry show reads the file without opening it for writing."""
        claim(db)
        opened = []
        real = SqliteRegistry.__init__

        def spy(self, path, **options):
            opened.append(options.get("read_only", False))
            real(self, path, **options)

        monkeypatch.setattr(SqliteRegistry, "__init__", spy)
        status, out = run("registry", "show", "--db", db)
        assert 0 == status
        assert [True] == opened
        assert "amazon/a2x9k4plmn7q" in out

    @pytest.mark.parametrize("command", ["check", "batch"])
    def test_check_and_batch_open_read_only(self, db, tmp_path, monkeypatch, command):
        """The check and batch commands open --registry without write access."""
        claim(db)
        opened = []
        real = SqliteRegistry.__init__

        def spy(self, path, **options):
            opened.append(options.get("read_only", False))
            real(self, path, **options)

        monkeypatch.setattr(SqliteRegistry, "__init__", spy)
        if command == "check":
            status, _ = check(rival(tmp_path), "--registry", db)
        else:
            lines = tmp_path / "in.jsonl"
            lines.write_text(Path(rival(tmp_path)).read_text("utf-8").replace("\n", " ") + "\n")
            status, out = run("batch", str(lines), "--registry", db, "--as-of", "2026-11-28")
            assert [False] == [json.loads(x)["eligible"] for x in out.splitlines()]
        assert status in {0, 1}
        assert opened
        assert all(opened)

    def test_show_on_an_old_file_says_how_to_upgrade(self, tmp_path, capsys):
        """Registry show on a schema 1 file exits 66 with the way to upgrade it."""
        old = tmp_path / "v1.db"
        old.write_bytes((Path(__file__).parent / "fixtures" / "registry-v1.db").read_bytes())
        assert 66 == run("registry", "show", "--db", str(old))[0]
        assert "open it once for writing" in capsys.readouterr().err
