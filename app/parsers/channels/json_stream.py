"""Streaming the order objects of a JSON export one at a time (shared by the Shopify and WooCommerce parsers).

Both shop APIs deliver an order either alone (a webhook body, ``{"order": ...}``) or in a list
(``{"orders": [...]}``, a bare JSON list), so both parsers accept every one of those shapes and name each
order by its JSON path (``orders[1]``, ``[0]``, ``order``) and the file line where it starts.

Exports run to hundreds of megabytes, so a file is never decoded whole: ``JsonOrderReader`` walks the outer
list itself and decodes one order object at a time with the C decoder (``raw_decode``), holding one order and
one read chunk in memory and knowing the exact line of every order. Numbers stay exact (floats become
``Decimal``), ``NaN``/``Infinity`` become non-finite ``Decimal``\\ s that every number check refuses, integers
too long for ``int()`` become ``Decimal`` (so a 5,000-digit id is a "too long" problem, not a ``ValueError``),
and nesting deeper than Python's recursion limit is reported, not raised.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from app.parsers.channels.json_text import DECODER, DuplicateKeySeen, find_duplicate
from app.parsers.channels.model import IntakeProblem
from app.parsers.channels.values import show

CHUNK_CHARS = 1 << 20
"""Characters read from the file at a time."""
MAX_ORDER_CHARS = 16 << 20
"""One order object larger than this (16 Mi characters) is refused: no shop sends such an order, and holding
it would defeat streaming."""
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class JsonSyntaxError(Exception):
    """The file stops being JSON at ``line``/``column``; nothing after it can be trusted."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


class DuplicateKeyError(Exception):
    """An object in the file has ``key`` twice: ``path`` names the object, ``line`` the second key."""

    def __init__(self, line: int, path: str, key: str) -> None:
        super().__init__(f"{path}: duplicate key {key!r}")
        self.line = line
        self.path = path
        self.key = key


class JsonOrderReader:
    """Reads a JSON text stream piece by piece, keeping track of line numbers."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._dropped = 0
        """Characters dropped from the front of the buffer so far."""
        self._counted = 0
        """Buffer position up to which newlines are counted into ``_line``."""
        self._line = 1
        self._last_newline = -1
        """Absolute position of the last newline counted (for columns)."""

    # --- buffer -------------------------------------------------------------------------------------------
    def _fill(self) -> bool:
        if self._eof:
            return False
        if self._pos > CHUNK_CHARS:
            self._count_to(self._pos)
            self._buf = self._buf[self._pos :]
            self._dropped += self._pos
            self._counted -= self._pos
            self._pos = 0
        chunk = self._stream.read(CHUNK_CHARS)
        if not chunk:
            self._eof = True
            return False
        if not self._buf and not self._dropped:
            chunk = chunk.removeprefix("\ufeff")
        self._buf += chunk
        return True

    def _count_to(self, pos: int) -> None:
        if pos > self._counted:
            newlines = self._buf.count("\n", self._counted, pos)
            if newlines:
                self._line += newlines
                self._last_newline = self._dropped + self._buf.rfind("\n", self._counted, pos)
            self._counted = pos

    def line_at(self, pos: int | None = None) -> int:
        """The 1-based line of buffer position ``pos`` (default: the read position); positions only grow."""
        self._count_to(self._pos if pos is None else pos)
        return self._line

    def _error(self, pos: int, message: str) -> JsonSyntaxError:
        line = self.line_at(pos)
        return JsonSyntaxError(line, self._dropped + pos - self._last_newline, message)

    # --- tokens -------------------------------------------------------------------------------------------
    def peek(self) -> str | None:
        """The next character that is not white space (None at the end of the file)."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return None

    def take(self, char: str, expected: str) -> None:
        """Consume ``char`` (after white space) or fail saying what was expected."""
        if self.peek() != char:
            raise self._error(self._pos, f"expected {expected}")
        self._pos += 1

    def value(self, path: str = "") -> Any:
        """Decode the next JSON value (an order object, a key, anything) at JSON path ``path`` and move past it."""
        self.peek()
        while True:
            try:
                obj, end = DECODER.raw_decode(self._buf, self._pos)
            except DuplicateKeySeen:
                found = find_duplicate(self._buf, self._pos, path)
                position, where, key = found if found else (self._pos, path or "document", "?")
                raise DuplicateKeyError(self.line_at(position), where, key) from None
            except json.JSONDecodeError as error:
                if len(self._buf) - self._pos <= MAX_ORDER_CHARS and self._fill():
                    continue  # most likely cut off at the end of the chunk read so far
                message = error.msg
                if len(self._buf) - self._pos > MAX_ORDER_CHARS:
                    message += f" (or one value larger than {MAX_ORDER_CHARS:,} characters)"
                raise self._error(error.pos, message) from None
            except RecursionError:
                raise self._error(self._pos, "nested too deeply") from None
            if end == len(self._buf) and self._fill():
                continue  # a number at the end of the chunk may go on in the next one
            self._pos = end
            return obj


@dataclass(frozen=True, slots=True)
class FoundOrder:
    """An order object of the file, or a problem with the file's shape (``obj`` None)."""

    location: str
    index: int
    line: int
    obj: Any = None
    problem: IntakeProblem | None = None


