"""A small reference Code 128 decoder for module patterns (``1`` = bar, ``0`` = space).

It lets tests check hundreds of encodings in milliseconds, without rasterizing: the symbol values are read
back from the bar/space pattern, the checksum is verified, and the text is rebuilt the way a scanner reports
it (FNC1 in first position marks GS1-128 and is not transmitted; any later FNC1 is sent as GS, ASCII 29).
"""

from __future__ import annotations

from dataclasses import dataclass

_WIDTH_TABLE = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 "
    "113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 "
    "113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 "
    "241211 221114 413111 241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 "
    "211232 2331112"
)
"""Bar/space widths (bar first) of Code 128 symbol values 0-106, from ISO/IEC 15417 table 1; 106 is stop."""
_WIDTHS = tuple(_WIDTH_TABLE.split())


def _pattern(widths: str) -> str:
    return "".join(("1" if i % 2 == 0 else "0") * int(w) for i, w in enumerate(widths))


_VALUES = {_pattern(w): value for value, w in enumerate(_WIDTHS[:106])}
_STOP = _pattern(_WIDTHS[106])
_START_A, _START_B, _START_C = 103, 104, 105
_FNC1, _SHIFT = 102, 98
GS = "\x1d"


@dataclass(frozen=True)
class Decoded128:
    text: str
    """The data as a scanner transmits it (without any ``]C1`` symbology identifier)."""
    gs1: bool
    """True when the symbol starts with FNC1 (GS1-128)."""


def decode_modules(modules: str) -> Decoded128:
    """Decode a full Code 128 module pattern (no quiet zones); raise ``ValueError`` when it is not valid."""
    if not modules.endswith(_STOP) or (len(modules) - len(_STOP)) % 11:
        raise ValueError("not a Code 128 pattern: bad length or missing stop pattern")
    body = modules[: -len(_STOP)]
    values = []
    for i in range(0, len(body), 11):
        chunk = body[i : i + 11]
        if chunk not in _VALUES:
            raise ValueError(f"unknown symbol pattern {chunk} at module {i}")
        values.append(_VALUES[chunk])
    if len(values) < 2 or values[0] not in (_START_A, _START_B, _START_C):
        raise ValueError("missing start character")
    *data, check = values
    if (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103 != check:
        raise ValueError("checksum mismatch")

    code_set = {_START_A: "A", _START_B: "B", _START_C: "C"}[data[0]]
    out: list[str] = []
    gs1 = False
    shift = False
    for position, value in enumerate(data[1:], start=1):
        current = ("B" if code_set == "A" else "A") if shift else code_set
        shift = False
        if value == _FNC1:
            if position == 1:
                gs1 = True
            else:
                out.append(GS)
        elif current == "C":
            if value < 100:
                out.append(f"{value:02d}")
            else:
                code_set = {100: "B", 101: "A"}[value]
        elif value < 96:
            if current == "A":
                out.append(chr(value + 32) if value < 64 else chr(value - 64))
            else:
                out.append(chr(value + 32))
        elif value == _SHIFT:
            shift = True
        elif value == 99:
            code_set = "C"
        elif (current, value) in (("A", 100), ("B", 101)):
            code_set = "B" if value == 100 else "A"
        else:
            raise ValueError(f"unsupported function character {value} in code set {current}")
    return Decoded128("".join(out), gs1)
