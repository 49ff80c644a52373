"""The document fonts: DejaVu TrueType files from ``assets/fonts``, registered with ReportLab once.

Every pickpack document uses these embedded fonts rather than the PDF base-14 fonts, so that text renders the
same on every printer and viewer, covers non-Latin names (customers, users) and stays byte-identical between
runs (golden tests). ReportLab embeds only the glyphs a document uses (subsetting) with a ToUnicode map, so
text can be extracted again (tests read titles back with pypdf).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR_ENV = "PICKPACK_FONTS_DIR"
"""Environment variable that points at another directory holding the same three DejaVu files."""

FONT_SANS = "PP-Sans"
"""Regular proportional text (DejaVu Sans)."""

FONT_SANS_BOLD = "PP-Sans-Bold"
"""Bold proportional text for titles (DejaVu Sans Bold)."""

FONT_MONO = "PP-Mono"
"""Monospaced text for codes and barcode human-readable lines (DejaVu Sans Mono)."""

FONT_FILES: dict[str, str] = {
    FONT_SANS: "DejaVuSans.ttf",
    FONT_SANS_BOLD: "DejaVuSans-Bold.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}
"""ReportLab font name -> file name inside the fonts directory."""

_lock = threading.Lock()
_registered = False


def fonts_dir() -> Path:
    """The directory the fonts are loaded from: ``$PICKPACK_FONTS_DIR`` if set, else ``<repo>/assets/fonts``.

    ``labels/`` sits beside ``assets/`` at the top of the project, so the default is found relative to this
    file and works from any working directory.
    """
    override = os.environ.get(FONTS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "assets" / "fonts"


def register_fonts() -> None:
    """Register ``PP-Sans``, ``PP-Sans-Bold`` and ``PP-Mono`` with ReportLab; later calls do nothing.

    Safe to call from several threads (documents may be rendered in Textual workers). The directory is read on
    the first call only; changing ``$PICKPACK_FONTS_DIR`` afterwards has no effect in the same process.

    Raises:
        FileNotFoundError: a font file is missing; the message names the path and the environment variable.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        directory = fonts_dir()
        for name, file_name in FONT_FILES.items():
            path = directory / file_name
            if not path.is_file():
                raise FileNotFoundError(
                    f"font file {path} not found (fonts are read from assets/fonts or ${FONTS_DIR_ENV})"
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # Let <b> in platypus Paragraphs written in PP-Sans pick the bold face.
        addMapping(FONT_SANS, 0, 0, FONT_SANS)
        addMapping(FONT_SANS, 1, 0, FONT_SANS_BOLD)
        addMapping(FONT_SANS, 0, 1, FONT_SANS)
        addMapping(FONT_SANS, 1, 1, FONT_SANS_BOLD)
        _registered = True
