"""Drawing primitives shared by the shipping documents: canvases, number formats, text fitting, Code 128 blocks.

The documents draw straight onto a ReportLab canvas instead of using platypus flowables: a label and its slip
must render in a few milliseconds (``pickpack bench labels``), and every position being computed here makes
the layout testable (the barcode boxes are returned, not guessed from the PDF). All text goes through the
embedded DejaVu fonts (``labels.fonts``) so accents and non-Latin names print; only the regular and bold faces
are used, because every embedded font subset costs about a millisecond per document.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from reportlab.lib.colors import Color, black, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.barcodes import QUIET_ZONE_MODULES, BarcodeBox, code128_modules, dots_to_pt, draw_code128
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.text import SafeCanvas

OFFICE_DPI = 300
"""Dot grid of barcodes on A4/Letter documents (office laser printers: 300/600/1200 dpi)."""

THERMAL_DPI = 203
"""Dot grid of barcodes on 4 x 6 in labels (direct-thermal printers, 8 dots/mm)."""

GREY = Color(0.35, 0.35, 0.35)
LIGHT_GREY = Color(0.88, 0.88, 0.88)
RULE_GREY = Color(0.6, 0.6, 0.6)

Align = Literal["left", "right", "centre"]


def new_canvas(
    page_size: tuple[float, float], *, title: str, subject: str, compress: bool = True
) -> tuple[Canvas, io.BytesIO]:
    """A deterministic canvas (``invariant=1``: no dates or random ids in the file) with pickpack metadata.

    ``compress=False`` writes page and font streams uncompressed: about 1.7 ms faster per document (zlib over the
    two embedded font subsets is most of a small document's rendering time) for a file about 75 % larger.
    """
    register_fonts()
    buffer = io.BytesIO()
    canvas = SafeCanvas(buffer, pagesize=page_size, invariant=1, pageCompression=1 if compress else 0)
    canvas.setTitle(title)
    canvas.setAuthor("pickpack")
    canvas.setSubject(subject)
    canvas.setCreator("pickpack labels")
    return canvas, buffer


def finish(canvas: Canvas, buffer: io.BytesIO) -> bytes:
    """Close the last page and return the PDF bytes."""
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- formatting --------------------------------------------------------------------------------------------


def format_kg(value: Decimal, places: int = 2) -> str:
    """``Decimal("12.3")`` -> ``12.30 kg``; rounded half up to ``places`` decimals (labels 2, customs 3)."""
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)} kg"


def format_amount(value: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``1,234.50`` (two decimals, thousands separated)."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def format_money(value: Decimal, currency: str) -> str:
    """``1,234.50 EUR``: the amount then the ISO code, unambiguous across countries."""
    return f"{format_amount(value)} {currency}"


def format_date(value: date) -> str:
    """ISO 8601 (``2025-03-14``): the one date format that reads the same in every destination country."""
    return value.isoformat()


# --- text ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text to draw: the text, its font and size in points."""

    text: str
    font: str = FONT_SANS
    size: float = 9.0


def ascent(font: str, size: float) -> float:
    return float(getAscent(font, size))


def descent(font: str, size: float) -> float:
    """Depth below the baseline, as a positive number."""
    return float(-getDescent(font, size))


def longest_fitting(text: str, width: float, measure: Callable[[str], float]) -> int:
    """Length of the longest prefix of ``text`` with ``measure(prefix) <= width`` (0 when none does).

    A binary search: the width of a prefix only grows with its length. Cutting one character at a time measured
    the whole string once per character, and a 3,000-character address line took half a minute to lay out.
    """
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with ``…`` so that it fits ``width`` (unchanged when it fits)."""
    if stringWidth(text, font, size) <= width:
        return text
    keep = longest_fitting(text, width, lambda prefix: stringWidth(prefix + "…", font, size))
    return text[:keep].rstrip() + "…"


def fit_size(text: str, font: str, max_size: float, min_size: float, width: float) -> tuple[float, str]:
    """Largest size in 0.5 pt steps (down to ``min_size``) at which ``text`` fits ``width``; cut if it never does."""
    natural = stringWidth(text, font, max_size)
    if natural <= width:
        return max_size, text
    size = max(min_size, math.floor(max_size * width / natural * 2) / 2)
    return size, ellipsize(text, font, size, width)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Word-wrap ``text`` to ``width``; a word longer than the width is broken between characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while stringWidth(word, font, size) > width and len(word) > 1:
                cut = max(1, longest_fitting(word, width, lambda prefix: stringWidth(prefix, font, size)))
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def fit_lines(lines: Sequence[TextLine], width: float, height: float, *, leading: float = 1.2) -> list[TextLine]:
    """Fit a block of lines (an address) into ``width`` x ``height`` without losing any text if possible.

    The whole block shrinks uniformly in 5 % steps (down to 55 %) until it fits the height; within a step, a line
    that is too wide first shrinks on its own (down to 80 % of its step size) and then wraps. Only when even the
    smallest step is too tall are lines cut with an ellipsis: on a shipping label a smaller font is better than
    a missing street line.
    """
    for step in range(20, 10, -1):
        scale = step / 20
        laid: list[TextLine] = []
        for line in lines:
            size = line.size * scale
            natural = stringWidth(line.text, line.font, size)
            if natural <= width:
                laid.append(TextLine(line.text, line.font, size))
                continue
            shrunk = size * width / natural
            if shrunk >= 0.8 * size:
                laid.append(TextLine(line.text, line.font, math.floor(shrunk * 10) / 10))
                continue
            small = 0.8 * size
            laid.extend(TextLine(part, line.font, small) for part in wrap(line.text, line.font, small, width))
        if block_height(laid, leading) <= height + 0.01:
            return laid
    scale = 0.55
    return [
        TextLine(ellipsize(line.text, line.font, line.size * scale, width), line.font, line.size * scale)
        for line in lines
    ]


def block_height(lines: Sequence[TextLine], leading: float = 1.2) -> float:
    """Height of lines drawn by ``draw_lines``: the first line's ascent, then ``leading`` x size per later line."""
    if not lines:
        return 0.0
    first = lines[0]
    rest = sum(line.size * leading for line in lines[1:])
    return ascent(first.font, first.size) + rest + descent(lines[-1].font, lines[-1].size)


def draw_lines(
    canvas: Canvas, x: float, top: float, lines: Sequence[TextLine], *, leading: float = 1.2, align: Align = "left"
) -> float:
    """Draw ``lines`` with the first line's ascent touching ``top``; return the y under the last line."""
    y = top
    for index, line in enumerate(lines):
        y -= ascent(line.font, line.size) if index == 0 else line.size * leading
        draw_text(canvas, x, y, line.text, line.font, line.size, align)
    if lines:
        y -= descent(lines[-1].font, lines[-1].size)
    return y


def draw_text(
    canvas: Canvas, x: float, baseline: float, text: str, font: str, size: float, align: Align = "left"
) -> None:
    canvas.setFont(font, size)
    if align == "left":
        canvas.drawString(x, baseline, text)
    elif align == "right":
        canvas.drawRightString(x, baseline, text)
    else:
        canvas.drawCentredString(x, baseline, text)


def draw_caption(canvas: Canvas, x: float, top: float, text: str, size: float = 6.0, align: Align = "left") -> float:
    """A small grey capitalised field caption (``SHIP TO``) whose top is ``top``; returns the y under it."""
    canvas.saveState()
    canvas.setFillColor(GREY)
    baseline = top - ascent(FONT_SANS_BOLD, size)
    draw_text(canvas, x, baseline, text.upper(), FONT_SANS_BOLD, size, align)
    canvas.restoreState()
    return baseline - descent(FONT_SANS_BOLD, size)


def draw_inverted(
    canvas: Canvas, x_right: float, top: float, text: str, size: float, max_width: float, *, padding: float = 3.0
) -> float:
    """White bold text on a black box whose right edge is ``x_right`` (the service name); returns the box width."""
    size, text = fit_size(text, FONT_SANS_BOLD, size, 6.0, max_width - 2 * padding)
    width = stringWidth(text, FONT_SANS_BOLD, size) + 2 * padding
    height = ascent(FONT_SANS_BOLD, size) + descent(FONT_SANS_BOLD, size) + 2 * padding
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.rect(x_right - width, top - height, width, height, stroke=0, fill=1)
    canvas.setFillColor(white)
    draw_text(
        canvas, x_right - padding, top - padding - ascent(FONT_SANS_BOLD, size), text, FONT_SANS_BOLD, size, "right"
    )
    canvas.restoreState()
    return width


def rule(canvas: Canvas, x1: float, y: float, x2: float, width: float = 0.8, color: Color = black) -> None:
    """A horizontal line."""
    canvas.saveState()
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width)
    canvas.line(x1, y, x2, y)
    canvas.restoreState()


