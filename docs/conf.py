"""Sphinx configuration."""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "lazada_eligibility"
author = "lazada_eligibility maintainers"
copyright = "2026, lazada_eligibility maintainers"  # noqa: A001 -- Sphinx reads this name
release = _version("lazada-eligibility")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "cli_help",
    "policy_reference",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_inventories", "_ext"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "lazada_eligibility"
# Example output wraps instead of scrolling sideways (see the file).
html_static_path = ["_static"]
html_css_files = ["custom.css"]

autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

nitpicky = True
nitpick_ignore_regex = [
    # Type variables and private helpers named in signatures.
    (r"py:.*", r"(lazada_eligibility\.)?.*\._[A-Za-z].*"),
    (r"py:class", r"(.*\.)?(S|T|_T|_S|_R|SubjectT)"),
    (r"py:class", r"Self"),
    # The compiled form of a rule is internal; it shows in Rule.compile's signature.
    (r"py:class", r"(lazada_eligibility\.rules\._core\.)?(Env|Compiled)"),
    (r"py:class", r"attrs?\.Attribute.*"),
]

# CI has no network: the inventories are local files listing the external
# objects the docs refer to (see _inventories/make_inventories.py); the
# links still go to the online documentation.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", "_inventories/python.inv"),
    "attrs": ("https://www.attrs.org/en/stable/", "_inventories/attrs.inv"),
    "babel": ("https://babel.pocoo.org/en/latest/", "_inventories/babel.inv"),
    "dateutil": (
        "https://dateutil.readthedocs.io/en/stable/",
        "_inventories/dateutil.inv",
    ),
    "hypothesis": (
        "https://hypothesis.readthedocs.io/en/latest/",
        "_inventories/hypothesis.inv",
    ),
}

# No global setup: every example imports what it uses, so that it works when
# a reader pastes it (tests/test_docs_examples.py runs each page that way).
doctest_global_setup = ""

doctest_default_flags = (
    __import__("doctest").ELLIPSIS
    | __import__("doctest").NORMALIZE_WHITESPACE
    | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1
)
