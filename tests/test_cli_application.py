"""Tests for the 'application' command and for store documents given where an application is expected."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from lazada_eligibility import Application, Store, cli, evaluate
from lazada_eligibility.assemble import application_from_stores, store_document_hint
from lazada_eligibility.exceptions import ValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
SELLER = Path(__file__).parent.parent / "examples" / "policies" / "fashion-seller.json"
AS_OF = ("--as-of", "2026-11-28")


def run(*argv: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit status and standard output."""
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture(name="store_file")
def store_file_fixture(tmp_path) -> Path:
    """The fashion seller's one store, as a store document."""
    path = tmp_path / "store.json"
    path.write_text(json.dumps(json.loads(SELLER.read_text("utf-8"))["stores"][0]), "utf-8")
    return path


class TestApplicationCommand:
    def test_writes_the_application(self, store_file):
        """The command writes the application that the example holds, field for field."""
        status, out = run(
            "application",
            "--applicant",
            "Guangzhou Meili Apparel Co., Ltd.",
            "--category",
            "womens-fashion",
            "--market",
            "my",
            "--id",
            "APP-2026-0101",
            str(store_file),
        )

        assert 0 == status
        assert json.loads(SELLER.read_text("utf-8")) == json.loads(out)

    def test_output_file(self, store_file, tmp_path):
        """-o writes the document to a file, and check reads it."""
        target = tmp_path / "app.json"
        argv = ("--applicant", "X", "--category", "womens-fashion", str(store_file))

        assert 0 == run("application", *argv, "-o", str(target))[0]
        assert 0 == run("check", *AS_OF, str(target))[0]

    def test_output_cannot_be_created(self, store_file, tmp_path):
        """An output in a missing directory exits 73."""
        target = tmp_path / "no" / "app.json"
        argv = ("--applicant", "X", "--category", "womens-fashion", str(store_file))

        assert 73 == run("application", *argv, "-o", str(target))[0]

    def test_unknown_category(self, store_file, capsys):
        """A misspelt category is refused with a suggestion and status 65."""
        status, _ = run(
            "application", "--applicant", "X", "--category", "womens-fashon", str(store_file)
        )

        assert 65 == status
        assert "did you mean 'womens-fashion'" in capsys.readouterr().err

    def test_store_problems_name_the_file(self, store_file, tmp_path, capsys):
        """A bad field of a store is reported with its file and field, not stores[1]."""
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"platform": "eBay", "store_id": "", "turnover": []}), "utf-8")

        status, _ = run(
            "application", "--applicant", "X", "--category", "mobiles", str(store_file), str(bad)
        )

        err = capsys.readouterr().err
        assert 65 == status
        assert f"{bad}: store_id: " in err
        assert "stores[1]" not in err

    def test_an_application_is_not_a_store(self, capsys):
        """Given an application where a store is expected, the command says so."""
        status, _ = run("application", "--applicant", "X", "--category", "mobiles", str(SELLER))

        assert 65 == status
        assert "this is an application, not a store" in capsys.readouterr().err

    def test_missing_store_file(self):
        """A store file that does not exist exits 66."""
        assert 66 == run("application", "--applicant", "X", "--category", "mobiles", "no.json")[0]

    def test_from_the_importer_decides_as_by_hand(self, tmp_path):
        """An application built from the importer's output decides as a hand-written one does."""
        store_path = tmp_path / "store.json"
        imported = run(
            "import", "auto", str(FIXTURES / "amazon_date_range_us.csv"), "--store-id", "A1B2C3",
            "--platform", "amazon.com", "--category", "home-living", "-o", str(store_path), "-q",
        )  # fmt: skip
        assert 0 == imported[0]
        made = tmp_path / "app.json"
        argv = ("--applicant", "Seller Co.", "--category", "home-living", "--id", "APP-7")
        assert 0 == run("application", *argv, str(store_path), "-o", str(made))[0]
        store = json.loads(store_path.read_text("utf-8"))
        by_hand = tmp_path / "by-hand.json"
        by_hand.write_text(json.dumps({
            "id": "APP-7", "applicant": "Seller Co.", "category": "home-living",
            "stores": [{"platform": "amazon.com", "store_id": "A1B2C3", "category": "home-living",
                        "turnover": store["turnover"]}],
        }), "utf-8")  # fmt: skip

        made_run = run("check", *AS_OF, "--format", "json", str(made))
        hand_run = run("check", *AS_OF, "--format", "json", str(by_hand))

        assert hand_run == made_run


