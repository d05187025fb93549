"""
Tests that the docs' code examples work when pasted: each page in a fresh interpreter, imports and all.

Sphinx's doctest builder runs the examples with ``doctest_global_setup``; an
example that leans on it fails with ``NameError`` when a reader pastes it.
Here each page's ``{doctest}``, ``{testsetup}`` and ``{testcode}`` blocks run
in order in a new Python process with empty globals (one namespace per doctest
group, as Sphinx has), and each plain ``python`` block, which is shown but not
run, must not use a library or standard-library name that nothing on the page
imports.

Run as a script (``python tests/test_docs_examples.py docs/PAGE.md``) it
prints one line per problem, each naming the page and the block's line.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import importlib
import io
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1
RUN = frozenset({"doctest", "testsetup", "testcode", "testcleanup"})
SHOWN = frozenset({"python", "python3", "py", "pycon"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<name>[\w-]+):\s*(?P<value>.*)$")
# Names the reader could mean without defining them: the library's public
# names, the standard library's modules, and the aliases the docs use.
_ALIASES = frozenset({"dt", "le", "Decimal", "Path", "Fraction"})
# Library names that a shown snippet uses for the reader's own code: the
# command line's ``main`` is not what ``if __name__ == "__main__": main()`` means.
_READERS_OWN = frozenset({"main"})


class Block(NamedTuple):
    """One fenced block of a page."""

    line: int
    kind: str
    group: str
    options: dict[str, str]
    source: str


def blocks(text: str) -> Iterator[Block]:
    """
    Yield the fenced code blocks of a MyST page, with their directive, group and options.
    """
    lines = text.splitlines()
    at = 0
    while at < len(lines):
        match = _FENCE.match(lines[at])
        if match is None:
            at += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        end = at + 1
        while end < len(lines) and not (
            lines[end].strip().startswith(fence[0] * len(fence))
            and not lines[end].strip().lstrip(fence[0])
        ):
            end += 1
        body = lines[at + 1 : end]
        directive = _DIRECTIVE.match(info)
        kind, group = (directive["name"], directive["arg"].strip()) if directive else (info, "")
        options: dict[str, str] = {}
        while body and (option := _OPTION.match(body[0])):
            options[option["name"]] = option["value"]
            body = body[1:]
        yield Block(at + 1, kind.lower(), group or "default", options, "\n".join(body) + "\n")
        at = end + 1


def _importable_names() -> frozenset[str]:
    import lazada_eligibility

    names = set(_ALIASES) | set(sys.stdlib_module_names)
    for module in pkgutil.walk_packages(lazada_eligibility.__path__, "lazada_eligibility."):
        if any(part.startswith("_") for part in module.name.split(".")) or module.name.endswith(
            ".spark"
        ):
            continue
        names.update(getattr(importlib.import_module(module.name), "__all__", ()))
    names.update(lazada_eligibility.__all__)
    return frozenset(names - _READERS_OWN)


def _bound_and_loaded(source: str) -> tuple[set[str], set[str]]:
    # Every name a piece of code binds anywhere and every name it reads;
    # scopes are flattened: this is a check for imports, not a type checker.
    tree = ast.parse(source)
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) or (
            isinstance(node, ast.ExceptHandler) and node.name
        ):
            bound.add(node.name)
        elif isinstance(node, ast.arg):  # parameters of functions and lambdas
            bound.add(node.arg)
    return bound, loaded


def _names_bound(source: str) -> set[str]:
    try:
        return _bound_and_loaded(source)[0]
    except SyntaxError:
        return set()  # reported when the block runs


def _doctest_source(source: str) -> str:
    return "".join(e.source for e in doctest.DocTestParser().get_examples(source))


class _Runner(doctest.DocTestRunner):
    def __init__(self, problems: list[str], where: str) -> None:
        super().__init__(optionflags=FLAGS)
        self.problems = problems
        self.where = where

    def report_failure(
        self, out: object, test: doctest.DocTest, example: doctest.Example, got: str
    ) -> None:
        self.problems.append(
            f"{self.where}, example {example.source.strip()!r}: expected "
            f"{example.want.strip()!r}, got {got.strip()!r}"
        )

    def report_unexpected_exception(
        self,
        out: object,
        test: doctest.DocTest,
        example: doctest.Example,
        exc_info: tuple[type[BaseException], BaseException, object],
    ) -> None:
        kind, error, _ = exc_info
        self.problems.append(
            f"{self.where}, example {example.source.strip()!r}: {kind.__name__}: {error}"
        )


def run_page(path: Path) -> list[str]:
    """
    Run the examples of one page in this (fresh) interpreter; return one line per problem.
    """
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    problems: list[str] = []
    namespaces: dict[str, dict[str, object]] = {}
    seen: set[str] = set(dir(builtins))
    importable: frozenset[str] | None = None
    for block in blocks(path.read_text("utf-8")):
        where = f"{name}, block at line {block.line} ({block.kind})"
        if block.kind in RUN:
            if "SKIP" in block.options.get("options", ""):
                continue
            globs = namespaces.setdefault(block.group, {"__name__": "__main__"})
            if block.kind == "doctest":
                seen |= _names_bound(_doctest_source(block.source))
                examples = doctest.DocTestParser().get_examples(block.source)
                test = doctest.DocTest(examples, globs, where, str(name), block.line, block.source)
                _Runner(problems, where).run(test, out=lambda _text: None, clear_globs=False)
                globs.update(test.globs)  # DocTest ran on a copy
                continue
            seen |= _names_bound(block.source)
            try:
                with redirect_stdout(io.StringIO()):
                    exec(compile(block.source, where, "exec"), globs)  # noqa: S102 -- the docs' own examples
            except Exception as error:  # noqa: BLE001 -- every failure is reported with its place
                problems.append(f"{where}: {type(error).__name__}: {error}")
        elif block.kind in SHOWN:
            source = _doctest_source(block.source) if block.kind == "pycon" else block.source
            try:
                bound, loaded = _bound_and_loaded(source)
            except SyntaxError as error:
                problems.append(f"{where}: not valid Python: {error}")
                continue
            importable = importable or _importable_names()
            missing = sorted((loaded - bound - seen) & importable)
            if missing:
                problems.append(f"{where}: uses {', '.join(missing)} without importing it")
            seen |= bound
    return problems


def _public_docstrings() -> list[doctest.DocTest]:
    """
    Return the doctests of every public module and of every name it exports, once each.
    """
    import lazada_eligibility

    modules = [lazada_eligibility] + [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(lazada_eligibility.__path__, "lazada_eligibility.")
        if not any(part.startswith("_") for part in m.name.split("."))
        and not m.name.endswith(".spark")
    ]
    finder = doctest.DocTestFinder()
    found: dict[str, doctest.DocTest] = {}
    for module in modules:
        for obj in [module, *(getattr(module, n) for n in getattr(module, "__all__", ()))]:
            try:
                tests = finder.find(obj, globs={})
            except ValueError:  # an object doctest cannot place (a constant)
                continue
            for test in tests:
                if test.examples and test.docstring:
                    found.setdefault(test.docstring, test)
    return sorted(found.values(), key=lambda t: t.name)


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def _run_in_fresh_interpreter(page: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, __file__, str(page)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def main(argv: list[str]) -> int:
    """
    Run the examples of each page given; print the problems; exit 1 if any.
    """
    problems = [line for page in argv for line in run_page(Path(page).resolve())]
    for line in problems:
        print(line)  # noqa: T201 -- the script's report
    return 1 if problems else 0


class TestDocsExamples:
    @pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
    def test_each_page_runs_as_pasted(self, page):
        """Each page's examples run in a fresh interpreter with nothing imported for them."""
        result = _run_in_fresh_interpreter(page)

        assert "" == result.stdout, result.stdout
        assert 0 == result.returncode, result.stderr

    def test_each_public_docstring_example_runs_on_its_own(self):
        """Each public docstring's example imports what it uses: it runs in an empty namespace."""
        problems: list[str] = []
        tests = _public_docstrings()
        for test in tests:
            test.globs = {"__name__": "__main__"}
            _Runner(problems, f"{test.name} ({test.filename}:{test.lineno})").run(
                test, out=lambda _text: None
            )

        assert len(tests) > 50
        assert [] == problems

    def test_every_runnable_kind_is_found(self):
        """The extractor sees doctest, testsetup and testcode blocks with their group and options."""
        text = (
            "```{testsetup} store\nimport io\n```\n"
            "````{doctest}\n:hide:\n\n>>> 1 + 1\n2\n````\n"
            "```python\nprint(x)\n```\n"
        )

        assert [
            (1, "testsetup", "store", {}),
            (4, "doctest", "default", {"hide": ""}),
            (10, "python", "default", {}),
        ] == [(b.line, b.kind, b.group, b.options) for b in blocks(text)]

    def test_a_missing_import_fails_with_page_and_block(self, tmp_path):
        """A doctest that uses a library name it did not import fails, naming page and line."""
        page = tmp_path / "page.md"
        page.write_text(
            "# Page\n\n```{doctest}\n>>> Money('1', 'USD')\nMoney(amount=Decimal('1'), currency='USD')\n```\n",
            "utf-8",
        )

        result = _run_in_fresh_interpreter(page)

        assert 1 == result.returncode
        assert "page.md, block at line 3 (doctest)" in result.stdout
        assert "NameError: name 'Money' is not defined" in result.stdout

    def test_a_shown_block_must_import_too(self, tmp_path):
        """A python block that is shown, not run, still may not use an unimported library name."""
        page = tmp_path / "page.md"
        page.write_text(
            "```python\nimport datetime as dt\nevaluate(app, as_of=dt.date(2026, 11, 28))\n```\n",
            "utf-8",
        )

        result = _run_in_fresh_interpreter(page)

        assert "block at line 1 (python): uses evaluate without importing it" in result.stdout

    def test_names_imported_earlier_on_the_page_count(self, tmp_path):
        """A block may use what an earlier block of the same page imported, as a reader's session would."""
        page = tmp_path / "page.md"
        page.write_text(
            "```{doctest}\n>>> from lazada_eligibility import Money\n```\n\n"
            "```{doctest}\n>>> Money('1', 'USD').currency\n'USD'\n```\n"
            "```python\nprint(Money('2', 'USD'), app)\n```\n",
            "utf-8",
        )

        result = _run_in_fresh_interpreter(page)

        assert ("", 0) == (result.stdout, result.returncode)

    def test_a_wrong_output_fails(self, tmp_path):
        """A doctest whose output differs is reported with what was expected and what came."""
        page = tmp_path / "page.md"
        page.write_text("```{doctest}\n>>> 1 + 1\n3\n```\n", "utf-8")

        result = _run_in_fresh_interpreter(page)

        assert "expected '3', got '2'" in result.stdout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
