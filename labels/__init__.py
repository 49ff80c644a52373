"""pickpack documents: ReportLab PDFs rendered from plain data.

This package imports nothing from ``app/``: callers pass plain dataclasses and strings and get PDF bytes back,
so documents can be rendered, tested and golden-compared without a database or terminal.

Modules: ``fonts`` (embedded DejaVu fonts), ``gs1`` (check digits, SSCCs, element strings), ``barcodes``
(Code 128 / GS1-128 vector bars at whole printer dots), ``sheet`` (location, tote and badge label sheets).
"""

from labels.barcodes import (
    BarcodeBox,
    code128_modules,
    dots_to_pt,
    draw_code128,
    draw_gs1_128,
    gs1_128_modules,
    measure_code128,
    measure_gs1_128,
)
from labels.fonts import FONT_MONO, FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.gs1 import Element, gs1_check_digit, parse_hri, sscc_with_check
from labels.sheet import SHEET_LAYOUTS, SheetLabel, SheetLayout, render_label_sheet

__all__ = [
    "FONT_MONO",
    "FONT_SANS",
    "FONT_SANS_BOLD",
    "SHEET_LAYOUTS",
    "BarcodeBox",
    "Element",
    "SheetLabel",
    "SheetLayout",
    "code128_modules",
    "dots_to_pt",
    "draw_code128",
    "draw_gs1_128",
    "gs1_128_modules",
    "gs1_check_digit",
    "measure_code128",
    "measure_gs1_128",
    "parse_hri",
    "register_fonts",
    "render_label_sheet",
    "sscc_with_check",
]
