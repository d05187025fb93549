"""
Tests for scripts/check_docs_browser.py: the glyph probe finds text the browser has no font for.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium")

# .ci/run installs Chromium before the tests; there (CI=true) a missing browser
# fails these tests instead of skipping them.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="needs Chromium (installed by .ci/run)"
)
# Tangut: a script that no font of a Debian docs machine covers.
NO_FONT = "\U00017000\U00017001\U00017002"


def has_font_for(char: str) -> bool:
    """Whether fontconfig knows a font with *char* (then it cannot stand for a missing glyph)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(
        [fc_list, f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())


needs_no_tangut_font = pytest.mark.skipif(
    any(has_font_for(c) for c in NO_FONT), reason="this machine has a Tangut font"
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_docs_browser", ROOT / "scripts" / "check_docs_browser.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


@pytest.fixture
def site(tmp_path: Path, script: ModuleType) -> Iterator[tuple[Path, str]]:
    server, base = script._serve(tmp_path)
    try:
        yield tmp_path, base
    finally:
        server.shutdown()
        server.server_close()


def page(root: Path, body: str, *, wrapper: str = "article") -> str:
    (root / "page.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8"></head>'
        f"<body><{wrapper}><h1>Page</h1>{body}</{wrapper}></body></html>",
        "utf-8",
    )
    return "page.html"


class TestGlyphCheck:
    @needs_no_tangut_font
    def test_a_script_with_no_font_fails(self, script, site, tmp_path):
        """Tangut, which no installed font covers, is reported as empty boxes with its characters."""
        root, base = site
        name = page(root, f"<p>Latin, then Tangut: {NO_FONT}</p>")

        problems = script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))

        assert 1 == len(problems), problems
        assert "3 characters have no font" in problems[0]
        assert NO_FONT in problems[0]

    @needs_no_tangut_font
    def test_missing_glyphs_in_code_blocks_are_found_too(self, script, site, tmp_path):
        """Text in a monospaced block is checked in its own font stack."""
        root, base = site
        name = page(root, f"<pre>&gt;&gt;&gt; print(x)\n{NO_FONT}</pre>")

        problems = script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))

        assert [True] == ["monospace" in p and NO_FONT in p for p in problems]

    def test_text_with_fonts_passes(self, script, site, tmp_path):
        """Latin with accents and Vietnamese letters have fonts everywhere: no problem."""
        root, base = site
        name = page(root, "<p>Không đủ điều kiện; naïve café, US$1,000.00</p>")

        assert [] == script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))

    def test_a_page_without_the_expected_script_fails(self, script, site, tmp_path):
        """A page that should show Chinese but has none fails rather than passing with nothing to check."""
        root, base = site
        name = page(root, "<p>Only English here.</p>")

        assert [f"{name}: no Han text to check (expected the examples in that script)"] == (
            script.check_glyphs(CHROMIUM, base, name, ("Han",), str(tmp_path / "profile"))
        )

    @needs_no_tangut_font
    def test_a_page_without_an_article_is_read_whole(self, script, site, tmp_path):
        """Without an <article>, the probe reads the whole body."""
        root, base = site
        name = page(root, f"<p>{NO_FONT}</p>", wrapper="div")

        problems = script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))

        assert 1 == len(problems)

    def test_the_probe_is_only_added_on_request(self, script, site):
        """The page as served normally has no probe; with ?glyph-probe it has."""
        root, base = site
        name = page(root, "<p>x</p>")

        assert "glyph-probe-report" not in script._fetch(base + name)
        assert "glyph-probe-report" in script._fetch(f"{base}{name}?glyph-probe")

    def test_a_code_block_wider_than_the_page_fails(self, script, site, tmp_path):
        """A line that runs out of sight behind a scrollbar is reported with its start."""
        root, base = site
        line = "- September 2026: " + "US$150.00 short of US$1,000.00. " * 20
        name = page(root, f'<pre style="overflow-x: auto">{line}</pre>')

        problems = script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))

        expected = (
            f"{name}: a code block is wider than the page and hides the end of: {line[:80]!r}"
        )
        assert [expected] == problems

    def test_a_wrapped_code_block_passes(self, script, site, tmp_path):
        """The same line wrapped to the page's width hides nothing."""
        root, base = site
        line = "- September 2026: " + "US$150.00 short of US$1,000.00. " * 20
        name = page(root, f'<pre style="white-space: pre-wrap">{line}</pre>')

        assert [] == script.check_glyphs(CHROMIUM, base, name, (), str(tmp_path / "profile"))
