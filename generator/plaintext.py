"""A Markdown extension that spares Python-Markdown's inline patterns the text they cannot change.

Python-Markdown tries each of its inline patterns (code, links, emphasis, raw HTML, entities,
line breaks) on every run of text in a page, and most of a charter page's runs (a pledge's
sentence, an owner, a date) hold none of the characters those patterns start with. Marking such
a run as an `AtomicString`, Markdown's own way to say "no inline syntax here", before the inline
processor runs skips that work and changes nothing in the page: a test converts text of every
kind both ways and compares.

It only acts where it knows every inline pattern and every later tree processor of the page's
Markdown (those of Python-Markdown, MkDocs, the extensions this project's mkdocs.yml names, and
the plugin's own); a site that adds another extension (abbreviations, footnotes, emoji...) gets
Markdown's usual processing, unchanged. The plugin adds it to the site's Markdown extensions.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Python-Markdown's inline patterns, and what each needs to find before it can match: '`' (code),
# '\\' (escapes), '[' (links, images, references), '<' (autolinks, raw HTML), '&' (entities),
# two spaces before a line break, and emphasis delimiters (`Markdown.delimiters`).
_KNOWN_PATTERNS = ("backtick", "escape", "reference", "link", "image_link", "image_reference",
                   "short_reference", "short_image_ref", "autolink", "automail", "linebreak",
                   "html", "entity", "em_strong")
_STARTS = "`\\[<&"
# Tree processors that read text after this one and treat an AtomicString as any other string.
_KNOWN_TREEPROCESSORS = ("charters_plain_text", "inline", "prettify", "unescape", "toc",
                         "attr_list", "task-list", "charters_safety", "mkdocs_extract_anchors",
                         "relpath", "mkdocs_extract_title", "properdocs_extract_anchors",
                         "properdocs_extract_title")
# Placeholders Markdown leaves in text (stashed HTML, escaped characters) are read inline too.
_MARKDOWN_MARKS = "\x02\x03"


class _PlainText(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        syntax = _syntax(self.md)
        if syntax is None:
            return
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and syntax(text) is None:
                element.text = AtomicString(text)
            tail = element.tail
            if tail and not isinstance(tail, AtomicString) and syntax(tail) is None:
                element.tail = AtomicString(tail)


def _syntax(md: Markdown) -> Callable[[str], object] | None:
    """What finds, in a run of text, a character one of `md`'s inline patterns could start
    at; None if `md` has inline patterns or tree processors this module does not know."""
    patterns = md.inlinePatterns
    if sum(name in patterns for name in _KNOWN_PATTERNS) != len(patterns):
        return None
    processors = md.treeprocessors
    if sum(name in processors for name in _KNOWN_TREEPROCESSORS) != len(processors):
        return None
    starts = _STARTS + _MARKDOWN_MARKS
    delimiters = getattr(md, "delimiters", None)  # Python-Markdown 3.11's emphasis
    if delimiters is not None:
        starts += "".join(delimiters.tokens)
    return _search(starts)


@functools.lru_cache(maxsize=8)
def _search(starts: str) -> Callable[[str], object]:
    return re.compile(f"[{re.escape(starts)}]|  \n").search


class PlainTextExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the block parser and pymdownx.tasklist (25), before the inline patterns (20).
        md.treeprocessors.register(_PlainText(md), "charters_plain_text", 21)


def makeExtension(**kwargs: Any) -> PlainTextExtension:
    """Entry point Markdown looks up when the extension is named (the plugin names it)."""
    return PlainTextExtension(**kwargs)