def checkbox(canvas: Canvas, x: float, y: float, size: float, checked: bool) -> None:
    """A square box with its lower-left corner at ``(x, y)``, crossed when ``checked``."""
    canvas.saveState()
    canvas.setLineWidth(0.7)
    canvas.rect(x, y, size, size, stroke=1, fill=0)
    if checked:
        canvas.setLineWidth(1.2)
        inset = size * 0.2
        canvas.line(x + inset, y + inset, x + size - inset, y + size - inset)
        canvas.line(x + inset, y + size - inset, x + size - inset, y + inset)
    canvas.restoreState()


# --- Code 128 blocks -------------------------------------------------------------------------------------------


def code128_module_dots(data: str, available_width_pt: float, *, min_dots: int, max_dots: int, dpi: int) -> int:
    """The widest module (whole dots, ``min_dots``..``max_dots``) at which ``data`` fits with its quiet zones.

    Raises:
        ValueError: the text does not fit even at ``min_dots``; printing it smaller would not scan reliably.
    """
    total = len(code128_modules(data)) + 2 * QUIET_ZONE_MODULES
    fitting = math.floor(available_width_pt / (total * dots_to_pt(1, dpi)) + 1e-9)
    dots = min(max_dots, fitting)
    if dots < min_dots:
        minimum_mm = min_dots * 25.4 / dpi
        raise ValueError(
            f"barcode text {data!r} needs {total} modules with quiet zones: too long for {available_width_pt / mm:.0f}"
            f" mm at the {minimum_mm:.2f} mm minimum module"
        )
    return dots


