"""Records of the customs paperwork: items, the CN22/CN23 declaration (and which of the two) and the commercial
invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from labels.model.shipment import Address
from labels.model.values import (
    CN22_MAX_ITEMS,
    CN22_MAX_VALUE_SDR,
    CUSTOMS_CATEGORIES,
    CUSTOMS_FORMS,
    HS_CODE,
    PAGE_SIZES,
    CustomsCategory,
    CustomsForm,
    PageSize,
    freeze_sequence,
    require_barcode_text,
    require_count,
    require_country,
    require_currency,
    require_decimal,
    require_text,
)


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
        require_text(owner, "description", self.description)
        if not isinstance(self.hs_code, str) or HS_CODE.fullmatch(self.hs_code.replace(".", "")) is None:
            raise ValueError(f"{owner}.hs_code must be 6-10 digits (dots allowed), got {self.hs_code!r}")
        require_country(owner, "origin_country", self.origin_country)
        require_count(owner, "qty", self.qty, minimum=1)
        require_decimal(owner, "unit_value", self.unit_value)
        require_currency(owner, "currency", self.currency)
        require_decimal(owner, "net_weight_kg", self.net_weight_kg, positive=True)

    @property
    def value(self) -> Decimal:
        """Line total: ``qty * unit_value``."""
        return self.qty * self.unit_value


def _check_items(owner: str, instance: object, items: Sequence[CustomsItem], currency: str) -> None:
    frozen = freeze_sequence(instance, "items", items, CustomsItem)
    if not frozen:
        raise ValueError(f"{owner}.items must hold at least one item")
    require_currency(owner, "currency", currency)
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
        require_decimal(owner, "total_value", self.total_value)
        require_decimal(owner, "gross_weight_kg", self.gross_weight_kg, positive=True)
        require_decimal(owner, "postal_charges", self.postal_charges)
        computed = sum((item.value for item in self.items), Decimal(0))
        if computed != self.total_value:
            raise ValueError(f"{owner}.total_value is {self.total_value} but the item lines add up to {computed}")
        if self.form == "CN22" and len(self.items) > CN22_MAX_ITEMS:
            raise ValueError(f"a CN22 has room for {CN22_MAX_ITEMS} item lines, this parcel has {len(self.items)}")
        if self.tracking_number:
            require_barcode_text(owner, "tracking_number", self.tracking_number)
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
        require_text(owner, "invoice_number", self.invoice_number)
        require_barcode_text(owner, "order_number", self.order_number)
        _check_items(owner, self, self.items, self.currency)
        require_decimal(owner, "gross_weight_kg", self.gross_weight_kg, positive=True)
        require_decimal(owner, "shipping_cost", self.shipping_cost)
        require_count(owner, "package_count", self.package_count, minimum=1)
        require_text(owner, "incoterm", self.incoterm)
        if self.tracking_number:
            require_barcode_text(owner, "tracking_number", self.tracking_number)
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
