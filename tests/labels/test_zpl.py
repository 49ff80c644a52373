"""ZPL II of the shipping label: structure, barcode fields, module widths, and escaping of user text.

No printer is needed: the checks read the ZPL the way the printer parses it (a format between ``^XA`` and
``^XZ``, one field per ``^FO ... ^FS``, ``^FH`` hex escapes in field data).
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from labels.barcodes import gs1_128_modules
from labels.gs1 import has_valid_check_digit
from labels.zpl import escape_field_data, shipping_label_zpl
from tests.labels.sample_documents import LABEL, RECIPIENT, SSCC, TRACKING

SSCC_FIELD = re.compile(r"\^FO(\d+),(\d+)\^BY(\d+),3,(\d+)\^BCN,(\d+),N,N,N,N\^FD>;>800(\d{18})\^FS")
TRACKING_FIELD = re.compile(r"\^FO(\d+),(\d+)\^BY(\d+),3,(\d+)\^BCN,(\d+),N,N,N,A\^FH\^FD([^^]*)\^FS")
FIELD = re.compile(r"\^FO(\d+),(\d+)(.*?)\^FD(.*?)\^FS")


def fields(zpl: str) -> list[tuple[int, int, str, str]]:
    """``(x, y, commands, data)`` of every ``^FO ... ^FD data ^FS`` field."""
    return [(int(x), int(y), commands, data) for x, y, commands, data in FIELD.findall(zpl)]


def test_structure_and_page_setup() -> None:
    zpl = shipping_label_zpl(LABEL)
    lines = zpl.splitlines()
    assert lines[0] == "^XA" and lines[-1] == "^XZ"
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    for command in ("^CI28", "^PW812", "^LL1218", "^LH0,0", "^PQ1"):
        assert command in lines, command
    for line in lines[1:-1]:  # one command group per line; every field opens and closes on its line
        assert line.startswith("^"), line
        if line.startswith("^FO"):
            assert line.endswith("^FS") and line.count("^FS") == 1 and line.count("^FD") <= 1, line
    for x, y, _, _ in fields(zpl):
        assert 0 <= x < 812 and 0 <= y < 1218


def test_sscc_is_gs1_128_at_four_dots_with_quiet_zones() -> None:
    zpl = shipping_label_zpl(LABEL)
    (match,) = SSCC_FIELD.findall(zpl)
    x, y, module, ratio_height, height = (int(value) for value in match[:5])
    digits = match[5]
    assert digits == SSCC and has_valid_check_digit(digits)
    assert module == 4  # 4 dots at 203 dpi = 0.500 mm >= 0.495 mm
    assert height == ratio_height and height >= 25 * 8  # bar height >= 25 mm at 8 dots/mm
    width = len(gs1_128_modules([("00", SSCC)])) * module
    assert x >= 10 * module and x + width <= 812 - 10 * module  # quiet zones on the label
    assert y + height < 1218
    assert f"^FD(00) {SSCC}^FS" in zpl  # our human-readable line, AI in parentheses


def test_tracking_is_code128_automatic_mode() -> None:
    zpl = shipping_label_zpl(LABEL)
    (match,) = TRACKING_FIELD.findall(zpl)
    module, data = int(match[2]), match[5]
    assert data == TRACKING
    assert 3 <= module <= 4  # 0.375-0.5 mm at 203 dpi
    assert zpl.count(f"^FD{TRACKING}^FS") == 2  # the symbol and its centred text line


def test_user_text_is_escaped() -> None:
    hostile = dataclasses.replace(
        LABEL,
        ship_to=dataclasses.replace(RECIPIENT, name="Evil^XZ~JA_x\\y\tName", company="Søn ~DG"),
        reference="PO^FS",
    )
    zpl = shipping_label_zpl(hostile)
    assert zpl.count("^XZ") == 1 and "~JA" not in zpl and "~DG" not in zpl
    assert "^FDEvil_5EXZ_7EJA_5Fx_5Cy Name^FS" in zpl
    assert "^FDSøn _7EDG^FS" in zpl  # UTF-8 passes through (^CI28); only the command characters are escaped
    assert "^FDRef PO_5EFS^FS" in zpl
    for _, _, commands, data in fields(zpl):
        assert "^" not in data and "~" not in data
        if ">;>8" not in data:
            assert commands.endswith("^FH"), commands  # every escaped field announces its hex indicator


def test_escape_field_data() -> None:
    assert escape_field_data("a_b^c~d\\e") == "a_5Fb_5Ec_7Ed_5Ce"
    assert escape_field_data("line\nbreak\x7f") == "line break "
    assert escape_field_data("Zoë Åberg") == "Zoë Åberg"


def test_other_resolutions_keep_module_widths_in_millimetres() -> None:
    zpl = shipping_label_zpl(LABEL, dpi=300)
    assert "^PW1200" in zpl and "^LL1800" in zpl
    (match,) = SSCC_FIELD.findall(zpl)
    assert int(match[2]) == 6  # 6 dots at 300 dpi = 0.508 mm
    (tracking,) = TRACKING_FIELD.findall(zpl)
    assert int(tracking[2]) * 25.4 / 300 >= 0.33


def test_refusals() -> None:
    with pytest.raises(ValueError, match="dpi"):
        shipping_label_zpl(LABEL, dpi=150)
    with pytest.raises(ValueError, match="'>'"):
        shipping_label_zpl(dataclasses.replace(LABEL, tracking_number="AB>12"))
    with pytest.raises(ValueError, match="too long"):
        shipping_label_zpl(dataclasses.replace(LABEL, tracking_number="AB" * 20))


def test_zpl_is_deterministic_and_ascii_safe() -> None:
    first = shipping_label_zpl(LABEL)
    assert shipping_label_zpl(LABEL) == first
    first.encode("utf-8")  # what is sent to the printer under ^CI28
    assert "København" in first and "12.35 kg" in first and "2 of 3" in first
