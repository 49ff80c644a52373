"""Tracking numbers and SSCCs with valid check digits, generated deterministically from a sequence number.

Determinism is deliberate: the same sequence number always gives the same number, so "never reused" reduces to
"never reuse a sequence number", which a database sequence guarantees. These functions keep no state.

UPS 1Z numbers: ``1Z`` + shipper account (6) + service code (2) + package reference (7) + check digit. The check
digit is a mod-10 over the 15 characters after ``1Z``: letters count as digits by UPS's table (A=2, B=3, ... H=9,
I=0, J=1, ..., i.e. ``(ord(c) - 63) % 10``), characters in odd positions count once and in even positions twice,
and the check digit brings the sum up to a multiple of ten. The classic published sample 1Z999AA10123456784
checks out.

SSCC-18 (Serial Shipping Container Code, GS1 AI 00): extension digit (1) + GS1 company prefix (7-10 digits) +
serial reference (fills up to 17 digits) + GS1 mod-10 check digit, the same check as a GTIN.
"""

from __future__ import annotations

import re

from app.domain.gtin import ascii_digits, gs1_check_digit

UPS_RE = re.compile(r"^1Z[0-9A-Z]{15}[0-9]$")
ACCOUNT_RE = re.compile(r"^[0-9A-Z]{6}$")
SERVICE_CODE_RE = re.compile(r"^[0-9A-Z]{2}$")

UPS_REFERENCE_LIMIT = 10**7
"""Package references 0 .. 9,999,999 per shipper account and service (seven digits)."""

UPS_SERVICE_CODES = frozenset(
    [
        "01",
        "02",
        "03",
        "04",
        "12",
        "13",
        "15",
        "22",
        "32",
        "33",
        "41",
        "42",
        "44",
        "66",
        "67",
        "68",
        "72",
        "78",
        "90",
        "A0",
        "A1",
        "A2",
        "A8",
        "A9",
        "AA",
        "YW",
    ]
)
"""Service codes UPS uses (01 next day air, 02 2nd day air, 03 ground, 13 next day air saver, ...): trackers such as
the ``tracking-numbers`` package reject a 1Z number whose service code is not one of them."""

SSCC_LENGTH = 18


def _ups_value(char: str) -> int:
    """A character's value in the UPS check: digits as themselves, letters by UPS's table (A=2 ... Z=7)."""
    return int(char) if char.isdigit() else (ord(char) - 63) % 10


def ups_check_digit(body: str) -> int:
    """The check digit for the 15 characters after ``1Z`` (account, service code, reference)."""
    if len(body) != 15 or not body.isalnum():
        raise ValueError(f"UPS check digit needs 15 letters or digits, got {body!r}")
    total = sum(_ups_value(c) * (2 if i % 2 else 1) for i, c in enumerate(body.upper()))
    return (10 - total % 10) % 10


def ups_tracking_number(shipper_account: str, service_code: str, reference: int) -> str:
    """``1Z`` + account + service code + 7-digit reference + check digit; the same inputs always give the same number.

    ``reference`` is the caller's never-reused sequence number for this account; it must stay below ten million
    (UPS's seven digits): running out is raised rather than silently wrapping around into reuse.
    """
    account = shipper_account.strip().upper()
    service = service_code.strip().upper()
    if not ACCOUNT_RE.match(account):
        raise ValueError(f"shipper account must be 6 letters or digits, got {shipper_account!r}")
    if not SERVICE_CODE_RE.match(service):
        raise ValueError(f"service code must be 2 letters or digits, got {service_code!r}")
    if isinstance(reference, bool) or not isinstance(reference, int) or not 0 <= reference < UPS_REFERENCE_LIMIT:
        raise ValueError(f"package reference must be 0 .. {UPS_REFERENCE_LIMIT - 1}, got {reference!r}")
    body = f"{account}{service}{reference:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


def is_valid_ups(tracking_number: str) -> bool:
    """True for a well-formed 1Z number whose check digit is right (spaces and letter case are ignored, as people
    type numbers off labels in groups and in lower case)."""
    tn = re.sub(r"\s", "", tracking_number).upper()
    if not UPS_RE.match(tn):
        return False
    return int(tn[-1]) == ups_check_digit(tn[2:17])


def sscc(extension_digit: int, company_prefix: str, serial_reference: int) -> str:
    """The 18-digit SSCC for one carton: extension, company prefix, zero-padded serial reference, check digit.

    The serial reference gets the ``16 - len(company_prefix)`` digits left over; a serial reference too large for
    them is refused (it would otherwise repeat an earlier carton's code).
    """
    if isinstance(extension_digit, bool) or not isinstance(extension_digit, int) or not 0 <= extension_digit <= 9:
        raise ValueError(f"SSCC extension digit must be 0..9, got {extension_digit!r}")
    prefix = company_prefix.strip()
    if not ascii_digits(prefix) or not 7 <= len(prefix) <= 10:
        raise ValueError(f"GS1 company prefix must be 7 to 10 digits, got {company_prefix!r}")
    width = SSCC_LENGTH - 2 - len(prefix)
    if isinstance(serial_reference, bool) or not isinstance(serial_reference, int):
        raise ValueError(f"SSCC serial reference must be an integer, got {serial_reference!r}")
    if not 0 <= serial_reference < 10**width:
        raise ValueError(
            f"SSCC serial reference must be 0 .. {10**width - 1} with company prefix {prefix}, got {serial_reference}"
        )
    body = f"{extension_digit}{prefix}{serial_reference:0{width}d}"
    assert len(body) == SSCC_LENGTH - 1
    return body + str(gs1_check_digit(body))


def is_valid_sscc(code: str) -> bool:
    """True for 18 digits whose last one is the GS1 check digit of the first 17."""
    code = code.strip()
    return len(code) == SSCC_LENGTH and ascii_digits(code) and int(code[-1]) == gs1_check_digit(code[:-1])
