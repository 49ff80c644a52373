"""Outside text on paper: printed as it came, never read as markup, and never able to break the PDF.

Names, addresses, SKUs and notes come from sales channels and imports. The documents draw them with the canvas's
``drawString`` family, which takes text literally: nothing here goes through ReportLab's ``Paragraph`` (which
parses ``<b>``, ``<font>`` and ``&`` entities), so ``Tom & Jerry <b>`` prints exactly so. Keep it that way: text
from outside that ever has to go through a ``Paragraph`` must be escaped with ``xml.sax.saxutils.escape`` first.

What the canvas would mishandle is replaced when it is drawn (``SafeCanvas``):

* control characters (a tab, newline, escape or NUL pasted into an address) become a space, as in the ZPL label;
* Unicode direction overrides and isolates (``U+202A``-``U+202E``, ``U+2066``-``U+2069``) are dropped: a PDF has no
  bidirectional layout, they would only print as missing-glyph boxes;
* characters beyond U+FFFF (emoji) become ``U+FFFD``: ReportLab writes their font mapping as an odd-length hex
  string, which makes the file unreadable for text extraction and some printer drivers.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas

_DROPPED = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def printable(text: str) -> str:
    """``text`` with control characters as spaces, direction controls dropped and non-BMP characters as U+FFFD."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text.translate(_DROPPED):
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            out.append(" ")
        elif code > 0xFFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


class SafeCanvas(Canvas):
    """A ReportLab canvas whose string drawing passes every text through ``printable`` first."""

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> Any:
        return super().drawString(x, y, printable(text), *args, **kwargs)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> Any:
        return super().drawRightString(x, y, printable(text), *args, **kwargs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> Any:
        return super().drawCentredString(x, y, printable(text), *args, **kwargs)
