"""The `pipeline` command line: a thin adapter over the stages, and the only printer."""

from __future__ import annotations

import contextlib
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.errors import PipelineError, display_path, printable
from pipeline.fsutil import project_lock

if TYPE_CHECKING:
    from pipeline.build import BuildOptions, BuildReport, OutputRecord
    from pipeline.config import Config
    from pipeline.project import FileChange
    from pipeline.workers import Pool


def _config(ctx: click.Context) -> Config:
    from pipeline.config import find_project, load_config

    project = ctx.obj.get("project") if ctx.obj else None
    root = Path(project) if project else find_project(Path.cwd())
    return load_config(root)


def _report(changes: Sequence[FileChange], verb: str) -> None:
    """One line per file written: `created` for a new one, `reformatted` when only its
    formatting changed, else `verb`."""
    for change in changes:
        if change.changed:
            what = "created" if change.created else verb
            if change.formatting_only:
                what = "reformatted"
            click.echo(f"{what} {display_path(change.path)}")


class _Commands(click.Group):
    """The command group; `serve` (HTTP server, file watcher) is imported only when used,
    so that every other command starts fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "serve"])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "serve":
            from pipeline.serve import serve_command

            return serve_command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder (default: nearest pyproject.toml with [tool.pipeline]).",
)
@click.version_option(package_name="health-handouts", prog_name="pipeline")
@click.pass_context
def cli(ctx: click.Context, project: str | None) -> None:
    """Turn Markdown health articles into translated HTML pages and PDF handouts."""
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a .pot is stale.")
@click.pass_context
def extract(ctx: click.Context, files: tuple[Path, ...], check: bool) -> None:
    """Extract sources and templates into locales/*.pot (only FILES when given: articles
    under source/ or templates)."""
    from pipeline import project

    config = _config(ctx)
    with project_lock(config.root):
        changes = project.extract(config, check=check, only=list(files) or None)
    if check:
        stale = [c for c in changes if c.changed]
        for change in stale:
            click.echo(f"{display_path(change.path)}:1: stale: run 'pipeline extract'", err=True)
        ctx.exit(1 if stale else 0)
    _report(changes, "wrote")


@cli.command()
@click.argument("lang")
@click.pass_context
def init(ctx: click.Context, lang: str) -> None:
    """Create locales/LANG/LC_MESSAGES/*.po for a new language."""
    from pipeline import project

    config = _config(ctx)
    with project_lock(config.root):
        changes = project.init(config, lang)
    _report(changes, "created")
    if changes and not any(change.changed for change in changes):
        folder = display_path(changes[0].path.parent)
        click.echo(
            f"{lang} already exists ({folder}): nothing was written; run 'pipeline update"
            f" --lang {lang}' to bring it up to date with the templates"
        )
    if lang not in config.languages:
        click.echo(f'note: add "{lang}" to [tool.pipeline] languages in pyproject.toml to build it')


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a .po is stale.")
@click.option(
    "--no-fuzzy-matching", is_flag=True, help="Do not guess translations of changed messages."
)
@click.option(
    "--carry-over/--no-carry-over",
    default=True,
    show_default=True,
    help="Keep reviewed translations (not fuzzy, previous source as #|) of messages that "
    "changed only in case, white space or typographic quotes.",
)
@click.pass_context
def update(
    ctx: click.Context,
    langs: tuple[str, ...],
    check: bool,
    no_fuzzy_matching: bool,
    carry_over: bool,
) -> None:
    """Update every .po from its .pot, keeping every translation."""
    from pipeline import project

    config = _config(ctx)
    with project_lock(config.root):
        changes = project.update(
            config,
            list(langs) or None,
            check=check,
            fuzzy_matching=not no_fuzzy_matching,
            carry_over=carry_over,
        )
    if check:
        stale = [c for c in changes if c.changed]
        for change in stale:
            where = display_path(change.path)
            if change.formatting_only:
                message = (
                    "only the formatting differs (line wrapping or line endings):"
                    f" run 'pipeline fmt {where}'"
                )
            elif change.created:
                message = "missing: run 'pipeline update'"
            else:
                message = "stale: run 'pipeline update'"
            click.echo(f"{where}:1: {message}", err=True)
        ctx.exit(1 if stale else 0)
    _report(changes, "updated")
    carried = sum(change.carried_over for change in changes)
    if carried:
        click.echo(
            f"carried over {carried} translation{'s' * (carried != 1)} whose source changed"
            " only in case/space/quotes (not fuzzy; the old source is kept as #| for review)"
        )


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--strict", is_flag=True, help="Warnings count as errors (for CI).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def check(ctx: click.Context, langs: tuple[str, ...], strict: bool, fmt: str) -> None:
    """Check every catalog: tags, placeholders, numbers, punctuation, headers..."""
    from pipeline import checks

    config = _config(ctx)
    report = checks.run_checks(config, list(langs) or None)
    if fmt == "json":
        click.echo(checks.to_json(report).rstrip("\n"))
    else:
        text = checks.to_text(report, strict)
        lines = text.splitlines()
        if lines:
            for line in lines[:-1]:
                click.echo(line, err=True)
            click.echo(lines[-1])
    ctx.exit(1 if report.errors(strict) else 0)


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_context
def stats(ctx: click.Context, langs: tuple[str, ...], fmt: str) -> None:
    """Messages and words translated, fuzzy and untranslated, per language and catalog."""
    from pipeline import stats as stage

    rows = stage.collect(_config(ctx), list(langs) or None)
    if fmt == "json":
        click.echo(stage.to_json(rows).rstrip("\n"))
    elif fmt == "markdown":
        click.echo(stage.to_markdown(rows).rstrip("\n"))
    else:
        from rich.console import Console

        table = stage.to_table(rows)
        if sys.stdout.isatty():
            Console(soft_wrap=True).print(table)
        else:
            # A log or a pipe has no width: give the table all it needs, never 80 columns.
            console = Console(width=_UNLIMITED, soft_wrap=True)
            console.width = console.measure(table).maximum
            console.print(table)


_UNLIMITED = 10_000
"""Columns for output that is not a terminal: wide enough for any table row."""


@cli.command()
@click.pass_context
def pseudo(ctx: click.Context) -> None:
    """Pseudo-translate every catalog into en_XA (accented) and ar_XB (RTL).

    Build them with `pipeline build --lang en_XA --lang ar_XB` to see layout
    problems (truncation, mirroring, hard-coded text) before translators start.
    """
    from pipeline.pseudo import make_pseudo

    config = _config(ctx)
    with project_lock(config.root):
        _report(make_pseudo(config), "wrote")


def _shard(value: str | None) -> tuple[int, int]:
    if not value:
        return (1, 1)
    match = re.fullmatch(r"(\d+)/(\d+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise click.BadParameter(f"{value!r} is not I/N with 1 <= I <= N", param_hint="--shard")
    return (int(match[1]), int(match[2]))


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for PDF rendering (default: all cores).",
)
@click.option("--force", is_flag=True, help="Rebuild every output, even up-to-date ones.")
@click.option("--shard", metavar="I/N", help="Build only the I-th of N balanced shares (CI).")
@click.option(
    "--draft",
    is_flag=True,
    help="Also build the languages below their publishing threshold, marked DRAFT and not"
    " published (not in output/index.html); a build without it removes them.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="After the build, build again whenever a file of source/, locales/ or templates/,"
    " or pyproject.toml, changes: only what the change affects, by worker processes that"
    " stay ready (WeasyPrint loaded). Ctrl-C stops.",
)
@click.pass_context
def build(
    ctx: click.Context,
    langs: tuple[str, ...],
    jobs: int | None,
    force: bool,
    shard: str | None,
    draft: bool,
    watch: bool,
) -> None:
    """Build HTML pages and PDF handouts for every language into output/."""
    from pipeline import build as stage

    config = _config(ctx)
    options = stage.BuildOptions(
        langs=langs, jobs=jobs, force=force, shard=_shard(shard), draft=draft
    )
    if not watch:
        ctx.exit(_build_once(config, options))
    _watch(ctx, config, options)


def _build_once(config: Config, options: BuildOptions, pool: Pool | None = None) -> int:
    """One build, its lines printed; the exit status."""
    from pipeline import build as stage
    from pipeline.project import known_language, unconfigured_note

    for lang in dict.fromkeys(options.langs):
        known_language(config, lang, to_build=True)
        note = unconfigured_note(config, lang)
        if note:
            click.echo(note)
    with project_lock(config.root), _progress() as progress:
        report = stage.build(config, options, progress, pool)
    _not_published(report)
    for record in report.outputs:
        for warning in record.warnings:
            click.echo(f"warning: {printable(warning)}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {printable(warning)}", err=True)
    for error in report.errors:
        click.echo(printable(error), err=True)
    _summary(report)
    return 0 if report.ok else 1


def _watch(ctx: click.Context, config: Config, options: BuildOptions) -> None:
    """`build --watch`: build, then build again after every batch of changes, until Ctrl-C.
    A user error is one line and the watch goes on, with the last good outputs kept (one
    in the project as the watch starts is the command's error, as in every command). The
    project is locked only while a build runs, so `update` or `fmt` may run in between; a
    build that finds the project busy waits for it. `--force` remakes everything in the
    first build only: a save remakes what it changed."""
    import dataclasses
    import time

    from pipeline import build as stage
    from pipeline.project import known_language
    from pipeline.watch import Watcher

    for lang in options.langs:  # a mistyped --lang is the command's error, not a watch's
        known_language(config, lang, to_build=True)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(stage.worker_pool(config, options))
        pool.start()  # before the watcher's thread: the workers load WeasyPrint meanwhile
        watcher = stack.enter_context(Watcher(config.root, config=True, output=config.output_dir))
        changed: list[str] = []
        while True:
            started = time.monotonic()
            try:
                if changed:
                    more = len(changed) - 3
                    shown = ", ".join(printable(path) for path in changed[:3])
                    click.echo(f"changed: {shown}" + f" and {more} more" * (more > 0))
                    config = _config(ctx)  # read and checked again, as every command does
                    if config.render_memory_mb != pool.memory_mb:
                        pool.close()
                        pool = stack.enter_context(stage.worker_pool(config, options))
                _build_when_free(config, options, pool)
                options = dataclasses.replace(options, force=False)  # --force: the first build
            except PipelineError as exc:
                click.echo(str(exc), err=True)
            watched = printable(
                ", ".join(display_path(p) + "/" * p.is_dir() for p in watcher.paths)
            )
            click.echo(
                f"done in {time.monotonic() - started:.2f} s; watching {watched} (Ctrl-C to stop)"
            )
            changed = watcher.wait() or []


def _build_when_free(config: Config, options: BuildOptions, pool: Pool) -> None:
    """One build of the watch; while another command (`update`, `fmt`…) holds the project,
    say so once and wait for it: what it writes is built then."""
    import time

    from pipeline.errors import ProjectBusy

    waited = False
    while True:
        try:
            _build_once(config, options, pool)
            return
        except ProjectBusy as exc:
            if not waited:
                click.echo(f"waiting: {exc}")
                waited = True
            time.sleep(0.2)


def _not_published(report: BuildReport) -> None:
    """One line per language that is not published, with each article's reason (the
    standard and large-print handouts of an article share it): not built, or built as a
    draft (`build --draft`)."""
    from pipeline.build import Status

    for drafts in (False, True):
        per_lang: dict[str, dict[str, str]] = {}
        counts: Counter[str] = Counter()
        for record in report.outputs:
            if record.published:
                continue
            if (record.status != Status.NOT_PUBLISHED) == drafts:
                per_lang.setdefault(record.lang, {})[record.slug] = record.reason
                counts[record.lang] += 1
        what = "draft, not published" if drafts else "not published"
        _reasons(what, per_lang, counts, drafts)


def _reasons(
    what: str, per_lang: dict[str, dict[str, str]], counts: Counter[str], drafts: bool
) -> None:
    for lang, reasons in per_lang.items():
        if len(set(reasons.values())) == 1:
            why = next(iter(reasons.values()))
            if len(reasons) == 1:
                why = f"{next(iter(reasons))}: {why}"
        else:
            why = "; ".join(f"{slug}: {reason}" for slug, reason in reasons.items())
        handouts = f"{counts[lang]} handout{'s' * (counts[lang] != 1)}"
        where = f"in output/{lang}/" if drafts else "not written"
        click.echo(f"{what}: {lang} ({handouts} {where}): {why}")


def _describe(record: OutputRecord) -> str:
    line = f"{record.status} output/{record.pdf} ({record.pages} pages, {record.seconds:.1f} s)"
    if record.fuzzy or record.fallback or record.invalid or record.ui_untranslated:
        line += (
            f" draft: {record.fallback} untranslated, {record.fuzzy} fuzzy,"
            f" {record.invalid} invalid, {record.ui_untranslated} interface strings untranslated"
        )
    if not record.published:
        line += f" (not published: {record.reason})"
    return line


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[OutputRecord, int], None]]:
    """A rich progress bar on a terminal; one plain line per output otherwise (CI logs)."""
    if not sys.stdout.isatty():
        yield lambda record, total: click.echo(_describe(record))
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Rendering PDFs", total=None)

        def advance(record: OutputRecord, total: int) -> None:
            bar.update(task, total=total, advance=1)
            bar.console.print(_describe(record), highlight=False)

        yield advance


def _summary(report: BuildReport) -> None:
    """Per-language counts (a table on a terminal), then one summary line."""
    from pipeline.build import Status

    statuses = list(Status)
    per_lang: dict[str, Counter[str]] = {}
    for record in report.outputs:
        per_lang.setdefault(record.lang, Counter())[record.status] += 1
    if sys.stdout.isatty() and per_lang:
        from rich.console import Console
        from rich.table import Table

        table = Table("language", *statuses, title="Build summary")
        for lang, counts in sorted(per_lang.items()):
            table.add_row(lang, *(str(counts[s]) for s in statuses))
        Console().print(table)
    if report.pages_made or report.pages_kept:
        made, kept = len(report.pages_made), len(report.pages_kept)
        click.echo(f"pages: {made} made, {kept} up-to-date")
    counts = Counter(r.status for r in report.outputs)
    line = "summary: " + ", ".join(f"{counts[s]} {s}" for s in statuses)
    drafts = sum(1 for r in report.outputs if not r.published and r.status != Status.NOT_PUBLISHED)
    if drafts:
        line += f"; {drafts} draft{'s' * (drafts != 1)}, not published"
    click.echo(line)


@cli.group()
def report() -> None:
    """Work with build reports (output/report.json)."""


@report.command("merge")
@click.argument(
    "reports", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def report_merge(ctx: click.Context, reports: tuple[Path, ...], output: Path) -> None:
    """Join the reports of a sharded build (report.shard-I-of-N.json) into one."""
    from pipeline.build import merge_reports
    from pipeline.fsutil import write_text

    merged = merge_reports(list(reports))
    write_text(output, merged.to_json())
    _summary(merged)
    ctx.exit(0 if merged.ok else 1)


@cli.command("merge")
@click.argument("old", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("template", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the updated catalog (may be OLD itself).",
)
@click.option(
    "--no-fuzzy-matching", is_flag=True, help="Do not guess translations of changed messages."
)
@click.option("--prune-obsolete", is_flag=True, help="Drop translations whose message vanished.")
@click.option(
    "--carry-over",
    is_flag=True,
    help="Keep reviewed translations of messages that changed only in case, white space or "
    "typographic quotes, not fuzzy (msgmerge makes them fuzzy; `update` does this by default).",
)
def merge_command(
    old: Path,
    template: Path,
    output: Path,
    no_fuzzy_matching: bool,
    prune_obsolete: bool,
    carry_over: bool,
) -> None:
    """Update OLD.po to the messages of TEMPLATE.pot, like msgmerge --previous."""
    from pipeline.merge import merge
    from pipeline.po import parse_po, write_po

    with _lock_projects_of([output]):
        catalog = merge(
            parse_po(old),
            parse_po(template),
            fuzzy_matching=not no_fuzzy_matching,
            prune_obsolete=prune_obsolete,
            carry_over=carry_over,
        )
        write_po(output, catalog)


@cli.command("fmt")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file is not canonical.")
@click.pass_context
def fmt_command(ctx: click.Context, files: tuple[Path, ...], check: bool) -> None:
    """Rewrite .po/.pot files in gettext's canonical formatting (what msgcat writes); this
    also removes a UTF-8 byte order mark and turns CRLF line endings into LF."""
    from pipeline.fsutil import write_text
    from pipeline.po import generate_po, parse_po

    bad = 0
    with contextlib.nullcontext() if check else _lock_projects_of(files):
        for path in files:
            text = generate_po(parse_po(path, strip_bom=True))
            if path.read_bytes() == text.encode("utf-8"):
                continue
            bad += 1
            if check:
                click.echo(f"{display_path(path)}:1: not in canonical gettext formatting", err=True)
            else:
                write_text(path, text)
                click.echo(f"formatted {display_path(path)}")
    ctx.exit(1 if check and bad else 0)


@cli.command("fix")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if something can be fixed.")
@click.pass_context
def fix_command(ctx: click.Context, langs: tuple[str, ...], check: bool) -> None:
    """Apply the safe mechanical fixes to translations, entry by entry: French no-break
    spaces before : ; ! ?, leading/trailing white space as in the source, '...' as '…'
    where the source has '…', double spaces the source does not have."""
    from pipeline.fix import fix_project
    from pipeline.po import write_po

    config = _config(ctx)
    with contextlib.nullcontext() if check else project_lock(config.root):
        fixed = fix_project(config, list(langs) or None)
        verb = "can fix" if check else "fixed"
        for item in fixed:
            for entry in item.fixes:
                where = f"{display_path(item.path)}:{entry.line}"
                click.echo(f"{where}: {verb}: {'; '.join(entry.changes)}")
        if not check:
            for item in fixed:
                write_po(item.path, item.catalog)
    entries, files = sum(len(item.fixes) for item in fixed), len(fixed)
    where = f"{entries} entr{'ies' if entries != 1 else 'y'} in {files} file{'s' * (files != 1)}"
    if check:
        click.echo(f"{where} can be fixed: run 'pipeline fix'" if entries else "nothing to fix")
        ctx.exit(1 if entries else 0)
    click.echo(f"fixed {where}" if entries else "nothing to fix")


@contextlib.contextmanager
def _lock_projects_of(paths: Sequence[Path]) -> Iterator[None]:
    """Hold the lock of each pipeline project the paths are in (none outside any project),
    as every command that writes into a project does."""
    from pipeline.config import find_project
    from pipeline.errors import ConfigError

    roots = set()
    for path in paths:
        try:
            roots.add(find_project(path.absolute().parent))
        except ConfigError:
            continue
    with contextlib.ExitStack() as stack:
        for root in sorted(roots):
            stack.enter_context(project_lock(root))
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user errors print one line and return 1, usage errors 2."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="pipeline",
            standalone_mode=False,
        )
    except PipelineError as exc:
        click.echo(str(exc), err=True)
        return 1
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            return INTERRUPTED
        click.echo("aborted", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("\ninterrupted", err=True)
        return INTERRUPTED
    return result if isinstance(result, int) else 0


INTERRUPTED = 128 + 2
"""Exit status after Ctrl-C (SIGINT), as shells report a process that SIGINT ended."""


if __name__ == "__main__":
    sys.exit(main())
