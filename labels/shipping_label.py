"""The 4 x 6 in shipping label of one carton: addresses, carrier and service, tracking Code 128, SSCC GS1-128.

Layout, top to bottom, in bands separated by rules (the carrier-label convention drivers and sorters know):

1. carrier name and the service in an inverted box;
2. sender (small) beside ship date, weight and ``carton n of m``;
3. the recipient, large, as the destination post expects the lines (``Address.lines``);
4. order number and customer reference;
5. the tracking number as Code 128 (what the carrier scans), its text under the bars;
6. the SSCC as GS1-128 ``(00)`` + 18 digits with the human-readable line ``(00) 123...`` (what the consignee's
   goods-in scans), at the bottom as GS1 logistic labels place it.

Barcode sizes follow the GS1 logistic label guideline and carrier specs, in whole dots of a 203 dpi printer
(``labels.barcodes`` explains why whole dots): the SSCC module is 4 dots = 0.500 mm (GS1 asks 0.495-0.940 mm)
with bars up to 32 mm tall; the tracking module is the widest of 3-4 dots (0.375-0.500 mm, above the 0.33 mm
carriers accept) that fits the label with its quiet zones. A tracking number too long for 3 dots is refused
with ``ValueError`` rather than printed too small to scan.

``plan_shipping_label`` returns where both symbols go (boxes, module widths), so tests check the geometry the
renderer really used. Rendering is deterministic (``invariant=1``, embedded fonts): same data, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from labels.barcodes import BarcodeBox, dots_to_pt, draw_gs1_128, measure_gs1_128
from labels.drawing import (
    THERMAL_DPI,
    BarcodeBlock,
    TextLine,
    draw_caption,
    draw_code128_block,
    draw_hri,
    draw_inverted,
    draw_lines,
    draw_text,
    finish,
    fit_lines,
    fit_size,
    format_date,
    format_kg,
    hri_height,
    new_canvas,
    on_grid,
    plan_code128,
    rule,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.gs1 import Element, format_hri
from labels.model import ShippingLabelData

PAGE_SIZE = (4 * inch, 6 * inch)
"""4 x 6 in (101.6 x 152.4 mm): the common carrier label; 812 x 1218 dots at 203 dpi."""

MARGIN_PT = 2.5 * mm
"""Text inset from the label edge (thermal printheads do not reach the last millimetre reliably)."""

BARCODE_EDGE_PT = 1.5 * mm
"""Gap between a symbol box (whose 10-module quiet zones are already blank) and the label edge."""

SSCC_MODULE_DOTS = 4
"""4 dots at 203 dpi = 0.500 mm: the GS1 logistic label minimum X-dimension is 0.495 mm."""

TRACKING_MIN_DOTS = 3
"""3 dots at 203 dpi = 0.375 mm, above the 0.33 mm carriers ask for their tracking barcodes."""
TRACKING_MAX_DOTS = 4

SSCC_MAX_BAR_HEIGHT_PT = 32 * mm
"""GS1 logistic labels ask 32 mm bars for the SSCC; the label gives it up to this much."""
SSCC_MIN_BAR_HEIGHT_PT = 25 * mm
TRACKING_BAR_HEIGHT_PT = 17 * mm

SSCC_HRI_SIZE_PT = 11.0
TRACKING_HRI_SIZE_PT = 10.0
CAPTION_SIZE_PT = 6.0

HEADER_HEIGHT_PT = 30.0
FROM_HEIGHT_PT = 66.0
TO_HEIGHT_PT = 114.0
REF_HEIGHT_PT = 18.0
SECTION_PAD_PT = 3.0


@dataclass(frozen=True, slots=True)
class ShippingLabelPlan:
    """Where the two symbols go on the label, in points from the lower-left corner.

    ``tracking`` and ``sscc`` are the symbol boxes (quiet zones plus bars, ``y`` = bottom of the bars, height =
    bar height); their ``module_width_pt`` is the module width actually drawn. ``bands`` are the y of the rules
    that separate the sections, top to bottom.
    """

    tracking: BarcodeBlock
    sscc: BarcodeBox
    sscc_hri: str
    bands: tuple[float, ...]

    @property
    def sscc_module_mm(self) -> float:
        return self.sscc.module_width_pt / mm

    @property
    def tracking_module_mm(self) -> float:
        return self.tracking.box.module_width_pt / mm


def sscc_elements(sscc: str) -> tuple[Element, ...]:
    """The SSCC as the single GS1 element ``(00)``."""
    return (Element("00", sscc),)


def plan_shipping_label(data: ShippingLabelData) -> ShippingLabelPlan:
    """Lay the label out: section bands top-down, then the barcodes in the space left at the bottom.

    Raises:
        ValueError: the tracking number does not fit at the minimum module width.
    """
    register_fonts()
    width, height = PAGE_SIZE
    top = height - MARGIN_PT
    header_bottom = top - HEADER_HEIGHT_PT
    from_bottom = header_bottom - FROM_HEIGHT_PT
    to_bottom = from_bottom - TO_HEIGHT_PT
    ref_bottom = to_bottom - REF_HEIGHT_PT
    available = width - 2 * BARCODE_EDGE_PT

    caption_room = CAPTION_SIZE_PT + 2 * SECTION_PAD_PT
    tracking_bars_bottom = ref_bottom - caption_room - TRACKING_BAR_HEIGHT_PT
    tracking = plan_code128(
        data.tracking_number,
        centre_x=width / 2,
        bars_bottom=tracking_bars_bottom,
        available_width_pt=available,
        bar_height_pt=TRACKING_BAR_HEIGHT_PT,
        min_dots=TRACKING_MIN_DOTS,
        max_dots=TRACKING_MAX_DOTS,
        dpi=THERMAL_DPI,
        hri_size=TRACKING_HRI_SIZE_PT,
    )
    tracking_bottom = tracking_bars_bottom - tracking.hri_height - SECTION_PAD_PT

    sscc_top = tracking_bottom - caption_room
    sscc_floor = MARGIN_PT + hri_height(SSCC_HRI_SIZE_PT)
    bar_height = min(SSCC_MAX_BAR_HEIGHT_PT, sscc_top - sscc_floor)
    if bar_height < SSCC_MIN_BAR_HEIGHT_PT:  # pragma: no cover - fixed layout; guards future edits of the bands
        raise AssertionError(f"the SSCC has only {bar_height / mm:.1f} mm of bar height left")
    module = dots_to_pt(SSCC_MODULE_DOTS, THERMAL_DPI)
    elements = sscc_elements(data.sscc)
    measured = measure_gs1_128(elements, module_width_pt=module, height_pt=bar_height, hri=False, dpi=THERMAL_DPI)
    x = on_grid((width - measured.width) / 2, THERMAL_DPI)
    # Centre the bars and their text in the space under the caption.
    spare = sscc_top - sscc_floor - bar_height
    bars_bottom = sscc_floor + spare / 2
    sscc = BarcodeBox(x, bars_bottom, measured.width, bar_height, measured.module_width_pt, measured.modules)
    bands = (header_bottom, from_bottom, to_bottom, ref_bottom, tracking_bottom)
    return ShippingLabelPlan(tracking, sscc, format_hri(elements), bands)


def render_shipping_label(data: ShippingLabelData, *, compress: bool = False) -> bytes:
    """Render one carton's 4 x 6 in label as a one-page PDF (deterministic bytes).

    The label is left uncompressed by default: it is printed while the packer waits and goes straight to a
    printer, so the 1.7 ms zlib would take matter more than its ~85 KB (instead of ~48 KB). Pass
    ``compress=True`` for a label that is archived or mailed.

    Raises:
        ValueError: the tracking number is too long to print at a scannable size.
    """
    plan = plan_shipping_label(data)
    canvas, buffer = new_canvas(
        PAGE_SIZE,
        title=f"Shipping label {data.tracking_number}",
        subject=f"order {data.order_number}, carton {data.carton_no} of {data.carton_count}, SSCC {data.sscc}",
        compress=compress,
    )
    _draw_label(canvas, data, plan)
    return finish(canvas, buffer)


def _draw_label(canvas: Canvas, data: ShippingLabelData, plan: ShippingLabelPlan) -> None:
    """The six bands top to bottom, between the rules at ``plan.bands``; the barcodes where ``plan`` put them."""
    width, height = PAGE_SIZE
    left, right = MARGIN_PT, width - MARGIN_PT
    top = height - MARGIN_PT
    header_bottom, from_bottom, to_bottom, ref_bottom, tracking_bottom = plan.bands
    canvas.setFillColor(black)

    # 1. carrier and service
    service_width = draw_inverted(canvas, right, top - 2, data.service_name.upper(), 13.0, (right - left) * 0.5)
    carrier_width = right - left - service_width - 6
    size, carrier = fit_size(data.carrier_name, FONT_SANS_BOLD, 18.0, 9.0, carrier_width)
    draw_lines(canvas, left, top - 2, [TextLine(carrier, FONT_SANS_BOLD, size)])
    rule(canvas, 0, header_bottom, width, 1.6)

    _draw_sender_band(canvas, data, header_bottom, from_bottom)

    # 3. recipient, large
    below = draw_caption(canvas, left, from_bottom - SECTION_PAD_PT, "Ship to")
    recipient = _recipient_lines(data)
    room = below - 2 - (to_bottom + SECTION_PAD_PT)
    draw_lines(canvas, left + 4, below - 2, fit_lines(recipient, right - left - 8, room), leading=1.12)
    rule(canvas, 0, to_bottom, width, 1.6)

    # 4. order and reference
    baseline = to_bottom - REF_HEIGHT_PT / 2 - 3.5
    order_text = f"Order {data.order_number}"
    size, order_text = fit_size(order_text, FONT_SANS_BOLD, 10.0, 7.0, (right - left) * 0.55)
    draw_text(canvas, left, baseline, order_text, FONT_SANS_BOLD, size)
    if data.reference:
        size, reference = fit_size(f"Ref {data.reference}", FONT_SANS, 9.0, 6.5, (right - left) * 0.43)
        draw_text(canvas, right, baseline, reference, FONT_SANS, size, "right")
    rule(canvas, 0, ref_bottom, width, 0.8)

    # 5. tracking number
    draw_caption(canvas, left, ref_bottom - SECTION_PAD_PT, f"{data.carrier_name} tracking number", CAPTION_SIZE_PT)
    draw_code128_block(canvas, plan.tracking)
    rule(canvas, 0, tracking_bottom, width, 0.8)

    _draw_sscc_band(canvas, data, plan, tracking_bottom)


def _draw_sender_band(canvas: Canvas, data: ShippingLabelData, header_bottom: float, from_bottom: float) -> None:
    """2. Sender left; ship date, weight and ``carton n of m`` right, split by a vertical line."""
    width, _ = PAGE_SIZE
    left, right = MARGIN_PT, width - MARGIN_PT
    split = left + (right - left) * 0.6
    below = draw_caption(canvas, left, header_bottom - SECTION_PAD_PT, "From")
    sender = [TextLine(line, FONT_SANS, 7.5) for line in data.ship_from.lines()]
    sender[0] = TextLine(sender[0].text, FONT_SANS_BOLD, 7.5)
    room = below - 1 - (from_bottom + SECTION_PAD_PT)
    draw_lines(canvas, left, below - 1, fit_lines(sender, split - left - 6, room), leading=1.15)
    canvas.setLineWidth(0.8)
    canvas.line(split, header_bottom, split, from_bottom)
    facts = (
        ("Ship date", format_date(data.ship_date), 9.0),
        ("Weight", format_kg(data.weight_kg), 13.0),
        ("Carton", f"{data.carton_no} of {data.carton_count}", 13.0),
    )
    row = FROM_HEIGHT_PT / len(facts)
    for index, (caption, value, value_size) in enumerate(facts):
        row_top = header_bottom - index * row - SECTION_PAD_PT
        under = draw_caption(canvas, split + 6, row_top, caption)
        value_size, value = fit_size(value, FONT_SANS_BOLD, value_size, 7.0, right - split - 6)
        draw_lines(canvas, split + 6, under - 0.5, [TextLine(value, FONT_SANS_BOLD, value_size)])
    rule(canvas, 0, from_bottom, width, 0.8)


def _draw_sscc_band(canvas: Canvas, data: ShippingLabelData, plan: ShippingLabelPlan, tracking_bottom: float) -> None:
    """6. The SSCC as GS1-128 at the box the plan computed, with its human-readable line under it."""
    left = MARGIN_PT
    draw_caption(canvas, left, tracking_bottom - SECTION_PAD_PT, "SSCC", CAPTION_SIZE_PT)
    box = plan.sscc
    drawn = draw_gs1_128(
        canvas,
        box.x,
        box.y,
        sscc_elements(data.sscc),
        module_width_pt=box.module_width_pt,
        height_pt=box.height,
        hri=False,
        dpi=THERMAL_DPI,
    )
    if abs(drawn.x - box.x) > 1e-6:  # pragma: no cover - layout bug guard
        raise AssertionError(f"SSCC drawn at {drawn.x} instead of {box.x}")
    draw_hri(canvas, box, plan.sscc_hri, SSCC_HRI_SIZE_PT)


def _recipient_lines(data: ShippingLabelData) -> list[TextLine]:
    """The recipient in descending emphasis: name and locality bold and large, country in capitals."""
    address = data.ship_to
    lines = [TextLine(address.name, FONT_SANS_BOLD, 15.0)]
    if address.company:
        lines.append(TextLine(address.company, FONT_SANS, 12.0))
    street = [address.line1, address.line2]
    lines.extend(TextLine(line, FONT_SANS, 12.0) for line in street if line)
    for line in address.lines(with_country=False)[len(lines) :]:
        lines.append(TextLine(line, FONT_SANS_BOLD, 14.0))
    country = address.lines()[-1]
    lines.append(TextLine(country, FONT_SANS_BOLD, 13.0))
    if address.phone:
        lines.append(TextLine(f"Tel. {address.phone}", FONT_SANS, 8.0))
    return lines
