"""Text three rows high, for what a picker reads at arm's length on a handheld: the location and the quantity.

Textual's ``Digits`` draws only digits and A-F, and a location code has any letter (``A01-03-L-1``), so this
widget carries its own 3x3 font of box-drawing characters for A-Z, 0-9 and the few signs codes use. When the
text does not fit the width it falls back to one bold line (never cut: a cut location is a wrong location), and
it is drawn in plain box characters, so it reads the same on a monochrome screen and with ``NO_COLOR``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from app.tui.literal import visible

_ROWS = """\
0 ╭─╮ │ │ ╰─╯
1 ╶╮   │  ╶┴╴
2 ╶─╮ ┌─┘ ╰─╴
3 ╶─╮  ─┤ ╶─╯
4 ╷ ╷ ╰─┤   ╵
5 ╭─╴ ╰─╮ ╶─╯
6 ╭─╴ ├─╮ ╰─╯
7 ╶─┐   │   ╵
8 ╭─╮ ├─┤ ╰─╯
9 ╭─╮ ╰─┤ ╶─╯
A ╭─╮ ├─┤ ╵ ╵
B ┌─╮ ├─┤ └─╯
C ╭─╴ │   ╰─╴
D ┌─╮ │ │ └─╯
E ╭─╴ ├─  ╰─╴
F ╭─╴ ├─  ╵
G ╭─╴ │╶╮ ╰─╯
H ╷ ╷ ├─┤ ╵ ╵
I ╶┬╴  │  ╶┴╴
J   ╷   │ ╰─╯
K ╷╭╴ ├┤  ╵╰╴
L ╷   │   ╰─╴
M ╭┬╮ │││ ╵╵╵
N ╭╮╷ │││ ╵╰╯
O ╭─╮ │ │ ╰─╯
P ┌─╮ ├─╯ ╵
Q ╭─╮ │ │ ╰─╳
R ┌─╮ ├┬╯ ╵╰╴
S ╭─╴ ╰─╮ ╶─╯
T ╶┬╴  │   ╵
U ╷ ╷ │ │ ╰─╯
V ╷ ╷ │ │ ╰┬╯
W ╷╷╷ │││ ╰┴╯
X ╷ ╷ ╶┼╴ ╵ ╵
Y ╷ ╷ ╰┬╯  ╵
Z ╶─┐ ┌─┘ └─╴
- ... ╶─╴ ...
/ ..╱ .╱. ╱..
. ... ... .•.
: ... .•. .•.
"""


def _font() -> dict[str, tuple[str, str, str]]:
    font: dict[str, tuple[str, str, str]] = {" ": ("   ", "   ", "   ")}
    for line in _ROWS.splitlines():
        character, rows = line[0], line[2:]
        glyph = tuple(rows[i * 4 : i * 4 + 3].replace(".", " ").ljust(3) for i in range(3))
        font[character] = (glyph[0], glyph[1], glyph[2])
    return font


FONT = _font()
GAP = " "
"""Between two glyphs, so ``11`` does not read as one wide sign."""


def big_rows(text: str) -> list[str] | None:
    """The three rows of ``text`` in the big font, or None when a character has no glyph."""
    rows = ["", "", ""]
    for n, character in enumerate(text.upper()):
        glyph = FONT.get(character)
        if glyph is None:
            return None
        for i in range(3):
            rows[i] += (GAP if n else "") + glyph[i]
    return rows


def big_width(text: str) -> int:
    return max(0, len(text) * (3 + len(GAP)) - len(GAP))


class BigText(Widget):
    """Three rows high when the text fits the width and has glyphs; one bold line otherwise."""

    DEFAULT_CSS = """
    BigText {
        height: 3;
        width: 1fr;
        text-style: bold;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def update(self, text: str) -> None:
        self.text = text
        self.refresh()

    def render(self) -> Text:
        rows = big_rows(self.text)
        if rows is None or big_width(self.text) > self.size.width:
            return Text("\n" + visible(self.text, keep_newlines=False), style="bold")
        return Text("\n".join(rows))

    def __str__(self) -> str:
        """The plain text (what tests and screen readers compare)."""
        return self.text
