"""Text from outside is shown exactly as it came: the one place where the terminal turns data into display text.

Why: Textual reads a plain ``str`` given to a ``DataTable`` cell, a ``Static``, a ``Label`` or a notification as
content markup. A SKU such as ``oops [/] broken`` raised ``MarkupError`` and took the supervisor screen down for
everyone while that order was listed; ``[bold red]EVIL[/] [@click=app.quit]q[/]`` in a customer name restyled
the screen and planted a click that quit the app. Every value that did not come from this program's own source
(order numbers, SKUs, product and customer names, addresses, lots, reasons, scanned codes and the service
messages that quote them) goes through ``literal`` or ``cell``, which return a Rich ``Text``: Textual draws a
``Text`` as it is, never parsing it.

Invisible characters are made visible instead of being sent to the terminal: control characters (an escape
character could start a terminal escape sequence) and the Unicode bidirectional overrides (``U+202E`` makes
``exe.txt`` look like ``txt.exe``) are shown as ``<U+202E>``; the GS1 group separator as ``<GS>``, as the scan
field shows it.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

CELL_WIDTH = 60
"""Longest value a table cell shows; a longer one is cut with an ellipsis so one row cannot push the others
off the screen (the full value is in the order's timeline and the CLI)."""

GS = "\x1d"
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {GS: "<GS>", "\t": " "}


def _shown(character: str, *, keep_newlines: bool) -> str:
    if character == "\n":
        return character if keep_newlines else "⏎"
    if character in _NAMED:
        return _NAMED[character]
    if character in _BIDI_CONTROLS or unicodedata.category(character) in ("Cc", "Zl", "Zp"):
        return f"<U+{ord(character):04X}>"
    return character


def visible(value: object, *, keep_newlines: bool = True) -> str:
    """``value`` as a plain string with control and direction-changing characters written out (``<U+001B>``)."""
    text = "" if value is None else str(value)
    if text.isprintable():  # the common case: nothing to replace (isprintable is False for every Cc, Cf, Zl, Zp)
        return text
    return "".join(_shown(ch, keep_newlines=keep_newlines) for ch in text)


def literal(value: object, style: str = "") -> Text:
    """Display text for outside data (or any text that quotes it): never parsed as markup, newlines kept."""
    return Text(visible(value), style=style, end="")


def cell(value: object, *, width: int = CELL_WIDTH, style: str = "") -> Text:
    """A table cell: one line (a newline is shown as ``⏎``), cut to ``width`` characters with ``…``."""
    text = visible(value, keep_newlines=False)
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return Text(text, style=style, end="", no_wrap=True)


def row(*values: object) -> tuple[Text, ...]:
    """A table row of ``cell``s; a value that already is a ``Text`` (styled by this program) is kept."""
    return tuple(value if isinstance(value, Text) else cell(value) for value in values)
