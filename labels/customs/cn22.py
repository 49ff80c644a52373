"""The UPU CN22 customs declaration, printed as a 4 x 6 in label for the thermal printer beside the shipping label.

For contents up to 300 SDR and at most ``CN22_MAX_ITEMS`` lines: category boxes, one line per kind of goods with
quantity, net weight, value, HS tariff number and country of origin, totals, the declaration and signature, and
the tracking number as Code 128.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from labels.customs.form_parts import draw_categories, draw_signature, kg_cell
from labels.document_pages import (
    ROW_SHADE,
    Column,
    draw_table_header,
    draw_text_row,
    text_row,
)
from labels.drawing import (
    GREY,
    RULE_GREY,
    THERMAL_DPI,
    BarcodeBlock,
    TextLine,
    ascent,
    draw_caption,
    draw_code128_block,
    draw_lines,
    draw_text,
    ellipsize,
    finish,
    format_amount,
    format_money,
    new_canvas,
    plan_code128,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import CustomsData, CustomsItem

CN22_PAGE_SIZE = (4 * inch, 6 * inch)
LABEL_MARGIN_PT = 2.5 * mm
CN22_HEADER_PT = 30.0
LABEL_BAR_HEIGHT_PT = 12 * mm

CN22_DECLARATION = (
    "I, the undersigned, whose name and address are given on the item, certify that the particulars given in this "
    "declaration are correct and that this item does not contain any dangerous article or articles prohibited by "
    "legislation or by postal or customs regulations."
)
"""The declaration printed on the UPU CN22 form."""


@dataclass(frozen=True, slots=True)
class Cn22Plan:
    """Where the CN22's tracking barcode goes (``None`` without a tracking number)."""

    tracking: BarcodeBlock | None


def plan_cn22(data: CustomsData) -> Cn22Plan:
    """Place the CN22's tracking barcode under the header, where the form has its item-identifier area.

    The module is the widest of 3-4 dots at 203 dpi that fits, as on the shipping label.
    """
    register_fonts()
    if not data.tracking_number:
        return Cn22Plan(None)
    width, height = CN22_PAGE_SIZE
    block = plan_code128(
        data.tracking_number,
        centre_x=width / 2,
        bars_bottom=height - LABEL_MARGIN_PT - CN22_HEADER_PT - 10.0 - LABEL_BAR_HEIGHT_PT,
        available_width_pt=width - 3 * mm,
        bar_height_pt=LABEL_BAR_HEIGHT_PT,
        min_dots=3,
        max_dots=4,
        dpi=THERMAL_DPI,
        hri_size=8.5,
    )
    return Cn22Plan(block)


def render_cn22(data: CustomsData, compress: bool) -> bytes:
    """The CN22 label from top to bottom: header, tracking barcode, parties, categories, items, declaration."""
    plan = plan_cn22(data)
    canvas, buffer = new_canvas(
        CN22_PAGE_SIZE,
        title=f"CN22 {data.invoice_number}",
        subject=f"customs declaration CN22 for {data.recipient.name}, {format_money(data.total_value, data.currency)}",
        compress=compress,
    )
    width, height = CN22_PAGE_SIZE
    left, right = LABEL_MARGIN_PT, width - LABEL_MARGIN_PT
    top = height - LABEL_MARGIN_PT
    y = _draw_header(canvas, left, right, top, width)
    if plan.tracking is not None:
        y = _draw_item_identifier(canvas, plan.tracking, left, y, width)
    y = _draw_parties(canvas, data, left, right, y, width)

    # category boxes, two columns
    y = draw_caption(canvas, left, y - 3, "Category of item") - 2
    y = draw_categories(canvas, data, left, right - left, y, size=7.5, columns=2)
    rule(canvas, 0, y - 2, width, 0.6)
    y -= 4

    y = _draw_items(canvas, data, left, right, y, width)
    _draw_declaration(canvas, data, left, right, y)
    return finish(canvas, buffer)


def _draw_header(canvas: Canvas, left: float, right: float, top: float, width: float) -> float:
    """``CN 22`` right, the form's title and ``May be opened officially`` left; returns the y of the rule under."""
    draw_text(canvas, right, top - ascent(FONT_SANS_BOLD, 20.0), "CN 22", FONT_SANS_BOLD, 20.0, "right")
    under = draw_lines(canvas, left, top, [TextLine("CUSTOMS DECLARATION", FONT_SANS_BOLD, 11.0)])
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_lines(canvas, left, under - 2, [TextLine("May be opened officially", FONT_SANS, 7.0)])
    canvas.restoreState()
    y = top - CN22_HEADER_PT
    rule(canvas, 0, y, width, 1.2)
    return y


