"""
The README's examples stay true.
"""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


class TestReadme:
    def test_python_example_runs(self, capsys):
        """The Python example runs and prints a real decision."""
        [code] = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 -- our own README
        assert "pass True" == capsys.readouterr().out.strip()

    def test_quick_start_is_two_commands(self):
        """The quick start is exactly two commands: run the example, run the tests."""
        section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
        commands = re.findall(r"```console\n(.*?)```", section, flags=re.DOTALL)
        assert 2 == len(commands)
        assert all(c.count("\n") == 1 for c in commands)
        assert "lazada-eligibility check examples/" in commands[0]
        assert "bash .ci/run" == commands[1].strip()