class TestStoreGivenAsApplication:
    @pytest.mark.parametrize("command", ["check", "when"])
    def test_check_and_when_say_what_to_do(self, command, store_file, capsys):
        """The check and when commands recognise a store document and name the command that makes an application."""
        status, _ = run(command, *AS_OF, str(store_file))

        err = capsys.readouterr().err
        assert 65 == status
        assert "this is a store (as 'import' writes), not an application" in err
        assert "lazada-eligibility application --applicant NAME --category ID" in err
        assert "is required" not in err

    def test_batch_says_what_to_do(self, store_file, tmp_path):
        """A batch records a store line as an error that says what it is."""
        lines = tmp_path / "in.jsonl"
        lines.write_text(store_file.read_text("utf-8").replace("\n", "") + "\n", "utf-8")
        output = tmp_path / "out.jsonl"

        status, _ = run("batch", *AS_OF, str(lines), "-o", str(output))

        record = json.loads(output.read_text("utf-8").splitlines()[0])
        assert 65 == status
        assert "this is a store" in json.dumps(record)


class TestApplicationFromStores:
    def test_stores_and_documents(self):
        """Stores and store documents mix, and the result equals the application written out."""
        doc = json.loads(SELLER.read_text("utf-8"))
        store = Store.from_dict(doc["stores"][0])
        expected = Application.from_dict(doc)

        assert expected == application_from_stores(
            doc["applicant"], doc["category"], [store], market="MY", id=doc["id"]
        )
        assert expected == application_from_stores(
            doc["applicant"], doc["category"], doc["stores"], market="MY", id=doc["id"]
        )

    def test_problems_have_paths(self):
        """Every bad field is reported at once, with its path."""
        with pytest.raises(ValidationError) as caught:
            application_from_stores("", "mobiles", [{"platform": "eBay"}], market="UK")

        paths = {p.path for p in caught.value.problems}
        assert {"applicant", "market", "stores[0].store_id"} <= paths

    def test_decides(self):
        """The application decides like any other."""
        doc = json.loads(SELLER.read_text("utf-8"))
        app = application_from_stores(doc["applicant"], doc["category"], doc["stores"])
        assert evaluate(app, as_of=dt.date(2026, 11, 28)).eligible

    @pytest.mark.parametrize(
        ("data", "is_store"),
        [
            ({"platform": "eBay", "store_id": "x"}, True),
            ({"platform": "eBay", "store_id": "x", "applicant": "y"}, False),
            ({"applicant": "y", "category": "mobiles", "stores": []}, False),
            (["platform", "store_id"], False),
        ],
    )
    def test_hint(self, data, is_store):
        """Only a mapping with platform and store_id and no application field is taken for a store."""
        assert is_store == (store_document_hint(data) is not None)


@pytest.fixture(name="catalogs")
def catalogs_fixture(tmp_path) -> tuple[Path, Path]:
    """A taxonomy with one more top level, and a catalog with one more cross-border platform."""
    from lazada_eligibility import DEFAULT_PLATFORMS
    from lazada_eligibility.categories import LAZADA_CATEGORIES

    taxonomy = LAZADA_CATEGORIES.to_dict()
    taxonomy["categories"].append(
        {"id": "pet-care", "name": "Pet Care", "parent": None, "level": 1, "lazada_id": None}
    )
    catalog = DEFAULT_PLATFORMS.to_dict()
    entry = dict(catalog["platforms"][0])
    entry.update(id="petmart.example", name="PetMart", family="petmart", aliases=["PetMart"],
                 domains=["petmart.example"], namespace="petmart")  # fmt: skip
    catalog["platforms"].append(entry)
    paths = tmp_path / "categories.json", tmp_path / "platforms.json"
    for path, data in zip(paths, (taxonomy, catalog), strict=True):
        path.write_text(json.dumps(data), "utf-8")
    return paths


