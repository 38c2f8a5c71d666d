"""The `charters` MkDocs plugin: publishes every charter as virtual pages.

The only module that imports MkDocs. It reads its options, has `publish.plan_outputs` called
(see `generator.worker`), and hands the results to MkDocs; everything that matters happens in
plain functions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
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
from mkdocs.utils.templates import TemplateContext

from generator.errors import ChartersError
from generator.mdsafety import unsafe_html
from generator.worker import Checks, Outputs, Plan, WorkerError

log = logging.getLogger("mkdocs.plugins.charters")
NAV_PAGES = {"index.md", "charters/index.md", "partners/index.md", "pledges/index.md"}


class ChartersConfig(Config):
    charters_dir = c.Type(str, default="charters")
    # YYYY-MM-DD. Unset: $CHARTERS_BUILD_DATE, else $SOURCE_DATE_EPOCH, else today.
    build_date = c.Optional(c.Type(str))
    assessment_threshold = c.Type(int, default=3)
    history = c.Type(bool, default=True)
    # Read, render and check in second processes while MkDocs converts Markdown (Linux only;
    # `mkdocs serve` works in its own process). False: always in this process.
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
                               background=self.config.parallel, logger=log.name)
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
