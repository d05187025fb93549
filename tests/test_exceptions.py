"""
Tests for the error hierarchy.
"""

from __future__ import annotations

import pickle

import pytest

from lazada_eligibility import (
    CurrencyMismatchError,
    EligibilityError,
    EvidenceAlreadyClaimed,
    ExportFormatError,
    FieldProblem,
    PolicyError,
    UnknownCategoryError,
    ValidationError,
)


class TestHierarchy:
    @pytest.mark.parametrize(
        ("error", "builtin"),
        [
            (ValidationError, ValueError),
            (CurrencyMismatchError, TypeError),
            (UnknownCategoryError, KeyError),
            (PolicyError, ValueError),
            (ExportFormatError, ValueError),
            (EvidenceAlreadyClaimed, ValueError),
        ],
    )
    def test_subclasses(self, error, builtin):
        """Each error is an EligibilityError and the builtin it resembles."""
        assert issubclass(error, EligibilityError)
        assert issubclass(error, builtin)


class TestValidationError:
    def test_one_and_many(self):
        """One problem reads as itself; several are counted and listed."""
        assert "a: bad" == str(ValidationError.single("a", "bad"))
        many = ValidationError([FieldProblem("a", "bad"), FieldProblem("b", "worse")])
        assert "2 problems: a: bad; b: worse" == str(many)

    def test_prefixed(self):
        """Prefixing joins paths with dots, or directly before an index."""
        e = ValidationError(
            [FieldProblem("amount", "x"), FieldProblem("[2]", "y"), FieldProblem("", "z")]
        )
        assert ["stores[0].amount", "stores[0][2]", "stores[0]"] == [
            p.path for p in e.prefixed("stores[0]").problems
        ]
        assert ["amount", "[2]", ""] == [p.path for p in e.prefixed("").problems]

    def test_pickle(self):
        """Errors survive a trip to another process."""
        for error in (
            ValidationError.single("a", "bad"),
            PolicyError("rule: bad"),
            ExportFormatError("no header", path="f.csv", line=3, column="Date"),
            UnknownCategoryError("mobile", ["mobiles"]),
            EvidenceAlreadyClaimed(["amazon.com/A1 is held"]),
        ):
            again = pickle.loads(pickle.dumps(error))
            assert str(error) == str(again)
            assert type(error) is type(again)


class TestOthers:
    def test_export_error_names_the_place(self):
        """ExportFormatError says file, line and column."""
        e = ExportFormatError("not a number", path="r.csv", line=7, column="Amount")
        assert "r.csv, line 7, column 'Amount': not a number" == str(e)
        assert "bare" == str(ExportFormatError("bare"))

    def test_unknown_category_suggests(self):
        """UnknownCategoryError names the id and the closest known ids."""
        assert "unknown category id 'mobile'; did you mean 'mobiles'?" == str(
            UnknownCategoryError("mobile", ["mobiles"])
        )
        assert "unknown category id 'zzz'" == str(UnknownCategoryError("zzz"))

    def test_policy_error_lists_problems(self):
        """PolicyError lists every problem with its path."""
        e = PolicyError([FieldProblem("rule.all[0]", "unknown kind"), FieldProblem("id", "blank")])
        assert "2 problems: rule.all[0]: unknown kind; id: blank" == str(e)