def _draw_item_identifier(canvas: Canvas, tracking: BarcodeBlock, left: float, y: float, width: float) -> float:
    """The tracking number as Code 128 in the form's item-identifier area; returns the y of the rule under it."""
    draw_caption(canvas, left, y - 3, "Item / tracking number")
    draw_code128_block(canvas, tracking)
    y = tracking.box.y - tracking.hri_height - 4
    rule(canvas, 0, y, width, 0.6)
    return y


def _draw_parties(canvas: Canvas, data: CustomsData, left: float, right: float, y: float, width: float) -> float:
    """Sender and addressee, one line each; returns the y of the rule under them."""
    for caption, address, font in (("From", data.sender, FONT_SANS), ("To", data.recipient, FONT_SANS_BOLD)):
        draw_text(canvas, left, y - 9.5, caption.upper(), FONT_SANS_BOLD, 6.0)
        short = ", ".join((address.name, address.locality(), address.lines()[-1]))
        draw_text(canvas, left + 22, y - 9.5, ellipsize(short, font, 7.5, right - left - 22), font, 7.5)
        y -= 10.5
    y -= 3.0
    rule(canvas, 0, y, width, 0.6)
    return y


def _draw_items(canvas: Canvas, data: CustomsData, left: float, right: float, y: float, width: float) -> float:
    """The item table, two lines per kind of goods, then the totals row; returns the y of the rule under it."""
    columns = (
        Column("Detailed description of contents", right - left - 24 - 44 - 56),
        Column("Qty", 24, "right"),
        Column("Net kg", 44, "right"),
        Column(f"Value ({data.currency})", 56, "right"),
    )
    y = draw_table_header(canvas, columns, left, y, size=6.5)
    for number, item in enumerate(data.items):
        y = _draw_item(canvas, columns, left, y, item, shaded=number % 2 == 1)
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    totals = text_row(
        columns,
        ["Total gross weight / value", "", kg_cell(data.gross_weight_kg), format_amount(data.total_value)],
        size=7.5,
        bold_columns=(0, 2, 3),
        max_lines=1,
    )
    y = draw_text_row(canvas, columns, left, y, totals)
    rule(canvas, 0, y, width, 0.6)
    return y


def _draw_declaration(canvas: Canvas, data: CustomsData, left: float, right: float, y: float) -> None:
    """References, the declaration, date and signature."""
    references = [f"Invoice {data.invoice_number}"]
    if data.comments:
        references.append(data.comments)
    line = ellipsize(" · ".join(references), FONT_SANS, 7.0, right - left)
    draw_text(canvas, left, y - 9.0, line, FONT_SANS, 7.0)
    y -= 12.0
    declaration = [TextLine(text, FONT_SANS, 6.0) for text in wrap(CN22_DECLARATION, FONT_SANS, 6.0, right - left)]
    y = draw_lines(canvas, left, y - 2, declaration, leading=1.2)
    draw_signature(canvas, left, right, y - 16, data.date, data.signatory or data.sender.name, size=7.5)


def _draw_item(
    canvas: Canvas, columns: Sequence[Column], left: float, top: float, item: CustomsItem, shaded: bool
) -> float:
    """Description, quantity, net weight and value on the first line; HS tariff number and origin under it."""
    first = text_row(
        columns,
        [item.description, str(item.qty), kg_cell(item.net_weight_kg), format_amount(item.value)],
        size=7.5,
        max_lines=1,
    )
    second = text_row(
        columns[:1], [f"HS tariff no. {item.hs_code} · Origin {item.origin_country}"], size=6.5, max_lines=1
    )
    height = first.height + second.height - 3.0
    if shaded:
        canvas.saveState()
        canvas.setFillColor(ROW_SHADE)
        canvas.rect(left, top - height, sum(column.width for column in columns), height, stroke=0, fill=1)
        canvas.restoreState()
    y = draw_text_row(canvas, columns, left, top, first)
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_text_row(canvas, columns[:1], left, y + 3.0, second)
    canvas.restoreState()
    return top - height
