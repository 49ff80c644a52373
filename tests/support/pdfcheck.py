"""Prove what a rendered PDF carries: rasterize pages with pdftoppm, decode barcodes with pyzbar, read text.

Used by the document tests (label sheets now; shipping labels, slips and customs forms later). Barcodes are
checked on the rasterized page, as a scanner would see the printout, rather than by inspecting drawing
commands. pyzbar cannot read DataMatrix; use zxing-cpp for those.

Without pdftoppm (poppler-utils) or libzbar the checks skip with the reason, except in CI (``CI=true``), where
they fail: a missing tool must not turn barcode tests green there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import pytest
from PIL import Image

RASTER_DPI = 300


class BarcodeReader(Protocol):
    """Type of the ``read_pdf_barcodes`` fixture: PDF bytes -> decoded barcode payloads per page."""

    def __call__(
        self, pdf: bytes, *, dpi: int = RASTER_DPI, symbologies: Sequence[str] = ("CODE128",)
    ) -> list[list[str]]: ...


def in_ci() -> bool:
    """Whether we run in CI (``CI`` set to true/1/yes, as GitHub Actions and most CI systems do)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def require_pdftoppm() -> str:
    """Path of ``pdftoppm``; skips the test (fails in CI) when poppler-utils is not installed."""
    path = shutil.which("pdftoppm")
    if path is None:
        _missing("pdftoppm (poppler-utils) is not installed: cannot rasterize PDFs to check barcodes")
    assert path is not None
    return path


def require_zbar() -> Any:
    """The ``pyzbar.pyzbar`` module; skips the test (fails in CI) when the zbar shared library is missing."""
    try:
        from pyzbar import pyzbar
    except ImportError as error:  # pyzbar raises ImportError when libzbar0 cannot be loaded
        _missing(f"pyzbar cannot load the zbar library (install libzbar0): {error}")
    return pyzbar


def rasterize_pdf(pdf: bytes, directory: Path, *, dpi: int = RASTER_DPI) -> list[Image.Image]:
    """Render every page of ``pdf`` to a greyscale PIL image at ``dpi`` with ``pdftoppm -png``, in page order."""
    pdftoppm = require_pdftoppm()
    directory.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="pages-", dir=directory))  # never mix pages of two documents
    source = directory / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-png", "-gray", str(source), str(directory / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    # pdftoppm pads page numbers to the width of the page count (page-1.png or page-01.png ...).
    pages = sorted(directory.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    images = []
    for page in pages:
        with Image.open(page) as image:
            images.append(image.copy())
    return images


def decode_barcodes(image: Image.Image, *, symbologies: Sequence[str] = ("CODE128",)) -> list[str]:
    """Decode the barcodes of the given zbar symbologies in ``image``; data as text (Latin-1), page order.

    For GS1-128, zbar leaves out the leading FNC1 (there is no ``]C1`` prefix and pyzbar does not report
    zbar's GS1 flag) and sends every later FNC1 as GS (``\\x1d``).
    """
    pyzbar = require_zbar()
    symbols = [pyzbar.ZBarSymbol[name] for name in symbologies]
    found = pyzbar.decode(image, symbols=symbols)
    found.sort(key=lambda d: (d.rect.top, d.rect.left))
    return [d.data.decode("latin-1") for d in found]


def decode_pdf_barcodes(
    pdf: bytes, directory: Path, *, dpi: int = RASTER_DPI, symbologies: Sequence[str] = ("CODE128",)
) -> list[list[str]]:
    """Rasterize ``pdf`` and decode each page: one list of barcode payloads per page."""
    return [decode_barcodes(image, symbologies=symbologies) for image in rasterize_pdf(pdf, directory, dpi=dpi)]


def pdf_page_texts(pdf: bytes) -> list[str]:
    """The extracted text of every page (pypdf), to check what a document says."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    """The document information dictionary (``/Title``, ``/Author``, ...) as plain strings."""
    from pypdf import PdfReader

    metadata = PdfReader(BytesIO(pdf)).metadata or {}
    return {str(key): str(value) for key, value in metadata.items()}
