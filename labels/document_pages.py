"""A4/Letter document pages: the header band, the footer line, text tables and their pagination over pages.

The packing slip, CN23, commercial invoice and manifest are each one table running over as many pages as it
takes; this module plans the page breaks before anything is drawn (``paginate``), so every page can say
``page x of y``, and draws the parts every such document shares (``draw_paged_table``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels.drawing import (
    GREY,
    LIGHT_GREY,
    RULE_GREY,
    Align,
    TextLine,
    ascent,
    descent,
    draw_lines,
    draw_text,
    ellipsize,
    fit_size,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD

PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}

DOCUMENT_MARGIN_PT = 15 * mm
"""Margin of A4/Letter documents; inside every office printer's printable area."""
DOCUMENT_HEADER_PT = 40.0
"""Height of the top band of A4/Letter documents, down to its rule."""
FOOTER_PT = 24.0
"""Room kept above the bottom margin for the footer line of A4/Letter documents."""

CELL_PAD = 4.0
"""Horizontal padding inside table cells, in points."""
TABLE_HEADER_HEIGHT = 16.0
ROW_PAD_PT = 3.5
"""Vertical padding of table rows, in points."""
ROW_PITCH = 1.22
"""Line pitch of table text, as a multiple of the font size."""
ROW_SHADE = Color(0.965, 0.965, 0.965)
"""Background of every other table row."""


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: header text, width in points, alignment of header and cells."""

    title: str
    width: float
    align: Align = "left"


def column_x(columns: Sequence[Column], left: float) -> list[float]:
    """The x of each column's text anchor (left edge + pad, centre, or right edge - pad)."""
    xs: list[float] = []
    x = left
    for column in columns:
        if column.align == "left":
            xs.append(x + CELL_PAD)
        elif column.align == "right":
            xs.append(x + column.width - CELL_PAD)
        else:
            xs.append(x + column.width / 2)
        x += column.width
    return xs


def draw_table_header(canvas: Canvas, columns: Sequence[Column], left: float, top: float, size: float = 7.5) -> float:
    """A grey header row with bold column titles; returns the y under it."""
    width = sum(column.width for column in columns)
    canvas.saveState()
    canvas.setFillColor(LIGHT_GREY)
    canvas.rect(left, top - TABLE_HEADER_HEIGHT, width, TABLE_HEADER_HEIGHT, stroke=0, fill=1)
    canvas.restoreState()
    baseline = top - TABLE_HEADER_HEIGHT / 2 - (ascent(FONT_SANS_BOLD, size) - descent(FONT_SANS_BOLD, size)) / 2
    for column, x in zip(columns, column_x(columns, left), strict=True):
        draw_text(canvas, x, baseline, column.title, FONT_SANS_BOLD, size, column.align)
    return top - TABLE_HEADER_HEIGHT


def paginate(heights: Sequence[float], table_top: Callable[[int], float], *, tail_height: float = 0.0) -> list[range]:
    """Split table rows of the given heights over A4/Letter pages; returns the row indexes of each page.

    ``table_top(page)`` is where the table starts on that page; it runs down to the footer, under a repeated
    table header. The tail (totals, notes, declarations) follows the last row; when it does not fit there, a
    last page with no rows (an empty range) holds it. Every page gets at least one row, so a row taller than
    a page cannot loop forever; no rows at all give one empty page.
    """
    floor = DOCUMENT_MARGIN_PT + FOOTER_PT

    def capacity(page: int) -> float:
        return table_top(page) - TABLE_HEADER_HEIGHT - floor + 0.01

    pages: list[range] = []
    start = 0
    while start < len(heights):
        room = capacity(len(pages))
        end = start
        used = 0.0
        while end < len(heights) and (end == start or used + heights[end] <= room):
            used += heights[end]
            end += 1
        pages.append(range(start, end))
        start = end
    if not pages:
        return [range(0)]
    used_last = sum(heights[i] for i in pages[-1])
    if used_last + tail_height > capacity(len(pages) - 1):
        pages.append(range(len(heights), len(heights)))
    return pages


def draw_page_footer(
    canvas: Canvas, page_size: tuple[float, float], margin: float, left_text: str, page: int, pages: int
) -> None:
    """The footer line of A4/Letter documents: what the document is on the left, ``page x of y`` on the right."""
    width, _ = page_size
    y = margin * 0.6
    rule(canvas, margin, y + 10, width - margin, 0.4, RULE_GREY)
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_text(canvas, margin, y, left_text, FONT_SANS, 7.5)
    draw_text(canvas, width - margin, y, f"page {page} of {pages}", FONT_SANS, 7.5, "right")
    canvas.restoreState()


