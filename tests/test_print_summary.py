"""The self-assessment's summary, "What the partnership says", printed as a board gets it: the
page's "Print this summary" button, printed to A4 PDF by Chromium and read back with pypdf."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from published import kind_of, pages, printable_page, published_site

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_site(tmp_path_factory)


@pytest.fixture(scope="module")
def printer() -> Iterator[Any]:
    with printable_page() as page:
        yield page


def printed_summary(printer: Any, site: Path, path: str) -> list[str]:
    """The text of each A4 page "Print this summary" prints of `path`, whitespace folded."""
    printer.emulate_media(media="screen")
    printer.goto(site.joinpath(path).as_uri())
    printer.evaluate("window.print = () => {}")  # the dialog; the PDF below is what it prints
    button = printer.get_by_role("button", name="Print this summary")
    assert button.is_visible()
    button.click()
    printer.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(printer.pdf(format="A4", prefer_css_page_size=True)))
    return [" ".join(page.extract_text().split()) for page in pdf.pages]


def test_each_summary_prints_alone_on_one_or_two_a4_pages(printer: Any, site: Path) -> None:
    found = [p for p in pages(site) if kind_of(p) == "self-assessment"]
    assert len(found) >= 2
    for path in found:
        texts = printed_summary(printer, site, path)
        assert 1 <= len(texts) <= 2, (path, len(texts))
        whole = " ".join(texts)
        assert "What the partnership says" in whole
        assert "Partnership health check: the picture" in whole
        assert "Questions for this charter, with the latest round" in whole
        # The form and the statements to rate stay on the screen.
        for screen in ("Send your answers", "Rating scale", "Print this summary",
                       "Rate each statement", "Response file"):
            assert screen not in whole, (path, screen)
        # After printing, the next print is the whole page again.
        printer.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert len(PdfReader(io.BytesIO(printer.pdf(format="A4"))).pages) > 2


def test_the_printed_summary_keeps_the_figures_and_the_charters_own_facts(
        printer: Any, site: Path) -> None:
    path = next(p for p in pages(site) if p.endswith("wessex-healthcare-education/"
                                                      "self-assessment.html"))
    whole = " ".join(printed_summary(printer, site, path))
    assert "Latest round: 2026-autumn (4 people answered), compared with round 2026-spring." \
        in whole
    assert "Partners not met in person for six months: St Aldhelm's Hospice (2026-04-22)" in whole
    assert "Overdue pledges: WX-002, WX-003, WX-006" in whole