def _pet_application(tmp_path) -> Path:
    records = [{"month": f"2026-{m:02}", "amount": {"amount": "1500", "currency": "USD"}}
               for m in (8, 9, 10)]  # fmt: skip
    app = {"applicant": "Pet Co.", "category": "pet-care",
           "stores": [{"platform": "PetMart", "store_id": "p1", "category": "pet-care", "turnover": records}]}  # fmt: skip
    path = tmp_path / "pet.json"
    path.write_text(json.dumps(app), "utf-8")
    return path


class TestCatalogOptions:
    def test_check_with_custom_catalogs(self, catalogs, tmp_path, capsys):
        """--categories and --platforms decide what the built-in catalogs cannot."""
        categories, platforms = catalogs
        app = str(_pet_application(tmp_path))

        without = run("check", *AS_OF, app)[0]
        err = capsys.readouterr().err
        only_categories = run("check", *AS_OF, "--categories", str(categories), app)[0]
        both = run(
            "check", *AS_OF, "--categories", str(categories), "--platforms", str(platforms), app
        )

        assert 65 == without
        assert "unknown category id 'pet-care'" in err
        assert 2 == only_categories  # the platform is unknown: review
        assert 0 == both[0]

    def test_when_and_policy_commands(self, catalogs, tmp_path):
        """when, policy validate and policy diff take the same options."""
        categories, platforms = catalogs
        app = str(_pet_application(tmp_path))
        opts = ("--categories", str(categories), "--platforms", str(platforms))
        policy = tmp_path / "pets.toml"
        policy.write_text(
            'id = "pets"\nversion = "1"\n[rule]\nprohibited_categories = { categories = ["pet-care"] }\n',
            "utf-8",
        )

        assert 0 == run("when", *AS_OF, *opts, app)[0]
        assert 65 == run("policy", "validate", str(policy))[0]
        assert 0 == run("policy", "validate", "--categories", str(categories), str(policy))[0]
        status, out = run(
            "policy", "diff", *AS_OF, *opts, "--format", "json", "default", str(policy), app
        )
        assert 0 == status
        assert [{"old": "pass", "new": "fail", "count": 1}] == [
            c for c in json.loads(out)["counts"] if c["count"]
        ]

    @pytest.mark.parametrize("option", ["--categories", "--platforms"])
    def test_bad_files(self, option, tmp_path, capsys):
        """A missing catalog file exits 66; one that is not a catalog exits 65 naming it."""
        app = str(_pet_application(tmp_path))
        bad = tmp_path / "bad.json"
        bad.write_text('{"nothing": 1}', "utf-8")

        assert 66 == run("check", *AS_OF, option, str(tmp_path / "none.json"), app)[0]
        assert 65 == run("check", *AS_OF, option, str(bad), app)[0]
        assert str(bad) in capsys.readouterr().err
        assert 64 == run("check", *AS_OF, option, "", app)[0]

    def test_batch(self, catalogs, tmp_path):
        """A batch decides with the catalogs given, in one process or several."""
        categories, platforms = catalogs
        app = _pet_application(tmp_path).read_text("utf-8")
        lines = tmp_path / "in.jsonl"
        lines.write_text(app + "\n" + app + "\n", "utf-8")
        opts = ("--categories", str(categories), "--platforms", str(platforms))

        for workers in ("1", "2"):
            output = tmp_path / f"out-{workers}.jsonl"
            status, _ = run(
                "batch", *AS_OF, *opts, "--workers", workers, str(lines), "-o", str(output)
            )
            verdicts = [json.loads(x)["verdict"] for x in output.read_text("utf-8").splitlines()]
            assert (0, ["pass", "pass"]) == (status, verdicts)

    @staticmethod
    def _half_done(catalogs, tmp_path) -> tuple[Path, Path, tuple[str, ...], bytes]:
        """A four-line batch run with both catalogs, cut to its first two lines."""
        categories, platforms = catalogs
        app = _pet_application(tmp_path).read_text("utf-8")
        lines = tmp_path / "in.jsonl"
        lines.write_text((app + "\n") * 4, "utf-8")
        output = tmp_path / "out.jsonl"
        opts = ("--categories", str(categories), "--platforms", str(platforms))
        assert 0 == run("batch", *AS_OF, *opts, str(lines), "-o", str(output))[0]
        whole = output.read_bytes()
        output.write_bytes(b"".join(whole.splitlines(keepends=True)[:2]))
        return lines, output, opts, whole

    def test_batch_resume_with_the_same_catalogs(self, catalogs, tmp_path):
        """--resume with the same catalogs, even rewritten with other spacing, finishes the run."""
        lines, output, opts, whole = self._half_done(catalogs, tmp_path)
        for path in catalogs:
            path.write_text(json.dumps(json.loads(path.read_text("utf-8")), indent=4), "utf-8")
        assert 0 == run("batch", *AS_OF, *opts, "--resume", str(lines), "-o", str(output))[0]
        assert whole == output.read_bytes()
        record = json.loads(Path(f"{output}.run.json").read_text("utf-8"))
        assert 64 == len(record["categories_digest"]) == len(record["platforms_digest"])

    @pytest.mark.parametrize(
        ("which", "label"),
        [
            ("categories", "--categories (a digest of the category taxonomy) differs"),
            ("platforms", "--platforms (a digest of the platform catalog) differs"),
            ("dropped", "--categories (a digest of the category taxonomy) differs"),
        ],
    )
    def test_batch_resume_with_a_changed_catalog_is_refused(
        self, catalogs, tmp_path, capsys, which, label
    ):
        """--resume after a catalog file changed, or without it, is refused naming the setting."""
        lines, output, opts, _ = self._half_done(catalogs, tmp_path)
        categories, platforms = catalogs
        if which == "categories":
            data = json.loads(categories.read_text("utf-8"))
            data["categories"][-1]["name"] = "Pet Supplies"  # one name: the content differs
            categories.write_text(json.dumps(data), "utf-8")
        elif which == "platforms":
            data = json.loads(platforms.read_text("utf-8"))
            data["platforms"][-1]["aliases"] = ["PetMart", "Pet Mart"]
            platforms.write_text(json.dumps(data), "utf-8")
        else:
            opts = ("--platforms", str(platforms))
        before = output.read_bytes()
        capsys.readouterr()
        assert 64 == run("batch", *AS_OF, *opts, "--resume", str(lines), "-o", str(output))[0]
        assert f"cannot resume: {label}" in capsys.readouterr().err
        assert before == output.read_bytes()

    def test_batch_resume_of_a_record_without_catalog_settings(self, tmp_path):
        """A record written before the catalog settings existed resumes a run without catalogs."""
        app = _pet_application(tmp_path)
        data = json.loads(app.read_text("utf-8"))
        data["category"] = data["stores"][0]["category"] = "mobiles"
        data["stores"][0]["platform"] = "Amazon US"
        lines = tmp_path / "in.jsonl"
        lines.write_text((json.dumps(data) + "\n") * 3, "utf-8")
        output = tmp_path / "out.jsonl"
        assert 0 == run("batch", *AS_OF, str(lines), "-o", str(output))[0]
        whole = output.read_bytes()
        output.write_bytes(whole.splitlines(keepends=True)[0])
        record_path = Path(f"{output}.run.json")
        record = json.loads(record_path.read_text("utf-8"))
        assert (None, None) == (record.pop("categories_digest"), record.pop("platforms_digest"))
        record_path.write_text(json.dumps(record), "utf-8")
        assert 0 == run("batch", *AS_OF, "--resume", str(lines), "-o", str(output))[0]
        assert whole == output.read_bytes()
