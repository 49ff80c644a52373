"""Code 128 and GS1-128 barcodes drawn on a ReportLab canvas as vector bars snapped to whole printer dots.

Both symbologies go through the same path: an encoder produces the module pattern (a string of ``1`` = bar
and ``0`` = space, one character per module), and ``_draw_modules`` fills one rectangle per run of bars.

* Plain Code 128 uses ReportLab's ``Code128`` encoder, which is correct for text without FNC characters. Its
  bars are drawn here rather than by the ReportLab flowable so that both symbologies share the dot snapping,
  the quiet zones and the human-readable line, and so that layouts can measure a symbol before drawing it.
* GS1-128 uses python-barcode's ``gs1_128`` encoder. ReportLab 5.1's ``Code128`` drops a digit when an FNC1
  in the middle of the data is followed by an odd-length run of digits (its ``_try_TO_C`` back-tracking
  copies the wrong character): the design notes measured 10 of 300 random multi-AI strings wrong, and 149 of
  300 digit-heavy ones were wrong when checked with a reference decoder; python-barcode got all of them right.
  ``draw_code128`` therefore refuses FNC characters: GS1 data must come through ``draw_gs1_128``.

Why whole dots: a thermal printer (203 dpi: one dot = 72/203 pt) rasterizes every bar edge to its own dot
grid, so a module of 2.5 dots prints as 2 or 3 dots depending on where it falls, and the bar/space widths the
decoder measures drift. Snapping the module width and the symbol's left edge to the dot grid gives every bar
an exact whole number of dots. Office printers work the same way at 300/600 dpi (``labels.sheet`` snaps to 300 dpi).

Geometry: ``(x, y)`` is the lower-left corner of the whole symbol box: quiet zones (10 modules each side, the
Code 128 minimum), the bars, and the human-readable line under the bars when asked for. The draw functions
return the ``BarcodeBox`` they filled; the ``measure_*`` functions give the same box without drawing, for layout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from barcode import get_barcode_class
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import black
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.fonts import FONT_MONO, register_fonts
from labels.gs1 import Element, as_elements, format_hri, join_elements

POINTS_PER_INCH = 72.0
THERMAL_DPI = 203
"""Resolution of the usual direct-thermal label printers (8 dots/mm); the default grid to snap to."""

QUIET_ZONE_MODULES = 10
"""Blank modules on each side of the bars; 10 is the Code 128 / GS1-128 minimum."""

DEFAULT_HRI_FONT_SIZE_PT = 8.0
HRI_GAP_RATIO = 0.25
"""Gap between the bars and the human-readable text, as a fraction of the text size."""

_GS1_128 = get_barcode_class("gs1_128")
_PYBARCODE_FNC1 = _GS1_128.FNC1_CHAR  # "\xf1"; python-barcode's way of asking for FNC1


@dataclass(frozen=True, slots=True)
class BarcodeBox:
    """The area a barcode occupies on the page, in points, with the module width actually used."""

    x: float
    y: float
    width: float
    height: float
    module_width_pt: float
    modules: int
    """Modules in the bars, without the quiet zones."""

    @property
    def bars_width(self) -> float:
        """Width of the bars alone (start pattern to stop pattern)."""
        return self.modules * self.module_width_pt


def dots_to_pt(dots: float, dpi: int = THERMAL_DPI) -> float:
    """Printer dots to PDF points (1 pt = 1/72 inch). At 203 dpi one dot is about 0.3547 pt (0.125 mm)."""
    return dots * POINTS_PER_INCH / dpi


def pt_to_dots(points: float, dpi: int = THERMAL_DPI) -> float:
    """PDF points to (fractional) printer dots."""
    return points * dpi / POINTS_PER_INCH


def snap_to_dots(points: float, dpi: int | None = THERMAL_DPI) -> float:
    """Round a width to the nearest whole number of printer dots, at least one; ``dpi=None`` leaves it as is."""
    if dpi is None:
        return points
    return dots_to_pt(max(1, round(pt_to_dots(points, dpi))), dpi)


def code128_modules(data: str) -> str:
    """The module pattern (``1`` bar, ``0`` space) of ``data`` as plain Code 128, checksum and stop included.

    Only ASCII 0-127 is accepted; FNC characters (``\\xf1``-``\\xf4``) are refused because ReportLab mis-encodes
    some FNC1 placements: use ``gs1_128_modules`` for GS1 data.
    """
    if not data:
        raise ValueError("a Code 128 barcode needs at least one character")
    bad = sorted({c for c in data if ord(c) > 127})
    if bad:
        raise ValueError(f"Code 128 carries ASCII only; {data!r} contains {bad!r} (GS1 data goes through draw_gs1_128)")
    symbol = Code128(data, quiet=0)
    symbol.validate()
    symbol.encode()
    # ReportLab's decomposed form: uppercase letter = bar, lowercase = space, letter index = width in modules.
    pattern = symbol.decompose()
    return "".join(("1" if c.isupper() else "0") * (ord(c.lower()) - ord("a") + 1) for c in pattern)


def gs1_128_modules(element_string: str | Iterable[tuple[str, str]]) -> str:
    """The module pattern of a GS1-128 symbol: leading FNC1, elements, FNC1 after variable-length ones.

    ``element_string`` is ``"(01)09501101530003(10)LOT7"`` or ``[("01", "09501101530003"), ("10", "LOT7")]``;
    it is validated by ``labels.gs1.validate_elements``.
    """
    return _gs1_modules(as_elements(element_string))


def _gs1_modules(elements: tuple[Element, ...]) -> str:
    # python-barcode adds the leading FNC1 itself and expects "\xf1" wherever a separator FNC1 goes.
    pattern: str = _GS1_128(join_elements(elements, _PYBARCODE_FNC1)).build()[0]
    return pattern


def measure_code128(
    data: str,
    *,
    module_width_pt: float,
    height_pt: float,
    human_readable: bool = True,
    font_size_pt: float = DEFAULT_HRI_FONT_SIZE_PT,
    dpi: int | None = THERMAL_DPI,
) -> BarcodeBox:
    """The box ``draw_code128`` would fill at ``(0, 0)``, without drawing."""
    modules = code128_modules(data)
    return _box(0.0, 0.0, len(modules), module_width_pt, height_pt, human_readable, font_size_pt, dpi)


def measure_gs1_128(
    element_string: str | Iterable[tuple[str, str]],
    *,
    module_width_pt: float,
    height_pt: float,
    hri: bool = True,
    font_size_pt: float = DEFAULT_HRI_FONT_SIZE_PT,
    dpi: int | None = THERMAL_DPI,
) -> BarcodeBox:
    """The box ``draw_gs1_128`` would fill at ``(0, 0)``, without drawing."""
    modules = gs1_128_modules(element_string)
    return _box(0.0, 0.0, len(modules), module_width_pt, height_pt, hri, font_size_pt, dpi)


def draw_code128(
    canvas: Canvas,
    x: float,
    y: float,
    data: str,
    *,
    module_width_pt: float,
    height_pt: float,
    human_readable: bool = True,
    font_size_pt: float = DEFAULT_HRI_FONT_SIZE_PT,
    dpi: int | None = THERMAL_DPI,
) -> BarcodeBox:
    """Draw ``data`` as Code 128 with its lower-left box corner at ``(x, y)``; return the box filled.

    ``module_width_pt`` is snapped to whole dots at ``dpi`` (``None``: no snapping); ``height_pt`` is the bar
    height. With ``human_readable`` the text is printed centred under the bars in the monospaced font.
    """
    modules = code128_modules(data)
    return _draw_symbol(
        canvas, x, y, modules, data if human_readable else None, module_width_pt, height_pt, font_size_pt, dpi
    )


def draw_gs1_128(
    canvas: Canvas,
    x: float,
    y: float,
    element_string: str | Iterable[tuple[str, str]],
    *,
    module_width_pt: float,
    height_pt: float,
    hri: bool = True,
    font_size_pt: float = DEFAULT_HRI_FONT_SIZE_PT,
    dpi: int | None = THERMAL_DPI,
) -> BarcodeBox:
    """Draw a GS1-128 symbol with its lower-left box corner at ``(x, y)``; return the box filled.

    ``element_string``: ``"(00)106141411234567897"``-style text or ``(ai, value)`` pairs (validated: AI table,
    check digits, set 82, 48 characters). The human-readable line is drawn here as ``(00) 1061...``, never
    with python-barcode's ``ñ`` stand-in for FNC1. A scanner reading the symbol sends ``]C1`` (when its AIM
    prefix is on) and the data with GS (ASCII 29) after each variable-length element except the last.
    """
    elements = as_elements(element_string)
    modules = _gs1_modules(elements)
    text = format_hri(elements) if hri else None
    return _draw_symbol(canvas, x, y, modules, text, module_width_pt, height_pt, font_size_pt, dpi)


def human_readable_height(font_size_pt: float = DEFAULT_HRI_FONT_SIZE_PT) -> float:
    """Height the human-readable line adds under the bars: gap, ascent and descent of the monospaced font."""
    register_fonts()
    ascent = getAscent(FONT_MONO, font_size_pt)
    descent = -getDescent(FONT_MONO, font_size_pt)
    return ascent + descent + HRI_GAP_RATIO * font_size_pt


def _box(
    x: float,
    y: float,
    module_count: int,
    module_width_pt: float,
    height_pt: float,
    with_text: bool,
    font_size_pt: float,
    dpi: int | None,
) -> BarcodeBox:
    if module_width_pt <= 0 or height_pt <= 0:
        raise ValueError("module width and bar height must be positive")
    module = snap_to_dots(module_width_pt, dpi)
    width = (module_count + 2 * QUIET_ZONE_MODULES) * module
    height = height_pt + (human_readable_height(font_size_pt) if with_text else 0.0)
    return BarcodeBox(x, y, width, height, module, module_count)


def _draw_symbol(
    canvas: Canvas,
    x: float,
    y: float,
    modules: str,
    text: str | None,
    module_width_pt: float,
    height_pt: float,
    font_size_pt: float,
    dpi: int | None,
) -> BarcodeBox:
    if dpi is not None:
        # Put the left edge on the dot grid too, so every bar edge lands on a dot boundary.
        x = math.ceil(round(pt_to_dots(x, dpi), 6)) * dots_to_pt(1, dpi)
    box = _box(x, y, len(modules), module_width_pt, height_pt, text is not None, font_size_pt, dpi)
    bars_bottom = box.y + box.height - height_pt
    canvas.saveState()
    canvas.setFillColor(black)
    _draw_modules(
        canvas, box.x + QUIET_ZONE_MODULES * box.module_width_pt, bars_bottom, modules, box.module_width_pt, height_pt
    )
    if text is not None:
        _draw_hri(canvas, box, text, font_size_pt, bars_bottom)
    canvas.restoreState()
    return box


def _draw_modules(canvas: Canvas, x: float, y: float, modules: str, module_width: float, height: float) -> None:
    """One filled rectangle per run of bar modules; positions computed from module indexes (no drift)."""
    start = 0
    count = len(modules)
    while start < count:
        end = start
        while end < count and modules[end] == modules[start]:
            end += 1
        if modules[start] == "1":
            canvas.rect(x + start * module_width, y, (end - start) * module_width, height, stroke=0, fill=1)
        start = end


def _draw_hri(canvas: Canvas, box: BarcodeBox, text: str, font_size_pt: float, bars_bottom: float) -> None:
    """Centre ``text`` under the bars, shrinking it to the symbol width if needed."""
    size = font_size_pt
    width = stringWidth(text, FONT_MONO, size)
    if width > box.width:
        size *= box.width / width
    baseline = bars_bottom - HRI_GAP_RATIO * font_size_pt - getAscent(FONT_MONO, size)
    canvas.setFont(FONT_MONO, size)
    canvas.drawCentredString(box.x + box.width / 2, baseline, text)
