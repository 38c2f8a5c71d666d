"""Charter text becomes Markdown that shows what was typed and can do nothing else."""

from __future__ import annotations

from html import unescape
from typing import Any

import markdown
import markdown.treeprocessors
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown.util import AtomicString

from generator.text import (
    MAX_BLOCK_DEPTH,
    MAX_EMPHASIS_DEPTH,
    MAX_PARAGRAPH,
    anchor_links,
    beyond_bounds,
    block,
    code_spans,
    compact,
    inline,
    safe_url,
    yaml_string,
)

EXTENSIONS = ["toc", "tables", "attr_list", "def_list", "admonition", "pymdownx.tasklist"]


def html(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


@pytest.mark.parametrize("typed", [
    "<script>alert(1)</script>", "# Heading", "!!! danger", "{{ x }}", "{% if %}", "a | b",
    "--8<-- 'x'", "1. one", "- item", "> quote", "*stars* and _under_", "[x](javascript:y)",
    "&amp; typed", "{: #id }", "`code`", "=== tab", "??? details", ":emoji:",
])
def test_inline_text_renders_to_exactly_what_was_typed(typed: str) -> None:
    rendered = html(inline(typed))
    assert rendered.startswith("<p>")
    assert rendered.endswith("</p>")
    assert unescape(rendered[3:-4]) == typed


def test_inline_folds_line_breaks_so_a_table_cell_stays_one_cell() -> None:
    cell = inline("x |\ny")
    rendered = html(f"| a | b |\n| --- | --- |\n| {cell} | z |")
    assert rendered.count("<td>") == 2
    assert "x | y" in rendered.replace("&#124;", "|")


def test_block_keeps_formatting_paragraphs_lists_and_safe_links() -> None:
    rendered = html(block("Some **bold** text.\n\n- one\n- two\n\n[site](https://example.org)"))
    assert "<strong>bold</strong>" in rendered
    assert "<li>one</li>" in rendered
    assert '<a href="https://example.org">site</a>' in rendered


@pytest.mark.parametrize("typed", [
    "[x](javascript:alert(1))", "[x]( JaVaScRiPt:alert(1))", "[x](data:text/html,hi)",
    "[x](vbscript:msgbox)", "[x][r]\n\n[r]: javascript:alert(1)",
    "<a href='javascript:x'>x</a>", "<img src=x onerror=alert(1)>",
])
def test_block_never_makes_a_dangerous_link_image_or_tag(typed: str) -> None:
    rendered = html(block(typed))
    assert "<a " not in rendered
    assert "<img" not in rendered
    assert "<script" not in rendered


def test_an_image_from_another_host_becomes_a_plain_link_not_a_request() -> None:
    rendered = html(block("![x](https://evil.example/x.png)"))
    assert "<img" not in rendered
    assert '<a href="https://evil.example/x.png">x</a>' in rendered


def test_block_turns_headings_and_admonitions_into_text() -> None:
    rendered = html(block("# Big\n!!! note\n    body\n==="))
    assert "<h1" not in rendered
    assert "admonition" not in rendered


def test_code_spans_show_their_content_literally() -> None:
    rendered = html(block("Use `<b>*x*</b>` here."))
    code = rendered[rendered.index("<code>") + 6: rendered.index("</code>")]
    assert unescape(code) == "<b>*x*</b>"


@pytest.mark.parametrize("typed", [
    "x \\`<img src=x onerror=alert(1)>`",            # an escaped backtick opens no code span
    "\\`<svg onload=alert(3)>`",
    "~~~ x y\n<img src=x onerror=alert(2)>\n~~~",     # a fence our parser and Markdown disagree on
    "intro\n```\n<img src=x onerror=alert(4)>\n```",
    "`` ` ``<img src=x onerror=alert(5)>",
])
def test_backslashes_backticks_and_fences_cannot_smuggle_html(typed: str) -> None:
    rendered = html(block(typed))
    assert "<img" not in rendered
    assert "<svg" not in rendered
    assert "alert(" in unescape(rendered)  # shown, as text


def test_fences_show_as_the_lines_typed_and_cannot_swallow_the_page() -> None:
    rendered = html(block("```\nopen") + "\n\n## After")
    assert ">After</h2>" in rendered


@pytest.mark.parametrize(("url", "ok"), [
    ("https://x", True), ("mailto:a@b", True), ("#anchor", True), ("java\tscript:x", False),
    ("javascript:x", False), ("data:x", False), ("/etc/passwd", False), ("../x.md", False),
])
def test_safe_url_allows_web_mail_phone_and_anchors_only(url: str, ok: bool) -> None:
    assert safe_url(url) is ok


@pytest.mark.parametrize(("page", "finding"), [
    ('<p><img src="x" onerror="alert(1)"></p>', "event attribute in <img>"),
    ('<a href="javascript&#58;alert(1)">x</a>', "'javascript:alert(1)' link in <a>"),
    ('<a href=" java\tscript:x">x</a>', "'java"),
    ("<script>alert(1)</script>", "<script> element"),
    ('<iframe src="https://x"></iframe>', "<iframe> element"),
    ('<img src="data:image/png;base64,x">', "'data:image/png;base64,x' link in <img>"),
    # Separators a browser accepts between attributes: '/', and none after a quoted value.
    ("<svg/onload=alert(1)>", "event attribute in <svg>"),
    ('<a href="#"onclick="alert(1)">x</a>', "event attribute in <a>"),
    ('<a/href="javascript:alert(1)">x</a>', "'javascript:alert(1)' link in <a>"),
    ("<SCRIPT/src=x></SCRIPT>", "<script> element"),
    # A fake attribute inside another's quoted value must not hide the real one that follows,
    # and a '>' inside quotes does not end the tag.
    ("""<a title='x"href=' href="javascript:alert(1)" class='y'>c</a>""",
     "'javascript:alert(1)' link in <a>"),
    ("""<a title="&quot;href='" href="javascript:alert(1)" x='y'>c</a>""",
     "'javascript:alert(1)' link in <a>"),
    ('<img alt=">" src=x onerror=alert(1)>', "event attribute in <img>"),
    ('<div title=">" onmouseover="alert(1)">x</div>', "event attribute in <div>"),
    ("<svg><animate attributeName=href values=javascript:alert(1)></svg>", "<animate> element"),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', "<set> element"),
])
def test_the_last_line_finds_live_markup_in_final_html(page: str, finding: str) -> None:
    from generator.mdsafety import unsafe_html

    assert any(f.startswith(finding) for f in unsafe_html(page)), unsafe_html(page)


def test_the_last_line_passes_ordinary_content() -> None:
    from generator.mdsafety import unsafe_html

    ordinary = ('<p>Say onload=x or javascript: in text &lt;script&gt;</p>'
                '<a href="https://example.org/?q=1">x</a><a href="../partners/x/">y</a>'
                '<a title="Decision on=yes, see javascript:x" href="#a">z</a>'
                '<svg role="img"><title>t</title></svg>')
    assert unsafe_html(ordinary) == []


@pytest.mark.parametrize(("page", "finding"), [
    ('<p><img src="x" onerror="alert(1)"></p>', "event attribute in <img>"),
    ("<script>alert(1)</script>", "<script> element"),
    ('<a href="javascript&#58;alert(1)">x</a>', "'javascript:alert(1)' link in <a>"),
])
def test_the_last_line_remembers_only_harmless_tags(page: str, finding: str) -> None:
    # The plugin shares one set of harmless tags across a build's pages: a dangerous tag must
    # never join it, and a page repeating one is still caught.
    from generator.mdsafety import unsafe_html

    clean: set[str] = set()
    ordinary = '<p class="x"><a href="../y/">y</a></p>'
    assert unsafe_html(ordinary, clean) == []
    # Links are rarely seen twice, so only the other harmless tags are remembered.
    assert clean == {'<p class="x">'}
    for _ in range(2):
        assert any(f.startswith(finding) for f in unsafe_html(ordinary + page, clean))
    assert clean
    assert all(unsafe_html(tag) == [] for tag in clean)


def test_the_tree_processor_decodes_references_before_judging_a_link() -> None:
    rendered = markdown.markdown("[x](javascript&#58;alert(1))",
                                 extensions=["generator.mdsafety"])
    assert "href" not in rendered


def test_control_characters_show_as_their_pictures() -> None:
    assert inline("a\x01b\x7f") == "a\u2401b\u2421"
    assert block("x\x02y") == "x\u2402y"


def test_the_last_line_reads_tags_as_both_scans_would() -> None:
    # start_tags skips the quote-honouring scan when it cannot find anything else. Compare it
    # with running both scans, on short random strings of the characters that matter, with
    # and without a set of tags already known to be harmless.
    import random

    from generator.mdsafety import _QUOTED_TAG, _TAG, start_tags

    rng = random.Random(2026)
    alphabet = "<>\"'a b=/"
    differing = 0
    for _ in range(20000):
        page = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        both = set(_TAG.findall(page)) | set(_QUOTED_TAG.findall(page))
        differing += both != set(_TAG.findall(page))
        assert start_tags(page) == both, page
        known = {tag for tag in both if _QUOTED_TAG.fullmatch(tag) and rng.random() < 0.5}
        assert start_tags(page, known) == both - known, page
    assert differing > 100  # the strings do exercise pages the two scans read differently


# Block syntax, code spans, brackets and nesting: what the site's own Markdown set-up sees.
SITE_EXTENSIONS = [*EXTENSIONS, "generator.mdsafety"]


def site_html(source: str) -> str:
    return markdown.markdown(source, extensions=SITE_EXTENSIONS,
                             extension_configs={"toc": {"permalink": True, "toc_depth": 3}})


@pytest.mark.parametrize("typed", [
    'Fine.\n\n> !!! danger "Charter revoked"',
    "10. ## Heading",
    "- !!! warning\n    Revoked",
    "- item\n\n    !!! danger \"Revoked\"\n        body",
    "> > ??? note\n> > hidden",
    "> Title\n> ===",
    "1) ### Heading",
    "* > # Heading",
    "\t## Heading",
    "- Title\n  ---",
])
def test_block_syntax_inside_quotes_and_list_items_shows_as_typed(typed: str) -> None:
    rendered = site_html(block(typed))
    assert "admonition" not in rendered
    assert "<details" not in rendered
    assert not any(f"<h{n}" in rendered for n in range(1, 7)), rendered


def test_quotes_and_list_items_keep_their_own_formatting() -> None:
    rendered = site_html(block("> quoted **bold**\n\n1. first\n2. second\n\n- a\n    - nested"))
    assert "<blockquote>" in rendered
    assert "<strong>bold</strong>" in rendered
    assert rendered.count("<li>") == 4


@pytest.mark.parametrize(("line", "spans"), [
    ("`a`", [(0, 3)]),
    ("``a`b``", [(0, 7)]),
    ("``a`", []),                        # no run of two closes it: literal, as in CommonMark
    ("`a` and ``b`` and `c", [(0, 3), (8, 13)]),
    ("`` ` ``x", [(0, 7)]),
    ("`" * 3000, []),
    ("`a" * 3, [(0, 3)]),
])
def test_code_spans_pair_runs_of_equal_length(line: str, spans: list[tuple[int, int]]) -> None:
    assert code_spans(line) == spans


def test_thousands_of_backticks_show_literally() -> None:
    typed = "`" * 3_000 + " x `" + "a`" * 900
    assert beyond_bounds(typed) is None
    rendered = site_html(block(typed))
    assert "<code>a</code>" in rendered
    assert unescape(rendered).count("`") == 3_000 + 1  # 900 of the others pair into spans


def test_brackets_that_cannot_open_a_link_show_literally() -> None:
    source = block("[" * 32_000)
    assert source == "&#91;" * 32_000
    typed = "[x](" * 5_000 + " [ok](https://example.org) [a [b](#c)"
    rendered = site_html(block(typed))
    assert rendered.count("<a ") == 2
    assert unescape(rendered).count("[x](") == 5_000


@pytest.mark.parametrize("typed", [
    "[site](https://example.org)", "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))",
    '[titled](https://example.org "Title")',
    "[ref][r]\n\n[r]: https://example.org", "[short]\n\n[short]: https://example.org",
    "[see](#pledges)",
])
def test_links_that_are_whole_stay_links(typed: str) -> None:
    assert "<a " in site_html(block(typed))


def test_anchor_links_are_the_page_links_that_block_keeps() -> None:
    typed = ("[a](#one) [b](https://x) `[c](#code)` [[d](#two)\n[r]: #three\n"
             "[e](javascript:x) [f](#) [g](#four \"t\") [h](<#five>)")
    assert anchor_links(typed) == ["#one", "#two", "#three", "#four"]


@pytest.mark.parametrize(("typed", "line", "bound"), [
    ("_" * 2000 + "x" + "_" * 2000, 1, "emphasis"),
    ("*a " * 200 + "x" + " a*" * 200, 1, "emphasis"),
    ("intro\n\n" + "- " * 500 + "x", 3, "nests"),
    ("\n".join("    " * i + "- x" for i in range(500)), 17, "nests"),
    ("> " * 17 + "x", 1, "nests"),
    ("x" * 5_001, 1, "paragraph"),
])
def test_nesting_and_paragraphs_past_their_bounds_are_found(typed: str, line: int,
                                                            bound: str) -> None:
    found = beyond_bounds(typed)
    assert found is not None
    assert found[0] == line
    assert bound in found[1]


def test_everything_within_the_bounds_converts_without_recursion_error() -> None:
    deepest = [
        "- " * MAX_BLOCK_DEPTH + "x",
        "\n".join("    " * i + "- x" for i in range(MAX_BLOCK_DEPTH)),
        "> " * MAX_BLOCK_DEPTH + "x",
        "_" * MAX_EMPHASIS_DEPTH + "x" + "_" * MAX_EMPHASIS_DEPTH,
        "*a " * (MAX_EMPHASIS_DEPTH // 2) + "x" + " a*" * (MAX_EMPHASIS_DEPTH // 2),
        ("[a](#b) <x> & " * 500)[:MAX_PARAGRAPH],
        "Signed: ________ Date: ________ snake_case_name __init__ **bold** *it*",
    ]
    for typed in deepest:
        assert beyond_bounds(typed) is None, typed
        assert site_html(block(typed)).startswith("<")


@pytest.mark.parametrize("typed", [
    "Title\n-", "Title\n- ", "Title\n===", "> Title\n> -", "- Title\n  -", "> - Title\n>   ---",
])
def test_a_setext_underline_after_any_marker_makes_no_heading(typed: str) -> None:
    rendered = site_html(block(typed))
    assert not any(f"<h{n}" in rendered for n in range(1, 7)), rendered


@pytest.mark.parametrize("text", [
    "plain", "Café ✓ Met – “quoted” and 😀",  # few wide characters: references
    "日本語の文章です。" * 20 + " ✓",  # a script past Latin-1: left as it is
])
def test_compact_keeps_a_page_narrow_and_reading_the_same(text: str) -> None:
    made = compact(text)
    assert unescape(made) == text
    wide = sum(ch > "\xff" for ch in text)
    if wide * 50 <= len(text):
        assert max(map(ord, made)) <= 0xFF  # one byte a character
        assert "Café" in made or "é" not in text  # Latin-1 stays as written
    else:
        assert made == text  # references would cost more than they save


@given(st.text())
def test_a_front_matter_value_reads_back_as_it_was_written(value: str) -> None:
    written = yaml_string(value)
    assert written.isascii()
    assert yaml.safe_load(f"title: {written}") == {"title": value}


# generator.plaintext: text no inline pattern can change is marked so before they run.
_PIECES = ["a", "b c", " ", "  ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`", "``", "\\",
           "[", "]", "(", ")", "!", "<", ">", "&", "&amp;", "&#58;", ";", "#", "# ", "- ",
           "1. ", "{", "}", "{: .x }", "{ #i }", ": ", "|", "---", "> ", "    ", "\t", "é",
           "<b>", "</b>", "<https://x.y>", "<a@b.c>", "[x](y.md)", "![i](p.png)", "[r]",
           "[r]: /u", "- [ ] ", "- [x] ", "Term\n:   Def", "!!! note\n    ", "\x02", "\x03"]


def test_plain_text_marking_changes_no_page() -> None:
    import random

    rng = random.Random(2026)
    configs = {"toc": {"permalink": True, "toc_depth": 3}}
    before = markdown.Markdown(extensions=SITE_EXTENSIONS, extension_configs=configs)
    after = markdown.Markdown(extensions=[*SITE_EXTENSIONS, "generator.plaintext"],
                              extension_configs=configs)
    marked = 0
    for _ in range(4000):
        source = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 30)))
        expected = before.reset().convert(source)
        assert after.reset().convert(source) == expected, repr(source)
        marked += sum(isinstance(t, AtomicString) for e in _tree_of(after, source)
                      for t in (e.text, e.tail))
    assert marked > 100  # the pages did have text to mark


def _tree_of(md: markdown.Markdown, source: str) -> list[Any]:
    """The elements Markdown's tree holds once the plain-text marking has run."""
    seen: list[Any] = []

    class Look(markdown.treeprocessors.Treeprocessor):
        def run(self, root: Any) -> None:
            seen.extend(root.iter())

    md.treeprocessors.register(Look(md), "look", 20.5)
    try:
        md.reset().convert(source)
    finally:
        md.treeprocessors.deregister("look")
    return seen


def test_plain_text_marking_stands_aside_for_extensions_it_does_not_know() -> None:
    from generator.plaintext import _syntax

    known = markdown.Markdown(extensions=[*SITE_EXTENSIONS, "generator.plaintext"])
    assert _syntax(known) is not None
    for other in ("abbr", "footnotes", "smarty"):
        md = markdown.Markdown(extensions=[*SITE_EXTENSIONS, other, "generator.plaintext"])
        assert _syntax(md) is None, other
        source = "*[HTML]: Hyper Text\n\nHTML 'quoted' text[^1]\n\n[^1]: Note\n"
        assert md.convert(source) == markdown.markdown(
            source, extensions=[*SITE_EXTENSIONS, other]), other
