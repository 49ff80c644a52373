"""The commercial invoice, an A4/Letter document that travels with parcels leaving the customs area.

Seller, buyer, consignee, shipment facts (carrier, incoterm, reason for export, weights, packages), the items with
HS code, origin, quantity, unit value and line total, then subtotal, shipping and total, the declaration and
signature.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from labels.customs.form_parts import (
    PARTIES_BAND_PT,
    REFERENCE_BAND_PT,
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
    finish,
    fit_size,
    format_amount,
    format_date,
    format_kg,
    format_money,
    new_canvas,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import InvoiceData

CELL_PAD_RIGHT = 4.0
SHIPMENT_DETAILS_PT = 36.0
"""Height of the first page's row of shipment facts under the parties."""


def _invoice_columns(content: float, currency: str) -> tuple[Column, ...]:
    """Line number, description (the remaining width), HS code, origin, quantity, unit value, net kg, total."""
    fixed = (
        Column("HS code", 58.0),
        Column("Origin", 38.0),
        Column("Qty", 32.0, "right"),
        Column(f"Unit ({currency})", 62.0, "right"),
        Column("Net kg", 46.0, "right"),
        Column(f"Total ({currency})", 70.0, "right"),
    )
    number = Column("#", 22.0, "right")
    description = content - number.width - sum(column.width for column in fixed)
    return (number, Column("Description", description), *fixed)


def _invoice_rows(data: InvoiceData, columns: Sequence[Column]) -> list[TextRow]:
    """One wrapped table row per item, numbered from 1, the line total in bold."""
    return [
        text_row(
            columns,
            [
                str(number),
                item.description,
                item.hs_code,
                item.origin_country,
                str(item.qty),
                format_amount(item.unit_value),
                kg_cell(item.net_weight_kg),
                format_amount(item.value),
            ],
            size=8.0,
            bold_columns=(7,),
        )
        for number, item in enumerate(data.items, start=1)
    ]


def render_commercial_invoice(data: InvoiceData, *, compress: bool = True) -> bytes:
    """Render the commercial invoice on ``data.page_size`` paper; PDF bytes, deterministic.

    The barcode in the header carries the tracking number when there is one (what customs and the carrier
    scan to match paper and parcel), else the order number.

    Raises:
        ValueError: the barcode text is too long to print at a scannable size.
    """
    register_fonts()
    page_size = PAGE_SIZES[data.page_size]
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    columns = _invoice_columns(right - left, data.currency)
    rows = _invoice_rows(data, columns)
    barcode_data, barcode_caption = (
        (data.tracking_number, "Tracking number") if data.tracking_number else (data.order_number, "Order")
    )
    barcode = reference_barcode(barcode_data, page_size)
    declaration = wrap(data.declaration, FONT_SANS, 7.5, right - left)
    tail_height = 70.0 + len(declaration) * 9.0 + 30.0
    body_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - REFERENCE_BAND_PT

    def table_top(page: int) -> float:
        return body_top - ((PARTIES_BAND_PT + SHIPMENT_DETAILS_PT) if page == 0 else 0.0) - 8.0

    def draw_page(canvas: Canvas, page: int, pages: int) -> None:
        _draw_page_top(canvas, data, page_size, barcode, barcode_caption, body_top, first_page=page == 0)

    def draw_row(canvas: Canvas, index: int, top: float) -> None:
        draw_text_row(canvas, columns, left, top, rows[index], shaded=index % 2 == 1)

    def draw_tail(canvas: Canvas, y: float) -> None:
        _draw_invoice_tail(canvas, data, left, right, y, declaration)

    canvas, buffer = new_canvas(
        page_size,
        title=f"Commercial invoice {data.invoice_number}",
        subject=f"order {data.order_number}, {format_money(data.total, data.currency)}, {data.incoterm}",
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
        footer_text=f"Commercial invoice {data.invoice_number} · order {data.order_number}",
    )
    return finish(canvas, buffer)


def _draw_page_top(
    canvas: Canvas,
    data: InvoiceData,
    page_size: tuple[float, float],
    barcode: BarcodeBlock,
    barcode_caption: str,
    body_top: float,
    *,
    first_page: bool,
) -> None:
    """Header and reference band on every page; the parties and the shipment facts on the first."""
    width, _ = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    seller_address = ", ".join(data.seller.lines()[1:])
    draw_document_header(canvas, page_size, data.seller.name, seller_address, "COMMERCIAL INVOICE")
    facts = [
        ("Invoice no.", data.invoice_number),
        ("Invoice date", format_date(data.invoice_date)),
        ("Order", data.order_number),
        ("Currency", data.currency),
    ]
    draw_reference_band(canvas, page_size, facts, barcode, barcode_caption)
    if first_page:
        parties = [
            ("Seller / exporter", data.seller, _tax_line(data.seller_tax_id)),
            ("Buyer / importer", data.buyer, _tax_line(data.buyer_tax_id)),
        ]
        if data.consignee is not None:
            parties.append(("Consignee (ship to)", data.consignee, ""))
        draw_parties(canvas, body_top, left, right, parties)
        _draw_shipment_details(canvas, data, left, right, body_top - PARTIES_BAND_PT)


def _draw_invoice_tail(
    canvas: Canvas, data: InvoiceData, left: float, right: float, y: float, declaration: Sequence[str]
) -> None:
    """Subtotal, shipping and total under the last row, then the declaration and signature."""
    sums = [
        ("Subtotal", format_money(data.subtotal, data.currency), FONT_SANS),
        ("Shipping", format_money(data.shipping_cost, data.currency), FONT_SANS),
        ("Total", format_money(data.total, data.currency), FONT_SANS_BOLD),
    ]
    for caption, value, font in sums:
        y -= 14.0
        draw_text(canvas, right - 100, y, caption, font, 9.0, "right")
        draw_text(canvas, right - CELL_PAD_RIGHT, y, value, font, 9.0, "right")
    y -= 12.0
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    lines = [TextLine(text, FONT_SANS, 7.5) for text in declaration]
    y = draw_lines(canvas, left, y - 8, lines, leading=1.2)
    draw_signature(canvas, left, right, y - 22, data.invoice_date, data.signatory or data.seller.name)


def _tax_line(tax_id: str) -> str:
    return f"VAT / EORI {tax_id}" if tax_id else ""


def _draw_shipment_details(canvas: Canvas, data: InvoiceData, left: float, right: float, top: float) -> None:
    """One row of shipment facts under the parties: carrier, incoterm, reason, packages, weights."""
    facts = [
        ("Carrier", data.carrier_name or "—"),
        ("Incoterm", data.incoterm),
        ("Reason for export", data.reason_for_export),
        ("Packages", str(data.package_count)),
        ("Gross weight", format_kg(data.gross_weight_kg, 3)),
        ("Net weight", format_kg(data.net_weight_kg, 3)),
    ]
    rule(canvas, left, top, right, 0.6, RULE_GREY)
    width = (right - left) / len(facts)
    for index, (caption, value) in enumerate(facts):
        x = left + index * width
        under = draw_caption(canvas, x, top - 6, caption, 5.5)
        size, value = fit_size(value, FONT_SANS_BOLD, 8.5, 6.0, width - 6)
        draw_lines(canvas, x, under - 1, [TextLine(value, FONT_SANS_BOLD, size)])
