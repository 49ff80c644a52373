"""The data the shipping documents are rendered from: plain frozen dataclasses, checked when built.

Callers (the shipping service, the bench, tests) fill these from their own records; ``labels/`` never sees a
database row. Everything a document prints is here, already decided: which customs form, which page size, the
carton's SSCC. The checks are the ones whose failure would produce a wrong or unscannable printout (a bad SSCC
check digit, a barcode text a scanner cannot send, a customs total that disagrees with its lines), so they fail
when the record is built, naming the field, rather than half-way through rendering.

Units and types:

* Money and weights are ``Decimal`` (never ``float``: ``0.1 + 0.2`` must not print as ``0.30000000000000004``).
  Weights are kilograms (``*_kg``); money is in the record's ``currency`` (ISO 4217 code, e.g. ``EUR``).
* Countries are ISO 3166-1 alpha-2 codes (``DE``, ``US``); HS codes are the 6-digit Harmonized System heading,
  optionally extended to 8-10 digits by the destination tariff, with or without dots (``6109.10`` = ``610910``).
* Quantities are whole units (``int``).
* Text that becomes a barcode (tracking numbers, order numbers, manifest ids) must be printable ASCII, because a
  Code 128 symbol carries nothing else and a keyboard-wedge scanner types exactly those characters back.

Sequences passed for ``lines`` / ``items`` may be lists; they are stored as tuples so the records stay immutable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

import pycountry

from labels.gs1 import has_valid_check_digit

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: tuple[PageSize, ...] = ("A4", "Letter")

CustomsForm = Literal["CN22", "CN23"]
CUSTOMS_FORMS: tuple[CustomsForm, ...] = ("CN22", "CN23")

CustomsCategory = Literal["gift", "documents", "commercial sample", "returned goods", "sale of goods", "other"]
CUSTOMS_CATEGORIES: tuple[CustomsCategory, ...] = (
    "gift",
    "documents",
    "commercial sample",
    "returned goods",
    "sale of goods",
    "other",
)
"""The boxes of the UPU CN22/CN23 "category of item" field (sale of goods was added in 2020)."""

CN22_MAX_ITEMS = 5
"""Item lines the CN22 (a 4 x 6 in label here) has room for; more items need a CN23, as the UPU rules say."""

CN22_MAX_VALUE_SDR = Decimal(300)
"""UPU limit for a CN22: contents worth up to 300 SDR (special drawing rights); above it, use a CN23."""

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_HS_CODE = re.compile(r"\d{6,10}")

NAME_OVERRIDES: dict[str, str] = {"TR": "TURKEY", "XK": "KOSOVO"}
"""Names ``pycountry`` does not give: TR as the documents printed it before the full table arrived (pycountry says
``TÜRKIYE``), and the user-assigned XK that shops and carriers send for Kosovo (not in ISO's table)."""


def country_name(code: str) -> str:
    """``DE`` -> ``GERMANY``, ``TH`` -> ``THAILAND``: the English name in capitals, as the UPU asks for the
    destination line, for every ISO 3166-1 code (``pycountry``'s table, its common name where it has one, such as
    ``SOUTH KOREA`` for ``Korea, Republic of``) and ``NAME_OVERRIDES``; any other code prints as the code."""
    if code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    found = pycountry.countries.get(alpha_2=code) if _COUNTRY.fullmatch(code) else None
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name).upper()


