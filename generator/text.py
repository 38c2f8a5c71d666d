"""Charter text into Markdown that shows exactly what was typed and can do nothing else.

Charter text comes from any member organisation through a pull request, so it is data. Every
field passes through one of these functions on its way into a page (the renderer's `e` filter
is `inline`, so a forgotten filter is still safe). They use HTML character references rather
than backslashes because every Markdown processor passes references through unchanged, and a
reference cannot open a tag, a link, a heading, an admonition, a table cell or a template tag.
"""

from __future__ import annotations

import functools
import itertools
import re

from markupsafe import escape

# Characters that start Markdown, extension or template syntax anywhere in a line.
_ANYWHERE = {c: f"&#{ord(c)};" for c in "\\`*_{}[]<>|~^=:!?#+$"}
_ANYWHERE["&"] = "&amp;"
# Control characters (YAML allows them in quoted strings) show as their Unicode pictures.
# Each control character but tab and line breaks, as its Unicode picture (shown, not acted on).
CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(0x20) if chr(i) not in "\t\n\r"} | {
    0x7F: "\u2421"}
_INLINE = str.maketrans({**_ANYWHERE, **{chr(k): v for k, v in CONTROL_PICTURES.items()}})
_CONTROLS_ONLY = str.maketrans(CONTROL_PICTURES)
# At the start of a line these also open lists, quotes and rules.
_LEADING = {c: f"&#{ord(c)};" for c in "-.>%/"}

_SPACE = re.compile(r"\s+")
_NUMBERED = re.compile(r"^(\d+)\.")
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_BACKTICKS = re.compile(r"`+")
_LINK_DEST = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^( {0,3})\[([^\]]+)\]:\s*<?(\S*)")
# Quote and list markers and indentation: block syntax after them opens a block inside the
# quote or list item, so it is guarded there as at the start of a line.
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_BLOCK_START = re.compile(r"#|!!!|\?\?\?|===|///|\+\+\+|(?:=+|-+)\s*$")
_BRACKETS = re.compile(r"[\[\]]")
# What may follow `](` for a link to stay live: a destination with at most one level of
# balanced parentheses (no <...>: `<` is always escaped) and an optional title, closed on the
# same line. Anything else leaves Markdown scanning to the end of the paragraph for every `[`,
# which is quadratic.
_DESTINATION = re.compile(r"""\(\s*((?:[^\s()<>]|\([^\s()<>]*\))*)"""
                          r"""(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)""")
# Bounds on a Markdown field. Python-Markdown recurses once per level of nesting (a few hundred
# levels raise RecursionError) and takes time quadratic in a paragraph's length when it holds
# many escaped characters; within these bounds a page converts in time linear in its size.
MAX_BLOCK_DEPTH = 16  # quote and list markers, and indentation in steps of four columns
MAX_EMPHASIS_DEPTH = 32  # `*` and `_` opened and not yet closed within a paragraph
MAX_PARAGRAPH = 5_000  # characters between blank lines
_EMPHASIS = re.compile(r"[*_]+")
_SPACES = re.compile(r"[ \t]*")
_MARKER = re.compile(r">|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$)")


def inline(text: object) -> str:
    """A one-line field: whitespace folded, every syntax character shown as itself."""
    return _inline(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=1 << 12)
def _inline(text: str) -> str:
    # Cached: a site repeats the same names, dates and owners on many pages.
    out = _SPACE.sub(" ", text).translate(_INLINE)
    if out and out[0] in _LEADING:
        out = _LEADING[out[0]] + out[1:]
    elif out[:1].isdigit():
        out = _NUMBERED.sub(r"\1&#46;", out)  # "1. " would open a numbered list
    return out


def html(text: object) -> str:
    """A one-line field as HTML text, for HTML that never passes through Markdown."""
    return _html(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=1 << 12)
