"""The shipping label as ZPL II, for Zebra-compatible thermal printers that are fed raw (port 9100, ``lp -o raw``).

Same content and bands as the PDF label (``labels.shipping_label``), drawn by the printer's own fonts and
barcode generator so the symbols are rasterized at the printer's native dots:

* ``^CI28``: field data is UTF-8, so accented names print (with the scalable font ``^A0``; glyphs outside
  the printer font's repertoire need a TrueType font loaded on the printer and ``^CW``).
* Every text field uses ``^FH`` and has ``_``, ``^``, ``~`` and ``\\`` written as hex escapes (``_5F``, ``_5E``,
  ``_7E``, ``_5C``): a name such as ``A^B`` must not end the field and start a command. Control characters are
  replaced by spaces. Text widths are estimated with DejaVu Sans Bold metrics, which are wider than the
  printer's condensed font 0, so a line shrunk or cut to fit here never runs off the label.
* The tracking number is ``^BC`` Code 128 in automatic mode (``A``: the printer picks subsets, digit runs go
  to subset C), module 3-4 dots at 203 dpi (0.375-0.5 mm), with our centred text under it.
* The SSCC is GS1-128: ``^BC`` in normal mode with ``^FD>;>800...``: ``>;`` starts in subset C, ``>8`` is FNC1
  (the GS1 flag a scanner reports as ``]C1``), then AI ``00`` and the 18 digits. The module is ``^BY4`` at
  203 dpi (0.500 mm, the GS1 logistic label minimum is 0.495 mm), and the human-readable ``(00) ...`` line is
  ours (``^BC`` interpretation line off), as GS1 asks for the AI in parentheses.

Other resolutions scale every position and keep the module widths in millimetres (300 dpi: ``^BY6`` for the SSCC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth

from labels.barcodes import code128_modules, gs1_128_modules
from labels.drawing import (
    format_date,
    format_kg,
    longest_fitting,
)
from labels.fonts import FONT_SANS_BOLD, register_fonts
from labels.gs1 import format_hri
from labels.model import Address, ShippingLabelData

SUPPORTED_DPI = (203, 300, 600)
"""Zebra print-head resolutions (8, 12 and 24 dots/mm)."""

LABEL_WIDTH_IN = 4.0
LABEL_LENGTH_IN = 6.0

SSCC_MIN_MODULE_MM = 0.495
TRACKING_MIN_MODULE_MM = 0.33
TRACKING_MAX_MODULE_MM = 0.51
QUIET_ZONE_MODULES = 10

_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E", "\\": "_5C"}


def escape_field_data(text: str) -> str:
    """Field data safe after ``^FH``: the hex indicator, both command prefixes and backslash as ``_XX`` escapes.

    Control characters (a tab or newline pasted into an address) become spaces; they have no place in a field.
    """
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


class _Zpl:
    """Collects ZPL commands with positions in millimetres converted to the printer's dots."""

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.lines: list[str] = []

    def dots(self, millimetres: float) -> int:
        return round(millimetres * self.dpi / 25.4)

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        height_mm: float,
        *,
        max_width_mm: float,
        min_height_mm: float | None = None,
        centre_width_mm: float | None = None,
        reverse: bool = False,
    ) -> float:
        """One line of font-0 text with its top-left at ``(x, y)``; shrunk (then cut) to ``max_width_mm``.

        Returns the height used, in millimetres. With ``centre_width_mm`` the line is centred in a field block
        of that width starting at ``x``.
        """
        height_mm, text = _fit(text, height_mm, min_height_mm or height_mm * 0.7, max_width_mm)
        height = self.dots(height_mm)
        command = f"^FO{self.dots(x_mm)},{self.dots(y_mm)}^A0N,{height},{height}"
        if centre_width_mm is not None:
            command += f"^FB{self.dots(centre_width_mm)},1,0,C,0"
        if reverse:
            command += "^FR"
        self.lines.append(f"{command}^FH^FD{escape_field_data(text)}^FS")
        return height_mm

    def box(self, x_mm: float, y_mm: float, width_mm: float, height_mm: float, thickness_mm: float) -> None:
        """``^GB``: a rectangle; a thickness equal to the smaller side fills it."""
        width, height = self.dots(width_mm), self.dots(height_mm)
        thickness = max(1, min(self.dots(thickness_mm), width, height))
        self.lines.append(f"^FO{self.dots(x_mm)},{self.dots(y_mm)}^GB{width},{height},{thickness}^FS")

    def rule(self, y_mm: float, thickness_mm: float = 0.25) -> None:
        self.box(0, y_mm, LABEL_WIDTH_IN * 25.4, thickness_mm, thickness_mm)


def _fit(text: str, height_mm: float, min_height_mm: float, max_width_mm: float) -> tuple[float, str]:
    """Shrink the font height until the estimated width fits, then cut the text with ``...``."""
    register_fonts()

    def width(candidate: str, size: float) -> float:
        return float(stringWidth(candidate, FONT_SANS_BOLD, size))

    natural = width(text, height_mm)
    if natural <= max_width_mm:
        return height_mm, text
    size = max(min_height_mm, height_mm * max_width_mm / natural)
    if width(text, size) <= max_width_mm:
        return size, text
    keep = longest_fitting(text, max_width_mm, lambda prefix: width(prefix + "...", size))
    return size, text[:keep].rstrip() + "..."


