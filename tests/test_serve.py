"""`pipeline serve`: a translator's live preview, driven through a real headless Chromium."""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, SLUG, Running, copy_project, new_language
from pipeline.errors import CatalogError
from pipeline.po import parse_po, write_po
from pipeline.serve import PREVIEW_DIR

needs_chromium = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None or CHROMIUM is None,
    reason="the browser test needs the playwright package and Debian's chromium",
)


def _serve_argv() -> list[str]:
    return [sys.executable, "-m", "pipeline", "serve"]


class Server(Running):
    """`pipeline serve` running in a project."""

    def __init__(self, project: Path, *args: str) -> None:
        super().__init__(project, "serve", *args)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture()
def server(project: Path) -> Iterator[Server]:
    running = Server(project, "--port", "0")
    try:
        yield running
    finally:
        running.kill()


def _url(server: Server) -> str:
    # The first preview of every language comes before this line: a generous limit that
    # only catches a hang (a busy CI machine took more than 15 s).
    line = server.line(timeout=120)
    match = re.fullmatch(r"serving (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", line)
    assert match and match[2] != "0", line
    return match[1]


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 8) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout} s: {what}")
        time.sleep(0.1)


def _body_text(page: Any) -> str:
    """The page's text, or "" while it is reloading."""
    from playwright.sync_api import Error

    try:
        return str(page.inner_text("body", timeout=1000))
    except Error:
        return ""


