"""The end-of-day manifest for one carrier: every shipment handed over, each with its tracking barcode, and totals.

The driver scans the manifest id (Code 128 in the header, on every page) to take the whole hand-over, or the
tracking number of each shipment (Code 128 in its row) to check parcels one by one; the warehouse keeps the
signed copy. Rows list the order, the first carton's SSCC, the service, the recipient with postal code and
country, the number of cartons and the gross weight; the last page closes with the totals (shipments, cartons,
kilograms) and the signature lines for the hand-over. Rows never split across pages; the header, the table
header and ``page x of y`` repeat on each page.

Row barcodes are snapped to a 300 dpi grid with a 4-dot module (0.34 mm), or 3 dots (0.25 mm, still within what
a driver's imager reads at arm's length) for a tracking number too long for the column; longer ones are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.document_pages import (
    CELL_PAD,
    DOCUMENT_HEADER_PT,
    DOCUMENT_MARGIN_PT,
    PAGE_SIZES,
    ROW_SHADE,
    Column,
    column_x,
    draw_document_header,
    draw_paged_table,
    paginate,
)
from labels.drawing import (
    GREY,
    OFFICE_DPI,
    RULE_GREY,
    BarcodeBlock,
    TextLine,
    ascent,
    draw_caption,
    draw_code128_block,
    draw_lines,
    draw_text,
    ellipsize,
    finish,
    fit_size,
    format_date,
    format_kg,
    new_canvas,
    plan_code128,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import ManifestData, ManifestLine, country_name

ROW_HEIGHT_PT = 40.0
ROW_BAR_HEIGHT_PT = 8 * mm
ROW_HRI_SIZE_PT = 7.0
BAND_PT = 60.0
"""Height of the band under the header: carrier facts left, the manifest barcode right."""
TAIL_HEIGHT_PT = 150.0
TRACKING_COLUMN_PT = 202.0
"""Room for 18 mixed characters (a UPS ``1Z`` number) at 4 dots, with quiet zones."""


@dataclass(frozen=True, slots=True)
class ManifestPlan:
    """The manifest's columns and barcodes: ``header_barcode`` (the manifest id) and one per row."""

    page_size: tuple[float, float]
    columns: tuple[Column, ...]
    header_barcode: BarcodeBlock
    row_barcodes: tuple[BarcodeBlock, ...]
    """Row barcodes placed as if the row's top were at y = 0 (``box.y`` is negative); rows shift them down."""


def plan_manifest(data: ManifestData) -> ManifestPlan:
    """Columns and barcode sizes for the manifest.

    Raises:
        ValueError: a tracking number or the manifest id is too long to print at a scannable size.
    """
    register_fonts()
    page_size = PAGE_SIZES[data.page_size]
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    content = right - left
    fixed = (
        Column("#", 20.0, "right"),
        Column("Tracking number", TRACKING_COLUMN_PT, "centre"),
        Column("Order / SSCC", 104.0),
    )
    numbers = (Column("Cartons", 42.0, "right"), Column("Weight (kg)", 56.0, "right"))
    recipient = Column("Recipient", content - sum(c.width for c in fixed) - sum(c.width for c in numbers))
    columns = (*fixed, recipient, *numbers)

    centre = left + columns[0].width + columns[1].width / 2
    row_barcodes = tuple(
        plan_code128(
            line.tracking_number,
            centre_x=centre,
            bars_bottom=-4.0 - ROW_BAR_HEIGHT_PT,
            available_width_pt=columns[1].width,
            bar_height_pt=ROW_BAR_HEIGHT_PT,
            min_dots=3,
            max_dots=4,
            dpi=OFFICE_DPI,
            hri_size=ROW_HRI_SIZE_PT,
        )
        for line in data.lines
    )
    content_width = right - left
    bars_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - 13.0
    header_barcode = plan_code128(
        data.manifest_id,
        centre_x=right - content_width * 0.27,
        bars_bottom=bars_top - 11 * mm,
        available_width_pt=content_width * 0.54,
        bar_height_pt=11 * mm,
        min_dots=4,
        max_dots=6,
        dpi=OFFICE_DPI,
        hri_size=8.5,
    )
    return ManifestPlan(page_size, columns, header_barcode, row_barcodes)


