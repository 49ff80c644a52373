"""Outside text on every document prints literally: ReportLab markup (``<b>``, ``<font size=80>``, ``&amp;``) and
Rich markup are not interpreted, control characters, direction overrides and emoji neither crash a render nor
break the PDF, a 3,000-character line is laid out in well under a second, and the ZPL label escapes ``^``/``~``.

Each PDF is read back with pypdf, as a person (or a carrier's system) reading the document would.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from labels.customs import render_commercial_invoice, render_customs_declaration
from labels.manifest import render_manifest
from labels.model import CustomsItem, ManifestLine, SlipLine
from labels.packing_slip import render_packing_slip
from labels.sheet import SheetLabel, render_label_sheet
from labels.shipping_label import render_shipping_label
from labels.text import printable
from labels.zpl import shipping_label_zpl
from tests.labels.sample_documents import CN23, INVOICE, LABEL, MANIFEST, RECIPIENT, US_BUYER, slip_data

TOM = "Tom & Jerry <b>"
FONT = "<font size=80>"
ENTITY = "&amp; &lt;"
RICH = "oops [/] broken"
CONTROL = "a\x00b\x1bc\x07d"
RTL = "abc\u202edcba"
EMOJI = "Box \U0001f4e6 ok"
LONG = "W" * 3000


def read(pdf: bytes) -> str:
    """All text pypdf extracts (an emoji drawn unpatched broke its font mapping: it extracted as nothing)."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces as one space (a long line wraps on the page)."""
    return " ".join(text.split())


HOSTILE_ADDRESS = dataclasses.replace(RECIPIENT, name=TOM, company=FONT, line1=ENTITY, line2=RICH, city=CONTROL)


def test_printable_replaces_only_what_a_page_cannot_carry() -> None:
    assert printable(TOM) == TOM and printable(FONT) == FONT and printable("Zoë Åberg") == "Zoë Åberg"
    assert printable(CONTROL) == "a b c d"
    assert printable(RTL) == "abcdcba"
    assert printable(EMOJI) == "Box \ufffd ok"


@pytest.mark.parametrize(
    ("name", "render", "expected"),
    [
        (
            "label",
            lambda: render_shipping_label(dataclasses.replace(LABEL, ship_to=HOSTILE_ADDRESS, reference="<b>&</b>")),
            [TOM, FONT, ENTITY, RICH, "a b c d", "<b>&</b>"],
        ),
        (
            "slip",
            lambda: render_packing_slip(
                dataclasses.replace(
                    slip_data(2),
                    ship_to=HOSTILE_ADDRESS,
                    lines=[
                        SlipLine(
                            sku="<b>SKU</b>", name=f"{TOM} {RTL} {EMOJI}", qty_ordered=2, qty_shipped=2, note=FONT
                        ),
                        SlipLine(sku="LONG-1", name=LONG, qty_ordered=1, qty_shipped=1),
                    ],
                    shipment_note=ENTITY,
                )
            ),
            [TOM, FONT, ENTITY, RICH, "<b>SKU</b>", "abcdcba", "Box \ufffd ok", "W" * 25 + " " + "W" * 25],
        ),
        (
            "cn23",
            lambda: render_customs_declaration(
                dataclasses.replace(
                    CN23,
                    recipient=dataclasses.replace(US_BUYER, name=TOM, company=FONT),
                    comments=ENTITY,
                    items=(dataclasses.replace(CN23.items[0], description=f"{RICH} <i>wool</i>"), *CN23.items[1:]),
                )
            ),
            [TOM, FONT, ENTITY, RICH, "<i>wool</i>"],
        ),
        (
            "invoice",
            lambda: render_commercial_invoice(
                dataclasses.replace(
                    INVOICE,
                    buyer=dataclasses.replace(US_BUYER, name=TOM, line1=LONG),
                    items=(
                        CustomsItem(
                            description=f"{FONT} {CONTROL}",
                            hs_code="6110.11",
                            origin_country="PT",
                            qty=1,
                            unit_value=Decimal("10.00"),
                            currency="EUR",
                            net_weight_kg=Decimal("0.5"),
                        ),
                    ),
                )
            ),
            [TOM, FONT, "a b c d"],
        ),
        (
            "manifest",
            lambda: render_manifest(
                dataclasses.replace(
                    MANIFEST,
                    lines=[dataclasses.replace(MANIFEST.lines[0], recipient_name=TOM, order_number="<b>#1</b>")],
                )
            ),
            [TOM, "<b>#1</b>"],
        ),
        (
            "badge sheet",
            lambda: render_label_sheet([SheetLabel.badge("BADGE-X", TOM, FONT)]),
            [TOM, FONT],
        ),
    ],
)
def test_documents_print_outside_text_literally(name: str, render: Callable[[], bytes], expected: list[str]) -> None:
    started = time.perf_counter()
    pdf = render()
    assert time.perf_counter() - started < 2.0, f"{name}: a long line must not stall the packing station"
    text = flat(read(pdf))
    for value in expected:
        assert value in text, f"{name}: {value!r} not printed as it is"
    assert "\x00" not in text and "\x1b" not in text and "\u202e" not in text


def test_zpl_escapes_commands_in_outside_text() -> None:
    zpl = shipping_label_zpl(
        dataclasses.replace(
            LABEL, ship_to=dataclasses.replace(RECIPIENT, name="^XA^FDpwn^FS~JR", company=f"{TOM} {RTL}", line1=LONG)
        )
    )
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1 and "~JR" not in zpl
    assert "^FD_5EXA_5EFDpwn_5EFS_7EJR^FS" in zpl
    assert f"^FD{TOM}" in zpl  # & and < mean nothing to ZPL


def test_manifest_line_type_is_unchanged() -> None:
    """The manifest test above replaces a field of a real ``ManifestLine`` (a guard against renamed fields)."""
    assert {"recipient_name", "order_number"} <= {f.name for f in dataclasses.fields(ManifestLine)}
