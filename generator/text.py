"""Charter text into Markdown that shows exactly what was typed and can do nothing else.

Charter text comes from any member organisation through a pull request, so it is data. Every
field passes through one of these functions on its way into a page (the renderer's `e` filter
is `inline`, so a forgotten filter is still safe). They use HTML character references rather
than backslashes because every Markdown processor passes references through unchanged, and a
reference cannot open a tag, a link, a heading, an admonition, a table cell or a template tag.
"""

from __future__ import annotations

import re

# Characters that start Markdown, extension or template syntax anywhere in a line.
_ANYWHERE = {c: f"&#{ord(c)};" for c in "\\`*_{}[]<>|~^=:!?#+$"}
_ANYWHERE["&"] = "&amp;"
_INLINE = str.maketrans(_ANYWHERE)
# At the start of a line these also open lists, quotes and rules.
_LEADING = {c: f"&#{ord(c)};" for c in "-.>%/"}

_SPACE = re.compile(r"\s+")
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_LINK_DEST = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^( {0,3})\[([^\]]+)\]:\s*<?(\S*)")
_BLOCK_START = re.compile(r"^( {0,3})(#|!!!|\?\?\?|===|///|\+\+\+|(?:=+|-+)\s*$)")


def inline(text: object) -> str:
    """A one-line field: whitespace folded, every syntax character shown as itself."""
    folded = _SPACE.sub(" ", str(text))
    out = folded.translate(_INLINE)
    if out and out[0] in _LEADING:
        out = _LEADING[out[0]] + out[1:]
    # "1. " at the start of a line would open a numbered list
    return re.sub(r"^(\d+)\.", r"\1&#46;", out)


def safe_url(url: str) -> bool:
    """True for links a reader may follow: web, mail and phone addresses, and page anchors."""
    cleaned = _CONTROL.sub("", url).lower()
    return cleaned.startswith(_SAFE_SCHEMES) or (cleaned.startswith("#") and len(cleaned) > 1)


def _neutralise_links(line: str) -> str:
    def dest(match: re.Match[str]) -> str:
        return match.group(0) if safe_url(match.group(1)) else "&#93;(" + match.group(0)[2:]

    line = _LINK_DEST.sub(dest, line)
    ref = _REF_DEF.match(line)
    if ref and not safe_url(ref.group(3)):
        line = ref.group(1) + "&#91;" + line[len(ref.group(1)) + 1:]
    return line


def _plain(part: str) -> str:
    """Text outside code: no HTML, no attributes, no templates, no images, no unsafe links."""
    part = (part.replace("&", "&amp;").replace("<", "&lt;").replace("{", "&#123;")
            .replace("}", "&#125;").replace("![", "&#33;["))
    return _neutralise_links(part)


def _line(line: str) -> str:
    head = ""
    start = _BLOCK_START.match(line)
    if start:
        head = start.group(1) + f"&#{ord(start.group(2)[0])};"
        line = line[start.end(1) + 1:]
    pieces, last = [head], 0
    for span in _CODE_SPAN.finditer(line):
        pieces.append(_plain(line[last:span.start()]))
        pieces.append(span.group(0))  # code spans show their content literally already
        last = span.end()
    pieces.append(_plain(line[last:]))
    return "".join(pieces)


def block(text: object) -> str:
    """A Markdown field: paragraphs, lists, emphasis, code and safe links; nothing that runs,
    loads, or changes the page's structure (headings, admonitions, raw HTML)."""
    out, fence = [], ""
    for line in str(text).strip("\n").splitlines():
        opening = _FENCE.match(line)
        if fence:
            out.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
            out.append(line[: opening.end()] + inline(line[opening.end():]))
        else:
            out.append(_line(line))
    if fence:
        out.append(fence)  # close a fence left open so it cannot swallow the rest of the page
    return "\n".join(out)


def indent(text: str, prefix: str) -> str:
    """Indent every line but the first (for Markdown nested in a list item)."""
    return text.replace("\n", "\n" + prefix)
