"""The build: articles × languages → HTML pages, PDF handouts, index and report.

The stages, in order (`_stages` below reads top to bottom; one module each):

1. `inputs`  — read the sources; check templates, images and links;
2. `plan`    — which pages to make, and in which languages each article is published,
               decided once (`gate`: each catalog through the publishing gate);
3. `pages`   — the HTML pages that are out of date;
4. `pdfs`    — the PDF editions that are out of date;
5. `finish`  — the index page, the removal of outputs nobody makes, the report.

Each stage passes frozen records to the next (`records`). What an earlier build made
is in `state`: a build redoes only what changed. Stages 2 to 4 run their tasks in one
pool of worker processes (`pipeline.workers`) when there is more than one task.

Written for this project. The stage list follows the shape of mkdocs'
`commands/build.py` and markdown-it's `parser_core` (one readable sequence); keeping
outputs by a hash of their inputs is the idea of build tools such as Ninja and Bazel.
No code is taken from any of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os

from pipeline.build.finish import finish
from pipeline.build.inputs import copy_assets, read_sources
from pipeline.build.pages import make_pages
from pipeline.build.pdfs import PdfStage, Progress
from pipeline.build.plan import make_plan
from pipeline.build.records import (
    BuildOptions,
    BuildReport,
    Edition,
    OutputRecord,
    Status,
    merge_reports,
    previous_rows,
)
from pipeline.build.state import PageState, PdfState, list_fonts_early
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.fsutil import write_text
from pipeline.workers import Pool

__all__ = [
    "BuildOptions",
    "BuildReport",
    "Edition",
    "OutputRecord",
    "Status",
    "build",
    "merge_reports",
    "worker_pool",
]


def build(
    config: Config,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
    pool: Pool | None = None,
) -> BuildReport:
    """Make every language's pages and handouts in `output/`; return the report, also
    written to `output/report.json` (with `complete: false` until the build ends).

    `pool`: worker processes kept warm from one build to the next (`build --watch`);
    by default the build starts its own and stops them when it ends."""
    options = options or BuildOptions()
    path = config.output_dir / options.report_name
    # `build --lang`: the other languages' rows of the last complete report stay.
    kept = previous_rows(path, options.langs) if options.langs else ()
    unfinished = BuildReport((), ("the build did not finish",), complete=False)
    write_text(path, unfinished.to_json(), durable=False)
    try:
        result = _stages(config, options, progress, pool)
    except PipelineError as exc:
        write_text(path, BuildReport((), (str(exc),)).to_json(), durable=False)
        raise
    rows = sorted((*result.outputs, *kept), key=lambda r: (r.slug, r.lang, r.edition))
    written = dataclasses.replace(result, outputs=tuple(rows))  # the command shows `result`
    write_text(path, written.to_json(), durable=False)
    return result


def worker_pool(config: Config, options: BuildOptions) -> Pool:
    """The worker processes a build with these options uses (WeasyPrint imported in each
    when it renders PDFs)."""
    jobs = options.jobs or os.cpu_count() or 1
    return Pool(jobs, config.render_memory_mb, ("weasyprint",) if options.pdf else ())


def _stages(
    config: Config, options: BuildOptions, progress: Progress | None, warm: Pool | None
) -> BuildReport:
    if options.pdf:
        list_fonts_early()  # the PDFs' keys need it; it runs while the inputs are read
    state = PageState.load(config.output_dir)
    sources, broken = read_sources(config, state.references)  # 1. inputs
    with contextlib.nullcontext(warm) if warm else worker_pool(config, options) as pool:
        plan = make_plan(config, options, sources, state, pool)  # 2. plan (and gate)
        copy_assets(config, sources)
        pages = make_pages(config, plan, state, pool, options.annotate)  # 3. pages
        pdfs = PdfStage(config, PdfState(config.output_dir), sources, options.force)
        if options.pdf:  # 4. PDFs
            pdfs.run(pages, options.shard, pool, progress)
    return finish(config, options, sources, broken, plan, pages, pdfs, state)  # 5. finish
