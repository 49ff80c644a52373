"""Records of the carrier manifest: one line per shipment handed over, and the manifest itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from labels.gs1 import has_valid_check_digit
from labels.model.shipment import Address
from labels.model.values import (
    PAGE_SIZES,
    PageSize,
    freeze_sequence,
    require_barcode_text,
    require_count,
    require_country,
    require_decimal,
    require_text,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestLine:
    """One shipment handed to the carrier: its tracking number (scanned by the driver), first carton's SSCC
    (``""`` when none), order, recipient, total gross ``weight_kg`` and number of ``cartons``."""

    tracking_number: str
    sscc: str = ""
    order_number: str
    recipient_name: str
    postal_code: str
    country: str
    weight_kg: Decimal
    cartons: int = 1
    service_name: str = ""

    def __post_init__(self) -> None:
        owner = "ManifestLine"
        require_barcode_text(owner, "tracking_number", self.tracking_number)
        require_text(owner, "order_number", self.order_number)
        require_text(owner, "recipient_name", self.recipient_name)
        require_country(owner, "country", self.country)
        require_decimal(owner, "weight_kg", self.weight_kg, positive=True)
        require_count(owner, "cartons", self.cartons, minimum=1)
        if self.sscc and not (len(self.sscc) == 18 and has_valid_check_digit(self.sscc)):
            raise ValueError(f"{owner}.sscc must be empty or 18 digits with a valid check digit, got {self.sscc!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestData:
    """The end-of-day manifest for one carrier: every shipment handed over, with totals, signed by the driver.

    ``manifest_id`` (printed as Code 128 in the header) identifies this hand-over; ``account`` is the
    warehouse's account number with the carrier.
    """

    manifest_id: str
    carrier_name: str
    account: str = ""
    date: date
    lines: Sequence[ManifestLine]
    warehouse: Address
    page_size: PageSize = "A4"

    def __post_init__(self) -> None:
        require_barcode_text("ManifestData", "manifest_id", self.manifest_id)
        require_text("ManifestData", "carrier_name", self.carrier_name)
        freeze_sequence(self, "lines", self.lines, ManifestLine)
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"ManifestData.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def total_cartons(self) -> int:
        return sum(line.cartons for line in self.lines)

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.lines), Decimal(0))
