"""Which Debian font packages the configured languages need.

Runs on the bare system Python (stdlib only), before the virtual environment exists:
`python3 -m pipeline.fonts` prints the package names for `make`. The script of each
language, and the package of its font, come from the table in `pipeline/scripts.py`.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from pipeline.scripts import font_packages

EXTRA = ("fonts-dejavu-core",)
"""A last fallback for symbols no Noto family in the stacks has."""


def packages_for(languages: list[str]) -> list[str]:
    """Font packages for a list of gettext language ids."""
    return [*font_packages(languages), *EXTRA]


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "pyproject.toml")
    table = tomllib.loads(path.read_text("utf-8")).get("tool", {}).get("pipeline", {})
    languages = [table.get("source_language", "en"), *table.get("languages", [])]
    print(" ".join(packages_for(languages)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
