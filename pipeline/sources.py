"""`source/<slug>.md` → `Article`: YAML front matter plus the Markdown body."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import SourceError

_REQUIRED = ("title", "slug", "lang")
_OPTIONAL = ("summary", "keywords", "date", "updated", "disclaimer")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"ui", "index", "report", "assets", "media"})
"""Names the pipeline uses itself: the interface catalog, the index page, the report and
the folders of copied files."""
MAX_ARTICLE_BYTES = 20_000_000
"""Larger files are refused before they are read: no article comes near it (the 9,800-line
benchmark document is 0.2 MB), and a 3 GB one took 27 s and 6 GB of memory to refuse."""
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATES = ("date", "updated")


@dataclass(frozen=True)
class Article:
    """One source article, as written by its author."""

    path: Path
    slug: str
    lang: str
    """Language of the source text (gettext id)."""
    title: str
    summary: str
    keywords: str
    """Comma-separated subject keywords, for the PDF metadata."""
    disclaimer: str
    date: str
    """First publication date, ISO format; empty when unknown."""
    updated: str
    """Last revision date, ISO format; empty when unknown."""
    body: str
    """Markdown after the front matter."""
    body_line: int
    """1-based line of the file where `body` starts."""
    field_lines: tuple[tuple[str, int], ...]
    """Front-matter key → line, for error messages and references."""

    def line_of(self, key: str) -> int:
        return dict(self.field_lines).get(key, 1)


def _is_date(text: str) -> bool:
    """`YYYY-MM-DD` (a time may follow) naming a day that exists."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", text):
        return False
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def _as_text(path: Path, line: int, key: str, value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        kind = "a date written YYYY-MM-DD" if key in _DATES else "text"
        raise SourceError(path, line, f"front matter '{key}' must be {kind}")
    return " ".join(value.split())


def _yaml_error(path: Path, exc: yaml.YAMLError) -> SourceError:
    """A YAML problem as one line, at the line PyYAML names."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 2 if mark is not None else 2
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] or "invalid YAML"
    if "mapping values are not allowed" in problem:
        problem += " (a value holding ': ' must be quoted, e.g. title: \"A: B\")"
    return SourceError(path, line, f"broken front matter: {problem}")


def read_article(path: Path) -> Article:
    """Parse one article; front-matter problems raise `SourceError` with the line."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceError(path, line, "file is not valid UTF-8") from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise SourceError(path, line, "NUL character (byte 0) in the article: delete it")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return _article_without_front_matter(path, lines)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(path, 1, "front matter is not closed by a '---' line") from None
    front = "\n".join(lines[1:end])
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except RecursionError:
        raise SourceError(path, 2, "front matter nested too deeply") from None
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(path, 2, "front matter must be a mapping of keys to values")
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key == "<<":  # a merge key hides keys (and their duplicates) in another mapping
            raise SourceError(path, line, "YAML merge keys ('<<') are not allowed: write the keys")
        if key in seen:
            raise SourceError(path, line, f"front-matter key '{key}' appears twice")
        seen.add(key)
        if value_node.tag == _TIMESTAMP:
            try:
                dt.date.fromisoformat(str(value_node.value)[:10])
            except ValueError:
                raise SourceError(
                    path, line, f"'{key}' is not a valid date: {value_node.value} (use YYYY-MM-DD)"
                ) from None
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise SourceError(path, 2, f"broken front matter: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise SourceError(path, 2, "front matter must be a mapping of keys to values")
    field_lines = tuple((str(k.value), k.start_mark.line + 2) for k, _ in node.value)
    fl = dict(field_lines)
    for key in data:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise SourceError(path, fl.get(str(key), 2), f"unknown front-matter key '{key}'")
    slug_default = path.stem
    values: dict[str, str] = {}
    for key in (*_REQUIRED, *_OPTIONAL):
        if key in data and data[key] is not None:
            values[key] = _as_text(path, fl.get(key, 2), key, data[key])
    for key in _DATES:
        # Quoted or not, a date is printed in every handout's provenance: only real ones.
        if values.get(key) and not _is_date(values[key]):
            raise SourceError(
                path,
                fl.get(key, 2),
                f"'{key}' is not a valid date: {values[key][:40]} (use YYYY-MM-DD)",
            )
    if not values.get("title"):
        raise SourceError(path, 1, "front matter has no 'title'")
    slug = values.get("slug", slug_default)
    if not _SLUG.fullmatch(slug):
        raise SourceError(path, fl.get("slug", 1), f"invalid slug {slug!r} (use a-z, 0-9 and '-')")
    if slug != path.stem:
        raise SourceError(path, fl.get("slug", 1), f"slug {slug!r} differs from the file name")
    if slug in RESERVED_SLUGS:
        raise SourceError(
            path,
            fl.get("slug", 1),
            f"the name {slug!r} is reserved by the pipeline: rename the file",
        )
    body, body_line = lines[end + 1 :], end + 2
    heading = _leading_title(body)
    if heading is not None and heading[1] == values["title"]:
        # The usual Markdown habit: the title repeated as a leading `# Title`.
        body, body_line = body[heading[0] + 1 :], body_line + heading[0] + 1
    return Article(
        path=path,
        slug=slug,
        lang=values.get("lang", ""),
        title=values["title"],
        summary=values.get("summary", ""),
        keywords=values.get("keywords", ""),
        disclaimer=values.get("disclaimer", ""),
        date=values.get("date", ""),
        updated=values.get("updated", ""),
        body="\n".join(body),
        body_line=body_line,
        field_lines=field_lines,
    )


_ATX_TITLE = re.compile(r" {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")


def _leading_title(lines: list[str]) -> tuple[int, str] | None:
    """(index, text) of a `# Title` line that comes before any other text, if there is one."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _ATX_TITLE.fullmatch(line)
        return (index, " ".join(match[1].split())) if match else None
    return None


def _article_without_front_matter(path: Path, lines: list[str]) -> Article:
    """An article with no front matter whose first line is its `# Title`."""
    heading = _leading_title(lines)
    if heading is None:
        raise SourceError(
            path,
            1,
            "missing front matter: start the file with a '# Title' line or with '---' front"
            " matter (title, summary...)",
        )
    slug = path.stem
    if not _SLUG.fullmatch(slug):
        raise SourceError(path, 1, f"invalid file name {slug!r} (use a-z, 0-9 and '-')")
    if slug in RESERVED_SLUGS:
        raise SourceError(
            path, 1, f"the name {slug!r} is reserved by the pipeline: rename the file"
        )
    index, title = heading
    return Article(
        path=path,
        slug=slug,
        lang="",
        title=title,
        summary="",
        keywords="",
        disclaimer="",
        date="",
        updated="",
        body="\n".join(lines[index + 1 :]),
        body_line=index + 2,
        field_lines=(("title", index + 1),),
    )


def find_articles(source_dir: Path) -> list[Path]:
    """Every article under `source_dir`, sorted by name; a link leading outside the folder,
    anything that is not a regular file, or a file too large to be an article, is refused."""
    root = source_dir.resolve()
    found = []
    for path in sorted(source_dir.glob("*.md")):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise SourceError(path, 1, "article is a symbolic link to a file outside source/")
        if not path.is_file():
            raise SourceError(path, 1, "article is not a regular file")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise SourceError(
                path,
                1,
                f"article is too large ({size // 1_000_000} MB; the limit is"
                f" {MAX_ARTICLE_BYTES // 1_000_000} MB)",
            )
        found.append(path)
    return found
