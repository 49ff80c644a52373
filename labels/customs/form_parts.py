"""Parts the customs forms and the commercial invoice share: category boxes, reference band, parties, signature.

The CN22 label uses the category boxes and the signature line; the A4/Letter documents (CN23 and commercial
invoice) share the band under the header (references left, a Code 128 right), the address boxes and the
signature, so the three documents read alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.document_pages import (
    DOCUMENT_HEADER_PT,
    DOCUMENT_MARGIN_PT,
)
from labels.drawing import (
    OFFICE_DPI,
    RULE_GREY,
    BarcodeBlock,
    TextLine,
    checkbox,
    draw_caption,
    draw_code128_block,
    draw_lines,
    draw_text,
    ellipsize,
    fit_lines,
    fit_size,
    format_date,
    format_kg,
    plan_code128,
    rule,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD
from labels.model import CUSTOMS_CATEGORIES, Address, CustomsData

CATEGORY_LABELS = {category: category.capitalize() for category in CUSTOMS_CATEGORIES}

DOCUMENT_BAR_HEIGHT_PT = 11 * mm
REFERENCE_BAND_PT = 56.0
"""Height of the band under the header of A4 documents: references left, the tracking barcode right."""
PARTIES_BAND_PT = 104.0
"""Height of the first page's band with the parties' addresses."""


def kg_cell(value: Decimal) -> str:
    """Kilograms with three decimals, without the unit (the column header says kg)."""
    return format_kg(value, 3).removesuffix(" kg")


def draw_categories(
    canvas: Canvas, data: CustomsData, left: float, width: float, top: float, *, size: float, columns: int
) -> float:
    """The category boxes in ``columns`` columns, the chosen one crossed; returns the y under them."""
    pitch = size * 1.55
    column_width = width / columns
    rows = -(-len(CUSTOMS_CATEGORIES) // columns)
    for index, category in enumerate(CUSTOMS_CATEGORIES):
        row, column = index % rows, index // rows
        x = left + column * column_width
        baseline = top - (row + 1) * pitch + 2
        checkbox(canvas, x, baseline - 1, size, category == data.category)
        draw_text(canvas, x + size + 4, baseline, CATEGORY_LABELS[category], FONT_SANS, size)
    y = top - rows * pitch - 2
    if data.category_explanation:
        text = ellipsize(f"Explanation: {data.category_explanation}", FONT_SANS, size - 0.5, width)
        draw_text(canvas, left, y - size, text, FONT_SANS, size - 0.5)
        y -= size * 1.4
    return y


# --- A4 / Letter documents: CN23 and commercial invoice --------------------------------------------------------


def reference_barcode(data: str, page_size: tuple[float, float]) -> BarcodeBlock:
    """The Code 128 in the reference band, right-aligned under the header (0.34-0.51 mm at 300 dpi)."""
    width, height = page_size
    right = width - DOCUMENT_MARGIN_PT
    content = width - 2 * DOCUMENT_MARGIN_PT
    bars_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - 13.0
    return plan_code128(
        data,
        centre_x=right - content * 0.22,
        bars_bottom=bars_top - DOCUMENT_BAR_HEIGHT_PT,
        available_width_pt=content * 0.44,
        bar_height_pt=DOCUMENT_BAR_HEIGHT_PT,
        min_dots=4,
        max_dots=6,
        dpi=OFFICE_DPI,
        hri_size=8.5,
    )


def draw_reference_band(
    canvas: Canvas,
    page_size: tuple[float, float],
    facts: Sequence[tuple[str, str]],
    barcode: BarcodeBlock | None,
    barcode_caption: str,
) -> float:
    """Under the header: ``caption value`` facts in two columns left, the barcode right; returns the band bottom."""
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT
    column_width = (right - left) * 0.26
    for index, (caption, value) in enumerate(facts):
        x = left + (index % 2) * column_width
        row_top = top - 6 - (index // 2) * 17.0
        under = draw_caption(canvas, x, row_top, caption, 5.5)
        size, value = fit_size(value, FONT_SANS_BOLD, 8.5, 6.0, column_width - 6)
        draw_lines(canvas, x, under - 0.5, [TextLine(value, FONT_SANS_BOLD, size)])
    if barcode is not None:
        draw_caption(canvas, barcode.box.x + barcode.box.width / 2, top - 4.0, barcode_caption, 5.5, "centre")
        draw_code128_block(canvas, barcode)
    bottom = top - REFERENCE_BAND_PT
    rule(canvas, left, bottom, right, 0.6, RULE_GREY)
    return bottom


def draw_parties(
    canvas: Canvas, top: float, left: float, right: float, parties: Sequence[tuple[str, Address, str]]
) -> None:
    """Address boxes side by side: caption, address lines, phone and a tax id line when given."""
    width = (right - left) / len(parties)
    room = PARTIES_BAND_PT - 20.0
    for index, (caption, address, extra) in enumerate(parties):
        x = left + index * width
        under = draw_caption(canvas, x, top - 6, caption)
        lines = [TextLine(line, FONT_SANS, 8.5) for line in address.lines()]
        lines[0] = TextLine(lines[0].text, FONT_SANS_BOLD, 9.0)
        if address.phone:
            lines.append(TextLine(f"Tel. {address.phone}", FONT_SANS, 7.5))
        if extra:
            lines.append(TextLine(extra, FONT_SANS_BOLD, 7.5))
        draw_lines(canvas, x, under - 2, fit_lines(lines, width - 10, room), leading=1.2)


def draw_signature(
    canvas: Canvas, left: float, right: float, baseline: float, day: date, name: str, *, size: float = 9.0
) -> None:
    """Date on the left, ``SIGNATURE`` and the signatory's name on a line to the right."""
    draw_text(canvas, left, baseline, f"Date {format_date(day)}", FONT_SANS, size)
    x = left + (right - left) * 0.4
    caption_size = size * 0.7
    draw_text(canvas, x, baseline, "SIGNATURE", FONT_SANS_BOLD, caption_size)
    name_x = x + stringWidth("SIGNATURE", FONT_SANS_BOLD, caption_size) + 5
    draw_text(canvas, name_x, baseline, ellipsize(name, FONT_SANS, size, right - name_x), FONT_SANS, size)
    rule(canvas, name_x, baseline - 3, right, 0.5)
