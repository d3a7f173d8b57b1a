"""Which Debian font packages the configured languages need.

Runs on the bare system Python (stdlib only), before the virtual environment
exists: `python3 -m pipeline.fonts` prints the package names for `make`.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

BASE_FONTS = ("fonts-noto-core", "fonts-dejavu-core")
"""Latin, Cyrillic, Greek, Vietnamese, Arabic, Hebrew, Devanagari and more."""
CJK_FONTS = ("fonts-noto-cjk",)
"""Noto Sans CJK SC/TC/JP/KR, for Chinese, Japanese and Korean."""
_CJK_LANGUAGES = {"zh", "ja", "ko", "yue"}


def packages_for(languages: list[str]) -> list[str]:
    """Font packages for a list of gettext language ids."""
    needed = list(BASE_FONTS)
    if any(code.split("_")[0] in _CJK_LANGUAGES for code in languages):
        needed.extend(CJK_FONTS)
    return needed


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "pyproject.toml")
    table = tomllib.loads(path.read_text("utf-8")).get("tool", {}).get("pipeline", {})
    languages = [table.get("source_language", "en"), *table.get("languages", [])]
    print(" ".join(packages_for(languages)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