def _html(text: str) -> str:
    # Cached: a register repeats the same names, titles and owners on every row.
    return str(escape(_SPACE.sub(" ", text).translate(_CONTROLS_ONLY)))


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
    part = (part.translate(CONTROL_PICTURES).replace("&", "&amp;").replace("<", "&lt;")
            .replace("\\", "&#92;").replace("`", "&#96;").replace("~", "&#126;")
            .replace("{", "&#123;").replace("}", "&#125;").replace("![", "&#33;["))
    return _neutralise_links(part)


def _code(content: str) -> str:
    # Our own <code> element around fully escaped text: Markdown cannot disagree with us about
    # where it ends, and nothing inside it is read as Markdown or HTML.
    return f"<code>{inline(content.strip())}</code>"


def code_spans(line: str) -> list[tuple[int, int]]:
    """Start and end of each code span in a line, in time linear in its length.

    A run of backticks opens a span that the next run of the same length closes; a run with no
    partner is literal (as in CommonMark). A regular expression with a back-reference tries
    every later run for every opening one, which 3,000 backticks made take a minute.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    later: dict[int, list[int]] = {}
    for i, (start, end) in enumerate(runs):
        later.setdefault(end - start, []).append(i)
    seen = dict.fromkeys(later, 0)  # per length, how many of its runs are behind us
    spans, i = [], 0
    while i < len(runs):
        length = runs[i][1] - runs[i][0]
        same, k = later[length], seen[length]
        while k < len(same) and same[k] <= i:
            k += 1
        seen[length] = k
        if k < len(same):
            spans.append((runs[i][0], runs[same[k]][1]))
            i = same[k] + 1
        else:
            i += 1
    return spans


def _live_brackets(line: str, spans: list[tuple[int, int]]) -> list[int]:
    """Positions of the `[` that may open a link: each closes before any other bracket and, when
    `(` follows, a whole destination does. The rest show literally."""
    brackets = [m.start() for m in _BRACKETS.finditer(line)]
    if spans:
        inside: set[int] = set()
        for start, end in spans:
            inside.update(range(start, end))
        brackets = [at for at in brackets if at not in inside]
    live = []
    for here, after in itertools.pairwise(brackets):
        if line[here] != "[" or line[after] != "]":
            continue
        if line.startswith("(", after + 1) and not _DESTINATION.match(line, after + 1):
            continue
        live.append(here)
    return live


def anchor_links(text: str) -> list[str]:
    """The page anchors ('#x') that a Markdown field's links point at, as `block` keeps them."""
    found = []
    for line in text.splitlines():
        spans = code_spans(line)
        for at in _live_brackets(line, spans):
            close = line.index("]", at)
            target = _DESTINATION.match(line, close + 1)
            if target:
                found.append(target.group(1))
        ref = _REF_DEF.match(line)
        if ref and ref.start(2) - 1 in _live_brackets(line, spans):
            found.append(ref.group(3).removesuffix(">"))
    return [url for url in found if url.startswith("#") and safe_url(url)]


def _block_start(line: str) -> int:
    """Where block syntax starts in a line, after any quote and list markers; -1 if nowhere.

    Checked after each marker, not only the last: in '> -' the '-' is a setext underline
    inside the quote, though it could also be read as an empty list item.
    """
    at = 0
    while True:
        at = _SPACES.match(line, at).end()  # type: ignore[union-attr]  # matches every line
        if _BLOCK_START.match(line, at):
            return at
        marker = _MARKER.match(line, at)
        if marker is None:
            return -1
        at = marker.end()


