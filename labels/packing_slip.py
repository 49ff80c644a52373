"""The packing slip that goes into the carton: order, lines, what is short, how to return, and the order barcode.

Every page repeats the header (warehouse, title) and the order band with the order number as Code 128, exactly
the text the pack station scans to open the order (and a returns desk scans when the parcel comes back). The
first page adds the ship-to address and the shipment summary, with the shipment note ("1 item short, follows")
where the customer sees it first. Lines follow in a table (SKU, item, ordered, shipped); a short line says how
many units are missing and why. Totals and the return instructions close the last page, on a page of their own
when the table leaves no room. Each page has ``page x of y`` in its footer.

The order barcode is snapped to a 300 dpi grid (office printers) with a module of 0.34-0.51 mm; an order number
too long for 0.34 mm across the band is refused with ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
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
    block_height,
    draw_caption,
    draw_code128_block,
    draw_lines,
    draw_text,
    ellipsize,
    finish,
    fit_lines,
    fit_size,
    format_date,
    new_canvas,
    plan_code128,
    rule,
    wrap,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.model import PackingSlipData, SlipLine

TITLE = "PACKING SLIP"

ORDER_BAND_PT = 62.0
"""Height of the order band under the header: order number, date and the order barcode."""
SHIP_TO_BAND_PT = 96.0
"""Height of the first page's ship-to / shipment summary band."""

ORDER_BAR_HEIGHT_PT = 12 * mm
ORDER_MIN_DOTS = 4
"""4 dots at 300 dpi = 0.339 mm, just above the 0.33 mm comfortable minimum for handheld scanners."""
ORDER_MAX_DOTS = 6

ROW_FONT_PT = 9.0
NOTE_FONT_PT = 7.5
ROW_LINE_PITCH = 11.0
ROW_PAD_PT = 4.0
MAX_NAME_LINES = 2
TAIL_GAP_PT = 10.0
RETURNS_FONT_PT = 8.0

