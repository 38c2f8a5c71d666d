"""Charter text into Markdown that shows exactly what was typed and can do nothing else.

Charter text comes from any member organisation through a pull request, so it is data. Every
field passes through one of these functions on its way into a page (the renderer's `e` filter
is `inline`, so a forgotten filter is still safe). They use HTML character references rather
than backslashes because every Markdown processor passes references through unchanged, and a
reference cannot open a tag, a link, a heading, an admonition, a table cell or a template tag.
"""

from __future__ import annotations

import functools
import re

# Characters that start Markdown, extension or template syntax anywhere in a line.
_ANYWHERE = {c: f"&#{ord(c)};" for c in "\\`*_{}[]<>|~^=:!?#+$"}
_ANYWHERE["&"] = "&amp;"
# Control characters (YAML allows them in quoted strings) show as their Unicode pictures.
_CONTROLS = {i: chr(0x2400 + i) for i in range(0x20) if chr(i) not in "\t\n\r"} | {0x7F: "\u2421"}
_INLINE = str.maketrans({**_ANYWHERE, **{chr(k): v for k, v in _CONTROLS.items()}})
# At the start of a line these also open lists, quotes and rules.
_LEADING = {c: f"&#{ord(c)};" for c in "-.>%/"}

_SPACE = re.compile(r"\s+")
_NUMBERED = re.compile(r"^(\d+)\.")
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_LINK_DEST = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^( {0,3})\[([^\]]+)\]:\s*<?(\S*)")
_BLOCK_START = re.compile(r"^( {0,3})(#|!!!|\?\?\?|===|///|\+\+\+|(?:=+|-+)\s*$)")


def inline(text: object) -> str:
    """A one-line field: whitespace folded, every syntax character shown as itself."""
    return _inline(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _inline(text: str) -> str:
    # Cached: a site repeats the same names, dates and owners on many pages.
    out = _SPACE.sub(" ", text).translate(_INLINE)
    if out and out[0] in _LEADING:
        out = _LEADING[out[0]] + out[1:]
    elif out[:1].isdigit():
        out = _NUMBERED.sub(r"\1&#46;", out)  # "1. " would open a numbered list
    return out


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
    """Text outside code: no HTML, no attributes, no templates, no images, no unsafe links.

    Backslashes and backticks become references too, so no escape or stray backtick can make
    Markdown see a code span, or the end of one, where this function did not.
    """
    part = (part.translate(_CONTROLS).replace("&", "&amp;").replace("<", "&lt;")
            .replace("\\", "&#92;").replace("`", "&#96;").replace("~", "&#126;")
            .replace("{", "&#123;").replace("}", "&#125;").replace("![", "&#33;["))
    return _neutralise_links(part)


def _code(match: re.Match[str]) -> str:
    # Our own <code> element around fully escaped text: Markdown cannot disagree with us about
    # where it ends, and nothing inside it is read as Markdown or HTML.
    return f"<code>{inline(match.group(2).strip())}</code>"


def _line(line: str) -> str:
    head = ""
    start = _BLOCK_START.match(line)
    if start:
        head = start.group(1) + f"&#{ord(start.group(2)[0])};"
        line = line[start.end(1) + 1:]
    pieces, last = [head], 0
    for span in _CODE_SPAN.finditer(line):
        pieces.append(_plain(line[last:span.start()]))
        pieces.append(_code(span))
        last = span.end()
    pieces.append(_plain(line[last:]))
    return "".join(pieces)


def block(text: object) -> str:
    """A Markdown field: paragraphs, lists, emphasis, code spans and safe links; nothing that
    runs, loads, or changes the page's structure (headings, admonitions, raw HTML, fenced
    blocks, which show as the lines typed)."""
    return "\n".join(_line(line) for line in str(text).strip("\n").splitlines())


def indent(text: str, prefix: str) -> str:
    """Indent every line but the first (for Markdown nested in a list item)."""
    return text.replace("\n", "\n" + prefix)
