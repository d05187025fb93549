"""
A ``cli-help`` directive: the ``--help`` text of a command, taken from the parser itself.

The reference cannot drift from the program: it is the program's own help.
"""

from __future__ import annotations

import argparse
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx


class CliHelp(Directive):
    """Render ``lazada-eligibility [COMMAND ...] --help``."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        """Find the (sub)parser named by the argument and return its help as a literal block."""
        from lazada_eligibility.cli import build_parser  # noqa: PLC0415 -- at build time, after sys.path is set

        parser = build_parser()
        for name in self.arguments[0].split() if self.arguments else []:
            parser = _subparser(parser, name)
        parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=88)
        text = parser.format_help()
        return [nodes.literal_block(text, text, language="text")]


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:  # noqa: SLF001 -- argparse has no public way to list subcommands
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:  # noqa: SLF001
            return action.choices[name]  # type: ignore[no-any-return]
    msg = f"no command {name!r}"
    raise ValueError(msg)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
