"""Domain errors: each one carries enough to tell the operator what was wrong and what was expected."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an action; the message is meant for the person at the terminal."""


class InvalidLocationCode(DomainError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"location {code!r}: {reason}")
        self.code = code
        self.reason = reason


class InvalidLayout(DomainError):
    def __init__(self, source: str, key: str, expected: str) -> None:
        super().__init__(f"{source}: {key}: expected {expected}")
        self.source = source
        self.key = key
        self.expected = expected


class InvalidGtin(DomainError):
    def __init__(self, gtin: str, reason: str) -> None:
        super().__init__(f"GTIN {gtin!r}: {reason}")
        self.gtin = gtin
        self.reason = reason
