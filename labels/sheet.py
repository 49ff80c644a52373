"""A printable PDF sheet of location, tote and badge labels, each with a Code 128 barcode of its code.

Sheets are meant for an office printer (A4 or US Letter) on plain paper that is cut along the printed cut lines,
or on self-adhesive stock of the same grid: A4 is 3 x 8 labels of 70 x 37 mm (the common "24 per sheet" stock),
Letter is 3 x 8 labels of 2.75 x 1.375 in. Each label has a big title (the location code itself, the tote code,
or the user's name), a subtitle (location in words, a note, the user's role), a small kind tag, and a Code 128
barcode that carries exactly ``code``, with the code printed under the bars.

Barcode size is chosen for reliable scanning with handheld scanners: the module (narrowest bar) is at least
0.33 mm and at most 0.51 mm, in whole dots of a 300 dpi grid (which is also exact on 600 and 1200 dpi printers),
the widest that fits the label; bars are at least 12 mm tall. A code too long to fit at 0.33 mm is refused with
``ValueError`` rather than printed too small to scan (about 12 characters of text, more when mostly digits).

Rendering is deterministic (ReportLab ``invariant=1``, embedded fonts): the same labels give the same bytes.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from labels.barcodes import (
    QUIET_ZONE_MODULES,
    code128_modules,
    dots_to_pt,
    draw_code128,
    human_readable_height,
    measure_code128,
)
from labels.drawing import (
    ellipsize,
)
from labels.fonts import FONT_SANS, FONT_SANS_BOLD, register_fonts
from labels.text import SafeCanvas

LabelKind = Literal["location", "tote", "badge"]
LABEL_KINDS: tuple[LabelKind, ...] = ("location", "tote", "badge")

SHEET_DPI = 300
"""Grid the barcode modules are snapped to on sheets (office printers: 300/600/1200 dpi)."""

MIN_MODULE_PT = 0.33 * mm
"""Narrowest module allowed on a sheet label (0.33 mm, about 13 mil: comfortable for any handheld scanner)."""

MAX_MODULE_PT = 0.51 * mm
"""Widest module used; wider only makes the symbol longer without helping scanners."""

MIN_BAR_HEIGHT_PT = 12 * mm
MAX_BAR_HEIGHT_PT = 16 * mm

HRI_FONT_SIZE_PT = 8.0
TITLE_MAX_FONT_SIZE_PT = 20.0
TITLE_MIN_FONT_SIZE_PT = 9.0
SUBTITLE_FONT_SIZE_PT = 7.5
KIND_TAG_FONT_SIZE_PT = 6.0

TEXT_PADDING_PT = 3.2 * mm
"""Inset of text from the label edges."""

BARCODE_PADDING_PT = 1.5 * mm
"""Inset of the barcode box (whose quiet zones are already blank) from the label's left and right edges."""

VERTICAL_PADDING_PT = 3.5 * mm

_CUT_LINE_GREY = Color(0.72, 0.72, 0.72)
_TAG_GREY = Color(0.38, 0.38, 0.38)
_LOCATION_RE = re.compile(r"^A(\d{2})-(\d{2,})-([A-Z])-(\d+)$")
_SIDES = {"L": "left", "R": "right"}


@dataclass(frozen=True, slots=True)
class SheetLabel:
    """One label on a sheet.

    ``code`` is what the barcode carries (and what the scanner types): a location code such as
    ``A03-12-L-2``, a tote code such as ``TOTE-0042``, or a user's badge code. It must be printable ASCII.
    ``title`` is the big text, ``subtitle`` the small line under it. The ``location``, ``tote`` and ``badge``
    constructors fill these the usual way.
    """

    kind: LabelKind
    code: str
    title: str
    subtitle: str = ""

    def __post_init__(self) -> None:
        if self.kind not in LABEL_KINDS:
            raise ValueError(f"label kind must be one of {', '.join(LABEL_KINDS)}, got {self.kind!r}")
        if not self.code or not all(" " <= c <= "~" for c in self.code):
            raise ValueError(f"label code must be non-empty printable ASCII, got {self.code!r}")
        if not self.title.strip():
            raise ValueError(f"label {self.code!r} needs a title")

    @classmethod
    def location(cls, code: str, subtitle: str | None = None) -> SheetLabel:
        """A location label: the code as the title; the subtitle spells a standard code out unless given."""
        return cls("location", code, code, describe_location(code) if subtitle is None else subtitle)

    @classmethod
    def tote(cls, code: str, subtitle: str = "") -> SheetLabel:
        """A tote label: the tote code as the title."""
        return cls("tote", code, code, subtitle)

    @classmethod
    def badge(cls, code: str, name: str, role: str) -> SheetLabel:
        """A user badge: the user's name as the title, the role under it, the badge code in the barcode."""
        return cls("badge", code, name, role)


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """A page of equal labels in a grid, in points; the grid is centred on the page."""

    name: str
    page_width_pt: float
    page_height_pt: float
    columns: int
    rows: int
    label_width_pt: float
    label_height_pt: float

    def __post_init__(self) -> None:
        if self.columns < 1 or self.rows < 1:
            raise ValueError("a sheet needs at least one row and one column")
        if self.columns * self.label_width_pt > self.page_width_pt + 0.01 or (
            self.rows * self.label_height_pt > self.page_height_pt + 0.01
        ):
            raise ValueError(f"{self.name}: the label grid is larger than the page")

    @property
    def labels_per_page(self) -> int:
        return self.columns * self.rows

    @property
    def margin_left_pt(self) -> float:
        return (self.page_width_pt - self.columns * self.label_width_pt) / 2

    @property
    def margin_bottom_pt(self) -> float:
        return (self.page_height_pt - self.rows * self.label_height_pt) / 2

    def cell_origin(self, index: int) -> tuple[float, float]:
        """Lower-left corner of the ``index``-th label on a page, filling rows left to right, top to bottom."""
        row, column = divmod(index % self.labels_per_page, self.columns)
        x = self.margin_left_pt + column * self.label_width_pt
        y = self.margin_bottom_pt + (self.rows - 1 - row) * self.label_height_pt
        return x, y


