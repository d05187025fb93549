"""
Look at the built docs in a real browser and fail on missing pages or broken links.

Serves ``docs/_build/html`` on a loopback port, opens the landing page, the
tutorial and the API reference in headless Chromium (their DOM after scripts
ran, and a screenshot each under ``docs/_build/screens/``), then follows every
internal link from every page reachable from the landing page: each target
must be served and each ``#fragment`` must name an element on the target
page.

Usage: ``python scripts/check_docs_browser.py [--html DIR] [--chromium PATH]``.
Exit status 0 when everything is found, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import functools
import http.server
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

BROWSER_PAGES = ("index.html", "tutorial.html", "api.html")
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


def _chromium(chromium: str, url: str, screenshot: Path, profile: str) -> str:
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(  # noqa: S603 -- our own browser on our own loopback URL
        [*common, "--dump-dom", url], capture_output=True, text=True, timeout=60, check=True
    ).stdout
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
        problems.extend(_crawl(base))
    finally:
        server.shutdown()
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
