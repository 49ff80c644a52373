"""Records of what travels with a carton: the postal address, the shipping label and the packing slip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from labels.gs1 import has_valid_check_digit
from labels.model.values import (
    PAGE_SIZES,
    PageSize,
    country_name,
    freeze_sequence,
    require_barcode_text,
    require_count,
    require_country,
    require_decimal,
    require_text,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address as printed on labels and forms.

    ``country`` is the ISO alpha-2 code. ``region`` is the state, province or county where the postal system
    uses one. ``lines()`` arranges the fields the way the destination country's post expects them.
    """

    name: str
    company: str = ""
    line1: str
    line2: str = ""
    city: str
    region: str = ""
    postal_code: str = ""
    country: str
    phone: str = ""

    def __post_init__(self) -> None:
        for name in ("name", "line1", "city"):
            require_text("Address", name, getattr(self, name))
        require_country("Address", "country", self.country)

    def locality(self) -> str:
        """The city line: ``SPRINGFIELD IL 62704`` (US, CA, AU), ``London`` (GB, IE: postcode on its own line),
        ``10115 Berlin`` (most other countries)."""
        if self.country in _CITY_REGION_POSTAL:
            return " ".join(part for part in (self.city, self.region, self.postal_code) if part)
        if self.country in _POSTCODE_OWN_LINE:
            return self.city
        return " ".join(part for part in (self.postal_code, self.city) if part)

    def lines(self, *, with_country: bool = True) -> tuple[str, ...]:
        """Name, company, street lines, locality, (region), country name, in print order; empty fields left out."""
        lines = [self.name, self.company, self.line1, self.line2, self.locality()]
        if self.country in _POSTCODE_OWN_LINE:
            lines += [self.region, self.postal_code]
        elif self.country not in _CITY_REGION_POSTAL:
            lines.append(self.region)
        if with_country:
            lines.append(country_name(self.country))
        return tuple(line for line in lines if line)

    def one_line(self) -> str:
        """The address on one line, for tables (the manifest, the invoice header)."""
        return ", ".join(self.lines())


_CITY_REGION_POSTAL = frozenset({"US", "CA", "AU"})
_POSTCODE_OWN_LINE = frozenset({"GB", "IE"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingLabelData:
    """One carton's 4 x 6 in shipping label.

    ``tracking_number`` is the carrier's number for this carton (printed as Code 128, exactly this text).
    ``sscc`` is the carton's 18-digit Serial Shipping Container Code including its check digit (printed as
    GS1-128 ``(00)``). ``carton_no`` of ``carton_count`` numbers the cartons of one shipment from 1.
    ``reference`` is an optional customer reference (PO number). ``weight_kg`` is this carton's gross weight.
    """

    ship_from: Address
    ship_to: Address
    carrier_name: str
    service_name: str
    tracking_number: str
    sscc: str
    weight_kg: Decimal
    carton_no: int
    carton_count: int
    order_number: str
    reference: str = ""
    ship_date: date

    def __post_init__(self) -> None:
        owner = "ShippingLabelData"
        require_text(owner, "carrier_name", self.carrier_name)
        require_text(owner, "service_name", self.service_name)
        require_barcode_text(owner, "tracking_number", self.tracking_number)
        require_barcode_text(owner, "order_number", self.order_number)
        if not (isinstance(self.sscc, str) and len(self.sscc) == 18 and has_valid_check_digit(self.sscc)):
            raise ValueError(f"{owner}.sscc must be 18 digits ending in a valid GS1 check digit, got {self.sscc!r}")
        require_decimal(owner, "weight_kg", self.weight_kg, positive=True)
        require_count(owner, "carton_count", self.carton_count, minimum=1)
        require_count(owner, "carton_no", self.carton_no, minimum=1)
        if self.carton_no > self.carton_count:
            raise ValueError(f"{owner}: carton {self.carton_no} of {self.carton_count} is out of range")


@dataclass(frozen=True, slots=True, kw_only=True)
class SlipLine:
    """One order line on the packing slip: what was ordered and what is in this shipment.

    ``note`` explains a difference (``"follows in a second parcel"``); a shortfall is printed even without one.
    """

    sku: str
    name: str
    qty_ordered: int
    qty_shipped: int
    note: str = ""

    def __post_init__(self) -> None:
        require_text("SlipLine", "sku", self.sku)
        require_text("SlipLine", "name", self.name)
        require_count("SlipLine", "qty_ordered", self.qty_ordered, minimum=0)
        require_count("SlipLine", "qty_shipped", self.qty_shipped, minimum=0)

    @property
    def qty_short(self) -> int:
        """Units ordered but not in this shipment (0 when complete)."""
        return max(0, self.qty_ordered - self.qty_shipped)


@dataclass(frozen=True, slots=True, kw_only=True)
class PackingSlipData:
    """The packing slip that goes into the carton.

    ``order_number`` is printed as Code 128 and is exactly what the pack station scans to open the order.
    ``shipment_note`` summarises differences (``"1 item short, follows"``); ``return_instructions`` is the
    returns paragraph printed at the end. ``page_size`` comes from the configuration.
    """

    order_number: str
    order_date: date
    ship_to: Address
    lines: Sequence[SlipLine]
    shipment_note: str = ""
    return_instructions: str = ""
    warehouse: Address
    page_size: PageSize = "A4"

    def __post_init__(self) -> None:
        require_barcode_text("PackingSlipData", "order_number", self.order_number)
        if not freeze_sequence(self, "lines", self.lines, SlipLine):
            raise ValueError("PackingSlipData.lines must hold at least one line")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"PackingSlipData.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def units_ordered(self) -> int:
        return sum(line.qty_ordered for line in self.lines)

    @property
    def units_shipped(self) -> int:
        return sum(line.qty_shipped for line in self.lines)