_SHORT_RED = Color(0.7, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class SlipRow:
    """One table row as it will be drawn: the item name wrapped, the note line, and the row height."""

    line: SlipLine
    name_lines: tuple[str, ...]
    note: str
    height: float


@dataclass(frozen=True, slots=True)
class PackingSlipPlan:
    """The slip's pagination and its order barcode (the same place on every page)."""

    page_size: tuple[float, float]
    columns: tuple[Column, ...]
    rows: tuple[SlipRow, ...]
    pages: tuple[range, ...]
    """Row indexes on each page; a trailing empty range is the page that holds only the totals and returns."""
    order_barcode: BarcodeBlock
    return_lines: tuple[str, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def plan_packing_slip(data: PackingSlipData) -> PackingSlipPlan:
    """Measure rows, split them over pages and place the order barcode.

    Raises:
        ValueError: the order number is too long to print at a scannable size.
    """
    register_fonts()
    page_size = PAGE_SIZES[data.page_size]
    width, height = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    content = right - left
    columns = (
        Column("SKU", 104.0),
        Column("Item", content - 104.0 - 2 * 58.0),
        Column("Ordered", 58.0, "right"),
        Column("Shipped", 58.0, "right"),
    )
    rows = tuple(_plan_row(line, columns[1].width - 2 * CELL_PAD) for line in data.lines)

    band_top = height - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT
    barcode_top = band_top - 7.0
    order_barcode = plan_code128(
        data.order_number,
        centre_x=right - content * 0.22,
        bars_bottom=barcode_top - ORDER_BAR_HEIGHT_PT,
        available_width_pt=content * 0.44,
        bar_height_pt=ORDER_BAR_HEIGHT_PT,
        min_dots=ORDER_MIN_DOTS,
        max_dots=ORDER_MAX_DOTS,
        dpi=OFFICE_DPI,
        hri_size=9.0,
    )

    return_lines = tuple(wrap(data.return_instructions, FONT_SANS, RETURNS_FONT_PT, content))
    if not data.return_instructions:
        return_lines = ()
    heights = [row.height for row in rows]
    pages = paginate(heights, lambda page: _table_top(page_size, page), tail_height=_tail_height(return_lines))
    return PackingSlipPlan(page_size, columns, rows, tuple(pages), order_barcode, return_lines)


def render_packing_slip(data: PackingSlipData, *, compress: bool = True) -> bytes:
    """Render the packing slip (A4 or Letter per ``data.page_size``) as PDF bytes, deterministic.

    ``compress=False`` trades a larger file for about 1.7 ms less rendering time (see ``labels.drawing``).

    Raises:
        ValueError: the order number is too long to print at a scannable size.
    """
    plan = plan_packing_slip(data)
    canvas, buffer = new_canvas(
        plan.page_size,
        title=f"Packing slip {data.order_number}",
        subject=f"order {data.order_number}: {len(data.lines)} lines, {data.units_shipped} units shipped",
        compress=compress,
    )
    left = DOCUMENT_MARGIN_PT

    def draw_row(canvas: Canvas, index: int, top: float) -> None:
        _draw_row(canvas, plan.columns, left, top, plan.rows[index], shaded=index % 2 == 1)

    draw_paged_table(
        canvas,
        page_size=plan.page_size,
        columns=plan.columns,
        row_heights=[row.height for row in plan.rows],
        pages=plan.pages,
        table_top=lambda page: _table_top(plan.page_size, page),
        draw_page=lambda canvas, page, pages: _draw_page_top(canvas, data, plan, page),
        draw_row=draw_row,
        draw_tail=lambda canvas, y: _draw_tail(canvas, data, plan, left, plan.page_size[0] - left, y),
        footer_text=f"Packing slip · order {data.order_number}",
    )
    return finish(canvas, buffer)


def _plan_row(line: SlipLine, name_width: float) -> SlipRow:
    name_lines = wrap(line.name, FONT_SANS, ROW_FONT_PT, name_width)
    if len(name_lines) > MAX_NAME_LINES:
        rest = " ".join(name_lines[MAX_NAME_LINES - 1 :])
        name_lines = [*name_lines[: MAX_NAME_LINES - 1], ellipsize(rest, FONT_SANS, ROW_FONT_PT, name_width)]
    note = ""
    if line.qty_short:
        note = f"{line.qty_short} short" + (f": {line.note}" if line.note else "")
    elif line.note:
        note = line.note
    note = ellipsize(note, FONT_SANS_BOLD, NOTE_FONT_PT, name_width) if note else ""
    height = 2 * ROW_PAD_PT + ROW_LINE_PITCH * len(name_lines) + (NOTE_FONT_PT + 2.5 if note else 0.0)
    return SlipRow(line, tuple(name_lines), note, height)


def _table_top(page_size: tuple[float, float], page: int) -> float:
    top = page_size[1] - DOCUMENT_MARGIN_PT - DOCUMENT_HEADER_PT - ORDER_BAND_PT
    if page == 0:
        top -= SHIP_TO_BAND_PT
    return top - 8.0


def _tail_height(return_lines: tuple[str, ...]) -> float:
    height = TAIL_GAP_PT + 16.0  # totals row
    if return_lines:
        height += TAIL_GAP_PT + 10.0 + len(return_lines) * RETURNS_FONT_PT * 1.3
    return height


def _draw_page_top(canvas: Canvas, data: PackingSlipData, plan: PackingSlipPlan, index: int) -> None:
    """Header and order band on every page; the ship-to band on the first."""
    page_size = plan.page_size
    width, _ = page_size
    left, right = DOCUMENT_MARGIN_PT, width - DOCUMENT_MARGIN_PT
    warehouse = data.warehouse
    address = ", ".join(warehouse.lines()[1:]) + (f" · Tel. {warehouse.phone}" if warehouse.phone else "")
    band_top = draw_document_header(canvas, page_size, warehouse.name, address, TITLE)

    under = draw_caption(canvas, left, band_top - 7.0, "Order")
    size, number = fit_size(data.order_number, FONT_SANS_BOLD, 18.0, 10.0, (right - left) * 0.5)
    under = draw_lines(canvas, left, under - 2, [TextLine(number, FONT_SANS_BOLD, size)])
    facts = f"Ordered {format_date(data.order_date)} · {len(data.lines)} lines · {data.units_ordered} units"
    canvas.saveState()
    canvas.setFillColor(GREY)
    draw_lines(canvas, left, under - 3, [TextLine(facts, FONT_SANS, 8.5)])
    canvas.restoreState()
    draw_code128_block(canvas, plan.order_barcode)
    band_bottom = band_top - ORDER_BAND_PT
    rule(canvas, left, band_bottom, right, 0.6, RULE_GREY)
    if index == 0:
        _draw_ship_to(canvas, data, left, right, band_bottom)


def _draw_ship_to(canvas: Canvas, data: PackingSlipData, left: float, right: float, band_bottom: float) -> None:
    split = left + (right - left) * 0.5
    top = band_bottom - 7.0
    room = SHIP_TO_BAND_PT - 18.0
    under = draw_caption(canvas, left, top, "Ship to")
    lines = [TextLine(line, FONT_SANS, 9.5) for line in data.ship_to.lines()]
    lines[0] = TextLine(lines[0].text, FONT_SANS_BOLD, 10.5)
    draw_lines(canvas, left, under - 2, fit_lines(lines, split - left - 12, room), leading=1.22)

    under = draw_caption(canvas, split, top, "This parcel")
    summary = [
        TextLine(f"{data.units_shipped} of {data.units_ordered} units", FONT_SANS_BOLD, 10.5),
    ]
    short_lines = sum(1 for line in data.lines if line.qty_short)
    if short_lines:
        summary.append(TextLine(f"{short_lines} line{'s' if short_lines > 1 else ''} not complete", FONT_SANS, 9.0))
    under = draw_lines(canvas, split, under - 2, fit_lines(summary, right - split, 30.0), leading=1.25)
    if data.shipment_note:
        box_top = under - 5
        box_floor = band_bottom - SHIP_TO_BAND_PT + 4
        text_width = right - split - 8
        note = [
            TextLine(part, FONT_SANS_BOLD, 9.5) for part in wrap(data.shipment_note, FONT_SANS_BOLD, 9.5, text_width)
        ]
        note = fit_lines(note, text_width, box_top - box_floor - 8, leading=1.22)
        box_height = block_height(note, 1.22) + 8
        canvas.saveState()
        canvas.setStrokeColor(_SHORT_RED)
        canvas.setLineWidth(1.0)
        canvas.rect(split, box_top - box_height, right - split, box_height, stroke=1, fill=0)
        canvas.setFillColor(_SHORT_RED)
        draw_lines(canvas, split + 4, box_top - 4, note, leading=1.22)
        canvas.restoreState()


def _draw_row(canvas: Canvas, columns: tuple[Column, ...], left: float, top: float, row: SlipRow, shaded: bool) -> None:
    width = sum(column.width for column in columns)
    if shaded:
        canvas.saveState()
        canvas.setFillColor(ROW_SHADE)
        canvas.rect(left, top - row.height, width, row.height, stroke=0, fill=1)
        canvas.restoreState()
    xs = column_x(columns, left)
    baseline = top - ROW_PAD_PT - ascent(FONT_SANS, ROW_FONT_PT)
    line = row.line
    sku = ellipsize(line.sku, FONT_SANS_BOLD, ROW_FONT_PT, columns[0].width - 2 * CELL_PAD)
    draw_text(canvas, xs[0], baseline, sku, FONT_SANS_BOLD, ROW_FONT_PT)
    for offset, name in enumerate(row.name_lines):
        draw_text(canvas, xs[1], baseline - offset * ROW_LINE_PITCH, name, FONT_SANS, ROW_FONT_PT)
    draw_text(canvas, xs[2], baseline, str(line.qty_ordered), FONT_SANS, ROW_FONT_PT, "right")
    draw_text(canvas, xs[3], baseline, str(line.qty_shipped), FONT_SANS_BOLD, ROW_FONT_PT, "right")
    if row.note:
        canvas.saveState()
        canvas.setFillColor(_SHORT_RED if line.qty_short else GREY)
        note_baseline = baseline - (len(row.name_lines) - 1) * ROW_LINE_PITCH - NOTE_FONT_PT - 3
        draw_text(canvas, xs[1], note_baseline, row.note, FONT_SANS_BOLD, NOTE_FONT_PT)
        canvas.restoreState()


def _draw_tail(
    canvas: Canvas, data: PackingSlipData, plan: PackingSlipPlan, left: float, right: float, y: float
) -> None:
    xs = column_x(plan.columns, left)
    baseline = y - TAIL_GAP_PT - 9.0
    draw_text(canvas, xs[1], baseline, "Total units", FONT_SANS_BOLD, ROW_FONT_PT)
    draw_text(canvas, xs[2], baseline, str(data.units_ordered), FONT_SANS_BOLD, ROW_FONT_PT, "right")
    draw_text(canvas, xs[3], baseline, str(data.units_shipped), FONT_SANS_BOLD, ROW_FONT_PT, "right")
    y = y - TAIL_GAP_PT - 16.0
    if plan.return_lines:
        under = draw_caption(canvas, left, y - TAIL_GAP_PT, "Returns", 7.0)
        lines = [TextLine(line, FONT_SANS, RETURNS_FONT_PT) for line in plan.return_lines]
        draw_lines(canvas, left, under - 2, lines, leading=1.3)
