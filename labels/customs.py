"""Customs paperwork for parcels leaving the customs area: the UPU CN22 / CN23 declaration and the commercial invoice.

* **CN22** (contents up to 300 SDR, at most ``CN22_MAX_ITEMS`` lines) is printed as a 4 x 6 in label for the
  thermal printer, beside the shipping label: category boxes, one line per kind of goods with quantity, net
  weight, value, HS tariff number and country of origin, totals, the declaration and signature, and the
  tracking number as Code 128.
* **CN23** (everything else) is an A4/Letter form with sender and addressee, the same item columns, totals,
  postal charges, category, comments, the invoice number and the declaration; long item lists continue on
  further pages with the header, the tracking barcode and ``page x of y`` repeated.
* The **commercial invoice** is an A4/Letter document: seller, buyer, consignee, shipment facts (carrier,
  incoterm, reason for export, weights, packages), the items with HS code, origin, quantity, unit value and line
  total, then subtotal, shipping and total, the declaration and signature.

Which form to use is the caller's decision (``labels.model.choose_customs_form`` applies the UPU rule). The
values and weights printed are exactly those of the data (``Decimal``; weights with three decimals, money with
two), so a customs total always equals the sum of its printed lines (``CustomsData`` refuses anything else).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.document_pages import (
    DOCUMENT_HEADER_PT,
    DOCUMENT_MARGIN_PT,
    PAGE_SIZES,
    ROW_SHADE,
    Column,
    TextRow,
    draw_document_header,
    draw_paged_table,
    draw_table_header,
    draw_text_row,
    paginate,
    text_row,
)
from labels.drawing import (
    GREY,
    OFFICE_DPI,
    RULE_GREY,
    THERMAL_DPI,
    BarcodeBlock,
    TextLine,
    ascent,
    checkbox,
    draw_caption,
    draw_code128_block,
    draw_lines,
    draw_text,
    ellipsize,
    finish,
    fit_lines,
    fit_size,
    format_amount,
    format_date,
    format_kg,
    format_money,
    new_canvas,
    plan_code128,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import CUSTOMS_CATEGORIES, Address, CustomsData, CustomsItem, InvoiceData

CN22_PAGE_SIZE = (4 * inch, 6 * inch)
LABEL_MARGIN_PT = 2.5 * mm

CN22_DECLARATION = (
    "I, the undersigned, whose name and address are given on the item, certify that the particulars given in this "
    "declaration are correct and that this item does not contain any dangerous article or articles prohibited by "
    "legislation or by postal or customs regulations."
)
"""The declaration printed on the UPU CN22 form."""

CN23_DECLARATION = (
    "I certify that the particulars given in this customs declaration are correct and that this item does not "
    "contain any dangerous article or articles prohibited by legislation or by postal or customs regulations. "
    "I have met all applicable export filing requirements under the applicable regulations."
)
"""The declaration printed on the UPU CN23 form."""

CATEGORY_LABELS = {category: category.capitalize() for category in CUSTOMS_CATEGORIES}

LABEL_BAR_HEIGHT_PT = 12 * mm
DOCUMENT_BAR_HEIGHT_PT = 11 * mm
REFERENCE_BAND_PT = 56.0
"""Height of the band under the header of A4 documents: references left, the tracking barcode right."""
PARTIES_BAND_PT = 104.0
"""Height of the first page's band with the parties' addresses."""


@dataclass(frozen=True, slots=True)
class Cn22Plan:
    """Where the CN22's tracking barcode goes (``None`` without a tracking number)."""

    tracking: BarcodeBlock | None


# --- CN22 ----------------------------------------------------------------------------------------------------


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


CN22_HEADER_PT = 30.0


def render_customs_declaration(data: CustomsData, *, compress: bool = True) -> bytes:
    """Render ``data.form``: a CN22 as a 4 x 6 in label, a CN23 on ``data.page_size`` paper; PDF bytes.

    Raises:
        ValueError: the tracking number is too long to print at a scannable size.
    """
    if data.form == "CN22":
        return _render_cn22(data, compress)
    return _render_cn23(data, compress)