def _line(line: str) -> str:
    head = ""
    inside = _block_start(line)
    if inside >= 0:
        head = line[:inside] + f"&#{ord(line[inside])};"
        line = line[inside + 1:]
    spans = code_spans(line)
    live = set(_live_brackets(line, spans))
    pieces, last = [head], 0
    for start, end in [*spans, (len(line), len(line))]:
        plain = line[last:start]
        cut = 0
        for at, char in enumerate(plain):
            if char == "[" and last + at not in live:
                pieces.append(_plain(plain[cut:at]) + "&#91;")
                cut = at + 1
        pieces.append(_plain(plain[cut:]))
        if start < end:
            run = len(line[start:end]) - len(line[start:end].lstrip("`"))
            pieces.append(_code(line[start + run:end - run]))
        last = end
    return "".join(pieces)


def block(text: object) -> str:
    """A Markdown field: paragraphs, lists, emphasis, code spans and safe links; nothing that
    runs, loads, or changes the page's structure (headings, admonitions, raw HTML, fenced
    blocks, which show as the lines typed)."""
    return "\n".join(_line(line) for line in str(text).strip("\n").splitlines())


def _emphasis_depth(paragraph: str) -> int:
    depth = deepest = 0
    for run in _EMPHASIS.finditer(paragraph):
        before = paragraph[run.start() - 1] if run.start() else " "
        after = paragraph[run.end()] if run.end() < len(paragraph) else " "
        opens, closes = not after.isspace(), not before.isspace()
        if opens and not closes:
            depth += run.end() - run.start()
            deepest = max(deepest, depth)
        elif closes and not opens:
            depth = max(0, depth - (run.end() - run.start()))
    return deepest


def beyond_bounds(text: str) -> tuple[int, str] | None:
    """The first line (1-based, within the text) where a Markdown field passes a bound, and what
    it does; None when it keeps within all of them."""
    lines = text.splitlines()
    start = 0  # first line of the current paragraph
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            prefix = line[:_CONTAINERS.match(line).end()]  # type: ignore[union-attr]
            lead = prefix[:len(prefix) - len(prefix.lstrip(" \t"))]
            depth = len(_MARKER.findall(prefix)) + (len(lead) + 3 * lead.count("\t")) // 4
            if depth > MAX_BLOCK_DEPTH:
                return number, (f"nests lists, quotes or indentation {depth} levels deep; "
                                f"at most {MAX_BLOCK_DEPTH}")
            continue
        first, paragraph = start + 1, "\n".join(lines[start:number - 1])
        start = number
        if len(paragraph) > MAX_PARAGRAPH:
            return first, (
                f"has a paragraph of {len(paragraph):,} characters; at most {MAX_PARAGRAPH:,} "
                "(put a blank line between paragraphs)")
        if _emphasis_depth(paragraph) > MAX_EMPHASIS_DEPTH:
            return first, (
                f"opens more than {MAX_EMPHASIS_DEPTH} levels of emphasis ('*' or '_') in one "
                "paragraph; close them, or write fewer")
    return None


def indent(text: str, prefix: str) -> str:
    """Indent every line but the first (for Markdown nested in a list item)."""
    return text.replace("\n", "\n" + prefix)


def compact(text: str) -> str:
    """`text` as one byte a character wherever that costs little.

    Python stores a string at the width of its widest character (one, two or four bytes), and
    MkDocs keeps every page's Markdown and HTML until a build ends: one badge's `✓` doubles a
    page. When the characters past U+00FF are few (badges, dashes, quotes), they become
    character references (`&#10003;`), which HTML reads as the character, and so does Markdown
    everywhere but in code (charter text never reaches code, `block`). Text written mostly in
    another script stays as it is: references would cost it more than they save, and Python-
    Markdown sets each one aside.
    """
    if text.isascii():
        return text
    wide = len(text) - len(text.encode("latin-1", "ignore"))
    if wide == 0 or wide * 50 > len(text):
        return text
    return text.encode("latin-1", "xmlcharrefreplace").decode("latin-1")


def yaml_string(value: str) -> str:
    """`value` as a double-quoted YAML scalar in ASCII, which every YAML reader reads back as
    it was (JSON's escapes split a character past U+FFFF in two, which PyYAML keeps apart)."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'
