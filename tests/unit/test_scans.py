"""Scan classification: GTINs, GS1 element strings with GS separators, locations, totes, badges."""

from __future__ import annotations

from datetime import date

from app.domain.gtin import gs1_check_digit, validate_gtin
from app.domain.scans import classify

GS = "\x1d"


def test_gtin_check_digits() -> None:
    assert validate_gtin("9520000010003") == "9520000010003"
    assert gs1_check_digit("952000001000") == 3
    assert classify("9520000010004").error is not None


def test_plain_ean13_is_a_gtin_not_a_gs1_400_string() -> None:
    scan = classify("9520000010003")
    assert (scan.kind, scan.gtin) == ("gtin", "09520000010003")


def test_gs1_128_with_prefix_and_gs_separator() -> None:
    scan = classify("]C1" + "0119520000010000" + "17270630" + "10LOT1" + GS + "21SN42")
    assert scan.kind == "gs1" and scan.error is None
    assert scan.gtin == "19520000010000"
    assert (scan.lot, scan.serial, scan.expiry) == ("LOT1", "SN42", date(2027, 6, 30))


def test_gs1_without_prefix_and_count() -> None:
    scan = classify("0219520000010000" + "3712")
    assert (scan.gtin, scan.count) == ("19520000010000", 12)


def test_other_codes() -> None:
    assert classify("a03-12-l-2").code == "A03-12-L-2"
    assert classify("TOTE-0042").kind == "tote"
    assert classify("BOX-M2").kind == "box"
    assert classify("BADGE-PIA").kind == "badge"
    assert classify("RES-01-02").kind == "reserve_location"
    assert classify("MUG-RED-350").kind == "text"
