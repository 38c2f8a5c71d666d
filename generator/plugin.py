"""The `charters` MkDocs plugin: publishes every charter as pages MkDocs reads like docs/.

The only module that imports MkDocs, and a thin one: `generator.publish` reads, checks and
renders; this writes what changed to the page cache, hands MkDocs plain `File`s, fills the
placeholders of pictures, forms and long tables after conversion (`generator.slots`), and keeps
the preview right. Everything happens in MkDocs' own process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin

import markdown
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from generator.errors import ChartersError
from generator.mdsafety import unsafe_html
from generator.output import write_if_changed
from generator.publish import Cache, Settings, build_site
from generator.render import Output, pledge_heading, pledge_heading_markdown
from generator.review.whatchanged import repository
from generator.slots import Link, Maker, fill, searchable, unfilled
from generator.text import compact

log = logging.getLogger("mkdocs.plugins.charters")
_DIGEST = re.compile(r"\n?<!-- charters: [0-9a-f]+ -->\n?")
NAV_PAGES = {"index.md", "charters/index.md", "partners/index.md", "pledges/index.md"}


class ChartersConfig(Config):
    charters_dir = c.Type(str, default="charters")
    # YYYY-MM-DD, quoted or not. Unset: $CHARTERS_BUILD_DATE, else $SOURCE_DATE_EPOCH, else
    # today.
    build_date = c.Optional(c.Type((str, dt.date)))
    assessment_threshold = c.Type(int, default=3)
    history = c.Type(bool, default=True)
    # Where generated pages are kept between builds, relative to mkdocs.yml; each is rewritten
    # only when its content changes, so `mkdocs serve --dirty` converts only what changed.
    cache_dir = c.Type(str, default=".cache/charters")
    # Accepted and ignored for one release: the plugin works in MkDocs' process only.
    parallel = c.Optional(c.Type(bool))


def build_date(option: str | dt.date | None,
               environ: dict[str, str] | os._Environ[str]) -> dt.date:
    """The date overdue flags are judged on: an input, read once at the edge."""
    if isinstance(option, dt.date):
        return option
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

    def __init__(self) -> None:
        # Kept across `mkdocs serve` rebuilds (MkDocs keeps a plugin that has on_startup).
        self.cache = Cache()
        self.serving = False
        self.search: dict[str, list[Any]] = {}  # the preview's search entries, by page URL
        self.slots: dict[str, Mapping[str, Maker]] = {}
        self.clean: set[str] = set()  # tags the last-line check found harmless
        self.files: Files | None = None
        self.page_cache: _PageCache | None = None
        self.search_config: Any = None  # Material's search settings, as its index gives them
        self.templates = _Compiled()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.search_config = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.charters_dir = (base / self.config.charters_dir).resolve()
        self.pages_dir = (base / self.config.cache_dir / "docs").resolve()
        if not self.charters_dir.is_dir():
            raise PluginError(f"charters: no charters folder at {self.charters_dir}")
        if self.config.parallel is not None:
            log.info("charters: the 'parallel' option is ignored and will be removed: the "
                     "plugin now works in MkDocs' own process")
        if "generator.plaintext" not in config.markdown_extensions:
            config.markdown_extensions.append("generator.plaintext")  # the same pages, sooner
        option = cast("str | dt.date | None", self.config.build_date)
        self.settings = Settings(build_date(option, os.environ),
                                 self.config.assessment_threshold, self.config.history,
                                 placeholders=True, headings=_writes_headings(config),
                                 site_url=config.site_url or None,
                                 repo_url=repository(config.repo_url, config.edit_uri))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        try:
            if self.page_cache is None or self.page_cache.folder != self.pages_dir:
                self.page_cache = _PageCache(self.pages_dir)
            site = build_site(self.charters_dir, self.settings, self.page_cache, self.cache,
                              tolerate=self.serving)
        except ChartersError as e:
            if not e.problems:
                raise PluginError(f"charters: {e}") from e
            raise PluginError(f"charters: {len(e.problems)} problem(s) in the charters:\n"
                              f"{e}") from e
        paths = list(site.slots)
        self.slots = {path: made for path, made in site.slots.items() if made}
        if not self.serving:  # nothing is built again: keep nothing for a next build
            self.cache = Cache()
        for problem in site.problems:  # the preview shows them in the browser too
            log.warning(f"charters: {problem}")
        for path in paths:
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"charters: {path} is generated; remove docs/{path}")
            # Listed from index pages, not the nav that every page renders: the nav stays
            # usable and the build linear with hundreds of charters.
            file = File(path, str(self.pages_dir), config.site_dir, config.use_directory_urls,
                        inclusion=InclusionLevel.UNDEFINED if path in NAV_PAGES
                        else InclusionLevel.NOT_IN_NAV)
            file.generated_by = "charters"
            file.edit_uri = None  # no source in docs/; a charter's pages edit its YAML (below)
            files.append(file)
        log.debug(f"charters: {len(paths)} pages and feeds, {site.rendered} made")
        charters_rel = os.path.relpath(self.charters_dir, Path(config.docs_dir).resolve())
        self.charters_rel = charters_rel.replace(os.sep, "/")
        self.files = files
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        # The digest that keeps a page's Markdown in step with its pieces is not published.
        html = _DIGEST.sub("", html)
        if page.file.generated_by == "charters":
            # MkDocs keeps every page's Markdown to the end of the build; ours is in the page
            # cache, and letting it go once converted keeps a large site's memory in bounds
            # (not None: the page's title, taken from its converted heading, asks for a str).
            page.markdown = ""
        made = self.slots.get(page.file.src_uri, {})
        # The pieces a reader searches (partners, pledges' facts) are placed now, before the
        # search plugin reads the page, and checked with it.
        early = {key: make for key, make in made.items() if searchable(key)}
        if early:
            # Kept narrow (text.compact): MkDocs holds every page's HTML to the end.
            html = compact(fill(html, early, self._link(page)))
        found = unsafe_html(html, self.clean)
        if found:
            raise PluginError(_refusal({page.file.src_uri: found}))
        return html

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # MkDocs makes a new Jinja environment for every build: under `mkdocs serve` that
        # compiled the theme's templates again on every save.
        if self.serving:
            env.bytecode_cache = self.templates
        return env

    @event_priority(10)  # before the search plugin, which strips what marks text unsearched
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        if self.serving and "material/search" in config.plugins:
            # The preview's search index, page by page, read as Material's search reads it.
            from material.plugins.search.plugin import SearchIndex

            index = SearchIndex()
            index.add_entry_from_context(page)
            self.search[page.url] = index.entries
        charter_id = _charter_of(page.file.src_uri)
        if charter_id is not None and page.file.generated_by and config.edit_uri:
            # The page's edit link opens the YAML it is made from.
            base = urljoin(config.repo_url or "", config.edit_uri)
            page.edit_url = urljoin(base, f"{self.charters_rel}/{charter_id}.yaml")
        return context

    @event_priority(-50)  # after the search plugin has read the page's text
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        # A build fills each page once; only the preview builds it again, from its cache.
        made = self.slots.get(page.file.src_uri) if self.serving else \
            self.slots.pop(page.file.src_uri, None)
        if not made:
            return output
        pieces: dict[str, Maker] = {}
        for key, make in made.items():
            if not searchable(key):  # placed already
                pieces[key] = self._checked(page, make)
        output = fill(output, pieces, self._link(page))
        if unfilled(output):  # a piece placed inside another placed too late: fail closed
            raise PluginError(f"charters: {page.file.src_uri} holds a placeholder nothing "
                              "filled; please report it as a bug")
        return output

    def _checked(self, page: Page, make: Maker) -> Maker:
        def checked(link: Link) -> str:
            html = make(link)
            found = unsafe_html(html, self.clean)
            if found:
                raise PluginError(_refusal({page.file.src_uri: found}))
            return html
        return checked

    def _link(self, page: Page) -> Link:
        files = self.files
        assert files is not None
        # A page links to the same few pages many times (a register's rows, a partner's
        # tables): each is looked up once a page. None: the page itself.
        urls: dict[str, str | None] = {}

        def url_of(path: str) -> str | None:
            if path not in urls:
                file = files.get_file_from_path(path)
                if file is None:
                    raise PluginError(f"charters: {page.file.src_uri} links to {path}, which "
                                      "is not generated; please report it as a bug")
                urls[path] = None if file is page.file else get_relative_url(file.url, page.url)
            return urls[path]

        def link(target: str) -> str:
            path, _, anchor = target.partition("#")
            url = url_of(path)
            if url is None:  # this page
                return f"#{anchor}" if anchor else get_relative_url(page.url, page.url)
            return f"{url}#{anchor}" if anchor else url
        return link

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        server.watch(str(self.charters_dir))
        return server

    # After the search plugin writes its index (0), before the offline plugin inlines it (-100).
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.serving:
            self._search_for_preview(config)

    def _search_for_preview(self, config: MkDocsConfig) -> None:
        # Under `mkdocs serve --dirty` Material's search index keeps the entries of the pages
        # not converted again and assumes those converted are one page: after a save that
        # changes several, it holds stale and duplicated entries. Each page's entries, from
        # the build that last converted it, make the index a full build would.
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file() or self.files is None:
            return
        if self.search_config is None:  # the same for every build of this configuration
            self.search_config = json.loads(path.read_text(encoding="utf-8"))["config"]
        pages = [file.url for file in self.files.documentation_pages()]
        self.search = {url: self.search[url] for url in pages if url in self.search}
        data = {"config": self.search_config,
                "docs": [entry for url in pages for entry in self.search.get(url, [])]}
        path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")


class _Compiled(BytecodeCache):
    """Templates compiled by earlier builds of a preview session. Jinja keys each by its name
    and file and checks a checksum of its source: a template edited, added or removed during
    the session is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class _PageCache:
    """The folder MkDocs reads the generated pages from, written only where they change.

    It remembers each file as it left it (size and time stamp): a file another build rewrote
    since (`make site` beside `make serve`) is not taken for this build's own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stamps: dict[str, tuple[int, int]] = {}

    def _stamp(self, path: str) -> tuple[int, int] | None:
        try:
            found = (self.folder / path).stat()
        except OSError:
            return None
        return found.st_size, found.st_mtime_ns

    def has(self, path: str) -> bool:
        stamp = self.stamps.get(path)
        return stamp is not None and stamp == self._stamp(path)

    def put(self, path: str, output: Output) -> None:
        content = output.content
        if isinstance(content, str):  # a page's Markdown, kept narrow (text.compact)
            content = compact(content).encode("utf-8")
        write_if_changed(self.folder, path, content)
        stamp = self._stamp(path)
        if stamp is not None:
            self.stamps[path] = stamp


def _writes_headings(config: MkDocsConfig) -> bool:
    """Whether this site's Markdown writes a pledge's heading as `render.pledge_heading` does
    (the toc extension with `permalink: true`, as this project's mkdocs.yml has it): then a
    charter page's pledge headings are placed after conversion, and Markdown, which spends a
    fifth of a charter page's conversion on them, reads only their text."""
    sample = "Ab_1.c-2"  # every kind of character a pledge id may hold
    md = markdown.Markdown(extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs)
    if md.convert(pledge_heading_markdown(sample)) != pledge_heading(sample):
        return False
    # Not where pledges are in a page's contents (toc_depth 4 or more), and only where
    # headings' slugs are lower case (a placed heading's id, which has a capital letter,
    # is then never a slug Markdown gives another heading).
    return not getattr(md, "toc_tokens", None) and \
        'id="ab"' in md.reset().convert("# Ab")


def _refusal(found: dict[str, list[str]]) -> str:
    # Fail closed: a page with live markup is never published.
    return ("charters: refusing to publish live markup, which charter text cannot produce; "
            "if a charter did, please report it as a bug:\n"
            + "\n".join(f"{uri}: it holds {'; '.join(sorted(set(items)))}"
                        for uri, items in sorted(found.items())))


def _charter_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "charters" else None