def render_manifest(data: ManifestData, *, compress: bool = True) -> bytes:
    """Render the carrier's end-of-day manifest (A4 or Letter per ``data.page_size``) as PDF bytes.

    Raises:
        ValueError: a tracking number or the manifest id is too long to print at a scannable size.
    """
    plan = plan_manifest(data)
    page_size = plan.page_size
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    body_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - BAND_PT
    title = f"{data.carrier_name} manifest {data.manifest_id}"

    def table_top(page: int) -> float:
        return body_top - 8.0

    def draw_page(canvas: Canvas, page: int, pages: int) -> None:
        warehouse = data.warehouse
        draw_document_header(
            canvas,
            page_size,
            warehouse.name,
            ", ".join(warehouse.lines()[1:]),
            "CARRIER MANIFEST",
            subtitle=f"{data.carrier_name} · {format_date(data.date)}",
        )
        _draw_band(canvas, data, plan, left, right, body_top + BAND_PT)

    def draw_row(canvas: Canvas, index: int, top: float) -> None:
        _draw_row(canvas, plan, left, top, index, data.lines[index])

    def draw_tail(canvas: Canvas, y: float) -> None:
        _draw_tail(canvas, data, plan, left, right, y)

    canvas, buffer = new_canvas(
        page_size,
        title=title,
        subject=f"{len(data.lines)} shipments, {data.total_cartons} cartons, {format_kg(data.total_weight_kg)}",
        compress=compress,
    )
    draw_paged_table(
        canvas,
        page_size=page_size,
        columns=plan.columns,
        row_heights=[ROW_HEIGHT_PT] * len(data.lines),
        pages=paginate([ROW_HEIGHT_PT] * len(data.lines), table_top, tail_height=TAIL_HEIGHT_PT),
        table_top=table_top,
        draw_page=draw_page,
        draw_row=draw_row,
        draw_tail=draw_tail,
        footer_text=f"{title} · {format_date(data.date)}",
    )
    return finish(canvas, buffer)


