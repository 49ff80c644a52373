"""Barcode primitives: GS1 helpers, module encoders (checked by a reference decoder), and printed round trips."""

from __future__ import annotations

import io
import random
import string

import pytest
from biip.gs1_messages import GS1Message
from biip.sscc import Sscc
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from labels.barcodes import (
    QUIET_ZONE_MODULES,
    code128_modules,
    dots_to_pt,
    draw_code128,
    draw_gs1_128,
    gs1_128_modules,
    measure_code128,
    measure_gs1_128,
    pt_to_dots,
    snap_to_dots,
)
from labels.gs1 import (
    GS,
    Element,
    format_hri,
    gs1_check_digit,
    join_elements,
    parse_hri,
    sscc_with_check,
    validate_elements,
    with_check_digit,
)
from tests.support.code128 import decode_modules
from tests.support.pdfcheck import BarcodeReader, pdf_page_texts

SET_82_WITHOUT_PARENTHESES = "!\"%&'*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def random_elements(rng: random.Random) -> tuple[Element, ...]:
    """A valid multi-AI element string mixing fixed and variable fields, often with odd digit runs after FNC1."""

    def digits(n: int) -> str:
        return "".join(rng.choice(string.digits) for _ in range(n))

    def text(max_length: int) -> str:
        alphabet = string.digits if rng.random() < 0.5 else SET_82_WITHOUT_PARENTHESES
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, max_length)))

    makers = {
        "00": lambda: sscc_with_check(rng.randint(0, 9), digits(rng.randint(7, 10)), rng.randint(0, 99999)),
        "01": lambda: with_check_digit(digits(13)),
        "10": lambda: text(20),
        "17": lambda: f"{rng.randint(24, 39):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        "21": lambda: text(20),
        "37": lambda: str(rng.randint(1, 10 ** rng.randint(1, 8) - 1)),
        "3103": lambda: digits(6),
    }
    while True:
        ais = rng.sample(sorted(makers), rng.randint(2, 4))
        candidate = [(ai, makers[ai]()) for ai in ais]
        try:
            return validate_elements(candidate)
        except ValueError:
            continue  # over the 48-character limit: draw again


def scanner_data(elements: tuple[Element, ...]) -> str:
    """What a scanner sends for these elements, computed independently of labels.gs1 by biip."""
    value: str = GS1Message.parse_hri("".join(f"({ai}){value}" for ai, value in elements)).value
    return value


# --- units and GS1 helpers -------------------------------------------------------------------------------


def test_dots_and_points() -> None:
    assert dots_to_pt(203) == pytest.approx(72.0)
    assert pt_to_dots(72.0, 300) == pytest.approx(300.0)
    assert snap_to_dots(1.0) == pytest.approx(dots_to_pt(3))  # 1 pt is 2.82 dots at 203 dpi
    assert snap_to_dots(0.01) == pytest.approx(dots_to_pt(1))  # never thinner than one dot
    assert snap_to_dots(1.0, None) == 1.0


@pytest.mark.parametrize(
    ("digits", "check"),
    [("0950110153000", 3), ("30614141123456789", 1), ("629104150021", 3), ("400638133393", 1), ("0", 0)],
)
def test_gs1_check_digit(digits: str, check: int) -> None:
    assert gs1_check_digit(digits) == check


def test_check_digit_rejects_non_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        gs1_check_digit("12a4")


def test_sscc_with_check() -> None:
    assert sscc_with_check(3, "0614141", 123456789) == "306141411234567891"
    padded = sscc_with_check("0", "4012345", 1)
    assert padded.startswith("04012345000000001")
    Sscc.parse(padded)  # biip checks the check digit independently
    with pytest.raises(ValueError, match="serial"):
        sscc_with_check(0, "4012345", 10**9)
    with pytest.raises(ValueError, match="extension"):
        sscc_with_check(10, "4012345", 1)


def test_parse_hri_and_separators() -> None:
    elements = parse_hri("(01)09501101530003 (10)LOT7(17)260131(21)S/1")
    assert elements == (
        Element("01", "09501101530003"),
        Element("10", "LOT7"),
        Element("17", "260131"),
        Element("21", "S/1"),
    )
    # GS only after a variable-length field that is not last; fixed-length (01) and (17) need none.
    assert join_elements(elements) == f"010950110153000310LOT7{GS}1726013121S/1"
    assert format_hri(elements) == "(01) 09501101530003 (10) LOT7 (17) 260131 (21) S/1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(01)09501101530004", "check digit"),
        ("(00)306141411234567890", "check digit"),
        ("(17)261301", "format"),
        ("(37)123456789", "format"),
        ("(10)", "empty"),
        ("(10)café", "set 82"),
        ("(23)12", "not a GS1 application identifier"),
        ("01 09501101530003", "form"),
        ("(10)ABCDEFGHIJKLMNOPQRST(21)ABCDEFGHIJKLMNOPQRST(37)12", "48"),
    ],
)
def test_invalid_element_strings_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hri(text)


