"""
Look at the built docs in a real browser and fail on missing pages, broken links or missing glyphs.

Serves ``docs/_build/html`` on a loopback port, opens the landing page, the
tutorial, the explanations and the API reference in headless Chromium (their
DOM after scripts ran, and a screenshot each under ``docs/_build/screens/``),
then follows every internal link from every page reachable from the landing
page: each target must be served and each ``#fragment`` must name an element
on the target page.

Missing glyphs: on a machine without Chinese or Thai fonts the browser draws
each such character as an empty box ("tofu") and nothing else notices. The
pages in ``GLYPH_PAGES`` are opened with a probe script that draws every
non-Latin character of the page's text, in the font its element uses, on a
canvas and compares the pixels with those of code points no font has
(private use, plane 16): the same picture means the character has no glyph.
Each page must also contain text in the scripts it lists, so that a page
that lost its examples does not pass by having nothing to check, and none of
its code blocks may be wider than the page (hiding the end of its lines).

Usage: ``python scripts/check_docs_browser.py [--html DIR] [--chromium PATH]``.
Exit status 0 when everything is found, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

BROWSER_PAGES = ("index.html", "tutorial.html", "explanations.html", "api.html")
# Pages whose text must render with real glyphs, and the scripts (Unicode
# script names) each must contain: the explanations show every language.
GLYPH_PAGES: dict[str, tuple[str, ...]] = {"explanations.html": ("Han", "Thai")}
GLYPH_QUERY = "glyph-probe"
_REPORT = re.compile(r'<pre id="glyph-probe-report">(.*?)</pre>', re.DOTALL)
# Runs in the page: every character of the article's text outside Latin, in
# its element's font, drawn on a canvas and compared with the drawing of
# code points no font has. Where those references differ from one another
# (a browser that writes the code point in the box), equal width decides.
GLYPH_PROBE = r"""
(() => {
  const report = {checked: 0, missing: {}, scripts: {}};
  try {
    const size = 48;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size * 2;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    const draw = (text, font) => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.font = font;
      ctx.textBaseline = "top";
      ctx.fillText(text, size / 4, size / 4);
      return {width: ctx.measureText(text).width,
              pixels: ctx.getImageData(0, 0, canvas.width, canvas.height).data.join()};
    };
    const references = new Map();
    const missing = (ch, font) => {
      if (!references.has(font)) {
        const boxes = ["\u{10FFFD}", "\u{10FFFC}", "\u{10FFF0}"].map((c) => draw(c, font));
        references.set(font, {box: boxes[0], alike: boxes.every((b) => b.pixels === boxes[0].pixels)});
      }
      const ref = references.get(font);
      const got = draw(ch, font);
      return ref.alike ? got.pixels === ref.box.pixels : got.width === ref.box.width;
    };
    const scripts = {Han: /\p{Script=Han}/u, Thai: /\p{Script=Thai}/u};
    const root = document.querySelector("article") || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const style = getComputedStyle(node.parentElement);
      const font = `${style.fontStyle} ${style.fontWeight} ${size}px ${style.fontFamily}`;
      for (const ch of node.data) {
        if (ch.codePointAt(0) < 0x250 || !/[\p{L}\p{N}\p{P}\p{S}]/u.test(ch)) continue;
        for (const [name, pattern] of Object.entries(scripts)) {
          if (pattern.test(ch)) report.scripts[name] = (report.scripts[name] || 0) + 1;
        }
        if (seen.has(ch + font)) continue;
        seen.add(ch + font);
        report.checked += 1;
        if (missing(ch, font)) (report.missing[style.fontFamily] ||= []).push(ch);
      }
    }
    // Blocks wider than the page: their ends are hidden behind a scrollbar.
    report.clipped = [...root.querySelectorAll("pre")]
      .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
      .map((pre) => pre.textContent.split("\n").reduce((a, b) => (b.length > a.length ? b : a), ""));
  } catch (error) {
    report.error = String(error);
  }
  const out = document.createElement("pre");
  out.id = "glyph-probe-report";
  out.textContent = JSON.stringify(report);
  document.body.append(out);
})();
"""
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class _Page(HTMLParser):
    """Collects link targets and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headings = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "h1":
            self.headings += 1
        for name in ("href", "src"):
            target = values.get(name)
            if target and tag in {"a", "link", "script", "img"}:
                self.links.append(target)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base class's name
        pass

    def do_GET(self) -> None:
        """Serve the file; with ``?glyph-probe``, an HTML page with the probe script added."""
        path, _, query = self.path.partition("?")
        if query != GLYPH_QUERY or not path.endswith(".html"):
            super().do_GET()
            return
        file = Path(self.translate_path(path))
        if not file.is_file():
            self.send_error(404)
            return
        script = f"<script>{GLYPH_PROBE}</script>"
        body = file.read_text("utf-8").replace("</body>", f"{script}</body>", 1).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- loopback only
            return str(response.read().decode("utf-8", "replace"))
    except urllib.error.URLError:
        return None