def order_objects(stream: TextIO, source: str) -> Iterator[FoundOrder]:
    """The order objects of a JSON stream, one at a time, in every accepted shape; a syntax error ends it."""
    reader = JsonOrderReader(stream)
    try:
        yield from _order_objects(reader, source)
    except JsonSyntaxError as error:
        reason = f"not valid JSON: {error.message} (column {error.column})"
        yield FoundOrder("", 0, error.line, problem=IntakeProblem(source, "", "", reason, error.line))
    except DuplicateKeyError as error:  # the file cannot be trusted: which value was meant?
        reason = f"duplicate key {error.key!r}"
        yield FoundOrder("", 0, error.line, problem=IntakeProblem(source, error.path, "", reason, error.line))


def _order_objects(reader: JsonOrderReader, source: str) -> Iterator[FoundOrder]:
    first = reader.peek()
    if first is None:
        yield FoundOrder("", 0, 1, problem=IntakeProblem(source, "", "", "the file is empty", 1))
        return
    start_line = reader.line_at()
    if first == "[":
        reader.take("[", "'['")
        yield from _list_items(reader, source, "")
    elif first == "{":
        yield from _top_object(reader, source, start_line)
    else:
        data = reader.value()
        reason = f"expected an order object or a list of orders, got {show(data)}"
        yield FoundOrder("", 0, start_line, problem=IntakeProblem(source, "", "", reason, start_line))
    if reader.peek() is not None:
        raise reader._error(reader._pos, "extra data after the end of the JSON document")


def _list_items(reader: JsonOrderReader, source: str, name: str) -> Iterator[FoundOrder]:
    if reader.peek() == "]":
        reader.take("]", "']'")
        return
    index = 0
    while True:
        reader.peek()
        line = reader.line_at()
        location = f"{name}[{index}]"
        item = reader.value(location)
        if isinstance(item, dict):
            yield FoundOrder(location, index, line, item)
        else:
            reason = f"expected an order object, got {show(item)}"
            yield FoundOrder(location, index, line, item, IntakeProblem(source, location, "", reason, line))
        index += 1
        if reader.peek() == ",":
            reader.take(",", "','")
            continue
        reader.take("]", "',' or ']' after an order")
        return


def _top_object(reader: JsonOrderReader, source: str, start_line: int) -> Iterator[FoundOrder]:
    """``{"orders": [...]}`` streams the list; ``{"order": {...}}`` and a bare order object are read whole."""
    reader.take("{", "'{'")
    top: dict[str, Any] = {}
    lines: dict[str, int] = {}
    streamed = False
    while reader.peek() != "}":
        if top or streamed:
            reader.take(",", "',' or '}'")
        reader.peek()
        key_line = reader.line_at()
        key = reader.value()
        if not isinstance(key, str):
            raise reader._error(reader._pos, "expected a key in double quotes")
        if key in lines or (key == "orders" and streamed):
            raise DuplicateKeyError(key_line, "document", key)
        reader.take(":", "':' after a key")
        if key == "orders" and reader.peek() == "[" and not streamed:
            reader.take("[", "'['")
            yield from _list_items(reader, source, "orders")
            streamed = True
            continue
        reader.peek()
        lines[key] = reader.line_at()
        top[key] = reader.value(key)
    reader.take("}", "'}'")
    if streamed:
        return  # the export's other top-level keys (paging links and such) are not orders
    if "orders" in top:
        reason = f"expected a list of orders, got {show(top['orders'])}"
        line = lines["orders"]
        yield FoundOrder("", 0, line, problem=IntakeProblem(source, "", "orders", reason, line))
    elif "order" in top:
        line = lines["order"]
        if isinstance(top["order"], dict):
            yield FoundOrder("order", 0, line, top["order"])
        else:
            reason = f"expected an order object, got {show(top['order'])}"
            yield FoundOrder("order", 0, line, top["order"], IntakeProblem(source, "order", "", reason, line))
    else:
        yield FoundOrder("order", 0, start_line, top)  # a webhook body: the bare order object


def text_stream(text: str) -> TextIO:
    """Order data held in memory as a stream for ``order_objects``."""
    return io.StringIO(text)


def decoded_order_objects(data: Any, source: str) -> Iterator[FoundOrder]:
    """``order_objects`` for JSON already decoded (tests, callers holding a webhook body); lines are unknown."""
    if isinstance(data, list):
        items: list[tuple[str, Any]] = [(f"[{i}]", item) for i, item in enumerate(data)]
    elif isinstance(data, dict) and "orders" in data:
        if not isinstance(data["orders"], list):
            reason = f"expected a list of orders, got {show(data['orders'])}"
            yield FoundOrder("", 0, 0, problem=IntakeProblem(source, "document", "orders", reason))
            return
        items = [(f"orders[{i}]", item) for i, item in enumerate(data["orders"])]
    elif isinstance(data, dict):
        items = [("order", data.get("order", data))]
    else:
        reason = f"expected an order object or a list of orders, got {show(data)}"
        yield FoundOrder("", 0, 0, problem=IntakeProblem(source, "document", "", reason))
        return
    for index, (location, item) in enumerate(items):
        if isinstance(item, dict):
            yield FoundOrder(location, index, 0, item)
        else:
            reason = f"expected an order object, got {show(item)}"
            yield FoundOrder(location, index, 0, problem=IntakeProblem(source, location, "", reason))
