"""Order channels: Shopify, WooCommerce and CSV order files parsed into one intake shape (no database here).

Entry point: ``parse_orders_file(path, channel=None)`` detects the format and returns a ``ParseResult`` with
the good ``IntakeOrder``s and every ``IntakeProblem``; the intake service decides what to import.
"""

from app.parsers.channels.detect import detect_channel, parse_orders_file, parse_orders_text
from app.parsers.channels.model import (
    CHANNELS,
    IntakeAddress,
    IntakeLine,
    IntakeOrder,
    IntakeProblem,
    ParseResult,
)

__all__ = [
    "CHANNELS",
    "IntakeAddress",
    "IntakeLine",
    "IntakeOrder",
    "IntakeProblem",
    "ParseResult",
    "detect_channel",
    "parse_orders_file",
    "parse_orders_text",
]