def _dom(chromium: str, url: str, profile: str) -> str:
    return subprocess.run(  # noqa: S603 -- our own browser on our own loopback URL
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def _chromium(chromium: str, url: str, screenshot: Path, profile: str) -> str:
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = _dom(chromium, url, profile)
    subprocess.run(  # noqa: S603 -- as above
        [*common, f"--screenshot={screenshot}", "--window-size=1280,1600", url],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return dom


def check(root: Path, chromium: str) -> list[str]:
    """Return one line per problem found in the docs under *root*."""
    problems: list[str] = []
    server, base = _serve(root)
    screens = root.parent / "screens"
    screens.mkdir(exist_ok=True)
    try:
        with tempfile.TemporaryDirectory() as profile:
            for name in BROWSER_PAGES:
                dom = _chromium(chromium, base + name, screens / f"{name}.png", profile)
                page = _parse(dom)
                if page.headings == 0:
                    problems.append(f"{name}: the browser rendered no heading (missing page?)")
            for name, scripts in GLYPH_PAGES.items():
                problems.extend(check_glyphs(chromium, base, name, scripts, profile))
        problems.extend(_crawl(base))
    finally:
        server.shutdown()
        server.server_close()
    return problems


def check_glyphs(
    chromium: str, base: str, name: str, scripts: tuple[str, ...], profile: str
) -> list[str]:
    """
    Return one line per font problem of page *name*: characters drawn as boxes, or a script missing.
    """
    dom = _dom(chromium, f"{base}{name}?{GLYPH_QUERY}", profile)
    match = _REPORT.search(dom)
    if match is None:
        return [f"{name}: the glyph probe did not run (no report in the page)"]
    report = json.loads(html.unescape(match[1]))
    if "error" in report:
        return [f"{name}: the glyph probe failed: {report['error']}"]
    problems = [
        f"{name}: {len(chars)} characters have no font and show as empty boxes "
        f"({family}): {''.join(chars[:40])}"
        for family, chars in sorted(report["missing"].items())
    ]
    problems.extend(
        f"{name}: a code block is wider than the page and hides the end of: {line[:80]!r}"
        for line in report["clipped"]
    )
    problems.extend(
        f"{name}: no {script} text to check (expected the examples in that script)"
        for script in scripts
        if not report["scripts"].get(script)
    )
    return problems


def _crawl(base: str) -> list[str]:
    pages: dict[str, _Page | None] = {}
    wanted = _follow(base, pages)
    problems: list[str] = []
    for source, target, fragment in wanted:
        where = source.removeprefix(base)
        if target not in pages:
            pages[target] = None if _fetch(target) is None else _Page()
        page = pages[target]
        if page is None:
            problems.append(f"{where}: broken link to {target.removeprefix(base)}")
        elif fragment and target.endswith(".html") and fragment not in page.ids:
            problems.append(f"{where}: no #{fragment} on {target.removeprefix(base)}")
    return sorted(set(problems))


def _follow(base: str, pages: dict[str, _Page | None]) -> list[tuple[str, str, str]]:
    # Every internal link of every page reachable from the landing page, as
    # (from page, target, fragment); *pages* gets each HTML page parsed.
    todo = [base + "index.html"]
    wanted: list[tuple[str, str, str]] = []
    while todo:
        url = todo.pop()
        if url in pages:
            continue
        text = _fetch(url)
        pages[url] = None if text is None else _parse(text)
        page = pages[url]
        if page is None:
            continue
        for link in page.links:
            target, fragment = urldefrag(urljoin(url, link))
            if not target.startswith(base):
                continue  # external: not followed (no network here)
            wanted.append((url, target, fragment))
            if urlsplit(target).path.endswith((".html", "/")):
                todo.append(target)
    return wanted


def main() -> int:
    """Run the check; print problems; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--html", type=Path, default=Path("docs/_build/html"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    if not (args.html / "index.html").is_file():
        print(f"{args.html}: no built docs (index.html missing)", file=sys.stderr)
        return 1
    problems = check(args.html, args.chromium)
    for line in problems:
        print(line, file=sys.stderr)
    print(f"docs browser check: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