def on_grid(points: float, dpi: int) -> float:
    """``points`` rounded down to the dot grid, so a barcode drawn there is not shifted by the draw function."""
    dot = dots_to_pt(1, dpi)
    return math.floor(points / dot + 1e-6) * dot


@dataclass(frozen=True, slots=True)
class BarcodeBlock:
    """A Code 128 symbol with our human-readable line: where its box goes and how it is drawn."""

    data: str
    box: BarcodeBox
    """The symbol box (quiet zones and bars, no text); ``box.y`` is the bottom of the bars."""
    dpi: int
    hri_text: str
    hri_size: float

    @property
    def module_mm(self) -> float:
        return self.box.module_width_pt / mm

    @property
    def hri_height(self) -> float:
        return hri_height(self.hri_size) if self.hri_text else 0.0

    def shifted(self, dy: float) -> BarcodeBlock:
        """The same block moved up by ``dy`` points (table rows plan their barcode once, relative to y = 0)."""
        return replace(self, box=replace(self.box, y=self.box.y + dy))


def hri_height(size: float) -> float:
    """Room the human-readable line takes under the bars: a gap of a quarter size, then the text."""
    return 0.25 * size + ascent(FONT_SANS_BOLD, size) + descent(FONT_SANS_BOLD, size)


def plan_code128(
    data: str,
    *,
    centre_x: float,
    bars_bottom: float,
    available_width_pt: float,
    bar_height_pt: float,
    min_dots: int,
    max_dots: int,
    dpi: int,
    hri_text: str | None = None,
    hri_size: float = 9.0,
) -> BarcodeBlock:
    """Size and place a Code 128 block centred on ``centre_x`` with its bars starting at ``bars_bottom``."""
    dots = code128_module_dots(data, available_width_pt, min_dots=min_dots, max_dots=max_dots, dpi=dpi)
    module = dots_to_pt(dots, dpi)
    modules = len(code128_modules(data))
    width = (modules + 2 * QUIET_ZONE_MODULES) * module
    x = on_grid(centre_x - width / 2, dpi)
    box = BarcodeBox(x, bars_bottom, width, bar_height_pt, module, modules)
    return BarcodeBlock(data, box, dpi, data if hri_text is None else hri_text, hri_size)


def draw_code128_block(canvas: Canvas, block: BarcodeBlock) -> BarcodeBox:
    """Draw a planned block: bars by ``labels.barcodes.draw_code128``, then our human-readable line under them."""
    box = block.box
    drawn = draw_code128(
        canvas,
        box.x,
        box.y,
        block.data,
        module_width_pt=box.module_width_pt,
        height_pt=box.height,
        human_readable=False,
        dpi=block.dpi,
    )
    if abs(drawn.x - box.x) > 1e-6 or abs(drawn.module_width_pt - box.module_width_pt) > 1e-9:
        raise AssertionError(f"barcode drawn at {drawn} instead of the planned {box}")  # a layout bug, never data
    if block.hri_text:
        draw_hri(canvas, box, block.hri_text, block.hri_size)
    return drawn


def draw_hri(canvas: Canvas, box: BarcodeBox, text: str, size: float, font: str = FONT_SANS_BOLD) -> None:
    """Centre ``text`` under the bars of ``box`` (whose ``y`` is the bars' bottom), shrunk to the box width."""
    size, text = fit_size(text, font, size, 5.0, box.width)
    baseline = box.y - 0.25 * size - ascent(font, size)
    canvas.setFillColor(black)
    draw_text(canvas, box.x + box.width / 2, baseline, text, font, size, "centre")