def _render_cn22(data: CustomsData, compress: bool) -> bytes:
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

    # header
    draw_text(canvas, right, top - ascent(FONT_SANS_BOLD, 20.0), "CN 22", FONT_SANS_BOLD, 20.0, "right")
    under = draw_lines(canvas, left, top, [TextLine("CUSTOMS DECLARATION", FONT_SANS_BOLD, 11.0)])
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_lines(canvas, left, under - 2, [TextLine("May be opened officially", FONT_SANS, 7.0)])
    canvas.restoreState()
    y = top - CN22_HEADER_PT
    rule(canvas, 0, y, width, 1.2)

    # item identifier (tracking number)
    if plan.tracking is not None:
        draw_caption(canvas, left, y - 3, "Item / tracking number")
        draw_code128_block(canvas, plan.tracking)
        y = plan.tracking.box.y - plan.tracking.hri_height - 4
        rule(canvas, 0, y, width, 0.6)

    # sender and addressee, one line each
    for caption, address, font in (("From", data.sender, FONT_SANS), ("To", data.recipient, FONT_SANS_BOLD)):
        draw_text(canvas, left, y - 9.5, caption.upper(), FONT_SANS_BOLD, 6.0)
        short = ", ".join((address.name, address.locality(), address.lines()[-1]))
        draw_text(canvas, left + 22, y - 9.5, ellipsize(short, font, 7.5, right - left - 22), font, 7.5)
        y -= 10.5
    y -= 3.0
    rule(canvas, 0, y, width, 0.6)

    # category boxes, two columns
    y = draw_caption(canvas, left, y - 3, "Category of item") - 2
    y = _draw_categories(canvas, data, left, right - left, y, size=7.5, columns=2)
    rule(canvas, 0, y - 2, width, 0.6)
    y -= 4

    # items: two lines per kind of goods
    columns = (
        Column("Detailed description of contents", right - left - 24 - 44 - 56),
        Column("Qty", 24, "right"),
        Column("Net kg", 44, "right"),
        Column(f"Value ({data.currency})", 56, "right"),
    )
    y = draw_table_header(canvas, columns, left, y, size=6.5)
    for number, item in enumerate(data.items):
        y = _draw_cn22_item(canvas, columns, left, y, item, shaded=number % 2 == 1)
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    totals = text_row(
        columns,
        ["Total gross weight / value", "", _kg(data.gross_weight_kg), format_amount(data.total_value)],
        size=7.5,
        bold_columns=(0, 2, 3),
        max_lines=1,
    )
    y = draw_text_row(canvas, columns, left, y, totals)
    rule(canvas, 0, y, width, 0.6)

    # references, declaration, date and signature
    references = [f"Invoice {data.invoice_number}"]
    if data.comments:
        references.append(data.comments)
    line = ellipsize(" · ".join(references), FONT_SANS, 7.0, right - left)
    draw_text(canvas, left, y - 9.0, line, FONT_SANS, 7.0)
    y -= 12.0
    declaration = [TextLine(text, FONT_SANS, 6.0) for text in wrap(CN22_DECLARATION, FONT_SANS, 6.0, right - left)]
    y = draw_lines(canvas, left, y - 2, declaration, leading=1.2)
    _draw_signature(canvas, left, right, y - 16, data.date, data.signatory or data.sender.name, size=7.5)
    return finish(canvas, buffer)


def _kg(value: Decimal) -> str:
    """Kilograms with three decimals, without the unit (the column header says kg)."""
    return format_kg(value, 3).removesuffix(" kg")


