"""Which labels go on a sheet: tote ranges are checked before anything is drawn and need no database."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.services import label_sheets
from app.services.errors import InvalidInput


def test_tote_range_names_every_tote() -> None:
    assert label_sheets.tote_codes("1-3") == ["TOTE-0001", "TOTE-0002", "TOTE-0003"]
    assert label_sheets.tote_codes("40-40") == ["TOTE-0040"]


@pytest.mark.parametrize("spec", ["9-1", "0-4", "1-", "a-b", "1 - 4", "-3"])
def test_bad_tote_range_is_bad_input(spec: str) -> None:
    with pytest.raises(InvalidInput, match=r"--totes .*expected a range like 1-40"):
        label_sheets.tote_codes(spec)


def test_tote_sheet_needs_no_database() -> None:
    sheet = label_sheets.tote_sheet("1-25", page_size="Letter")
    assert sheet.count == 25
    assert len(PdfReader(io.BytesIO(sheet.pdf)).pages) == 2  # 24 labels a page
