"""GTIN (EAN/UPC/ITF-14) validation: lengths 8, 12, 13, 14 with the GS1 mod-10 check digit."""

from __future__ import annotations

from app.domain.errors import InvalidGtin

GTIN_LENGTHS = (8, 12, 13, 14)


def ascii_digits(text: str) -> bool:
    """True for a non-empty run of the digits 0-9 only. ``str.isdigit`` also accepts superscripts, circled and
    full-width digits, which ``int`` then refuses or reads as another number: a barcode never contains them."""
    return text.isascii() and text.isdigit()


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (all digits but the last): weights 3,1,3,... from the right.

    Computed by biip (the GS1 parser the scans already use), so GTINs, SSCCs and labels share one implementation;
    refused here unless ``body`` is ASCII digits (biip's ``isdecimal`` would also take other scripts' digits)."""
    if not ascii_digits(body):
        raise ValueError(f"check digits are computed over digits 0-9 only, got {body!r}")
    from biip.checksums import gs1_standard_check_digit  # biip loads its whole parser (~0.1 s): only when needed

    return gs1_standard_check_digit(body)


def validate_gtin(text: str) -> str:
    """Return the GTIN unchanged when valid, else raise ``InvalidGtin`` saying what is wrong."""
    gtin = text.strip()
    if not ascii_digits(gtin):
        raise InvalidGtin(text, "must contain digits 0-9 only")
    if len(gtin) not in GTIN_LENGTHS:
        raise InvalidGtin(text, f"must have 8, 12, 13 or 14 digits, not {len(gtin)}")
    expected = gs1_check_digit(gtin[:-1])
    if int(gtin[-1]) != expected:
        raise InvalidGtin(text, f"bad check digit {gtin[-1]} (expected {expected})")
    return gtin


def gtin14(gtin: str) -> str:
    """Pad to 14 digits, the form GS1 element strings (AI 01) carry, so every length compares equal."""
    return gtin.zfill(14)


def with_check_digit(body: str) -> str:
    """``body`` followed by its GS1 check digit (e.g. a GTIN-13 from its first 12 digits)."""
    return body + str(gs1_check_digit(body))