def _draw_band(canvas: Canvas, data: ManifestData, plan: ManifestPlan, left: float, right: float, top: float) -> None:
    facts = [
        ("Carrier", data.carrier_name),
        ("Account", data.account or "—"),
        ("Date", format_date(data.date)),
        ("Shipments", str(len(data.lines))),
        ("Cartons", str(data.total_cartons)),
        ("Total weight", format_kg(data.total_weight_kg)),
    ]
    column_width = (right - left) * 0.15
    for index, (caption, value) in enumerate(facts):
        x = left + (index % 3) * column_width
        row_top = top - 6 - (index // 3) * 18.0
        under = draw_caption(canvas, x, row_top, caption, 5.5)
        size, value = fit_size(value, FONT_SANS_BOLD, 9.0, 6.0, column_width - 6)
        draw_lines(canvas, x, under - 0.5, [TextLine(value, FONT_SANS_BOLD, size)])
    block = plan.header_barcode
    draw_caption(canvas, block.box.x + block.box.width / 2, top - 4.0, "Manifest", 5.5, "centre")
    draw_code128_block(canvas, block)
    rule(canvas, left, top - BAND_PT, right, 0.6, RULE_GREY)


def _draw_row(canvas: Canvas, plan: ManifestPlan, left: float, top: float, index: int, line: ManifestLine) -> None:
    columns = plan.columns
    if index % 2 == 1:
        canvas.saveState()
        canvas.setFillColor(ROW_SHADE)
        canvas.rect(left, top - ROW_HEIGHT_PT, sum(c.width for c in columns), ROW_HEIGHT_PT, stroke=0, fill=1)
        canvas.restoreState()
    draw_code128_block(canvas, plan.row_barcodes[index].shifted(top))

    xs = column_x(columns, left)
    first = top - 7.0 - ascent(FONT_SANS, 8.5)
    second = first - 11.0
    third = second - 10.0
    draw_text(canvas, xs[0], first, str(index + 1), FONT_SANS, 8.0, "right")
    width = columns[2].width - 2 * CELL_PAD
    draw_text(canvas, xs[2], first, ellipsize(line.order_number, FONT_SANS_BOLD, 8.5, width), FONT_SANS_BOLD, 8.5)
    canvas.saveState()
    canvas.setFillColor(GREY)
    if line.sscc:
        draw_text(canvas, xs[2], second, ellipsize(f"SSCC {line.sscc}", FONT_SANS, 6.5, width), FONT_SANS, 6.5)
    if line.service_name:
        draw_text(canvas, xs[2], third, ellipsize(line.service_name, FONT_SANS, 7.0, width), FONT_SANS, 7.0)
    canvas.restoreState()
    width = columns[3].width - 2 * CELL_PAD
    size = 8.0  # shrink until every word fits, so a long surname wraps whole instead of being cut
    while size > 6.0 and max(stringWidth(word, FONT_SANS, size) for word in line.recipient_name.split()) > width:
        size -= 0.5
    names = wrap(line.recipient_name, FONT_SANS, size, width)
    if len(names) > 2:
        names = [names[0], ellipsize(" ".join(names[1:]), FONT_SANS, size, width)]
    for baseline, name in zip((first, second), names, strict=False):
        draw_text(canvas, xs[3], baseline, name, FONT_SANS, size)
    place = f"{line.postal_code} · {country_name(line.country)}" if line.postal_code else country_name(line.country)
    size, place = fit_size(place, FONT_SANS_BOLD, 7.5, 6.0, width)
    draw_text(canvas, xs[3], second if len(names) == 1 else third, place, FONT_SANS_BOLD, size)
    draw_text(canvas, xs[4], first, str(line.cartons), FONT_SANS_BOLD, 8.5, "right")
    draw_text(canvas, xs[5], first, format_kg(line.weight_kg).removesuffix(" kg"), FONT_SANS_BOLD, 8.5, "right")


def _draw_tail(canvas: Canvas, data: ManifestData, plan: ManifestPlan, left: float, right: float, y: float) -> None:
    xs = column_x(plan.columns, left)
    baseline = y - 16.0
    shipments = len(data.lines)
    total = f"Total: {shipments} shipment{'s' if shipments != 1 else ''}"
    draw_text(canvas, xs[2], baseline, total, FONT_SANS_BOLD, 9.0)
    draw_text(canvas, xs[4], baseline, str(data.total_cartons), FONT_SANS_BOLD, 9.0, "right")
    weight = format_kg(data.total_weight_kg).removesuffix(" kg")
    draw_text(canvas, xs[5], baseline, weight, FONT_SANS_BOLD, 9.0, "right")
    y = baseline - 12.0
    rule(canvas, left, y, right, 0.6, RULE_GREY)
    statement = (
        f"{data.carrier_name} received {shipments} shipments with {data.total_cartons} cartons, "
        f"{format_kg(data.total_weight_kg)} in total, in apparent good order."
    )
    draw_text(canvas, left, y - 16.0, ellipsize(statement, FONT_SANS, 8.5, right - left), FONT_SANS, 8.5)
    half = (right - left) / 2
    for index, caption in enumerate(("Handed over by (warehouse)", "Received by (driver)")):
        x = left + index * half
        signature_top = y - 36.0
        draw_caption(canvas, x, signature_top, caption)
        for offset, field in enumerate(("Name", "Signature", "Time")):
            line_y = signature_top - 26.0 - offset * 22.0
            draw_text(canvas, x, line_y + 2, field, FONT_SANS, 7.5)
            rule(canvas, x + 46, line_y, x + half - 14, 0.5)
