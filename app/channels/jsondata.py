"""JSON plumbing shared by the Shopify and WooCommerce parsers: streaming order objects, attribute look-up.

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from app.channels.model import IntakeOrder, IntakeProblem
from app.channels.values import OrderChecker, show

ParseOne = Callable[[Mapping[str, Any], OrderChecker, str], IntakeOrder | None]
"""Parses one order object; reports problems to the checker; gets the order's ``source_ref``."""

SHIP_BY_KEYS = frozenset({"ship_by", "ship_by_date"})
"""Attribute names read as the ship-by date (after ``attribute_key`` normalisation)."""
PROMISED_DELIVERY_KEYS = frozenset({"promised_delivery", "promised_delivery_date"})
"""Attribute names read as the promised delivery date (after ``attribute_key`` normalisation)."""

CHUNK_CHARS = 1 << 20
"""Characters read from the file at a time."""
MAX_ORDER_CHARS = 16 << 20
"""One order object larger than this (16 Mi characters) is refused: no shop sends such an order, and holding
it would defeat streaming."""
_LONG_INT_DIGITS = 40
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def decode_text(raw: bytes, source: str) -> tuple[str, IntakeProblem | None]:
    """UTF-8 (with or without BOM) only: guessing a legacy code page would import wrong names silently."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = 1 + raw.count(b"\n", 0, error.start)
        reason = f"not UTF-8 text (byte 0x{raw[error.start]:02X}); save the file as UTF-8 (in Excel: 'CSV UTF-8')"
        return "", IntakeProblem(source, "", "", reason, line)


def _int(text: str) -> int | Decimal:
    # int() refuses more than 4300 digits with a ValueError; Decimal keeps the number for a clear message.
    return int(text) if len(text) <= _LONG_INT_DIGITS else Decimal(text)


class _DuplicateKey(ValueError):
    """Raised by the decoder inside an object with a key given twice; ``find_duplicate`` then says where."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKey()
    return obj


DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=_int, parse_constant=Decimal, object_pairs_hook=_unique_keys)
"""Exact numbers; ``NaN``/``Infinity``/``-Infinity`` as non-finite Decimals (refused by every number check);
a key given twice in one object is refused: JSON parsers disagree which one wins (Python takes the last), so
``{"orders": [A], "orders": [B]}`` or two ``"id"`` keys in one order would import whatever this parser picked."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\s+')


def find_duplicate(text: str, start: int, path: str) -> tuple[int, str, str] | None:
    """(position, JSON path of the object, key) of the first key given twice in the JSON value at ``start``.

    Only run once the decoder has found a duplicate (an error path), so plain Python is fast enough; it reads
    the text that is already in memory and keeps one small frame per nesting level. ``path`` is the value's
    own path (``orders[3]``), prefixed to what is found inside it.
    """
    frames: list[list[Any]] = []  # [kind "{" or "[", keys seen or None, current key or index, expecting a key]
    for match in _TOKEN.finditer(text, start):
        token = match.group()
        if token in ("{", "["):
            frames.append([token, set() if token == "{" else None, None if token == "{" else 0, token == "{"])
        elif token in ("}", "]"):
            if frames:
                frames.pop()
            if not frames:
                return None
        elif not frames:
            continue
        elif token == ",":
            frame = frames[-1]
            if frame[0] == "[":
                frame[2] += 1
            else:
                frame[3] = True
        elif token == ":":
            frames[-1][3] = False
        elif token.startswith('"') and frames[-1][0] == "{" and frames[-1][3]:
            key = json.loads(token)
            frame = frames[-1]
            if key in frame[1]:
                return match.start(), _path(path, frames[:-1]), key
            frame[1].add(key)
            frame[2] = key
    return None


def _path(base: str, frames: list[list[Any]]) -> str:
    """``orders[0].line_items[1]`` from the frames around the object (keys as dotted names, list indexes)."""
    path = base
    for kind, _keys, step, _expect in frames:
        if kind == "[":
            path += f"[{step}]"
        else:
            path += f".{step}" if path else str(step)
    return path or "document"


def load_json(text: str | bytes, source: str) -> tuple[Any, IntakeProblem | None]:
    """Decode a whole (small) JSON document, e.g. a webhook body; problems name line and column."""
    if isinstance(text, bytes):
        text, problem = decode_text(text, source)
        if problem:
            return None, problem
    text = text.removeprefix("\ufeff")
    try:
        return DECODER.decode(text), None
    except _DuplicateKey:
        found = find_duplicate(text, 0, "")
        position, path, key = found if found else (0, "document", "?")
        line = 1 + text.count("\n", 0, position)
        return None, IntakeProblem(source, path, "", f"duplicate key {key!r}", line)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON: {error.msg} (column {error.colno})"
        return None, IntakeProblem(source, "", "", reason, error.lineno)
    except RecursionError:
        return None, IntakeProblem(source, "", "", "not readable: JSON nested too deeply", 1)


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
            except _DuplicateKey:
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


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (absent or null sub-objects read as empty)."""
    return value if isinstance(value, dict) else {}


def attribute_key(name: str) -> str:
    """``"Ship-By Date"``, ``"_ship_by_date"`` and ``"ship by date"`` all become ``ship_by_date``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower()).lstrip("_")


def attribute_field(prefix: str, name: str) -> str:
    """The field name for an attribute in messages: as the shop wrote it when it is short and printable."""
    return f"{prefix}.{name if name.isprintable() and len(name) <= 60 else attribute_key(name)[:60]}"


def find_attribute(pairs: Any, name_key: str, value_key: str, wanted: frozenset[str]) -> tuple[str, Any] | None:
    """The first (name, value) of a list of ``{name_key: ..., value_key: ...}`` with a wanted normalised name.

    Shopify's ``note_attributes`` use name/value, WooCommerce's ``meta_data`` key/value.
    """
    if not isinstance(pairs, list):
        return None
    for pair in pairs:
        name = pair.get(name_key) if isinstance(pair, dict) else None
        if isinstance(name, str) and attribute_key(name) in wanted:
            return name, pair.get(value_key)
    return None
