"""A Markdown extension that removes unsafe links and attributes from every page.

`generator.text` already makes charter text inert before it reaches Markdown; this is the last
line behind it, for pages written by hand and for anything `text` might miss. It sees the
element tree Markdown builds, so it cannot be fooled by spelling tricks in the source.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.text import safe_url

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster")
_DROP = {"script", "style", "iframe", "object", "embed", "base", "meta", "link"}


class _Clean(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag in _DROP:
                    parent.remove(child)
        for element in root.iter():
            for name in list(element.attrib):
                value = element.attrib[name]
                lowered = name.lower()
                if lowered.startswith("on") or lowered == "style":
                    del element.attrib[name]
                elif lowered in _URL_ATTRIBUTES and not _allowed(value, element.tag):
                    del element.attrib[name]
                    if element.tag in ("a", "img"):
                        # MkDocs rewrites every <a href> and <img src> after us and expects
                        # them; a span keeps the text (or the alt text) and links nowhere.
                        element.text = element.text or element.attrib.get("alt", "")
                        element.tag = "span"
                        element.attrib.clear()
                        element.set("class", "cc-blocked-link")
                        break


def _allowed(url: str, tag: str) -> bool:
    url = html.unescape(url)  # the browser decodes references in attributes: so do we
    if tag == "img":  # images come from this site only: the site works offline
        return "://" not in url and not url.lower().lstrip().startswith(("data:", "//"))
    return safe_url(url) or ":" not in url.split("/", 1)[0]


# Start tags, two ways, and the union is checked: up to the first '>' (a '/' or a closing quote
# also separates attributes: <svg/onload=..>, <a href=""onclick=..>), and honouring quotes, as
# a browser does (<img alt=">" onerror=..> is one tag).
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_QUOTED_TAG = re.compile(r"<[a-zA-Z](?:\"[^\"]*\"|'[^']*'|[^\"'>])*>")
_NAME = re.compile(r"<([^\s/>]+)")
# One attribute as a browser's tokenizer reads it: quotes only open a value after '='.
_ATTRIBUTE = re.compile(
    r"""[\s/]*([^\s/>=][^\s/>=]*)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*)))?""")
_LINKS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
# Elements that run code or load things, and SVG animation, which can set an href.
_LIVE = {"script", "iframe", "object", "embed", "style", "base", "meta", "link", "frame",
         "animate", "set", "animatemotion", "animatetransform"}
_DANGEROUS_URL = re.compile(r"(?:javascript|vbscript|data):", re.I)


# The harmless tags remembered across a build: the few thousand every page repeats (a picture's
# coordinates make many more that are seen once, which would only hold memory).
_REMEMBERED = 8192


def unsafe_html(page: str, clean: set[str] | None = None) -> list[str]:
    """Live markup in a page's content HTML: what no charter text may ever produce.

    The tree processor above cannot see raw HTML, which Markdown puts back after it runs, so
    the plugin runs this on every page's final HTML and fails the build on any finding.
    Charter text never contains a raw '<' (text.py escapes it), so every tag here is ours.

    `clean` holds tags already found harmless: a site repeats the same few thousand tags on
    every page, so a build checks each distinct tag once.
    """
    found: list[str] = []
    for tag in start_tags(page, clean):
        name = _NAME.match(tag)
        assert name is not None  # both patterns start with a letter
        findings = _findings(name.group(1).lower(), tag[name.end():-1])
        if findings:
            found += findings
        elif (clean is not None and len(clean) < _REMEMBERED and "href" not in tag
              and _QUOTED_TAG.fullmatch(tag)):
            clean.add(tag)  # a link is rarely seen twice: remembering it would only cost
    return sorted(found)


def start_tags(page: str, known: set[str] | None = None) -> set[str]:
    """Every start tag either scan finds in `page`, less those in `known`.

    The second scan only runs when it could find something else: if no tag the first finds
    has a quote still open at its '>', both scans read the page alike (they start at the same
    places and end each tag at the same '>'). `known` must hold only tags with no quote left
    open, which is what `unsafe_html` keeps in its `clean` set.
    """
    tags = set(_TAG.findall(page))
    if known:
        tags -= known
    if not all(_QUOTED_TAG.fullmatch(tag) for tag in tags):
        tags.update(_QUOTED_TAG.findall(page))
        if known:
            tags -= known
    return tags


# Where `_ATTRIBUTE` can start an attribute's name: at the start, or after a character that
# ends a name or a value. Without an "on" there, a ':' or a '&', no attribute can be found
# unsafe: most tags (a picture's coordinates) are passed on that alone.
_MAYBE_UNSAFE = re.compile(r"""(?:^|[\s/>="'])on|[:&]""", re.I)


def _findings(name: str, attributes: str) -> list[str]:
    if name not in _LIVE and not _MAYBE_UNSAFE.search(attributes):
        return []
    return _all_findings(name, attributes)


def _all_findings(name: str, attributes: str) -> list[str]:
    found = []
    if name in _LIVE:
        found.append(f"<{name}> element")
    for match in _ATTRIBUTE.finditer(attributes):
        attribute, value = match.group(1).lower(), "".join(match.groups("")[1:])
        if attribute.startswith("on"):
            found.append(f"event attribute in <{name}>")
        elif attribute in _LINKS and (":" in value or "&" in value):
            # The browser decodes references in attributes and ignores controls: so do we.
            url = _CONTROL.sub("", html.unescape(value) if "&" in value else value)
            if _DANGEROUS_URL.match(url):
                found.append(f"'{url.strip()[:40]}' link in <{name}>")
    return found


class SafetyExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Priority 0: after every other tree processor, including toc and attr_list.
        md.treeprocessors.register(_Clean(md), "charters_safety", 0)


def makeExtension(**kwargs: Any) -> SafetyExtension:
    """Entry point Markdown looks up when the extension is named in mkdocs.yml."""
    return SafetyExtension(**kwargs)
