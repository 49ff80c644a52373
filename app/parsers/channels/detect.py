"""Tell which channel an order file comes from by its content, then parse it with that channel's parser.

Rules, in order (content only; the file name and extension are not trusted because exports get renamed):

1. Text starting with ``{`` or ``[`` is JSON. ``{"order": ...}`` / ``{"orders": [...]}`` unwrap to their first
   order object, a list to its first element, any other object is itself the order (a webhook body). That
   object is Shopify when it has ``line_items`` and ``admin_graphql_api_id`` or ``order_number``; WooCommerce
   when it has ``line_items``, ``number`` and a ``billing`` or ``shipping`` object. An empty list of orders is
   nothing to import (not bad input).
2. Otherwise the first non-blank line must be a CSV header with ``order_number`` and ``qty`` columns.
3. Anything else is a problem: "cannot tell the format of this file: <why>; use --channel ...".

With ``channel`` given, detection is skipped and that channel's parser reports whatever does not fit.

``OrderScan`` reads a file one order at a time (JSON is streamed: a 200 MB export never sits in memory
decoded) and can be iterated again, which is how the intake validates a whole file before writing any of it.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from app.parsers.channels import csv_orders, shopify, woocommerce
from app.parsers.channels.json_stream import FoundOrder, order_objects
from app.parsers.channels.json_text import decode_text
from app.parsers.channels.model import CHANNELS, IntakeProblem, ParsedOrder, ParseResult
from app.parsers.channels.scan import collect, parse_json_items
from app.parsers.input_file import MAX_CSV_BYTES, MAX_ORDER_EXPORT_BYTES, InputError, file_problem, read_lines

_USE_CHANNEL = "use --channel shopify, woocommerce or csv"
_SNIFF_BYTES = 64 * 1024
_PARSERS = {"shopify": shopify.parse_order, "woocommerce": woocommerce.parse_order}


class NotUtf8Error(Exception):
    """The file has a byte sequence that is not UTF-8 on ``line``."""

    def __init__(self, problem: IntakeProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Utf8Stream(io.TextIOBase):
    """A binary file read as UTF-8 text (BOM dropped) in chunks; a bad byte raises ``NotUtf8Error`` naming the
    line it is on, which ``TextIOWrapper`` cannot tell."""

    def __init__(self, raw: BinaryIO, source: str) -> None:
        self._raw = raw
        self._source = source
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._lines = 1

    def read(self, size: int | None = -1) -> str:
        chunk = self._raw.read(size if size and size > 0 else -1)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise NotUtf8Error(_bad_bytes(self._source, error, self._lines)) from None
        self._lines += chunk.count(b"\n")
        return text

    def readable(self) -> bool:
        return True


def _bad_bytes(source: str, error: UnicodeDecodeError, line_base: int) -> IntakeProblem:
    data = bytes(error.object)
    line = line_base + data.count(b"\n", 0, error.start)
    reason = f"not UTF-8 text (byte 0x{data[error.start]:02X}); save the file as UTF-8 (in Excel: 'CSV UTF-8')"
    return IntakeProblem(source, "", "", reason, line)


class OrderScan:
    """One order file, read one order at a time; iterate it as often as needed (each pass reads it again).

    ``channel`` is the format read, known once iteration has reached the first order (None when it could not
    be told). Never raises for bad content or an unreadable file: those are problems in the items.
    """

    def __init__(self, path: Path | None, source: str, channel: str | None = None, *, text: str | None = None) -> None:
        self.path = path
        self.source = source
        self.requested = channel
        self.channel = channel
        self._text = text

    @classmethod
    def of_text(cls, text: str, source: str, channel: str | None = None) -> OrderScan:
        return cls(None, source, channel, text=text)

    def _problem(self, reason: str, line: int = 0) -> ParsedOrder:
        return ParsedOrder(None, (IntakeProblem(self.source, "", "", reason, line),))

    def _open(self) -> io.TextIOBase:
        if self._text is not None:
            return io.StringIO(self._text.removeprefix("\ufeff"))
        assert self.path is not None
        return Utf8Stream(self.path.open("rb"), self.source)

    def _sniff(self) -> str:
        """The first few kilobytes as text, for detection (undecodable bytes dropped; reading reports them)."""
        if self._text is not None:
            return self._text[:_SNIFF_BYTES].removeprefix("\ufeff")
        assert self.path is not None
        with self.path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
        try:
            return head.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:
                raise NotUtf8Error(_bad_bytes(self.source, error, 1)) from None
            return head[: error.start].decode("utf-8").removeprefix("\ufeff")  # a character cut in two

    def __iter__(self) -> Iterator[ParsedOrder]:
        if self.requested is not None and self.requested not in CHANNELS:
            self.channel = None
            yield self._problem(f"unknown channel {self.requested!r} (expected one of: {', '.join(CHANNELS)})")
            return
        if self.path is not None:
            refused = file_problem(self.path, MAX_ORDER_EXPORT_BYTES, "order export")
            if refused:
                self.channel = None
                yield self._problem(refused)
                return
        try:
            yield from self._items()
        except OSError as error:
            yield self._problem(f"cannot read {self.path}: {error.strerror or error}")
        except NotUtf8Error as error:
            yield ParsedOrder(None, (error.problem,))
        except InputError as error:
            yield self._problem(error.reason, error.line)

    def _items(self) -> Iterator[ParsedOrder]:
        head = self._sniff()
        stripped = head.lstrip()
        if self.requested == "csv" or (self.requested is None and stripped[:1] not in ("{", "[")):
            if not stripped:
                yield self._problem("the file is empty", 1)
                return
            first = next(line for line in stripped.splitlines() if line.strip())
            if self.requested is None and not csv_orders.looks_like_header(first):
                line = head[: len(head) - len(stripped)].count("\n") + 1
                reason = (
                    "cannot tell the format of this file: it is not JSON, and its first line is not a CSV header "
                    f"with order_number and qty columns; {_USE_CHANNEL}"
                )
                yield self._problem(reason, line)
                return
            self.channel = "csv"
            if self.path is not None:
                refused = file_problem(self.path, MAX_CSV_BYTES, "CSV order file")
                if refused:
                    yield self._problem(refused)
                    return
            yield from csv_orders.parse_items(self._read_all(), self.source)
            return
        with self._open() as stream:
            found = order_objects(stream, self.source)  # type: ignore[arg-type]
            if self.requested is not None:
                yield from parse_json_items(found, self.source, _PARSERS[self.requested])
                return
            first = next(found, None)
            if first is None:  # an empty list of orders: nothing to import, nothing wrong
                self.channel = None
                return
            if first.problem is not None and not first.location:
                yield ParsedOrder(None, (first.problem,))  # the file itself: not JSON, empty, wrong shape
                return
            channel, why_not = _channel_of(first)
            if channel is None:
                reason = f"cannot tell the format of this file: {why_not}; {_USE_CHANNEL}"
                yield self._problem(reason, first.line)
                return
            self.channel = channel
            yield from parse_json_items(_chain(first, found), self.source, _PARSERS[channel])

    def _read_all(self) -> str | Iterator[str]:
        """The CSV text, or its lines read one at a time (at most 1 MB each, 512 MB in all: ``input_file``)."""
        if self._text is not None:
            return self._text
        assert self.path is not None
        return read_lines(self.path, MAX_CSV_BYTES)


def _chain(first: FoundOrder, rest: Iterator[FoundOrder]) -> Iterator[FoundOrder]:
    yield first
    yield from rest


def _channel_of(first: FoundOrder) -> tuple[str | None, str]:
    """(channel, "") when the first order object is recognised, else (None, why not)."""
    where = f"the first order object ({first.location}{f', line {first.line}' if first.line else ''})"
    sample = first.obj
    if not isinstance(sample, Mapping):
        kind = "a list" if isinstance(sample, list) else type(sample).__name__
        return None, f"JSON, but no order object where one was expected (found {kind} at {where})"
    if shopify.looks_like_order(sample):
        return "shopify", ""
    if woocommerce.looks_like_order(sample):
        return "woocommerce", ""
    if "line_items" not in sample:
        return None, f"JSON, but {where} has no line_items"
    return None, (
        f"JSON, but {where} is neither Shopify (line_items with order_number or admin_graphql_api_id) nor "
        "WooCommerce (line_items with number and a billing or shipping object)"
    )


def parse_orders_file(path: Path, channel: str | None = None, *, source: str | None = None) -> ParseResult:
    """Read and parse a (small) order file whole; never raises for bad content or an unreadable file.

    ``source`` is the name used in messages and ``source_ref`` (default: the file name without folders).
    Large files: iterate an ``OrderScan`` instead.
    """
    scan = OrderScan(path, source if source is not None else path.name, channel)
    items = list(scan)
    return collect(items, scan.channel)


def parse_orders_text(text: str, source: str, channel: str | None = None) -> ParseResult:
    """Parse order data held in memory (e.g. stdin or a webhook body); ``source`` names it in messages."""
    scan = OrderScan.of_text(text, source, channel)
    items = list(scan)
    return collect(items, scan.channel)


def detect_channel(text: str) -> str | None:
    """The channel whose format ``text`` is in, or None when it cannot be told (see the module docstring)."""
    scan = OrderScan.of_text(text, "")
    next(iter(scan), None)
    return scan.channel


__all__ = ["OrderScan", "decode_text", "detect_channel", "parse_orders_file", "parse_orders_text"]