def draw_document_header(
    canvas: Canvas,
    page_size: tuple[float, float],
    organisation: str,
    address: str,
    title: str,
    *,
    subtitle: str = "",
) -> float:
    """The top band of A4/Letter documents: who sends it (name, address in two lines at most) left, title right.

    The band has the fixed height ``DOCUMENT_HEADER_PT`` so pages can be planned before drawing; returns the y
    of the rule under it.
    """
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    top = height - DOCUMENT_MARGIN_PT
    title_size, title = fit_size(title, FONT_SANS_BOLD, 17.0, 10.0, (right - left) * 0.45)
    title_baseline = top - ascent(FONT_SANS_BOLD, title_size)
    draw_text(canvas, right, title_baseline, title, FONT_SANS_BOLD, title_size, "right")
    if subtitle:
        canvas.saveState()
        canvas.setFillColor(GREY)
        draw_text(canvas, right, title_baseline - 12.0, subtitle, FONT_SANS, 7.5, "right")
        canvas.restoreState()
    text_width = (right - left) * 0.52
    name = TextLine(ellipsize(organisation, FONT_SANS_BOLD, 11.0, text_width), FONT_SANS_BOLD, 11.0)
    under = draw_lines(canvas, left, top, [name])
    address_lines = wrap(address, FONT_SANS, 7.5, text_width)
    if len(address_lines) > 2:
        address_lines = [address_lines[0], ellipsize(" ".join(address_lines[1:]), FONT_SANS, 7.5, text_width)]
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_lines(canvas, left, under - 1.5, [TextLine(line, FONT_SANS, 7.5) for line in address_lines], leading=1.25)
    canvas.restoreState()
    bottom = top - DOCUMENT_HEADER_PT
    rule(canvas, left, bottom, right, 1.2)
    return bottom


@dataclass(frozen=True, slots=True)
class TextRow:
    """A table row of wrapped text cells: ``cells[i]`` holds the lines of column ``i``."""

    cells: tuple[tuple[str, ...], ...]
    size: float
    bold_columns: frozenset[int]

    @property
    def height(self) -> float:
        return 2 * ROW_PAD_PT + ROW_PITCH * self.size * max(1, *(len(cell) for cell in self.cells))


def text_row(
    columns: Sequence[Column],
    values: Sequence[str],
    *,
    size: float = 8.0,
    max_lines: int = 3,
    bold_columns: Sequence[int] = (),
) -> TextRow:
    """Wrap each value into its column (at most ``max_lines`` lines, the last cut with ``…``)."""
    bold = frozenset(bold_columns)
    cells: list[tuple[str, ...]] = []
    for index, (column, value) in enumerate(zip(columns, values, strict=True)):
        font = FONT_SANS_BOLD if index in bold else FONT_SANS
        width = column.width - 2 * CELL_PAD
        lines = wrap(value, font, size, width) if value else [""]
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], ellipsize(" ".join(lines[max_lines - 1 :]), font, size, width)]
        cells.append(tuple(lines))
    return TextRow(tuple(cells), size, bold)


def draw_text_row(
    canvas: Canvas, columns: Sequence[Column], left: float, top: float, row: TextRow, *, shaded: bool = False
) -> float:
    """Draw a ``TextRow`` under ``top``; returns the y under it."""
    if shaded:
        canvas.saveState()
        canvas.setFillColor(ROW_SHADE)
        canvas.rect(left, top - row.height, sum(column.width for column in columns), row.height, stroke=0, fill=1)
        canvas.restoreState()
    first_baseline = top - ROW_PAD_PT - ascent(FONT_SANS, row.size)
    for index, (column, x, lines) in enumerate(zip(columns, column_x(columns, left), row.cells, strict=True)):
        font = FONT_SANS_BOLD if index in row.bold_columns else FONT_SANS
        for number, line in enumerate(lines):
            if line:
                draw_text(canvas, x, first_baseline - number * ROW_PITCH * row.size, line, font, row.size, column.align)
    return top - row.height


def draw_paged_table(
    canvas: Canvas,
    *,
    page_size: tuple[float, float],
    columns: Sequence[Column],
    row_heights: Sequence[float],
    pages: Sequence[range],
    table_top: Callable[[int], float],
    draw_page: Callable[[Canvas, int, int], None],
    draw_row: Callable[[Canvas, int, float], None],
    draw_tail: Callable[[Canvas, float], None],
    footer_text: str,
) -> None:
    """Draw a document whose body is one table running over ``pages`` (from ``paginate``).

    ``draw_page(canvas, page, pages)`` draws what is above the table (``table_top(page)``); ``draw_row(canvas,
    index, top)`` draws one row; ``draw_tail(canvas, y)`` what follows the last row. Every page with rows gets
    the table header, and every page ``page x of y`` in its footer.
    """
    left, right = DOCUMENT_MARGIN_PT, page_size[0] - DOCUMENT_MARGIN_PT
    for page, rows in enumerate(pages):
        if page:
            canvas.showPage()
        draw_page(canvas, page, len(pages))
        y = table_top(page)
        if rows:
            y = draw_table_header(canvas, columns, left, y)
            for index in rows:
                draw_row(canvas, index, y)
                y -= row_heights[index]
            rule(canvas, left, y, right, 0.6, RULE_GREY)
        if page == len(pages) - 1:
            draw_tail(canvas, y)
        draw_page_footer(canvas, page_size, DOCUMENT_MARGIN_PT, footer_text, page + 1, len(pages))
