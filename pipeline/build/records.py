"""The records the build's stages pass on and the report they end in.

Every record is a frozen dataclass; the statuses and editions are enums, so that the
build, the command line and `report merge` spell them one way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError


class Status(StrEnum):
    """What became of one output (a PDF edition of one article in one language)."""

    BUILT = "built"
    UP_TO_DATE = "up-to-date"
    """Its inputs are those it was last made from: kept as it is."""
    NOT_PUBLISHED = "not-published"
    """The language is below its publishing threshold for this article."""
    FAILED = "failed"


class Edition(StrEnum):
    """A PDF edition of a handout."""

    STANDARD = "standard"
    LARGE = "large"
    """Large print, 18 pt (`<slug>.large.pdf`)."""

    @property
    def suffix(self) -> str:
        return ".large.pdf" if self is Edition.LARGE else ".pdf"


@dataclass(frozen=True)
class BuildOptions:
    """What one build is asked to do (the command line's options)."""

    langs: tuple[str, ...] = ()
    """Only these languages (all configured ones when empty)."""
    jobs: int | None = None
    """Worker processes (default: one per core); 1 also keeps the HTML stage in this
    process."""
    force: bool = False
    """Rebuild every page and PDF, even those up to date."""
    shard: tuple[int, int] = (1, 1)
    """Build only the I-th of N balanced shares of the PDFs (CI)."""
    annotate: bool = False
    """Mark each block with its catalog entry and state (the translators' preview)."""
    pdf: bool = True
    """False: stop after the HTML pages (the preview)."""
    draft: bool = False
    """Also write the languages below their publishing threshold, marked DRAFT and not
    published: not in the index, nor in the published pages' language menus."""
    link_drafts: bool = False
    """The language menus link every chosen language, drafts too (`serve`'s preview)."""

    @property
    def report_name(self) -> str:
        if self.shard == (1, 1):
            return "report.json"
        return f"report.shard-{self.shard[0]}-of-{self.shard[1]}.json"


@dataclass(frozen=True)
class CatalogSummary:
    """What the publishing gate made of one article's catalog in one language: enough to
    decide publication and to report, without the catalog (kept between builds)."""

    key: str
    """Hash of everything the gate read (article, catalog, language, pipeline code)."""
    percent: int
    """Share of the article's segments shown translated, rounded down."""
    translated: int
    fuzzy: int
    untranslated: int
    invalid: int
    problems: tuple[str, ...]
    """`path:line: invalid translation: ...` for each entry the gate refused."""
    title: str
    """The title as the page shows it."""
    title_lang: str
    """The language the title is shown in (the source's when untranslated)."""

    @property
    def complete(self) -> bool:
        return not (self.fuzzy or self.untranslated or self.invalid)


@dataclass(frozen=True)
class PageSummary:
    """One article's HTML page in one language, as the build made (or kept) it."""

    lang: str
    slug: str
    key: str
    """Hash of every input of the page; equal keys make equal pages."""
    catalog: CatalogSummary
    published: bool
    reason: str
    """Why it is not published."""
    draft: bool
    """Carries the draft mark: the catalog or the handout's interface strings are not
    all translated and reviewed."""
    ui_untranslated: int
    """Interface strings of the handout without a usable translation."""
    ui_problems: tuple[str, ...]
    """`path:line: invalid translation: ...` for the interface catalog's refused entries."""
    html_digest: str
    """SHA-256 of the HTML file written (empty when not written): a page whose file
    no longer holds it is made again."""
    refs: tuple[str, ...] = ()
    """The files the page refers to (its `src` attributes), which its PDFs are made from."""
    preview: bool = False
    """Written below its threshold (`build --draft`, `serve`): on disk and marked DRAFT,
    but not published."""

    @property
    def written(self) -> bool:
        """Whether the page (and its PDFs) is in the output: published, or a draft."""
        return self.published or self.preview

    @property
    def problems(self) -> tuple[str, ...]:
        return self.catalog.problems + self.ui_problems

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageSummary:
        """Read back what `asdict` wrote; raises KeyError, TypeError or ValueError when the
        data is not such a record (an old or damaged state file)."""
        catalog = CatalogSummary(
            **{**data["catalog"], "problems": tuple(data["catalog"]["problems"])}
        )
        page = cls(
            **{
                **data,
                "catalog": catalog,
                "ui_problems": tuple(data["ui_problems"]),
                "refs": tuple(data["refs"]),
            }
        )
        if not (isinstance(page.key, str) and isinstance(catalog.key, str)):
            raise ValueError("not a page summary")
        return page


@dataclass(frozen=True)
class OutputRecord:
    """What the build made of one article in one language and edition."""

    slug: str
    lang: str
    edition: Edition
    pdf: str
    """Path under output/."""
    status: Status
    reason: str = ""
    """Why it was not published or failed."""
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    percent: int = 0
    """Share of the article's segments shown translated."""
    translated: int = 0
    fuzzy: int = 0
    fallback: int = 0
    """Untranslated segments shown in the source language."""
    invalid: int = 0
    ui_untranslated: int = 0
    """Interface strings shown in the source language."""
    warnings: tuple[str, ...] = field(default=())
    published: bool = True
    """False below the threshold: not made (`not-published`), or made as a draft by
    `build --draft` (its status says what the build did)."""
    draft: bool = False
    """The handout carries the DRAFT mark (incomplete or unreviewed, or not published)."""
    rebuilt: bool = True
    """False for a row of another language kept from the previous complete report by a
    `build --lang` that did not build that language."""


@dataclass(frozen=True)
class BuildReport:
    """Every output of one build, written to `output/report.json`."""

    outputs: tuple[OutputRecord, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """Catalog entries the build would not print (`path:line: ...`), each named once."""
    complete: bool = True
    """False in the report written when a build starts, until it finishes: a killed or
    failed build never leaves the previous run's report behind."""
    pages_made: tuple[str, ...] = ()
    """HTML pages (`lang/slug.html`, published or not) this build made."""
    pages_kept: tuple[str, ...] = ()
    """HTML pages that were up to date."""
    shard: tuple[int, int] = (1, 1)
    """This report's shard, I of N (`build --shard`)."""
    plan: str = ""
    """Fingerprint of the plan the build made (every page's key): the shards of one
    build share it, so that `report merge` can refuse a mixed set."""
    pages: tuple[PageSummary, ...] = ()
    """The chosen languages' pages as this build made or kept them (for `serve`'s front
    page; not in `report.json`, whose rows are the PDFs)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> str:
        data = {
            "complete": self.complete,
            "outputs": [asdict(r) for r in self.outputs],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "pages": {"made": list(self.pages_made), "kept": list(self.pages_kept)},
            "shard": {"index": self.shard[0], "count": self.shard[1], "plan": self.plan},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def merge_reports(paths: list[Path]) -> BuildReport:
    """Join the reports of a sharded build into one: every shard of one plan exactly
    once, or a `PipelineError` naming what is missing, repeated or mixed."""
    outputs: dict[tuple[str, str, str], OutputRecord] = {}
    errors: list[str] = []
    warnings: dict[str, None] = {}
    made: dict[str, None] = {}
    kept: dict[str, None] = {}
    complete = True
    seen: dict[int, Path] = {}
    first: tuple[Path, int, str] | None = None
    for path in paths:
        try:
            data = json.loads(path.read_text("utf-8"))
            shard = data["shard"]
            index, count, plan = int(shard["index"]), int(shard["count"]), str(shard["plan"])
            complete = complete and bool(data.get("complete", True))
            warnings.update(dict.fromkeys(map(str, data.get("warnings", []))))
            made.update(dict.fromkeys(map(str, data.get("pages", {}).get("made", []))))
            kept.update(dict.fromkeys(map(str, data.get("pages", {}).get("kept", []))))
            errors.extend(map(str, data.get("errors", [])))
            records = [_record(row) for row in data.get("outputs", [])]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            raise PipelineError(
                path, 1, "not a shard report of 'pipeline build --shard I/N'"
            ) from None
        if first is None:
            first = (path, count, plan)
        elif (count, plan) != first[1:]:
            raise PipelineError(
                path, 1, f"shard of another build than {first[0]} (a mixed set of reports)"
            )
        if index in seen:
            raise PipelineError(path, 1, f"shard {index} of {count} repeated ({seen[index]})")
        seen[index] = path
        for record in records:
            key = (record.slug, record.lang, record.edition)
            if key not in outputs or outputs[key].status == Status.UP_TO_DATE:
                outputs[key] = record
    if first is not None:
        missing = [str(i) for i in range(1, first[1] + 1) if i not in seen]
        if missing:
            raise PipelineError(
                first[0], 1, f"incomplete set: shard {', '.join(missing)} of {first[1]} missing"
            )
    return BuildReport(
        tuple(sorted(outputs.values(), key=lambda r: (r.slug, r.lang, r.edition))),
        tuple(dict.fromkeys(errors)),
        tuple(warnings),
        complete,
        tuple(made),
        tuple(k for k in kept if k not in made),
        (1, 1),
        first[2] if first else "",
    )


def previous_rows(path: Path, langs: tuple[str, ...]) -> tuple[OutputRecord, ...]:
    """The rows of languages other than `langs` in the complete report at `path`, marked
    as not rebuilt; none when there is no such report."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("complete") is not True:
            return ()
        rows = [_record(row) for row in data.get("outputs", [])]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return ()
    return tuple(replace(r, rebuilt=False) for r in rows if r.lang not in langs)


def _record(row: dict[str, Any]) -> OutputRecord:
    """An output as `report.json` holds it."""
    status = Status(row["status"])
    return OutputRecord(
        **{
            # A report written before drafts were built: only `not-published` rows were not.
            "published": status is not Status.NOT_PUBLISHED,
            **row,
            "edition": Edition(row["edition"]),
            "status": status,
            "warnings": tuple(map(str, row.get("warnings", ()))),
        }
    )
