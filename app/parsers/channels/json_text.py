"""Decoding JSON exactly and strictly: UTF-8 only, numbers as ``Decimal`` (floats, ``NaN``/``Infinity``, integers
too long for ``int()``), a key given twice refused with its path and line, nesting too deep reported.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from app.parsers.channels.model import IntakeProblem

_LONG_INT_DIGITS = 40


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


class DuplicateKeySeen(ValueError):
    """Raised by the decoder inside an object with a key given twice; ``find_duplicate`` then says where."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise DuplicateKeySeen()
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
    except DuplicateKeySeen:
        found = find_duplicate(text, 0, "")
        position, path, key = found if found else (0, "document", "?")
        line = 1 + text.count("\n", 0, position)
        return None, IntakeProblem(source, path, "", f"duplicate key {key!r}", line)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON: {error.msg} (column {error.colno})"
        return None, IntakeProblem(source, "", "", reason, error.lineno)
    except RecursionError:
        return None, IntakeProblem(source, "", "", "not readable: JSON nested too deeply", 1)