def test_values_with_parentheses_go_as_pairs() -> None:
    modules = gs1_128_modules([("10", "A(1)"), ("21", "7")])
    assert decode_modules(modules).text == f"10A(1){GS}217"


# --- module encoders against the reference decoder (fast, no rasterizing) --------------------------------


def test_code128_modules_round_trip_random_text() -> None:
    rng = random.Random(128)
    alphabet = string.ascii_letters + string.digits * 4 + string.punctuation + " "
    for _ in range(400):
        data = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        decoded = decode_modules(code128_modules(data))
        assert (decoded.text, decoded.gs1) == (data, False), data


@pytest.mark.parametrize("data", ["1", "12", "123", "12345", "A1", "A123B", "TOTE-0001", "\tLOW\x01", "x" * 40])
def test_code128_modules_round_trip_edge_cases(data: str) -> None:
    assert decode_modules(code128_modules(data)).text == data


@pytest.mark.parametrize("data", ["", "naïve", "\xf1010950110153000310A"])
def test_code128_refuses_empty_non_ascii_and_fnc(data: str) -> None:
    with pytest.raises(ValueError):
        code128_modules(data)


def test_gs1_128_modules_round_trip_random_element_strings() -> None:
    rng = random.Random(1281)
    for _ in range(400):
        elements = random_elements(rng)
        decoded = decode_modules(gs1_128_modules(elements))
        assert decoded.gs1
        assert decoded.text == scanner_data(elements), format_hri(elements)


def test_box_geometry_is_snapped_and_measurable() -> None:
    canvas = Canvas(io.BytesIO(), invariant=1)
    module = dots_to_pt(3)
    box = draw_gs1_128(canvas, 10.1, 20.0, "(00)306141411234567891", module_width_pt=1.0, height_pt=30.0)
    assert box.module_width_pt == pytest.approx(module)
    assert pt_to_dots(box.x) == pytest.approx(round(pt_to_dots(box.x)))  # left edge on the dot grid
    assert 10.1 <= box.x < 10.1 + module
    assert box.width == pytest.approx((box.modules + 2 * QUIET_ZONE_MODULES) * module)
    measured = measure_gs1_128("(00)306141411234567891", module_width_pt=1.0, height_pt=30.0)
    assert (measured.width, measured.height) == pytest.approx((box.width, box.height))
    assert box.height > 30.0  # bars plus the human-readable line

    plain = draw_code128(canvas, 0, 0, "A03-12-L-2", module_width_pt=1.0, height_pt=30.0, human_readable=False)
    assert plain.height == 30.0
    assert plain.modules == len(code128_modules("A03-12-L-2"))
    assert measure_code128("A03-12-L-2", module_width_pt=1.0, height_pt=30.0, human_readable=False) == plain


# --- printed round trips: PDF -> pdftoppm 300 dpi -> pyzbar ------------------------------------------------


def _page_of_symbols(draw_calls: list[tuple[str, object]], module_dots: int) -> bytes:
    """One A4 page per 10 symbols, drawn with ``draw_gs1_128`` or ``draw_code128``."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for index, (kind, data) in enumerate(draw_calls):
        if index and index % 10 == 0:
            canvas.showPage()
        y = A4[1] - 80 - (index % 10) * 76
        options = {"module_width_pt": dots_to_pt(module_dots), "height_pt": 30.0}
        if kind == "gs1":
            draw_gs1_128(canvas, 36, y, data, **options)  # type: ignore[arg-type]
        else:
            draw_code128(canvas, 36, y, str(data), **options)  # type: ignore[arg-type]
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_gs1_128_printed_round_trip(read_pdf_barcodes: BarcodeReader) -> None:
    rng = random.Random(20240)
    samples = [random_elements(rng) for _ in range(50)]
    pdf = _page_of_symbols([("gs1", elements) for elements in samples], module_dots=2)

    pages = read_pdf_barcodes(pdf)

    assert len(pages) == 5
    for page, page_samples in zip(pages, [samples[i : i + 10] for i in range(0, 50, 10)], strict=True):
        # pyzbar: no leading FNC1, GS (0x1d) after each variable-length field that is followed by another.
        assert sorted(page) == sorted(scanner_data(elements) for elements in page_samples)
    texts = pdf_page_texts(pdf)
    assert format_hri(samples[0]) in texts[0]
    assert "ñ" not in "".join(texts)


def test_code128_printed_round_trip(read_pdf_barcodes: BarcodeReader) -> None:
    codes = ["A03-12-L-2", "TOTE-0001", "RES-01-04", "BOX-small", "12345", "A1b2C3d4", "order #1042", "x"]
    pdf = _page_of_symbols([("code128", code) for code in codes], module_dots=3)

    (page,) = read_pdf_barcodes(pdf)

    assert sorted(page) == sorted(codes)