SHEET_LAYOUTS: dict[str, SheetLayout] = {
    "A4": SheetLayout("A4", A4[0], A4[1], 3, 8, 70 * mm, 37 * mm),
    "Letter": SheetLayout("Letter", LETTER[0], LETTER[1], 3, 8, 2.75 * inch, 1.375 * inch),
}
"""The built-in sheets, by the ``page_size`` name ``render_label_sheet`` accepts."""


def describe_location(code: str) -> str:
    """``A03-12-L-2`` -> ``Aisle 3 · Bay 12 · left · level 2``; other codes (reserve, bulk) give ``""``."""
    match = _LOCATION_RE.match(code)
    if match is None:
        return ""
    aisle, bay, side, level = match.groups()
    return f"Aisle {int(aisle)} · Bay {int(bay)} · {_SIDES.get(side, 'side ' + side)} · level {int(level)}"


def fit_module_width(code: str, available_width_pt: float, *, dpi: int = SHEET_DPI) -> float:
    """The widest module (whole dots at ``dpi``, within 0.33-0.51 mm) at which ``code`` fits the width.

    The width includes the 10-module quiet zones on both sides.

    Raises:
        ValueError: the code does not fit even at the 0.33 mm minimum.
    """
    total_modules = len(code128_modules(code)) + 2 * QUIET_ZONE_MODULES
    dot = dots_to_pt(1, dpi)
    min_dots = math.ceil(MIN_MODULE_PT / dot - 1e-9)
    max_dots = math.floor(MAX_MODULE_PT / dot + 1e-9)
    fitting = math.floor(available_width_pt / (total_modules * dot) + 1e-9)
    dots = min(max_dots, fitting)
    if dots < min_dots:
        longest = available_width_pt / (min_dots * dot)
        raise ValueError(
            f"code {code!r} needs {total_modules} modules with quiet zones; at the 0.33 mm minimum module "
            f"this label has room for {math.floor(longest)}: use a shorter code"
        )
    return dots * dot


@dataclass(frozen=True, slots=True)
class LabelPlan:
    """How one label will be drawn: barcode module and bar height, title size and (possibly shortened) text."""

    module_width_pt: float
    bar_height_pt: float
    title_font_size_pt: float
    title_text: str


def plan_label(label: SheetLabel, layout: SheetLayout) -> LabelPlan:
    """Sizes for one label on ``layout``.

    Raises:
        ValueError: the barcode cannot be printed large enough to scan (code too long, label too short).
    """
    register_fonts()
    module = fit_module_width(label.code, layout.label_width_pt - 2 * BARCODE_PADDING_PT)
    text_width = layout.label_width_pt - 2 * TEXT_PADDING_PT
    size, text = _fit_text(label.title, FONT_SANS_BOLD, TITLE_MAX_FONT_SIZE_PT, TITLE_MIN_FONT_SIZE_PT, text_width)
    used = 2 * VERTICAL_PADDING_PT + _title_block(size) + _subtitle_block() + human_readable_height(HRI_FONT_SIZE_PT)
    bar_height = min(MAX_BAR_HEIGHT_PT, layout.label_height_pt - used)
    if bar_height < MIN_BAR_HEIGHT_PT:
        raise ValueError(f"{layout.name} labels are too short for a {MIN_BAR_HEIGHT_PT / mm:.0f} mm barcode")
    return LabelPlan(module, bar_height, size, text)


