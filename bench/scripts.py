"""Visual size of each script's body text against the Latin body, from the font files.

For each script's font (the first family of its `:lang()` stack, as fontconfig finds it)
the median ink height of its plain letters (no ascender, descender or mark; Arabic in its
joining forms), against the Latin reference that readers compare it with: the x-height of
Noto Sans for scripts with lower-case-like bodies, its capital height for scripts whose
letters stand between a headline and the baseline (Devanagari, Bengali) or are all of one
height (Hebrew, Ethiopic). Prints the ratio before and after the size factor `--k` of
templates/style.css.

    python bench/scripts.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent

ROWS = [
    # script, language, family, reference ("x" or "cap"), plain letters
    ("Latin", "es", "Noto Sans", "x", "xonueacmsrvwz"),
    ("Cyrillic", "ru", "Noto Sans", "x", "хонуеаcмсрвш"),
    ("Greek", "el", "Noto Sans", "x", "χονυεακμσρπ"),
    ("Arabic", "ar", "Noto Naskh Arabic", "x", "\ufeeb\ufee3\ufeb3\ufeb7\ufee7\ufecc\ufed3\ufea4"),
    ("Persian", "fa", "Noto Naskh Arabic", "x", "\ufeeb\ufee3\ufeb3\ufeb7\ufee7\ufecc\ufed3\ufea4"),
    ("Hebrew", "he", "Noto Sans Hebrew", "cap", "אבגדהחכמנסעפרשת"),
    ("Devanagari", "hi", "Noto Sans Devanagari", "cap", "कगघचजतदधनपबमयरवसह"),
    ("Bengali", "bn", "Noto Sans Bengali", "cap", "কগঘচজতদধনপবমযরসহ"),
    ("Tamil", "ta", "Noto Sans Tamil", "x", "கஙசஞடணதநபமயரலவழளறன"),
    ("Thai", "th", "Noto Sans Thai", "x", "กขคงจฉชซดตถทนบพฟมยรลวสหอ"),
    ("Lao", "lo", "Noto Sans Lao", "x", "ກຂຄງຈຊດຕຖທນບປຜຝພຟມຢຣລວສຫອຮ"),
    ("Khmer", "km", "Noto Sans Khmer", "x", "កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ"),
    ("Burmese", "my", "Noto Sans Myanmar", "x", "ကခဂဃငစဆဇဈညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟဠအ"),
    ("Ethiopic", "am", "Noto Sans Ethiopic", "cap", "ሀለሐመሠረሰሸቀበተቸኀነኘአከኸወዐዘዠየደጀገጠጨጰጸፀፈፐ"),
    ("Georgian", "ka", "Noto Sans Georgian", "x", "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"),
    ("Armenian", "hy", "Noto Sans Armenian", "x", "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ"),
]


def font_file(family: str) -> tuple[str, int]:
    spec = subprocess.run(
        ["fc-match", "-f", "%{file}:%{index}", f"{family}:style=Regular"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    file, index = spec.rsplit(":", 1)
    return file, int(index)


def median_height(family: str, letters: str) -> float:
    file, index = font_file(family)
    font = TTFont(file, fontNumber=index)
    cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
    heights = []
    for char in letters:
        name = cmap.get(ord(char))
        if name is None:
            continue
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        if pen.bounds:
            heights.append((pen.bounds[3] - max(pen.bounds[1], 0)) / font["head"].unitsPerEm)
    return statistics.median(heights)


def size_factor(css: str, lang: str) -> float:
    for rule in re.finditer(r"([^{}]+)\{([^}]*)\}", css):
        if f":lang({lang})" in rule[1]:
            found = re.search(r"--k:\s*([\d.]+)", rule[2])
            return float(found[1]) if found else 1.0
    return 1.0


def main() -> None:
    css = (ROOT / "templates" / "style.css").read_text("utf-8")
    latin = {
        "x": median_height("Noto Sans", "xonueacmsrvwz"),
        "cap": median_height("Noto Sans", "HNOEXZ"),
    }
    print("| script | font | letter height | Latin reference | ratio | size × | ratio after |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for script, lang, family, reference, letters in ROWS:
        height = median_height(family, letters)
        ratio = height / latin[reference]
        k = size_factor(css, lang)
        print(
            f"| {script} | {family} | {height:.3f} | {reference} {latin[reference]:.3f} |"
            f" {ratio:.2f} | {k:g} | {ratio * k:.2f} |"
        )


if __name__ == "__main__":
    main()
