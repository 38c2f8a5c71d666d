"""The `charters` MkDocs plugin: publishes every charter as virtual pages.

The only module that imports MkDocs. It reads its options, has `publish.plan_outputs` called
(see `generator.worker`), and hands the results to MkDocs; everything that matters happens in
plain functions. Its pages may be converted to HTML in a second process (`GeneratedPage`,
`generator.split`), with the same result as MkDocs converting them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils.meta import get_data
from mkdocs.utils.templates import TemplateContext

from generator.errors import ChartersError
from generator.mdsafety import unsafe_html
from generator.split import Split, ends_first
from generator.worker import Checks, Outputs, Plan, WorkerError

log = logging.getLogger("mkdocs.plugins.charters")
NAV_PAGES = {"index.md", "charters/index.md", "partners/index.md", "pledges/index.md"}


class ChartersConfig(Config):
    charters_dir = c.Type(str, default="charters")
    # YYYY-MM-DD. Unset: $CHARTERS_BUILD_DATE, else $SOURCE_DATE_EPOCH, else today.
    build_date = c.Optional(c.Type(str))
    assessment_threshold = c.Type(int, default=3)
    history = c.Type(bool, default=True)
    # Read, render and check in second processes while MkDocs converts Markdown, and convert
    # about half the pages in a third (Linux only, and not in `mkdocs serve`'s rebuilds, which
    # run beside its server's threads). False: all in the build's process.
    parallel = c.Type(bool, default=True)


def build_date(option: str | None, environ: dict[str, str] | os._Environ[str]) -> dt.date:
    """The date overdue flags are judged on: an input, read once at the edge."""
    value = option or environ.get("CHARTERS_BUILD_DATE")
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PluginError(f"charters: build_date '{value}' is not a date YYYY-MM-DD") from None
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


class ChartersPlugin(BasePlugin[ChartersConfig]):
    """Adds charter, partner, register and feed pages generated from `charters_dir`."""

    outputs: Outputs | None = None
    checks: Checks | None = None
    split: Split | None = None
    pages: tuple[GeneratedPage, ...] = ()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = base
        self.charters_dir = (base / self.config.charters_dir).resolve()
        self.today = build_date(self.config.build_date, os.environ)
        if not self.charters_dir.is_dir():
            raise PluginError(f"charters: no charters folder at {self.charters_dir}")
        self._close()
        # Started now, so the charters are read while MkDocs starts up.
        self.outputs = Outputs(partial(_plan, self.charters_dir, self.today,
                                       self.config.assessment_threshold, self.config.history),
                               background=self.config.parallel, logger=log.name,
                               order=_render_order)
        # The set holds the tags found harmless in this build (in the child, if there is one).
        self.checks = Checks(partial(unsafe_html, clean=set()),
                             background=self.config.parallel)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.outputs is not None
        try:
            plan = self.outputs.paths()
        except ChartersError as e:
            raise PluginError(f"charters: {len(e.problems)} problem(s) in the charters:\n"
                              + str(e)) from e
        except WorkerError as e:
            raise PluginError(f"charters: {e}") from e
        for path in plan:
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"charters: {path} is generated; remove docs/{path}")
        log.debug(f"charters: {len(plan)} pages and feeds, rendered "
                  + ("in a second process" if self.outputs.in_background else "on demand"))
        for path in plan:
            # Listed from index pages, not the nav that every page renders: the nav stays
            # usable and the build linear with hundreds of charters.
            files.append(RenderedFile.of(config, self.outputs, path,
                                         InclusionLevel.UNDEFINED if path in NAV_PAGES
                                         else InclusionLevel.NOT_IN_NAV))
        charters_rel = os.path.relpath(self.charters_dir, Path(config.docs_dir).resolve())
        self.charters_rel = charters_rel.replace(os.sep, "/")
        return files

    @event_priority(-100)  # last: the files and the nav are final, and MkDocs converts next
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.outputs is not None
        pages: list[GeneratedPage] = []
        for file in files.documentation_pages():
            if isinstance(file, RenderedFile) and type(file.page) is Page:
                # The very object MkDocs made, which the nav and other plugins may hold: only
                # how it converts changes.
                file.page.__class__ = GeneratedPage
                pages.append(file.page)  # type: ignore[arg-type]
        # Only with the pages written to files: a child must not ask the renderer itself. Only
        # with the Markdown extensions named in mkdocs.yml: one that a plugin adds as an object
        # may keep what it sees while converting, which the child would keep to itself. And
        # only with a second core to convert on: on one, the child would only take turns.
        if (pages and self.config.parallel and self.outputs.in_background
                and all(isinstance(name, str) for name in config.markdown_extensions)
                and len(os.sched_getaffinity(0)) > 1):
            self.split = Split(len(pages), partial(_convert, pages, config, files),
                               ready=partial(_wait_for_file, pages))
            for index, page in enumerate(pages):
                page.split, page.index = self.split, index
            self.pages = tuple(pages)
        return nav

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        assert self.checks is not None
        found = self.checks.submit(page.file.src_uri, html)  # [] until on_env, if in a child
        if found:
            raise PluginError(_refusal({page.file.src_uri: found}))
        return html

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page is converted and none is written yet: the last moment to refuse.
        assert self.checks is not None
        try:
            found = self.checks.findings()
        except WorkerError as e:
            raise PluginError(f"charters: {e}") from e
        if found:
            raise PluginError(_refusal(found))
        return env

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        charter_id = _charter_of(page.file.src_uri)
        if charter_id is not None and page.file.generated_by and config.edit_uri:
            # The page's edit link opens the YAML it is made from.
            base = urljoin(config.repo_url or "", config.edit_uri)
            page.edit_url = urljoin(base, f"{self.charters_rel}/{charter_id}.yaml")
        return context

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        server.watch(str(self.charters_dir))
        return server

    @event_priority(-100)  # last: other plugins may still read the pages in theirs
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close()

    def on_build_error(self, *, error: Exception) -> None:
        self._close()

    def _close(self) -> None:
        if self.split is not None:
            used = sum(page.from_child for page in self.pages)
            log.debug(f"charters: {used} of {len(self.pages)} pages converted in a second "
                      "process")
            self.split.close()
            self.split, self.pages = None, ()
        if self.outputs is not None:
            self.outputs.close()
            self.outputs = None
        if self.checks is not None:
            self.checks.close()
            self.checks = None


class _Pending(bytes):
    """The content a RenderedFile is made with: no real content is this very object."""


PENDING = _Pending()


class RenderedFile(File):
    """A generated file whose content comes from the renderer when MkDocs first reads it.

    MkDocs reads a file's content through `_content` (`content_string`, `content_bytes`,
    `copy_file`), so that is where the content is fetched: every reader, MkDocs or another
    plugin, gets the rendered page, never a placeholder. Rendered in the plugin's second
    process, the content is None once the file at `abs_src_path` is written, and MkDocs then
    reads or copies that file as it does a file in docs/.
    """

    outputs: Outputs | None = None
    output_path = ""  # its key in the plan, which stays put if a plugin moves the file
    _value: str | bytes | None = None

    @classmethod
    def of(cls, config: MkDocsConfig, outputs: Outputs, path: str,
           inclusion: InclusionLevel = InclusionLevel.UNDEFINED) -> RenderedFile:
        """The file MkDocs publishes at `path`, made by `outputs`."""
        source = outputs.source(path)
        if source is None:
            file = cls.generated(config, path, content=PENDING, inclusion=inclusion)
        else:
            file = cls.generated(config, path, abs_src_path=source, inclusion=inclusion)
        assert isinstance(file, RenderedFile)
        file.outputs, file.output_path = outputs, path
        file.edit_uri = None  # a virtual page has no source of its own to edit
        return file

    @property
    def _content(self) -> str | bytes | None:
        if self._value is None and self.outputs is not None:
            try:
                self._value = self.outputs.get(self.output_path)
            except WorkerError as e:
                raise PluginError(f"charters: {e}") from e
        return self._value

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._value = None if value is PENDING else value

    def __getstate__(self) -> dict[str, Any]:
        # A copy carries its content or its written file, not the renderer (a process cannot
        # be copied); asking for the content first waits for the file to be written.
        state = dict(self.__dict__, _value=self._content)
        state.pop("outputs", None)
        return state


@dataclass
class Conversion:
    """What `Page.render` sets, made in generator.split's child from the Markdown and URL
    whose digest is `digest`; the files its links point to are named by their `src_uri`."""

    digest: bytes
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: set[str] | None
    links: dict[str, dict[str, str]] | None


class GeneratedPage(Page):
    """A page the plugin generated, which `split`'s child converts if it gets there first.

    The child's conversion is used only if, when MkDocs asks for it, the page's Markdown and
    URL are, to the byte, what the child converted: another plugin may have changed them.
    """

    split: Split | None = None
    index = -1
    from_child = False  # True once the child's conversion is used

    def render(self, config: MkDocsConfig, files: Files) -> None:
        done = self.split.take(self.index) if self.split is not None else None
        conversion = done.result if done is not None else None
        if not (isinstance(conversion, Conversion) and self.markdown is not None
                and conversion.digest == _digest(self.markdown, self.file.url)):
            super().render(config, files)
            return
        assert done is not None
        done.log()  # what converting logged, shown and counted (--strict) as if done here
        self.from_child = True
        self.content, self.toc = conversion.content, conversion.toc
        self._title_from_render = conversion.title
        self.present_anchor_ids = conversion.anchor_ids
        if conversion.links is not None:
            self.links_to_anchors = {file: anchors for uri, anchors in conversion.links.items()
                                     if (file := files.get_file_from_path(uri)) is not None}

    def __getstate__(self) -> dict[str, Any]:
        # A copy of the page (for another plugin) carries no process, as RenderedFile's.
        return {key: value for key, value in self.__dict__.items() if key != "split"}


def _wait_for_file(pages: list[GeneratedPage], index: int) -> None:
    # In generator.split's child, before it claims the page: the renderer writes each file
    # whole (publish.write_output), soon (_render_order). One it never writes fails the
    # build, which stops this process.
    path = pages[index].file.abs_src_path
    assert path is not None
    while not os.path.exists(path):
        time.sleep(0.005)


def _convert(pages: list[GeneratedPage], config: MkDocsConfig, files: Files,
             index: int) -> Conversion:
    # In generator.split's child: read and convert as MkDocs does (Page.read_source without
    # other plugins' events, which the build runs itself), from the file the renderer wrote.
    page = pages[index]
    assert page.file.abs_src_path is not None
    with open(page.file.abs_src_path, encoding="utf-8-sig", errors="strict") as f:
        page.markdown, page.meta = get_data(f.read())
    config._current_page = page
    Page.render(page, config, files)
    assert page.content is not None
    links = page.links_to_anchors
    return Conversion(_digest(page.markdown, page.file.url), page.content, page.toc,
                      page._title_from_render, page.present_anchor_ids,
                      None if links is None else {f.src_uri: a for f, a in links.items()})


def _digest(markdown: str, url: str) -> bytes:
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=16)
    digest.update(b"\0")
    digest.update(markdown.encode("utf-8"))
    return digest.digest()


def _render_order(paths: list[str]) -> list[str]:
    # The pages from both ends, as MkDocs and generator.split's child convert them, then the
    # feeds, which MkDocs copies last.
    return ends_first([p for p in paths if p.endswith(".md")]) \
        + [p for p in paths if not p.endswith(".md")]


def _refusal(found: dict[str, list[str]]) -> str:
    # Fail closed: a page with live markup is never published.
    return ("charters: refusing to publish live markup, which charter text cannot produce; "
            "if a charter did, please report it as a bug:\n"
            + "\n".join(f"{uri}: it holds {'; '.join(sorted(set(items)))}"
                        for uri, items in sorted(found.items())))


def _plan(charters_dir: Path, today: dt.date, threshold: int, history: bool) -> Plan:
    # Imported here, in the rendering process if there is one: the build's own process never
    # needs the renderer, and importing it would cost the build a tenth of a second or more.
    from generator.publish import plan_outputs

    return plan_outputs(charters_dir, today, threshold=threshold, history=history)[1]


def _charter_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "charters" else None