def _module_dots(minimum_mm: float, dpi: int) -> int:
    return math.ceil(minimum_mm * dpi / 25.4 - 1e-9)


LABEL_WIDTH_MM = LABEL_WIDTH_IN * 25.4
MARGIN_MM = 2.5
INNER_WIDTH_MM = LABEL_WIDTH_MM - 2 * MARGIN_MM


def shipping_label_zpl(data: ShippingLabelData, *, dpi: int = 203) -> str:
    """ZPL II for the 4 x 6 in shipping label of one carton, at the printer's ``dpi`` (203, 300 or 600).

    The label is six bands from top to bottom, each drawn by its own function that returns the y under it.

    Raises:
        ValueError: unsupported ``dpi``; a tracking number with ``>`` (a ZPL Code 128 control character) or
            too long to print at 0.33 mm.
    """
    if dpi not in SUPPORTED_DPI:
        raise ValueError(f"dpi must be one of {SUPPORTED_DPI}, got {dpi}")
    if ">" in data.tracking_number:
        raise ValueError(f"tracking number {data.tracking_number!r} contains '>', which ZPL reads as a subset switch")
    zpl = _Zpl(dpi)
    width_dots = round(LABEL_WIDTH_IN * dpi)
    length_dots = round(LABEL_LENGTH_IN * dpi)
    zpl.lines += ["^XA", "^CI28", f"^PW{width_dots}", f"^LL{length_dots}", "^LH0,0", "^PON"]
    y = _carrier_band(zpl, data)
    y = _sender_band(zpl, data, y)
    y = _recipient_band(zpl, data, y)
    y = _order_band(zpl, data, y)
    y = _tracking_band(zpl, data, y, width_dots)
    _sscc_band(zpl, data, y, width_dots)
    zpl.lines += ["^PQ1", "^XZ"]
    return "\n".join(zpl.lines) + "\n"


def _carrier_band(zpl: _Zpl, data: ShippingLabelData) -> float:
    """1. Carrier and service (the service reversed out of a black box)."""
    width_mm, margin, inner = LABEL_WIDTH_MM, MARGIN_MM, INNER_WIDTH_MM
    service = data.service_name.upper()
    service_height, service_fitted = _fit(service, 5.0, 3.0, inner * 0.5 - 3.0)
    service_width = min(inner * 0.5, float(stringWidth(service_fitted, FONT_SANS_BOLD, service_height)) + 3.0)
    zpl.box(width_mm - margin - service_width, margin, service_width, service_height + 2.4, service_height + 2.4)
    zpl.text(
        width_mm - margin - service_width + 1.5,
        margin + 1.2,
        service_fitted,
        service_height,
        max_width_mm=service_width,
        reverse=True,
    )
    zpl.text(margin, margin + 0.5, data.carrier_name, 6.0, max_width_mm=inner - service_width - 3, min_height_mm=3.5)
    y = 13.2
    zpl.rule(y, 0.5)
    return y


def _sender_band(zpl: _Zpl, data: ShippingLabelData, y: float) -> float:
    """2. Sender left; ship date, weight and ``carton n of m`` right."""
    margin, inner = MARGIN_MM, INNER_WIDTH_MM
    split = margin + inner * 0.6
    zpl.text(margin, y + 1.2, "FROM", 2.0, max_width_mm=20)
    _address_block(zpl, data.ship_from, margin, y + 3.8, split - margin - 2, 18.5, 2.6)
    zpl.box(split, y, 0.25, 23.3, 0.25)
    facts = (("SHIP DATE", format_date(data.ship_date), 3.2), ("WEIGHT", format_kg(data.weight_kg), 4.4))
    row_y = y + 1.2
    for caption, value, height in (*facts, ("CARTON", f"{data.carton_no} of {data.carton_count}", 4.4)):
        zpl.text(split + 2, row_y, caption, 2.0, max_width_mm=inner * 0.4 - 2)
        zpl.text(split + 2, row_y + 2.5, value, height, max_width_mm=inner * 0.4 - 3, min_height_mm=2.5)
        row_y += 7.6
    y += 23.3
    zpl.rule(y)
    return y


def _recipient_band(zpl: _Zpl, data: ShippingLabelData, y: float) -> float:
    """3. The recipient, large."""
    margin, inner = MARGIN_MM, INNER_WIDTH_MM
    zpl.text(margin, y + 1.2, "SHIP TO", 2.0, max_width_mm=20)
    _recipient_block(zpl, data.ship_to, margin + 1.5, y + 4.0, inner - 3, 35.0)
    y += 40.2
    zpl.rule(y, 0.5)
    return y


