"""Shipping documents: every barcode scans back to its data, the text is there, the geometry meets GS1, bytes repeat.

Each document is rendered once per module with realistic data (accented and non-Latin names, long addresses, a
25-line slip over two pages), rasterized with pdftoppm at 300 dpi and decoded with pyzbar, as a scanner would see
the printout. zxing-cpp additionally checks the SSCC's GS1 flag (symbology identifier ``]C1``), which pyzbar
does not report; it is required in CI (``CI=true``) and skipped elsewhere when not installed.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import inch, mm

from labels.barcodes import dots_to_pt, gs1_128_modules, pt_to_dots
from labels.customs import plan_cn22, render_commercial_invoice, render_customs_declaration
from labels.manifest import plan_manifest, render_manifest
from labels.model import CN22_MAX_ITEMS, Address, SlipLine, choose_customs_form, country_name
from labels.packing_slip import plan_packing_slip, render_packing_slip
from labels.shipping_label import (
    PAGE_SIZE,
    SSCC_MODULE_DOTS,
    plan_shipping_label,
    render_shipping_label,
)
from tests.labels.sample_documents import (
    CN22,
    CN23,
    CUSTOMS_ITEMS,
    INVOICE,
    LABEL,
    MANIFEST,
    ORDER,
    SLIP,
    SSCC,
    TRACKING,
    US_BUYER,
    WAREHOUSE,
    customs_data,
    slip_data,
)
from tests.support.pdfcheck import (
    decode_barcodes,
    in_ci,
    pdf_metadata,
    pdf_page_texts,
    rasterize_pdf,
    require_pdftoppm,
    require_zbar,
)

# --- rendering and reading once per module ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Printed:
    """A rendered document, its rasterized pages (300 dpi, greyscale) and the text pypdf extracts."""

    pdf: bytes
    pages: list[Image.Image]
    texts: list[str]

    def codes(self, page: int) -> list[str]:
        return decode_barcodes(self.pages[page])


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Printed]]:
    """``printed(name)`` renders a named document once for the whole module and rasterizes it."""
    require_pdftoppm()
    require_zbar()
    renderers: dict[str, Callable[[], bytes]] = {
        "label": lambda: render_shipping_label(LABEL),
        "slip": lambda: render_packing_slip(SLIP),
        "cn22": lambda: render_customs_declaration(CN22),
        "cn23": lambda: render_customs_declaration(CN23),
        "invoice": lambda: render_commercial_invoice(INVOICE),
        "manifest": lambda: render_manifest(MANIFEST),
    }
    cache: dict[str, Printed] = {}
    directory = tmp_path_factory.mktemp("documents")

    def get(name: str) -> Printed:
        if name not in cache:
            pdf = renderers[name]()
            cache[name] = Printed(pdf, rasterize_pdf(pdf, directory / name), pdf_page_texts(pdf))
        return cache[name]

    yield get


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in PdfReader(BytesIO(pdf)).pages]


def require_zxing() -> Any:
    """The ``zxingcpp`` module: skipped when missing, except in CI, where the GS1 check must run."""
    try:
        import zxingcpp
    except ImportError:
        if in_ci():
            pytest.fail("zxing-cpp is not installed (required in CI to check the GS1 flag ]C1)")
        pytest.skip("zxing-cpp is not installed: cannot check the GS1 flag ]C1")
    return zxingcpp


# --- shipping label -----------------------------------------------------------------------------------------------


def test_label_barcodes_decode_to_tracking_and_sscc(printed: Callable[[str], Printed]) -> None:
    label = printed("label")
    assert len(label.pages) == 1
    # pyzbar leaves out the leading FNC1 of GS1-128: the SSCC comes back as AI 00 plus its 18 digits.
    assert sorted(label.codes(0)) == sorted([TRACKING, "00" + SSCC])


def test_label_sscc_is_gs1_for_zxing(printed: Callable[[str], Printed]) -> None:
    zxingcpp = require_zxing()
    found = {barcode.text: barcode for barcode in zxingcpp.read_barcodes(printed("label").pages[0])}
    sscc = found[f"(00){SSCC}"]  # zxing's default HRI text mode renders GS1 data with the AI in parentheses
    assert sscc.symbology_identifier == "]C1"
    assert sscc.content_type == zxingcpp.ContentType.GS1
    assert sscc.bytes == f"00{SSCC}".encode()
    assert found[TRACKING].symbology_identifier == "]C0"  # plain Code 128, no FNC1


def test_label_geometry_meets_gs1_and_carrier_minimums() -> None:
    plan = plan_shipping_label(LABEL)
    sscc, tracking = plan.sscc, plan.tracking.box
    assert sscc.module_width_pt == pytest.approx(dots_to_pt(SSCC_MODULE_DOTS))
    assert plan.sscc_module_mm >= 0.495
    assert sscc.height >= 25 * mm
    assert plan.tracking_module_mm >= 0.33
    for box in (sscc, tracking):
        assert pt_to_dots(box.module_width_pt) == pytest.approx(round(pt_to_dots(box.module_width_pt)))
        assert pt_to_dots(box.x) == pytest.approx(round(pt_to_dots(box.x)))  # bar edges on the 203 dpi grid
        assert box.x >= 0 and box.x + box.width <= PAGE_SIZE[0]  # quiet zones on the label
        assert box.y >= 0 and box.y + box.height <= PAGE_SIZE[1]
    assert sscc.y + sscc.height < tracking.y  # SSCC at the bottom, under the tracking barcode
    assert sscc.modules == len(gs1_128_modules([("00", SSCC)]))


def test_label_sscc_module_width_measured_on_the_printout(tmp_path: Path) -> None:
    """Rasterize at 406 dpi (two pixels per 203 dpi dot) and measure the SSCC's bars across a pixel row."""
    pdf = render_shipping_label(LABEL)
    (image,) = rasterize_pdf(pdf, tmp_path, dpi=406)
    pyzbar = require_zbar()
    (sscc,) = [found for found in pyzbar.decode(image) if found.data == f"00{SSCC}".encode()]
    row = image.crop((0, sscc.rect.top + sscc.rect.height // 2, image.width, sscc.rect.top + sscc.rect.height // 2 + 1))
    dark = [x for x, value in enumerate(row.convert("L").tobytes()) if value < 128]
    # The bars are the dark run around the decoded rectangle (the HRI text is below the sampled row).
    bars = [x for x in dark if sscc.rect.left - 40 <= x <= sscc.rect.left + sscc.rect.width + 40]
    bars_px = bars[-1] - bars[0] + 1  # first bar of the start character to the last bar of the stop pattern
    module_mm = bars_px / len(gs1_128_modules([("00", SSCC)])) / 406 * 25.4
    assert module_mm == pytest.approx(4 * 25.4 / 203, abs=0.01)
    assert module_mm >= 0.495
    runs = _runs([x in set(bars) for x in range(bars[0], bars[-1] + 1)])
    assert min(runs) >= 7  # the narrowest bar or space is a whole 4-dot module (8 px), give or take anti-aliasing


def _runs(flags: list[bool]) -> list[int]:
    lengths: list[int] = []
    for index, flag in enumerate(flags):
        if index and flag == flags[index - 1]:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def test_label_text(printed: Callable[[str], Printed]) -> None:
    (text,) = printed("label").texts
    for expected in (
        "DHL Paket",
        "EXPRESS",
        "Zoë Åberg-Núñez",
        "Ångström & Søn Møbelværksted ApS",
        "1050 København K",
        "DENMARK",
        "Nordlicht Versand GmbH",
        "80939 München",
        "12.35 kg",
        "2 of 3",
        "2025-03-14",
        f"Order {ORDER}",
        "Ref PO 7781/B",
        TRACKING,
        f"(00) {SSCC}",
    ):
        assert expected in text, expected
    assert "Brzęczyszczykiewicz" in text  # the long street line is shrunk or wrapped, never cut off
    assert page_sizes(printed("label").pdf) == [(4 * inch, 6 * inch)]
    assert pdf_metadata(printed("label").pdf)["/Title"] == f"Shipping label {TRACKING}"


def test_label_refuses_a_tracking_number_too_long_to_scan() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_shipping_label(dataclasses.replace(LABEL, tracking_number="AB" * 20))


# --- packing slip -------------------------------------------------------------------------------------------------


def test_slip_runs_over_two_pages_with_the_order_barcode_on_each(printed: Callable[[str], Printed]) -> None:
    slip = printed("slip")
    assert len(slip.pages) == plan_packing_slip(SLIP).page_count == 2
    assert [slip.codes(page) for page in range(2)] == [[ORDER], [ORDER]]
    for number, text in enumerate(slip.texts, start=1):
        assert "PACKING SLIP" in text and ORDER in text and "Nordlicht Versand GmbH" in text
        assert f"page {number} of 2" in text
    everything = "\n".join(slip.texts)
    assert [everything.count(f"SKU-{index:05d}") for index in range(25)] == [1] * 25  # no line lost or repeated
    assert "Ручка шариковая синяя" in everything and "Größe M" in everything
    assert "1 short: follows in a second parcel" in slip.texts[0]
    assert "1 item short, follows" in slip.texts[0]
    assert "Zoë Åberg-Núñez" in slip.texts[0]
    assert "Returns".upper() in slip.texts[-1] and "Retouren" in slip.texts[-1]
    assert "Total units" in slip.texts[-1]
    assert page_sizes(slip.pdf) == [pytest.approx((595.28, 841.89), abs=0.01)] * 2


def test_slip_six_lines_fit_one_letter_page(tmp_path: Path) -> None:
    data = slip_data(6, "Letter")
    pdf = render_packing_slip(data)
    assert page_sizes(pdf) == [(612.0, 792.0)]
    assert plan_packing_slip(data).order_barcode.module_mm >= 0.33
    (page,) = rasterize_pdf(pdf, tmp_path)
    assert decode_barcodes(page) == [ORDER]


def test_slip_tail_moves_to_its_own_page_when_the_table_fills_the_last_one() -> None:
    plans = [plan_packing_slip(slip_data(count)) for count in range(1, 60)]
    for count, plan in enumerate(plans, start=1):
        assert sum(len(rows) for rows in plan.pages) == count
        assert all(len(rows) > 0 for rows in plan.pages[:-1])
    assert any(len(plan.pages[-1]) == 0 for plan in plans)  # some length leaves no room for the totals


# --- customs ------------------------------------------------------------------------------------------------------


def test_cn22_label(printed: Callable[[str], Printed]) -> None:
    cn22 = printed("cn22")
    assert page_sizes(cn22.pdf) == [(4 * inch, 6 * inch)]
    assert cn22.codes(0) == [TRACKING]
    plan = plan_cn22(CN22)
    assert plan.tracking is not None and plan.tracking.module_mm >= 0.33
    (text,) = cn22.texts
    for expected in (
        "CN 22",
        "CUSTOMS DECLARATION",
        "Sale of goods",
        "6110.11",
        "691110",
        "0901.21",
        "Origin PT",
        "Origin ET",
        "179.80",
        "240.30",
        "3.215",
        "0.840",
        "Value (EUR)",
        "INV-2025-00731",
        "Jürgen Weiß",
        "dangerous article",
    ):
        assert expected in text, expected


def test_cn23_runs_over_pages_with_tracking_on_each(printed: Callable[[str], Printed]) -> None:
    cn23 = printed("cn23")
    assert len(cn23.pages) == 2
    assert [cn23.codes(page) for page in range(2)] == [[TRACKING], [TRACKING]]
    everything = "\n".join(cn23.texts)
    assert everything.count("Roasted coffee beans, not decaffeinated") == 14
    for expected in (
        "CUSTOMS DECLARATION CN 23",
        "From (sender)".upper(),
        "To (addressee)".upper(),
        "Atlanta GA 30309",
        "UNITED STATES",
        "BRO-PO-5521",
        "6110.11",
        "3,364.20",
        "38.500",
        "Postal charges",
        "page 2 of 2",
        "export filing requirements",
    ):
        assert expected in everything, expected


def test_commercial_invoice(printed: Callable[[str], Printed]) -> None:
    invoice = printed("invoice")
    assert invoice.codes(0) == [TRACKING]
    (text,) = invoice.texts
    for expected in (
        "COMMERCIAL INVOICE",
        "INV-2025-00731",
        ORDER,
        "DAP",
        "Sale of goods",
        "6110.11",
        "0901.21",
        "PT",
        "ET",
        "179.80",
        "240.30 EUR",
        "19.90 EUR",
        "260.20 EUR",
        "3.215 kg",
        "2.750 kg",
        "VAT / EORI DE123456789",
        "US-EIN 12-3456789",
        "Blue Ridge Warehouse",
        "Jürgen Weiß",
    ):
        assert expected in text, expected


def test_invoice_without_tracking_carries_the_order_barcode(tmp_path: Path) -> None:
    pdf = render_commercial_invoice(dataclasses.replace(INVOICE, tracking_number="", page_size="Letter"))
    assert page_sizes(pdf) == [(612.0, 792.0)]
    (page,) = rasterize_pdf(pdf, tmp_path)
    assert decode_barcodes(page) == [ORDER]


# --- manifest -----------------------------------------------------------------------------------------------------


def test_manifest_rows_and_id_decode_on_every_page(printed: Callable[[str], Printed]) -> None:
    manifest = printed("manifest")
    assert len(manifest.pages) == 2
    found = [manifest.codes(page) for page in range(len(manifest.pages))]
    assert all(codes.count("MAN-DHL-0314-01") == 1 for codes in found)
    tracking = sorted(code for codes in found for code in codes if code != "MAN-DHL-0314-01")
    assert tracking == sorted(line.tracking_number for line in MANIFEST.lines)
    everything = "\n".join(manifest.texts)
    assert "Total: 20 shipments" in everything
    assert f"{MANIFEST.total_cartons}" in manifest.texts[-1] and "75.00" in manifest.texts[-1]
    assert "Brzęczyszczykiewicz" in everything and "POLAND" in everything  # long names wrap, never cut
    assert "Received by (driver)".upper() in manifest.texts[-1]
    assert all(block.module_mm >= 0.25 for block in plan_manifest(MANIFEST).row_barcodes)


def test_empty_manifest_still_renders_totals() -> None:
    pdf = render_manifest(dataclasses.replace(MANIFEST, lines=()))
    (text,) = pdf_page_texts(pdf)
    assert "Total: 0 shipments" in text


# --- determinism and validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "render",
    [
        lambda: render_shipping_label(LABEL),
        lambda: render_shipping_label(LABEL, compress=True),
        lambda: render_packing_slip(SLIP),
        lambda: render_customs_declaration(CN22),
        lambda: render_customs_declaration(CN23),
        lambda: render_commercial_invoice(INVOICE),
        lambda: render_manifest(MANIFEST),
    ],
    ids=["label", "label-compressed", "slip", "cn22", "cn23", "invoice", "manifest"],
)
def test_rendering_is_byte_identical(render: Callable[[], bytes]) -> None:
    first = render()
    assert first.startswith(b"%PDF-")
    assert render() == first


def test_documents_do_not_depend_on_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = render_shipping_label(LABEL)
    monkeypatch.chdir(tmp_path)
    assert render_shipping_label(LABEL) == expected
    assert os.getcwd() == str(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sscc": SSCC[:-1] + str((int(SSCC[-1]) + 1) % 10)}, "check digit"),
        ({"sscc": "12345"}, "18 digits"),
        ({"carton_no": 4}, "out of range"),
        ({"tracking_number": "1Z 999 ü"}, "printable ASCII"),
        ({"weight_kg": Decimal(0)}, "positive"),
    ],
)
def test_label_data_is_checked(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(LABEL, **change)  # type: ignore[arg-type]


def test_floats_are_refused_for_weights_and_money() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        dataclasses.replace(LABEL, weight_kg=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Decimal"):
        dataclasses.replace(CUSTOMS_ITEMS[0], unit_value=9.99)  # type: ignore[arg-type]


def test_customs_data_is_checked() -> None:
    with pytest.raises(ValueError, match="add up to"):
        dataclasses.replace(CN22, total_value=Decimal("1.00"))
    with pytest.raises(ValueError, match="room for"):
        customs_data("CN22", CUSTOMS_ITEMS * 2)
    with pytest.raises(ValueError, match="in USD"):
        customs_data("CN23", (*CUSTOMS_ITEMS, dataclasses.replace(CUSTOMS_ITEMS[0], currency="USD")))
    with pytest.raises(ValueError, match="hs_code"):
        dataclasses.replace(CUSTOMS_ITEMS[0], hs_code="61")
    with pytest.raises(ValueError, match="ISO 3166"):
        dataclasses.replace(CUSTOMS_ITEMS[0], origin_country="Portugal")


def test_choose_customs_form() -> None:
    assert choose_customs_form(Decimal(300), CN22_MAX_ITEMS) == "CN22"
    assert choose_customs_form(Decimal("300.01"), 1) == "CN23"
    assert choose_customs_form(Decimal(10), CN22_MAX_ITEMS + 1) == "CN23"


def test_address_lines_follow_the_destination_post() -> None:
    assert US_BUYER.lines()[-2:] == ("Atlanta GA 30309", "UNITED STATES")
    london = Address(name="A. Smith", line1="10 Downing St", city="London", postal_code="SW1A 2AA", country="GB")
    assert london.lines() == ("A. Smith", "10 Downing St", "London", "SW1A 2AA", "UNITED KINGDOM")
    assert WAREHOUSE.lines()[-2:] == ("80939 München", "GERMANY")
    assert Address(name="X", line1="Y", city="Z", country="ZZ").lines()[-1] == "ZZ"  # unknown code printed as is
    assert SlipLine(sku="A", name="B", qty_ordered=3, qty_shipped=1).qty_short == 2


def test_every_accepted_country_prints_by_name() -> None:
    """Every code an order may carry prints as an English name in capitals, not as its code (TH printed "TH")."""
    from app.parsers.countries import EXTRA_ACCEPTED, ISO_3166_ALPHA2

    for code in ISO_3166_ALPHA2 + EXTRA_ACCEPTED:
        name = country_name(code)
        assert name != code and name == name.upper(), code
    assert Address(name="X", line1="Y", city="Bangkok", country="TH").lines()[-1] == "THAILAND"
    assert (country_name("KR"), country_name("TR"), country_name("XK")) == ("SOUTH KOREA", "TURKEY", "KOSOVO")
