"""The UPU CN23 customs declaration, an A4/Letter form for parcels a CN22 cannot cover.

Sender and addressee, the item columns, totals, postal charges, category, comments, the invoice number and the
declaration; long item lists continue on further pages with the header, the tracking barcode and ``page x of y``
repeated.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from labels.customs.form_parts import (
    PARTIES_BAND_PT,
    REFERENCE_BAND_PT,
    draw_categories,
    draw_parties,
    draw_reference_band,
    draw_signature,
    kg_cell,
    reference_barcode,
)
from labels.document_pages import (
    DOCUMENT_HEADER_PT,
    DOCUMENT_MARGIN_PT,
    PAGE_SIZES,
    Column,
    TextRow,
    draw_document_header,
    draw_paged_table,
    draw_text_row,
    paginate,
    text_row,
)
from labels.drawing import (
    RULE_GREY,
    BarcodeBlock,
    TextLine,
    draw_caption,
    draw_lines,
    draw_text,
    ellipsize,
    finish,
    format_amount,
    format_date,
    format_money,
    new_canvas,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import CustomsData

CN23_DECLARATION = (
    "I certify that the particulars given in this customs declaration are correct and that this item does not "
    "contain any dangerous article or articles prohibited by legislation or by postal or customs regulations. "
    "I have met all applicable export filing requirements under the applicable regulations."
)
"""The declaration printed on the UPU CN23 form."""


def _cn23_columns(content: float, currency: str) -> tuple[Column, ...]:
    """The CN23 item columns in the form's order; the description takes the width the others leave."""
    fixed = (
        Column("Qty", 36.0, "right"),
        Column("Net weight (kg)", 74.0, "right"),
        Column(f"Value ({currency})", 72.0, "right"),
        Column("HS tariff no.", 70.0),
        Column("Origin", 44.0),
    )
    description = content - sum(column.width for column in fixed)
    return (Column("Detailed description of contents", description), *fixed)


def _cn23_rows(data: CustomsData, columns: Sequence[Column]) -> list[TextRow]:
    """One wrapped table row per item, in the columns' order."""
    return [
        text_row(
            columns,
            [
                item.description,
                str(item.qty),
                kg_cell(item.net_weight_kg),
                format_amount(item.value),
                item.hs_code,
                item.origin_country,
            ],
            size=8.5,
        )
        for item in data.items
    ]


def render_cn23(data: CustomsData, compress: bool) -> bytes:
    """The CN23 on ``data.page_size`` paper: one item table over as many pages as it takes, then the tail."""
    register_fonts()
    page_size = PAGE_SIZES[data.page_size]
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    columns = _cn23_columns(right - left, data.currency)
    rows = _cn23_rows(data, columns)
    barcode = reference_barcode(data.tracking_number, page_size) if data.tracking_number else None
    declaration = wrap(CN23_DECLARATION, FONT_SANS, 7.5, right - left)
    tail_height = 150.0 + len(declaration) * 9.0 + (12.0 if data.comments else 0.0)
    body_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - REFERENCE_BAND_PT

    def table_top(page: int) -> float:
        return body_top - (PARTIES_BAND_PT if page == 0 else 0.0) - 8.0

    def draw_page(canvas: Canvas, page: int, pages: int) -> None:
        _draw_page_top(canvas, data, page_size, barcode, body_top, first_page=page == 0)

    def draw_row(canvas: Canvas, index: int, top: float) -> None:
        draw_text_row(canvas, columns, left, top, rows[index], shaded=index % 2 == 1)

    def draw_tail(canvas: Canvas, y: float) -> None:
        _draw_cn23_tail(canvas, data, columns, left, right, y, declaration)

    canvas, buffer = new_canvas(
        page_size,
        title=f"CN23 {data.invoice_number}",
        subject=f"customs declaration CN23 for {data.recipient.name}, {format_money(data.total_value, data.currency)}",
        compress=compress,
    )
    draw_paged_table(
        canvas,
        page_size=page_size,
        columns=columns,
        row_heights=[row.height for row in rows],
        pages=paginate([row.height for row in rows], table_top, tail_height=tail_height),
        table_top=table_top,
        draw_page=draw_page,
        draw_row=draw_row,
        draw_tail=draw_tail,
        footer_text=f"CN 23 · invoice {data.invoice_number}",
    )
    return finish(canvas, buffer)


def _draw_page_top(
    canvas: Canvas,
    data: CustomsData,
    page_size: tuple[float, float],
    barcode: BarcodeBlock | None,
    body_top: float,
    *,
    first_page: bool,
) -> None:
    """What is above the item table: header and reference band on every page, the parties on the first."""
    width, _ = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    draw_document_header(
        canvas,
        page_size,
        data.sender.name,
        ", ".join(data.sender.lines()[1:]),
        "CUSTOMS DECLARATION CN 23",
        subtitle="May be opened officially",
    )
    facts = [
        ("Invoice no.", data.invoice_number),
        ("Date", format_date(data.date)),
        ("Importer's reference", data.importer_reference or "—"),
        ("Total value", format_money(data.total_value, data.currency)),
    ]
    draw_reference_band(canvas, page_size, facts, barcode, "Item no.")
    if first_page:
        importer = f"Importer's ref. {data.importer_reference}" if data.importer_reference else ""
        draw_parties(
            canvas,
            body_top,
            left,
            right,
            [("From (sender)", data.sender, ""), ("To (addressee)", data.recipient, importer)],
        )


def _draw_cn23_tail(
    canvas: Canvas,
    data: CustomsData,
    columns: Sequence[Column],
    left: float,
    right: float,
    y: float,
    declaration: Sequence[str],
) -> None:
    totals = [
        ("Total gross weight (kg)", kg_cell(data.gross_weight_kg)),
        ("Total net weight (kg)", kg_cell(data.net_weight_kg)),
        (f"Total value ({data.currency})", format_amount(data.total_value)),
        (f"Postal charges / fees ({data.currency})", format_amount(data.postal_charges)),
    ]
    value_x = right - sum(column.width for column in columns[4:]) - 4
    for caption, value in totals:
        y -= 13.0
        draw_text(canvas, value_x - 80, y, caption, FONT_SANS, 8.0, "right")
        draw_text(canvas, value_x, y, value, FONT_SANS_BOLD, 8.5, "right")
    y -= 10.0
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    under = draw_caption(canvas, left, y - 6, "Category of item")
    y = draw_categories(canvas, data, left, right - left, under - 2, size=8.0, columns=3)
    if data.comments:
        text = ellipsize(f"Comments: {data.comments}", FONT_SANS, 8.0, right - left)
        draw_text(canvas, left, y - 9, text, FONT_SANS, 8.0)
        y -= 12.0
    draw_text(canvas, left, y - 11, f"Invoice no. {data.invoice_number}", FONT_SANS, 8.0)
    draw_text(canvas, left + (right - left) / 3, y - 11, "Licence no. —", FONT_SANS, 8.0)
    draw_text(canvas, left + 2 * (right - left) / 3, y - 11, "Certificate no. —", FONT_SANS, 8.0)
    y -= 16.0
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    lines = [TextLine(text, FONT_SANS, 7.5) for text in declaration]
    y = draw_lines(canvas, left, y - 6, lines, leading=1.2)
    y -= 20.0
    draw_signature(canvas, left, right, y, data.date, data.signatory or data.sender.name)