def _order_band(zpl: _Zpl, data: ShippingLabelData, y: float) -> float:
    """4. Order number left, the customer's reference right."""
    width_mm, margin, inner = LABEL_WIDTH_MM, MARGIN_MM, INNER_WIDTH_MM
    zpl.text(margin, y + 1.6, f"Order {data.order_number}", 3.4, max_width_mm=inner * 0.55, min_height_mm=2.4)
    if data.reference:
        reference = f"Ref {data.reference}"
        ref_height, reference = _fit(reference, 3.0, 2.2, inner * 0.43)
        ref_width = float(stringWidth(reference, FONT_SANS_BOLD, ref_height))
        zpl.text(width_mm - margin - ref_width, y + 1.8, reference, ref_height, max_width_mm=inner * 0.43)
    y += 6.35
    zpl.rule(y)
    return y


def _tracking_band(zpl: _Zpl, data: ShippingLabelData, y: float, width_dots: int) -> float:
    """5. The tracking number: Code 128 with automatic subsets, centred, the widest module that fits."""
    width_mm, margin, inner, dpi = LABEL_WIDTH_MM, MARGIN_MM, INNER_WIDTH_MM, zpl.dpi
    zpl.text(margin, y + 1.0, f"{data.carrier_name.upper()} TRACKING NUMBER", 2.0, max_width_mm=inner)
    modules = len(code128_modules(data.tracking_number))  # the printer's automatic mode packs about the same
    fitting = math.floor((width_dots - zpl.dots(3.0)) / (modules + 2 * QUIET_ZONE_MODULES))
    module = min(math.floor(TRACKING_MAX_MODULE_MM * dpi / 25.4), fitting)
    if module < _module_dots(TRACKING_MIN_MODULE_MM, dpi):
        raise ValueError(f"tracking number {data.tracking_number!r} is too long for a 0.33 mm module on 4 in")
    bar_height = zpl.dots(17.0)
    x = (width_dots - modules * module) // 2
    zpl.lines.append(
        f"^FO{x},{zpl.dots(y + 4.2)}^BY{module},3,{bar_height}^BCN,{bar_height},N,N,N,A"
        f"^FH^FD{escape_field_data(data.tracking_number)}^FS"
    )
    zpl.text(0, y + 4.2 + 17.0 + 0.8, data.tracking_number, 3.4, max_width_mm=width_mm, centre_width_mm=width_mm)
    y += 4.2 + 17.0 + 0.8 + 3.4 + 1.3
    zpl.rule(y)
    return y


def _sscc_band(zpl: _Zpl, data: ShippingLabelData, y: float, width_dots: int) -> None:
    """6. The SSCC as GS1-128 (subset C start, FNC1, AI 00 and 18 digits) down to the bottom margin."""
    width_mm, margin = LABEL_WIDTH_MM, MARGIN_MM
    zpl.text(margin, y + 1.0, "SSCC", 2.0, max_width_mm=20)
    sscc_module = _module_dots(SSCC_MIN_MODULE_MM, zpl.dpi)
    sscc_modules = len(gs1_128_modules([("00", data.sscc)]))
    hri_height = 3.8
    bars_top = y + 4.2
    sscc_bar_mm = min(32.0, LABEL_LENGTH_IN * 25.4 - margin - hri_height - 1.0 - bars_top)
    x = (width_dots - sscc_modules * sscc_module) // 2
    bars = zpl.dots(sscc_bar_mm)
    zpl.lines.append(f"^FO{x},{zpl.dots(bars_top)}^BY{sscc_module},3,{bars}^BCN,{bars},N,N,N,N^FD>;>800{data.sscc}^FS")
    hri = format_hri([("00", data.sscc)])
    zpl.text(0, bars_top + sscc_bar_mm + 0.8, hri, hri_height, max_width_mm=width_mm, centre_width_mm=width_mm)


def _address_block(zpl: _Zpl, address: Address, x: float, y: float, width: float, room: float, size: float) -> None:
    """Small address lines (the sender), name first; lines that do not fit the room are left out."""
    used = 0.0
    for index, line in enumerate(address.lines()):
        if used + size > room:
            break
        used += zpl.text(x, y + used, line, size if index else size * 1.05, max_width_mm=width) * 1.18


def _recipient_block(zpl: _Zpl, address: Address, x: float, y: float, width: float, room: float) -> None:
    """The recipient large: name, company, street lines, locality bold, country in capitals, phone small."""
    street = [line for line in (address.line1, address.line2) if line]
    lines: list[tuple[str, float]] = [(address.name, 5.0)]
    if address.company:
        lines.append((address.company, 3.8))
    lines += [(line, 3.8) for line in street]
    consumed = 1 + bool(address.company) + len(street)
    lines += [(line, 4.4) for line in address.lines(with_country=False)[consumed:]]
    lines.append((address.lines()[-1], 4.2))
    if address.phone:
        lines.append((f"Tel. {address.phone}", 2.6))
    scale = min(1.0, room / (sum(size for _, size in lines) * 1.15))
    _stack(zpl, x, y, width, [(text, size * scale) for text, size in lines])


def _stack(zpl: _Zpl, x: float, y: float, width: float, lines: Sequence[tuple[str, float]]) -> None:
    for text, size in lines:
        y += zpl.text(x, y, text, size, max_width_mm=width) * 1.15