def _draw_cn22_item(
    canvas: Canvas, columns: Sequence[Column], left: float, top: float, item: CustomsItem, shaded: bool
) -> float:
    """Description, quantity, net weight and value on the first line; HS tariff number and origin under it."""
    first = text_row(
        columns,
        [item.description, str(item.qty), _kg(item.net_weight_kg), format_amount(item.value)],
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


def _draw_categories(
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


def _reference_barcode(data: str, page_size: tuple[float, float]) -> BarcodeBlock:
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


def _draw_reference_band(
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


def _draw_parties(
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


def _render_cn23(data: CustomsData, compress: bool) -> bytes:
    register_fonts()
    page_size = PAGE_SIZES[data.page_size]
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    columns = _cn23_columns(right - left, data.currency)
    rows: list[TextRow] = [
        text_row(
            columns,
            [
                item.description,
                str(item.qty),
                _kg(item.net_weight_kg),
                format_amount(item.value),
                item.hs_code,
                item.origin_country,
            ],
            size=8.5,
        )
        for item in data.items
    ]
    barcode = _reference_barcode(data.tracking_number, page_size) if data.tracking_number else None
    declaration = wrap(CN23_DECLARATION, FONT_SANS, 7.5, right - left)
    tail_height = 150.0 + len(declaration) * 9.0 + (12.0 if data.comments else 0.0)
    body_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - REFERENCE_BAND_PT

    def table_top(page: int) -> float:
        return body_top - (PARTIES_BAND_PT if page == 0 else 0.0) - 8.0

    def draw_page(canvas: Canvas, page: int, pages: int) -> None:
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
        _draw_reference_band(canvas, page_size, facts, barcode, "Item no.")
        if page == 0:
            importer = f"Importer's ref. {data.importer_reference}" if data.importer_reference else ""
            _draw_parties(
                canvas,
                body_top,
                left,
                right,
                [("From (sender)", data.sender, ""), ("To (addressee)", data.recipient, importer)],
            )

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
        ("Total gross weight (kg)", _kg(data.gross_weight_kg)),
        ("Total net weight (kg)", _kg(data.net_weight_kg)),
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
    y = _draw_categories(canvas, data, left, right - left, under - 2, size=8.0, columns=3)
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
    _draw_signature(canvas, left, right, y, data.date, data.signatory or data.sender.name)


def _draw_signature(
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
    rows = [
        text_row(
            columns,
            [
                str(number),
                item.description,
                item.hs_code,
                item.origin_country,
                str(item.qty),
                format_amount(item.unit_value),
                _kg(item.net_weight_kg),
                format_amount(item.value),
            ],
            size=8.0,
            bold_columns=(7,),
        )
        for number, item in enumerate(data.items, start=1)
    ]
    barcode_data, barcode_caption = (
        (data.tracking_number, "Tracking number") if data.tracking_number else (data.order_number, "Order")
    )
    barcode = _reference_barcode(barcode_data, page_size)
    declaration = wrap(data.declaration, FONT_SANS, 7.5, right - left)
    tail_height = 70.0 + len(declaration) * 9.0 + 30.0
    body_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - REFERENCE_BAND_PT
    details_height = 36.0

    def table_top(page: int) -> float:
        return body_top - ((PARTIES_BAND_PT + details_height) if page == 0 else 0.0) - 8.0

    def draw_page(canvas: Canvas, page: int, pages: int) -> None:
        seller_address = ", ".join(data.seller.lines()[1:])
        draw_document_header(canvas, page_size, data.seller.name, seller_address, "COMMERCIAL INVOICE")
        facts = [
            ("Invoice no.", data.invoice_number),
            ("Invoice date", format_date(data.invoice_date)),
            ("Order", data.order_number),
            ("Currency", data.currency),
        ]
        _draw_reference_band(canvas, page_size, facts, barcode, barcode_caption)
        if page == 0:
            parties = [
                ("Seller / exporter", data.seller, _tax_line(data.seller_tax_id)),
                ("Buyer / importer", data.buyer, _tax_line(data.buyer_tax_id)),
            ]
            if data.consignee is not None:
                parties.append(("Consignee (ship to)", data.consignee, ""))
            _draw_parties(canvas, body_top, left, right, parties)
            _draw_shipment_details(canvas, data, left, right, body_top - PARTIES_BAND_PT)

    def draw_row(canvas: Canvas, index: int, top: float) -> None:
        draw_text_row(canvas, columns, left, top, rows[index], shaded=index % 2 == 1)

    def draw_tail(canvas: Canvas, y: float) -> None:
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
        _draw_signature(canvas, left, right, y - 22, data.invoice_date, data.signatory or data.seller.name)

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


CELL_PAD_RIGHT = 4.0


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