def render_label_sheet(
    labels: Sequence[SheetLabel],
    *,
    page_size: Literal["A4", "Letter"] | SheetLayout = "A4",
    title: str = "pickpack labels",
    cut_lines: bool = True,
) -> bytes:
    """Render ``labels`` in order onto as many pages as needed and return the PDF bytes.

    Every label is checked before anything is drawn, so a bad code fails the whole sheet with ``ValueError``
    (naming the code) instead of producing a half-usable PDF. ``title`` becomes the PDF's title metadata.
    """
    if not labels:
        raise ValueError("a label sheet needs at least one label")
    layout = page_size if isinstance(page_size, SheetLayout) else _layout(page_size)
    register_fonts()
    plans = [plan_label(label, layout) for label in labels]

    buffer = io.BytesIO()
    canvas = SafeCanvas(buffer, pagesize=(layout.page_width_pt, layout.page_height_pt), invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("pickpack")
    canvas.setSubject(_subject(labels))
    canvas.setCreator("pickpack labels")
    per_page = layout.labels_per_page
    for first in range(0, len(labels), per_page):
        if cut_lines:
            _draw_cut_lines(canvas, layout)
        for index in range(first, min(first + per_page, len(labels))):
            x, y = layout.cell_origin(index)
            _draw_label(canvas, x, y, labels[index], plans[index], layout)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _layout(name: str) -> SheetLayout:
    try:
        return SHEET_LAYOUTS[name]
    except KeyError:
        raise ValueError(f"page size must be one of {', '.join(SHEET_LAYOUTS)}, got {name!r}") from None


def _subject(labels: Sequence[SheetLabel]) -> str:
    counts = {kind: sum(1 for label in labels if label.kind == kind) for kind in LABEL_KINDS}
    return ", ".join(f"{count} {kind}" for kind, count in counts.items() if count) + " labels"


def _title_block(font_size: float) -> float:
    return getAscent(FONT_SANS_BOLD, font_size) + 0.12 * font_size


def _subtitle_block() -> float:
    return SUBTITLE_FONT_SIZE_PT * 1.35


def _fit_text(text: str, font: str, max_size: float, min_size: float, width: float) -> tuple[float, str]:
    """Largest size (in 0.5 pt steps) at which ``text`` fits ``width``; at ``min_size``, cut with an ellipsis."""
    size = max_size
    while size > min_size and stringWidth(text, font, size) > width:
        size -= 0.5
    size = max(size, min_size)
    return size, ellipsize(text, font, size, width)


def _draw_cut_lines(canvas: Canvas, layout: SheetLayout) -> None:
    left, bottom = layout.margin_left_pt, layout.margin_bottom_pt
    right = left + layout.columns * layout.label_width_pt
    top = bottom + layout.rows * layout.label_height_pt
    canvas.saveState()
    canvas.setStrokeColor(_CUT_LINE_GREY)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 2)
    for column in range(layout.columns + 1):
        x = left + column * layout.label_width_pt
        canvas.line(x, bottom, x, top)
    for row in range(layout.rows + 1):
        y = bottom + row * layout.label_height_pt
        canvas.line(left, y, right, y)
    canvas.restoreState()


def _draw_label(canvas: Canvas, x: float, y: float, label: SheetLabel, plan: LabelPlan, layout: SheetLayout) -> None:
    top = y + layout.label_height_pt - VERTICAL_PADDING_PT
    text_left = x + TEXT_PADDING_PT
    text_right = x + layout.label_width_pt - TEXT_PADDING_PT

    canvas.saveState()
    canvas.setFillColor(black)
    title_baseline = top - getAscent(FONT_SANS_BOLD, plan.title_font_size_pt)
    canvas.setFont(FONT_SANS_BOLD, plan.title_font_size_pt)
    canvas.drawString(text_left, title_baseline, plan.title_text)

    subtitle_baseline = top - _title_block(plan.title_font_size_pt) - SUBTITLE_FONT_SIZE_PT
    tag = label.kind.upper()
    canvas.setFont(FONT_SANS_BOLD, KIND_TAG_FONT_SIZE_PT)
    canvas.setFillColor(_TAG_GREY)
    canvas.drawRightString(text_right, subtitle_baseline, tag)
    if label.subtitle:
        tag_width = stringWidth(tag, FONT_SANS_BOLD, KIND_TAG_FONT_SIZE_PT) + 2 * mm
        _, subtitle = _fit_text(
            label.subtitle,
            FONT_SANS,
            SUBTITLE_FONT_SIZE_PT,
            SUBTITLE_FONT_SIZE_PT,
            text_right - text_left - tag_width,
        )
        canvas.setFont(FONT_SANS, SUBTITLE_FONT_SIZE_PT)
        canvas.setFillColor(black)
        canvas.drawString(text_left, subtitle_baseline, subtitle)
    canvas.restoreState()

    box = measure_code128(
        label.code,
        module_width_pt=plan.module_width_pt,
        height_pt=plan.bar_height_pt,
        font_size_pt=HRI_FONT_SIZE_PT,
        dpi=SHEET_DPI,
    )
    draw_code128(
        canvas,
        x + (layout.label_width_pt - box.width) / 2,
        y + VERTICAL_PADDING_PT,
        label.code,
        module_width_pt=plan.module_width_pt,
        height_pt=plan.bar_height_pt,
        font_size_pt=HRI_FONT_SIZE_PT,
        dpi=SHEET_DPI,
    )