@needs_chromium
def test_preview_follows_the_translator_in_a_browser(
    project: Path, server: Server, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    url = _url(server)
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po)
    entry = next(
        e for e in catalog if e.msgstr and "<" not in e.msgid and "(paragraph)" in e.comment
    )
    old_text, new_text = entry.msgstr, "Texto nuevo del traductor, visto en la vista previa."

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page()
            page.goto(f"{url}es/{SLUG}.html")
            assert old_text in _body_text(page)

            # 1. A saved translation shows up without reloading by hand.
            entry.msgstr = new_text
            write_po(po, catalog)
            _wait_for(lambda: new_text in _body_text(page), "the new msgstr on the page")
            printed = server.drain()
            assert any(line.startswith(f"rebuilt es/{SLUG}.html (") for line in printed), printed

            # 2. A broken catalog shows its one-line error on the page; the server lives on.
            text = po.read_text("utf-8")
            broken = text.replace(f'msgstr "{new_text}"', f'msgstr "{new_text}')
            assert broken != text
            po.write_text(broken, "utf-8")
            with pytest.raises(CatalogError) as caught:
                parse_po(po)
            error = f"locales/es/LC_MESSAGES/{SLUG}.po:{caught.value.line}: {caught.value.message}"
            assert "unterminated string" in error
            _wait_for(lambda: error in _body_text(page), f"the error {error!r} on the page")
            assert new_text in _body_text(page), "the last good page stays visible"

            # 3. Fixing it brings the page back without the error.
            po.write_text(text.replace(new_text, "Arreglado."), "utf-8")
            _wait_for(
                lambda: "Arreglado." in (body := _body_text(page)) and error not in body,
                "the fixed page",
            )
        finally:
            browser.close()

    assert server.stop() == 0
    assert not (project / "output").exists(), "the published output is never touched"
    on_disk = (project / ".preview" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert "__version" not in on_disk, "the reload script is added to responses only"
    assert f"rebuild failed: {error}" in server.stderr
    assert not any("Traceback" in line for line in server.stderr), server.stderr


def test_serve_answers_http_and_stops_on_sigterm(project: Path, server: Server) -> None:
    url = _url(server)
    with urllib.request.urlopen(f"{url}es/{SLUG}.html", timeout=5) as response:
        page = response.read().decode("utf-8")
        assert response.headers["Cache-Control"] == "no-store"
    assert page.count("/__version") == 1 and page.rstrip().endswith("</html>")
    with urllib.request.urlopen(f"{url}__version", timeout=5) as response:
        state = json.loads(response.read())
        assert isinstance(state["version"], int) and state["error"] is None
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{url}es/{SLUG}.pdf", timeout=5)
    assert missing.value.code == 404 and b"pipeline build" in missing.value.read()
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 5


def test_show_ids_marks_every_block_with_its_entry(project: Path) -> None:
    running = Server(project, "--port", "0", "--lang", "es", "--show-ids")
    try:
        url = _url(running)
        with urllib.request.urlopen(f"{url}es/{SLUG}.html", timeout=5) as response:
            page = response.read().decode("utf-8")
        assert f'data-entry="locales/es/LC_MESSAGES/{SLUG}.po:' in page
        assert 'data-status="translated"' in page
        assert (project / ".preview" / "en" / f"{SLUG}.html").is_file()
        assert not (project / ".preview" / "ar").exists(), "only the chosen language"
    finally:
        assert running.stop() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "es-ES"], "invalid locale code 'es-ES'"),
        (["--lang", "{new}"], "'{new}' is not configured and has no catalogs: run 'pipeline init"),
    ],
)
def test_user_errors_are_one_line(project: Path, args: list[str], message: str) -> None:
    lang = new_language(project)  # a valid code the project does not configure
    args = [arg.format(new=lang) for arg in args]
    message = message.format(new=lang)
    result = subprocess.run(
        [*_serve_argv(), "--port", "0", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_a_busy_port_is_a_one_line_error(project: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*_serve_argv(), "--port", str(port)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"cannot listen on port {port}: ")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _languages(project: Path, langs: str) -> None:
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    start = text.index("languages = [")
    config.write_text(text[:start] + langs + text[text.index("\n", start) :], "utf-8")


def test_every_language_is_previewed_whatever_its_threshold(project: Path) -> None:
    """A new translator sees their language: below the threshold it is a draft, linked
    from every menu and the front page, which says why; a configured language without
    catalogs is named there with the command that makes them."""
    missing = new_language(project)
    _languages(project, f'languages = ["es", "fr", "{missing}"]')
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po)
    entries = [e for e in catalog if e.msgid and e.msgstr and not e.obsolete]
    for entry in entries[: len(entries) // 2]:
        entry.msgstr = ""
    write_po(po, catalog)
    running = Server(project, "--port", "0")
    try:
        url = _url(running)
        french = _get(f"{url}fr/{SLUG}.html")
        assert 'class="watermark"' in french and 'class="draft-note"' in french
        spanish = _get(f"{url}es/{SLUG}.html")
        assert f'href="../fr/{SLUG}.html"' in spanish, "the menus link the draft"
        assert 'class="watermark"' not in spanish
        front = _get(url)
        assert _get(f"{url}index.html") == front
        assert f'href="fr/{SLUG}.html"' in front and f'href="es/{SLUG}.html"' in front
        why = re.search(
            r"draft, not published</span>: (\d+)% translated, below the threshold of 80%", front
        )
        assert why and int(why[1]) < 80, front
        assert "published: 100% translated, threshold 80%" in front
        assert f"{missing}: no catalogs (locales/{missing}/LC_MESSAGES/ is missing): run" in front
        assert f"&#x27;pipeline init {missing}&#x27;" in front
        assert not (project / ".preview" / missing).exists()
    finally:
        assert running.stop() == 0
    assert not (project / "output").exists()


def test_serve_lang_previews_a_new_language_with_catalogs(project: Path) -> None:
    lang = new_language(project)
    subprocess.run([sys.executable, "-m", "pipeline", "init", lang], cwd=project, check=True)
    running = Server(project, "--port", "0", "--lang", lang)
    try:
        url = _url(running)
        page = _get(f"{url}{lang}/{SLUG}.html")
        assert 'class="watermark"' in page
        assert f'href="../en/{SLUG}.html"' in page
        front = _get(url)
        assert f'href="{lang}/{SLUG}.html"' in front
        assert "0% translated, below the threshold of 80%" in front
        assert not (project / ".preview" / "es").exists(), "only the chosen language"
    finally:
        assert running.stop() == 0


def test_serve_lang_of_a_configured_language_without_catalogs_is_one_line(
    project: Path,
) -> None:
    missing = new_language(project)
    _languages(project, f'languages = ["es", "{missing}"]')
    result = subprocess.run(
        [*_serve_argv(), "--port", "0", "--lang", missing],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == ""
    lines = (project / "pyproject.toml").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("languages = "))
    assert result.stderr.splitlines() == [
        f"pyproject.toml:{line}: {missing!r} has no catalogs (locales/{missing}/LC_MESSAGES/"
        f" is missing): run 'pipeline init {missing}'"
    ]


def test_the_front_page_shows_why_nothing_was_built(project: Path) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "', 'msgstr "<unterminated', 1) + '"\n')
    running = Server(project, "--port", "0", "--lang", "es")
    try:
        front = _get(_url(running))
        assert "The preview could not be rebuilt: locales/es/LC_MESSAGES/" in front
        assert "No page yet" in front and front.rstrip().endswith("</html>")
    finally:
        assert running.stop() == 0


def test_a_link_into_the_preview_starts_no_endless_rebuilds(project: Path, server: Server) -> None:
    """`source/p -> ../.preview`: the folder each preview rebuild writes, watched through
    a link, started the next rebuild, for ever."""
    _url(server)
    (project / "source" / "p").symlink_to(Path("..") / PREVIEW_DIR)
    _wait_for(lambda: any(line.startswith("rebuilt") for line in server.drain()), "a rebuild")
    time.sleep(1.5)
    assert server.drain() == []
