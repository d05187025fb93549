"""
Write the intersphinx inventories the docs link against, from ``*.txt`` lists.

CI has no network, so the docs cannot download ``objects.inv`` from
docs.python.org and friends. Instead each ``NAME.txt`` here lists, one per
line, ``name domain:role uri``, for the external objects the docs refer to;
this script turns each into ``NAME.inv`` in the format intersphinx reads
(version 2: four header lines, then zlib-compressed entries). Links still
point at the real online documentation.

Run ``python docs/_inventories/make_inventories.py`` after editing a list.
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).parent
PROJECTS = {
    "python": ("Python", "3"),
    "attrs": ("attrs", "stable"),
    "babel": ("Babel", "latest"),
    "dateutil": ("dateutil", "stable"),
    "hypothesis": ("Hypothesis", "latest"),
}


def main() -> None:
    """Rewrite every inventory from its list."""
    for name, (project, version) in PROJECTS.items():
        lines = []
        for raw in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            obj, role, uri = raw.split()
            lines.append(f"{obj} {role} 1 {uri} -\n")
        header = (
            "# Sphinx inventory version 2\n"
            f"# Project: {project}\n"
            f"# Version: {version}\n"
            "# The remainder of this file is compressed using zlib.\n"
        )
        body = zlib.compress("".join(sorted(lines)).encode("utf-8"), 9)
        (HERE / f"{name}.inv").write_bytes(header.encode("utf-8") + body)


if __name__ == "__main__":
    main()
