"""The label sheet: every barcode scans back to its code, the text is there, and rendering is deterministic."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from labels.sheet import (
    MIN_BAR_HEIGHT_PT,
    MIN_MODULE_PT,
    SHEET_LAYOUTS,
    SheetLabel,
    describe_location,
    fit_module_width,
    plan_label,
    render_label_sheet,
)
from tests.support.pdfcheck import BarcodeReader, pdf_metadata, pdf_page_texts

REPO_ROOT = Path(__file__).resolve().parents[2]


def mixed_labels() -> list[SheetLabel]:
    """30 labels (two A4 pages): locations, a reserve location, totes, and badges with non-ASCII names."""
    locations = [
        SheetLabel.location(f"A{aisle:02d}-{bay:02d}-{side}-{level}")
        for aisle, bay, side, level in [
            (1, 1, "L", 1),
            (3, 12, "L", 2),
            (10, 30, "R", 4),
            (7, 105, "R", 1),
            (2, 8, "L", 3),
            (9, 15, "R", 2),
            (4, 4, "L", 1),
            (5, 22, "R", 3),
            (6, 9, "L", 4),
            (8, 27, "R", 2),
            (1, 2, "R", 1),
            (2, 3, "L", 2),
        ]
    ]
    locations.append(SheetLabel.location("RES-01-04", "Reserve rack 1, position 4"))
    totes = [SheetLabel.tote(f"TOTE-{n:04d}", "Pick tote") for n in (1, 2, 17, 42, 123, 999, 1000, 4711)]
    totes.append(SheetLabel.tote("TOTE-123456"))
    badges = [
        SheetLabel.badge("B-1001", "Zoë Åberg", "picker"),
        SheetLabel.badge("B-1002", "José Núñez", "packer"),
        SheetLabel.badge("U-7", "Ana", "supervisor"),
        SheetLabel.badge("BADGE-42", "Grzegorz Brzęczyszczykiewicz", "admin"),
        SheetLabel.badge("B-1005", "Li Wei", "picker"),
        SheetLabel.badge("B-1006", "Oluwaseun Adeyemi", "packer"),
        SheetLabel.badge("B-1007", "Sam O'Neil", "picker"),
        SheetLabel.badge("b-1008", "Kim", "picker"),
    ]
    return locations + totes + badges


@pytest.fixture(scope="module")
def labels() -> list[SheetLabel]:
    return mixed_labels()


@pytest.fixture(scope="module")
def sheet_pdf(labels: list[SheetLabel]) -> bytes:
    return render_label_sheet(labels, title="Test sheet")


def test_every_barcode_decodes_to_exactly_its_code(
    labels: list[SheetLabel], sheet_pdf: bytes, read_pdf_barcodes: BarcodeReader
) -> None:
    pages = read_pdf_barcodes(sheet_pdf)

    assert len(pages) == 2
    assert sorted(pages[0]) == sorted(label.code for label in labels[:24])
    assert sorted(pages[1]) == sorted(label.code for label in labels[24:])


def test_titles_subtitles_and_codes_are_text(labels: list[SheetLabel], sheet_pdf: bytes) -> None:
    pages = pdf_page_texts(sheet_pdf)

    assert len(pages) == 2
    for index, label in enumerate(labels):
        page = pages[index // 24]
        assert label.title in page
        assert label.code in page
        if label.subtitle:
            assert label.subtitle in page
    assert "Aisle 3 · Bay 12 · left · level 2" in pages[0]


def test_metadata(sheet_pdf: bytes) -> None:
    metadata = pdf_metadata(sheet_pdf)
    assert metadata["/Title"] == "Test sheet"
    assert metadata["/Author"] == "pickpack"
    assert metadata["/Subject"] == "13 location, 9 tote, 8 badge labels"


def test_rendering_is_byte_identical(labels: list[SheetLabel], sheet_pdf: bytes) -> None:
    assert render_label_sheet(labels, title="Test sheet") == sheet_pdf


def test_rendering_is_byte_identical_across_processes(labels: list[SheetLabel]) -> None:
    """No per-process state (hash seeds, registration order, clocks) leaks into the bytes."""
    script = (
        "import hashlib, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from tests.labels.test_sheet import mixed_labels\n"
        "from labels.sheet import render_label_sheet\n"
        "print(hashlib.sha256(render_label_sheet(mixed_labels())).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(REPO_ROOT)], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == hashlib.sha256(render_label_sheet(labels)).hexdigest()


def test_letter_sheet(read_pdf_barcodes: BarcodeReader) -> None:
    labels = [SheetLabel.location("A01-01-L-1"), SheetLabel.tote("TOTE-0007"), SheetLabel.badge("B-9", "Ida", "admin")]
    pdf = render_label_sheet(labels, page_size="Letter")

    (page,) = PdfReader(io.BytesIO(pdf)).pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612.0, 792.0)
    (decoded,) = read_pdf_barcodes(pdf)
    assert sorted(decoded) == sorted(label.code for label in labels)


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (24, 1), (25, 2), (49, 3)])
def test_page_count(count: int, pages: int) -> None:
    pdf = render_label_sheet([SheetLabel.tote(f"TOTE-{n:04d}") for n in range(count)])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages


@pytest.mark.parametrize("layout", sorted(SHEET_LAYOUTS))
def test_barcodes_are_large_enough_to_scan(layout: str, labels: list[SheetLabel]) -> None:
    for label in [*labels, SheetLabel.tote("ABCDEFGHIJKL")]:
        plan = plan_label(label, SHEET_LAYOUTS[layout])
        assert plan.module_width_pt >= MIN_MODULE_PT, label.code
        assert plan.bar_height_pt >= MIN_BAR_HEIGHT_PT, label.code


def test_module_width_is_whole_dots_within_bounds() -> None:
    dot = 72 / 300
    width = fit_module_width("A03-12-L-2", 70 * mm)
    assert width / dot == pytest.approx(round(width / dot))
    assert 0.33 * mm <= width <= 0.51 * mm


def test_long_title_is_shortened_not_overflowing() -> None:
    plan = plan_label(SheetLabel.badge("B-1", "Maximilian Alexander von Hohenzollern", "admin"), SHEET_LAYOUTS["A4"])
    assert plan.title_text.endswith("…")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SheetLabel("pallet", "P-1", "P-1"), "kind"),  # type: ignore[arg-type]
        (lambda: SheetLabel.tote(""), "printable ASCII"),
        (lambda: SheetLabel.badge("B-ü", "Jürgen", "picker"), "printable ASCII"),
        (lambda: SheetLabel.badge("B-1", " ", "picker"), "title"),
    ],
)
def test_invalid_labels_are_refused(make: Callable[[], SheetLabel], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_code_too_long_to_scan_is_refused() -> None:
    with pytest.raises(ValueError, match="'TOTE-ABCDEFGHIJKLM'"):
        render_label_sheet([SheetLabel.tote("TOTE-0001"), SheetLabel.tote("TOTE-ABCDEFGHIJKLM")])


def test_empty_sheet_and_unknown_page_size_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        render_label_sheet([])
    with pytest.raises(ValueError, match="page size"):
        render_label_sheet([SheetLabel.tote("TOTE-1")], page_size="A5")  # type: ignore[arg-type]


def test_describe_location() -> None:
    assert describe_location("A03-12-L-2") == "Aisle 3 · Bay 12 · left · level 2"
    assert describe_location("A10-105-R-4") == "Aisle 10 · Bay 105 · right · level 4"
    assert describe_location("RES-01-04") == ""
    assert SheetLabel.location("RES-01-04").subtitle == ""


def test_labels_package_imports_nothing_from_app() -> None:
    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import labels, labels.sheet, labels.barcodes, labels.gs1, labels.fonts\n"
        "print(sorted(m for m in sys.modules if m == 'app' or m.startswith('app.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(REPO_ROOT)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
