"""
Sphinx extension: the ``policy-reference`` directive.

It renders :func:`lazada_eligibility.policy.policy_reference`, so the
reference of rule kinds, parameters and outcome codes is generated from the
same table the loader uses and cannot drift from it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from lazada_eligibility.codes import BUILTIN_CODES, code_reference
from lazada_eligibility.policy import policy_reference


class PolicyReference(SphinxDirective):
    """Insert the reference of every built-in rule kind."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the generated reStructuredText in place."""
        text = policy_reference(builtin_only=True)
        content = StringList(text.splitlines(), source="lazada_eligibility.policy")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


class CodeReference(SphinxDirective):
    """Insert the table of every built-in outcome code, from the code specs."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the generated reStructuredText in place."""
        text = code_reference(BUILTIN_CODES)
        content = StringList(text.splitlines(), source="lazada_eligibility.codes")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("policy-reference", PolicyReference)
    app.add_directive("code-reference", CodeReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
