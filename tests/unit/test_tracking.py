"""Tracking numbers (UPS 1Z) and SSCC-18 with check digits that independent libraries accept."""

from __future__ import annotations

import random

import pytest

from app.domain.tracking import (
    UPS_SERVICE_CODES,
    is_valid_sscc,
    is_valid_ups,
    sscc,
    ups_check_digit,
    ups_tracking_number,
)

# Published samples: UPS's classic developer-guide number and the valid test numbers of tracking_number_data
# (the data set behind the `tracking-numbers` package), with letters in several positions.
PUBLISHED_UPS = [
    "1Z999AA10123456784",
    "1Z5R89390357567127",
    "1Z879E930346834440",
    "1Z410E7W0392751591",
    "1Z8V92A70367203024",
]


@pytest.mark.parametrize("number", PUBLISHED_UPS)
def test_published_ups_numbers_are_valid(number: str) -> None:
    assert is_valid_ups(number)
    assert ups_check_digit(number[2:17]) == int(number[-1])


@pytest.mark.parametrize(
    "number",
    [
        "2Z5R89390357567127",  # not 1Z
        "1A5R89390357567127",
        "1Z1111111111111111",  # wrong check digit
        "1Z999AA10123456785",
        "1Z999AA1012345678",  # too short
        "1Z999AA1012345678A",  # check digit must be a digit
    ],
)
def test_invalid_ups_numbers(number: str) -> None:
    assert not is_valid_ups(number)


def test_letters_count_by_ups_table() -> None:
    # "999AA1012345678": A counts as 2, so the body is 9,9,9,2,2,1,0,1,2,3,4,5,6,7,8 and the check digit is 4.
    assert ups_check_digit("999AA1012345678") == 4
    assert ups_check_digit("99922" + "1012345678") == 4


def test_round_trip_is_deterministic_and_unique() -> None:
    first = ups_tracking_number("DP4711", "03", 1)
    assert first == ups_tracking_number("dp4711", "03", 1)  # same sequence number, same tracking number
    assert first.startswith("1ZDP471103") and len(first) == 18
    numbers = {ups_tracking_number("DP4711", "03", n) for n in range(2000)}
    assert len(numbers) == 2000
    assert all(is_valid_ups(n) for n in numbers)
    assert ups_tracking_number("DP4711", "13", 9_999_999).startswith("1ZDP4711139999999")
    assert is_valid_ups(first.lower()) and is_valid_ups(" ".join([first[:2], first[2:8], first[8:]]))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="shipper account"):
        ups_tracking_number("DP47", "03", 1)
    with pytest.raises(ValueError, match="service code"):
        ups_tracking_number("DP4711", "3", 1)
    with pytest.raises(ValueError, match="package reference"):
        ups_tracking_number("DP4711", "03", 10_000_000)  # would wrap into reuse
    with pytest.raises(ValueError, match="package reference"):
        ups_tracking_number("DP4711", "03", -1)


def test_tracking_numbers_package_recognises_ours() -> None:
    tracking_numbers = pytest.importorskip("tracking_numbers")
    rng = random.Random(5)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    for _ in range(300):
        account = "".join(rng.choice(alphabet) for _ in range(6))
        service = rng.choice(sorted(UPS_SERVICE_CODES))
        number = ups_tracking_number(account, service, rng.randrange(10**7))
        found = tracking_numbers.get_tracking_number(number)
        assert found is not None, number
        assert found.courier.code == "ups" and found.valid
        broken = number[:-1] + str((int(number[-1]) + 1) % 10)
        assert not is_valid_ups(broken)
        assert tracking_numbers.get_tracking_number(broken) is None


def test_sscc_gs1_examples() -> None:
    # GS1 General Specifications / GS1-128 guideline examples: (00) 1 0614141 123456789 7 and 3 7610425 002123456 9.
    assert sscc(1, "0614141", 123456789) == "106141411234567897"
    assert sscc(3, "7610425", 2123456) == "376104250021234569"
    assert is_valid_sscc("106141411234567897") and is_valid_sscc("376104250021234569")
    assert not is_valid_sscc("106141411234567898")
    assert not is_valid_sscc("10614141123456789")


def test_sscc_accepted_by_biip() -> None:
    from biip.sscc import Sscc

    for serial in (0, 1, 42, 999_999_999):
        code = sscc(0, "9520000", serial)
        assert len(code) == 18 and is_valid_sscc(code)
        parsed = Sscc.parse(code)
        assert parsed.extension_digit == 0 and parsed.check_digit == int(code[-1])


def test_sscc_lengths_and_limits() -> None:
    assert len(sscc(9, "9520000123", 999_999)) == 18  # a 10-digit prefix leaves 6 serial digits
    with pytest.raises(ValueError, match="serial reference"):
        sscc(0, "9520000123", 1_000_000)
    with pytest.raises(ValueError, match="company prefix"):
        sscc(0, "952", 1)
    with pytest.raises(ValueError, match="extension digit"):
        sscc(10, "9520000", 1)
