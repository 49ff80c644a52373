"""`pickpack labels sheet`: the printed location, tote and badge labels scan back to what the terminal expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.scans import classify
from tests.integration.test_cli import pickpack
from tests.support.pdfcheck import decode_pdf_barcodes, pdf_page_texts


@pytest.mark.slow
def test_location_tote_and_badge_sheets_decode(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "aisle3.pdf"
    result = pickpack("labels", "sheet", "locations", "--aisle", "3", "--level", "1", "--out", str(out),
                      db_url=db_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "60 locations labels" in result.stderr  # 30 bays x 2 sides on level 1
    pages = decode_pdf_barcodes(out.read_bytes(), tmp_path / "p1")
    decoded = sorted(code for page in pages for code in page)
    assert decoded == sorted(f"A03-{bay:02d}-{side}-1" for bay in range(1, 31) for side in "LR")
    assert all(classify(code).kind == "location" for code in decoded)

    totes = tmp_path / "totes.pdf"
    assert pickpack("labels", "sheet", "totes", "--totes", "1-12", "--out", str(totes), db_url=db_url).returncode == 0
    tote_codes = [c for page in decode_pdf_barcodes(totes.read_bytes(), tmp_path / "p2") for c in page]
    assert sorted(tote_codes) == [f"TOTE-{n:04d}" for n in range(1, 13)]

    made = pickpack("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444", db_url=db_url)
    assert made.returncode == 0, made.stderr  # the first admin needs nobody's PIN
    made = pickpack(
        "users",
        "add",
        "pia",
        "--role",
        "picker",
        "--badge",
        "BADGE-PIA",
        "--pin",
        "1111",
        "--user",
        "adam",
        db_url=db_url,
        pin="4444",
    )
    assert made.returncode == 0, made.stderr
    badges = tmp_path / "badges.pdf"
    assert pickpack("labels", "sheet", "badges", "--out", str(badges), db_url=db_url).returncode == 0
    assert sorted(c for page in decode_pdf_barcodes(badges.read_bytes(), tmp_path / "p3") for c in page) == [
        "BADGE-ADAM",
        "BADGE-PIA",
    ]
    assert "pia" in pdf_page_texts(badges.read_bytes())[0]


def test_empty_selection_is_bad_input(db_url: str, tmp_path: Path) -> None:
    result = pickpack("labels", "sheet", "badges", "--out", str(tmp_path / "x.pdf"), db_url=db_url)
    assert result.returncode == 2 and "no badges match" in result.stderr
    bad = pickpack("labels", "sheet", "totes", "--totes", "9-1", "--out", str(tmp_path / "y.pdf"), db_url=db_url)
    assert bad.returncode == 2 and "--totes '9-1'" in bad.stderr


def test_an_unwritable_output_path_is_refused_with_exit_2(db_url: str, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out in (blocker / "totes.pdf", Path("/proc/pickpack-totes.pdf")):
        result = pickpack("labels", "sheet", "totes", "--totes", "1-2", "--out", str(out), db_url=db_url)
        assert result.returncode == 2, result.stderr  # was exit 1 with "unexpected error" and a crash log entry
        assert f"--out {out}: cannot write it" in result.stderr and "unexpected" not in result.stderr
