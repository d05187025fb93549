"""
Tests that imports point down the layers drawn in docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final

import pytest

PACKAGE: Final = Path(__file__).parent.parent / "src" / "lazada_eligibility"

# Lowest first; a module may import its own layer and the ones below at run time.
LAYERS: Final = (
    ("exceptions", "_version", "limits", "_reading", "_terminal", "_moved", "_digest"),
    ("_arith", "money", "periods", "subjects", "typing"),
    ("platforms", "categories", "identity"),
    ("models", "_l10n", "_known", "assemble"),
    ("rules", "codes"),
    ("registry",),
    ("decision", "_decision_schema", "provenance"),
    ("policy", "engine", "claiming", "planning"),
    ("explain",),
    ("policy_testing",),
    ("importers",),
    ("batch", "replay"),
    ("cli", "__main__", "testing", "__init__"),
    # Deprecated aliases of moved modules: they import their new place only when read.
    ("policy_io", "policies", "diff", "spark", "remediation"),
)  # fmt: skip

# The documented convenience methods that reach up a layer, importing when called.
CONVENIENCE: Final = {
    ("decision", "explain"),  # Decision.explain, Decision.remediation
    ("models", "importers"),  # Store.from_exports
}


def layer_of(module: str) -> int:
    top = module.split(".", maxsplit=1)[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    msg = f"module {module!r} is in no layer: add it to LAYERS and to docs/architecture.md"
    raise AssertionError(msg)


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(path: Path) -> list[tuple[str, bool]]:
    """
    The package modules *path* imports at run time, each with whether the import is inside a function.
    """
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return imports_in(path.read_text("utf-8"), parts[:-1])


def imports_in(text: str, package: list[str]) -> list[tuple[str, bool]]:
    """
    The package modules the source *text* of a module in subpackage *package* imports at run time.
    """
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, *, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, lazy=lazy)
                continue
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[: len(package) - (child.level - 1)]
                target = [*base, *(child.module.split(".") if child.module else [])]
                if target:
                    found.append((".".join(target), inner))
                else:  # "from . import x": x is a module of the package
                    found.extend((a.name, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom | ast.Import):
                names = (
                    [child.module]
                    if isinstance(child, ast.ImportFrom)
                    else [a.name for a in child.names]
                )
                prefix = "lazada_eligibility."
                found.extend(
                    (name.removeprefix(prefix), inner)
                    for name in names
                    if name and name.startswith(prefix)
                )
            visit(child, lazy=inner)

    visit(ast.parse(text), lazy=False)
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts)


MODULES: Final = sorted(PACKAGE.rglob("*.py"))


class TestLayers:
    @pytest.mark.parametrize("path", MODULES, ids=module_name)
    def test_imports_point_down(self, path):
        """A module imports only its layer and those below, except the named convenience methods."""
        module = module_name(path)
        here = layer_of(module)
        upward = []
        for target, lazy in imports(path):
            if layer_of(target) <= here:
                continue
            pair = (module.split(".")[0], target.split(".")[0])
            if not (lazy and pair in CONVENIENCE):
                upward.append((target, "inside a function" if lazy else "at import"))

        assert [] == upward

    def test_the_check_sees_upward_imports(self):
        """The scanner finds top-level, lazy and absolute imports and skips TYPE_CHECKING ones."""
        text = (
            "from typing import TYPE_CHECKING\n"
            "from .explain import explain\n"
            "import lazada_eligibility.batch\n"
            "if TYPE_CHECKING:\n"
            "    from .cli import CliError\n"
            "def f():\n"
            "    from ..cli import main\n"
        )

        found = imports_in(text, ["rules"])

        assert [("rules.explain", False), ("batch", False), ("cli", True)] == found
        assert layer_of("cli") > layer_of("rules")

    def test_convenience_imports_are_lazy(self):
        """Each allowed upward import is made inside a function, never at import time."""
        for module, target in CONVENIENCE:
            found = imports(PACKAGE / f"{module}.py")

            assert (target, False) not in found
            assert any(t.split(".")[0] == target and lazy for t, lazy in found)

    def test_the_picture_names_every_layer(self):
        """Every module and subpackage in LAYERS appears in docs/architecture.md's picture, in the same order."""
        text = (PACKAGE.parent.parent / "docs" / "architecture.md").read_text("utf-8")
        picture = text.split("```text\n", 1)[1].split("```", 1)[0]
        rows = [row for row in picture.split("├") if "│" in row]
        drawn = [
            [
                word.strip(",/")
                for line in row.splitlines()
                for word in line.strip(" │").split("  ")[0].split()
            ]
            for row in rows
        ]
        placed = {name: len(drawn) - 1 - i for i, names in enumerate(drawn) for name in names}

        for i, names in enumerate(LAYERS[:-1]):  # the last layer holds the aliases of moved paths
            for name in names:
                assert name in placed, f"{name} is missing from the picture"
                assert i == placed[name], f"{name} is drawn in the wrong layer"
