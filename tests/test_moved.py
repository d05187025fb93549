"""
Tests for the import paths that moved into subpackages (kept for one minor version).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from lazada_eligibility._moved import REMOVED_IN

MOVED = {
    "lazada_eligibility.policy_io": ("lazada_eligibility.policy", "load_policy"),
    "lazada_eligibility.policies": ("lazada_eligibility.policy.shipped", "LAZADA_CROSS_BORDER"),
    "lazada_eligibility.diff": ("lazada_eligibility.policy.diff", "policy_diff"),
    "lazada_eligibility.spark": ("lazada_eligibility.batch.spark", "APPLICATION_SCHEMA"),
    "lazada_eligibility.remediation": ("lazada_eligibility.explain.remedies", "Remedy"),
}


class TestMovedModules:
    @pytest.mark.parametrize("old", sorted(MOVED))
    def test_old_path_warns_and_forwards(self, old):
        """A name read through the old path is the new one, with a warning naming where to import it."""
        new, name = MOVED[old]
        module = importlib.import_module(old)

        with pytest.warns(DeprecationWarning, match=f"^{old} moved to {new}") as caught:
            value = getattr(module, name)

        assert getattr(importlib.import_module(new), name) is value
        assert [
            f"{old} moved to {new}: import {name} from {new}; the old path goes in {REMOVED_IN}"
        ] == [str(w.message) for w in caught]

    def test_from_import_warns_at_the_caller(self):
        """``from old import name`` warns with the importing file as the place, so a user finds it."""
        code = (
            "import warnings\n"
            "warnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    from lazada_eligibility.policy_io import load_policy\n"
            "print(caught[0].filename, caught[0].category.__name__)\n"
        )

        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()

        assert ["<string>", "DeprecationWarning"] == out

    @pytest.mark.parametrize("old", sorted(MOVED))
    def test_unknown_name_is_an_attribute_error(self, old):
        """A name the new module does not have is an AttributeError naming the old module, without a warning."""
        module = importlib.import_module(old)

        with pytest.raises(AttributeError, match=f"module '{old}' has no attribute 'nothing_here'"):
            module.nothing_here  # noqa: B018 -- the read is the test

    @pytest.mark.parametrize("old", sorted(MOVED))
    def test_dir_lists_the_new_names(self, old):
        """``dir()`` of an old path shows what the new one has, so completion keeps working."""
        new, name = MOVED[old]

        assert name in dir(importlib.import_module(old))
        assert name in dir(importlib.import_module(new))
