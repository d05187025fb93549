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

    def test_quick_start_succeeds(self, capsys):
        """The first command a newcomer runs exits 0 (eligible) and explains the decision."""
        from lazada_eligibility import cli

        section = README.split("## Quick start", 1)[1]
        command = re.findall(r"```console\n(.*?)```", section, flags=re.DOTALL)[0]
        argv = command.split("lazada-eligibility ", 1)[1].split()
        root = Path(__file__).parent.parent
        argv = [str(root / a) if a.startswith("examples/") else a for a in argv]
        assert 0 == cli.main(argv)
        out = capsys.readouterr().out
        assert out.startswith("Eligible:")
        assert "Checks passed:" in out

    def test_readme_says_what_statuses_mean(self):
        """The README says what the verdict statuses 0, 1 and 2 mean."""
        assert "**0** eligible, **1** not\neligible, **2** needs review" in README
