"""Fixtures for document tests: read the barcodes of a rendered PDF the way a scanner would see the printout."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support.pdfcheck import (
    RASTER_DPI,
    BarcodeReader,
    decode_pdf_barcodes,
    require_pdftoppm,
    require_zbar,
)


@pytest.fixture
def read_pdf_barcodes(tmp_path: Path) -> BarcodeReader:
    """``read(pdf)`` -> the decoded barcode payloads of each page (pdftoppm at 300 dpi, then pyzbar).

    Skips up front (fails in CI) when pdftoppm or libzbar is missing.
    """
    require_pdftoppm()
    require_zbar()
    runs = itertools.count()

    def read(pdf: bytes, *, dpi: int = RASTER_DPI, symbologies: Sequence[str] = ("CODE128",)) -> list[list[str]]:
        return decode_pdf_barcodes(pdf, tmp_path / f"raster-{next(runs)}", dpi=dpi, symbologies=symbologies)

    return read
