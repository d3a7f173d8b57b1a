"""One place for each piece of knowledge: catalog paths (`Layout`), the build's stages
and statuses."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from pipeline.build import Edition, Status, merge_reports
from pipeline.errors import PipelineError
from pipeline.model import Layout

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def test_layout_names_gettext_paths(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "locales")
    assert layout.pot("ui") == tmp_path / "locales" / "ui.pot"
    assert layout.po("pt_BR", "ui") == tmp_path / "locales" / "pt_BR" / "LC_MESSAGES" / "ui.po"
    assert layout.languages() == [] and layout.pots() == [] and layout.pos("es") == []
    for lang in ("fr", "es", "en_XA"):
        layout.po(lang, "a").parent.mkdir(parents=True)
        layout.po(lang, "a").write_text("")
    layout.po("es", "ui").write_text("")
    (tmp_path / "locales" / "notes").mkdir()  # not a language: no LC_MESSAGES
    layout.pot("b").write_text("")
    layout.pot("a").write_text("")
    assert layout.languages() == ["es", "fr"]  # pseudo-locales are left out
    assert layout.pots() == [layout.pot("a"), layout.pot("b")]
    assert layout.pos("es") == [layout.po("es", "a"), layout.po("es", "ui")]


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_catalog_paths_are_built_in_one_place() -> None:
    """Only `Layout` spells gettext's folder names; every other module asks it."""
    spelled = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any("LC_MESSAGES" in text or "*.pot" in text for text in _code_strings(path))
    }
    assert spelled == {"model.py"}


def test_statuses_are_spelled_once() -> None:
    """The build and the command line use the enums, not their values."""
    values = {s.value for s in Status} | {e.value for e in Edition}
    users = [*PACKAGE.glob("build/*.py"), PACKAGE / "cli.py", PACKAGE / "serve.py"]
    spelled = {
        path.relative_to(PACKAGE).as_posix() for path in users if values & set(_code_strings(path))
    }
    assert spelled == {"build/records.py"}


def test_merging_reports_names_a_file_that_is_not_one(tmp_path: Path) -> None:
    good = tmp_path / "report.shard-1-of-2.json"
    good.write_text(
        json.dumps(
            {
                "complete": True,
                "outputs": [
                    {"slug": "a", "lang": "es", "edition": "large", "pdf": "es/a.large.pdf"}
                    | {"status": "built"}
                ],
                "errors": [],
                "warnings": [],
                "shard": {"index": 1, "count": 1, "plan": "p"},
            }
        )
    )
    merged = merge_reports([good])
    assert merged.outputs[0].status is Status.BUILT and merged.outputs[0].edition is Edition.LARGE
    bad = tmp_path / "report.shard-2-of-2.json"
    for text in ("{not json", '{"outputs": [{"slug": "a"}]}', '{"outputs": [{"status": "done"}]}'):
        bad.write_text(text)
        with pytest.raises(PipelineError) as raised:
            merge_reports([good, bad])
        assert str(raised.value).endswith(
            "report.shard-2-of-2.json:1: not a shard report of 'pipeline build --shard I/N'"
        )


def test_a_parsed_article_is_cached_once_per_path_and_always_current(tmp_path: Path) -> None:
    """A long `build --watch` parses each saved version of an article; the cache keeps the
    newest only, and a digest seen before is parsed again from the file, never stale."""
    import hashlib

    from pipeline.build import inputs

    article = tmp_path / "a.md"
    versions = []
    before = len(inputs._PARSED)
    for n in range(5):
        article.write_text(f"---\ntitle: Version {n}\n---\n\nBody {n}.\n", "utf-8")
        digest = hashlib.sha256(article.read_bytes()).hexdigest()
        versions.append(digest)
        parsed = inputs.parsed_article(article, digest)
        assert f"Body {n}." in repr(parsed)
        assert inputs.parsed_article(article, digest) is parsed  # parsed once
    assert len(inputs._PARSED) == before + 1
    article.write_text("---\ntitle: Version 0\n---\n\nBody 0.\n", "utf-8")
    assert "Body 0." in repr(inputs.parsed_article(article, versions[0]))