def _require_text(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{owner}.{name} must be non-empty text, got {value!r}")


def _require_barcode_text(owner: str, name: str, value: str) -> None:
    """Text that becomes a Code 128 symbol: printable ASCII (what a keyboard-wedge scanner can type back)."""
    _require_text(owner, name, value)
    if not all(" " <= c <= "~" for c in value) or value != value.strip():
        raise ValueError(f"{owner}.{name} goes into a barcode and must be printable ASCII, got {value!r}")


def _require_decimal(owner: str, name: str, value: Decimal, *, positive: bool = False) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{owner}.{name} must be a finite Decimal, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{owner}.{name} must be {'positive' if positive else 'zero or more'}, got {value}")


def _require_country(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or _COUNTRY.fullmatch(value) is None:
        raise ValueError(f"{owner}.{name} must be an ISO 3166-1 alpha-2 code such as 'DE', got {value!r}")


def _require_currency(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or _CURRENCY.fullmatch(value) is None:
        raise ValueError(f"{owner}.{name} must be an ISO 4217 code such as 'EUR', got {value!r}")


def _require_count(owner: str, name: str, value: int, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}.{name} must be a whole number >= {minimum}, got {value!r}")


def _freeze(instance: object, name: str, values: Sequence[object], kind: type) -> tuple[object, ...]:
    frozen = tuple(values)
    for value in frozen:
        if not isinstance(value, kind):
            raise TypeError(f"{type(instance).__name__}.{name} holds {kind.__name__} values, got {value!r}")
    object.__setattr__(instance, name, frozen)
    return frozen


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
            _require_text("Address", name, getattr(self, name))
        _require_country("Address", "country", self.country)

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
        _require_text(owner, "carrier_name", self.carrier_name)
        _require_text(owner, "service_name", self.service_name)
        _require_barcode_text(owner, "tracking_number", self.tracking_number)
        _require_barcode_text(owner, "order_number", self.order_number)
        if not (isinstance(self.sscc, str) and len(self.sscc) == 18 and has_valid_check_digit(self.sscc)):
            raise ValueError(f"{owner}.sscc must be 18 digits ending in a valid GS1 check digit, got {self.sscc!r}")
        _require_decimal(owner, "weight_kg", self.weight_kg, positive=True)
        _require_count(owner, "carton_count", self.carton_count, minimum=1)
        _require_count(owner, "carton_no", self.carton_no, minimum=1)
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
        _require_text("SlipLine", "sku", self.sku)
        _require_text("SlipLine", "name", self.name)
        _require_count("SlipLine", "qty_ordered", self.qty_ordered, minimum=0)
        _require_count("SlipLine", "qty_shipped", self.qty_shipped, minimum=0)

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
        _require_barcode_text("PackingSlipData", "order_number", self.order_number)
        if not _freeze(self, "lines", self.lines, SlipLine):
            raise ValueError("PackingSlipData.lines must hold at least one line")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"PackingSlipData.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def units_ordered(self) -> int:
        return sum(line.qty_ordered for line in self.lines)

    @property
    def units_shipped(self) -> int:
        return sum(line.qty_shipped for line in self.lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsItem:
    """One kind of goods on a customs form or commercial invoice.

    ``qty`` units of ``unit_value`` each (in ``currency``); ``net_weight_kg`` is the net weight of the whole
    line (all ``qty`` units, without packaging), as the CN22/CN23 weight column asks.
    """

    description: str
    hs_code: str
    origin_country: str
    qty: int
    unit_value: Decimal
    currency: str
    net_weight_kg: Decimal

    def __post_init__(self) -> None:
        owner = "CustomsItem"
        _require_text(owner, "description", self.description)
        if not isinstance(self.hs_code, str) or _HS_CODE.fullmatch(self.hs_code.replace(".", "")) is None:
            raise ValueError(f"{owner}.hs_code must be 6-10 digits (dots allowed), got {self.hs_code!r}")
        _require_country(owner, "origin_country", self.origin_country)
        _require_count(owner, "qty", self.qty, minimum=1)
        _require_decimal(owner, "unit_value", self.unit_value)
        _require_currency(owner, "currency", self.currency)
        _require_decimal(owner, "net_weight_kg", self.net_weight_kg, positive=True)

    @property
    def value(self) -> Decimal:
        """Line total: ``qty * unit_value``."""
        return self.qty * self.unit_value


def _check_items(owner: str, instance: object, items: Sequence[CustomsItem], currency: str) -> None:
    frozen = _freeze(instance, "items", items, CustomsItem)
    if not frozen:
        raise ValueError(f"{owner}.items must hold at least one item")
    _require_currency(owner, "currency", currency)
    for item in items:
        if item.currency != currency:
            raise ValueError(f"{owner}: item {item.description!r} is in {item.currency}, the document in {currency}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsData:
    """A UPU customs declaration, CN22 or CN23, for a parcel leaving the customs area.

    The caller chooses ``form`` (see ``choose_customs_form``): CN22 up to 300 SDR and ``CN22_MAX_ITEMS`` lines,
    CN23 otherwise. ``total_value`` must equal the sum of the item lines (it is printed, and a form whose total
    disagrees with its lines is refused at the border). ``gross_weight_kg`` is the parcel with packaging, printed
    as given: a scale reading below the catalogue's net weights is not refused, since the packer cannot fix the
    catalogue at the station (the caller may take the larger of the two).
    ``tracking_number`` (optional) is printed as Code 128: the item identifier the post office scans.
    ``postal_charges`` is the shipping cost shown on a CN23. ``signatory`` signs the declaration.
    A CN22 is always a 4 x 6 in label; ``page_size`` is the paper of a CN23.
    """

    form: CustomsForm
    sender: Address
    recipient: Address
    items: Sequence[CustomsItem]
    category: CustomsCategory
    total_value: Decimal
    currency: str
    gross_weight_kg: Decimal
    invoice_number: str
    date: date
    tracking_number: str = ""
    category_explanation: str = ""
    postal_charges: Decimal = field(default_factory=lambda: Decimal(0))
    importer_reference: str = ""
    comments: str = ""
    signatory: str = ""
    page_size: PageSize = "A4"

    def __post_init__(self) -> None:
        owner = "CustomsData"
        if self.form not in CUSTOMS_FORMS:
            raise ValueError(f"{owner}.form must be one of {CUSTOMS_FORMS}, got {self.form!r}")
        if self.category not in CUSTOMS_CATEGORIES:
            raise ValueError(f"{owner}.category must be one of {CUSTOMS_CATEGORIES}, got {self.category!r}")
        _check_items(owner, self, self.items, self.currency)
        _require_decimal(owner, "total_value", self.total_value)
        _require_decimal(owner, "gross_weight_kg", self.gross_weight_kg, positive=True)
        _require_decimal(owner, "postal_charges", self.postal_charges)
        computed = sum((item.value for item in self.items), Decimal(0))
        if computed != self.total_value:
            raise ValueError(f"{owner}.total_value is {self.total_value} but the item lines add up to {computed}")
        if self.form == "CN22" and len(self.items) > CN22_MAX_ITEMS:
            raise ValueError(f"a CN22 has room for {CN22_MAX_ITEMS} item lines, this parcel has {len(self.items)}")
        if self.tracking_number:
            _require_barcode_text(owner, "tracking_number", self.tracking_number)
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"{owner}.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def net_weight_kg(self) -> Decimal:
        return sum((item.net_weight_kg for item in self.items), Decimal(0))


def choose_customs_form(value_sdr: Decimal, item_lines: int) -> CustomsForm:
    """CN22 when the contents are worth at most 300 SDR and fit its item lines, else CN23 (UPU rules).

    ``value_sdr`` is the contents' value already converted to special drawing rights by the caller.
    """
    return "CN22" if value_sdr <= CN22_MAX_VALUE_SDR and item_lines <= CN22_MAX_ITEMS else "CN23"


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceData:
    """A commercial (export) invoice for goods leaving the customs area.

    ``seller`` exports, ``buyer`` pays; ``consignee`` receives the goods when it is someone else (else ``None``).
    Item values are in ``currency``; ``shipping_cost`` is charged on top (``total`` = items + shipping).
    ``incoterm`` defaults to DAP (delivered at place: the seller pays transport, the buyer duties and taxes).
    ``*_tax_id`` are VAT / EORI numbers printed under the parties. ``declaration`` is the signed statement.
    """

    invoice_number: str
    invoice_date: date
    order_number: str
    seller: Address
    buyer: Address
    consignee: Address | None = None
    items: Sequence[CustomsItem]
    currency: str
    gross_weight_kg: Decimal
    package_count: int = 1
    shipping_cost: Decimal = field(default_factory=lambda: Decimal(0))
    incoterm: str = "DAP"
    reason_for_export: str = "Sale of goods"
    seller_tax_id: str = ""
    buyer_tax_id: str = ""
    carrier_name: str = ""
    tracking_number: str = ""
    declaration: str = (
        "I declare that the information on this invoice is true and correct and that the contents of this "
        "shipment are as stated above."
    )
    signatory: str = ""
    page_size: PageSize = "A4"

    def __post_init__(self) -> None:
        owner = "InvoiceData"
        _require_text(owner, "invoice_number", self.invoice_number)
        _require_barcode_text(owner, "order_number", self.order_number)
        _check_items(owner, self, self.items, self.currency)
        _require_decimal(owner, "gross_weight_kg", self.gross_weight_kg, positive=True)
        _require_decimal(owner, "shipping_cost", self.shipping_cost)
        _require_count(owner, "package_count", self.package_count, minimum=1)
        _require_text(owner, "incoterm", self.incoterm)
        if self.tracking_number:
            _require_barcode_text(owner, "tracking_number", self.tracking_number)
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"{owner}.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def subtotal(self) -> Decimal:
        """Sum of the item lines."""
        return sum((item.value for item in self.items), Decimal(0))

    @property
    def total(self) -> Decimal:
        """Items plus shipping: the invoice amount."""
        return self.subtotal + self.shipping_cost

    @property
    def net_weight_kg(self) -> Decimal:
        return sum((item.net_weight_kg for item in self.items), Decimal(0))


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
        _require_barcode_text(owner, "tracking_number", self.tracking_number)
        _require_text(owner, "order_number", self.order_number)
        _require_text(owner, "recipient_name", self.recipient_name)
        _require_country(owner, "country", self.country)
        _require_decimal(owner, "weight_kg", self.weight_kg, positive=True)
        _require_count(owner, "cartons", self.cartons, minimum=1)
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
        _require_barcode_text("ManifestData", "manifest_id", self.manifest_id)
        _require_text("ManifestData", "carrier_name", self.carrier_name)
        _freeze(self, "lines", self.lines, ManifestLine)
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"ManifestData.page_size must be one of {PAGE_SIZES}, got {self.page_size!r}")

    @property
    def total_cartons(self) -> int:
        return sum(line.cartons for line in self.lines)

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.lines), Decimal(0))
