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

Where things are: ``values`` (page sizes, customs forms, countries and the checks), ``shipment`` (address,
shipping label, packing slip), ``customs`` (CN22/CN23, commercial invoice) and ``manifest``; every name is
re-exported here.
"""

from labels.model.customs import CustomsData, CustomsItem, InvoiceData, choose_customs_form
from labels.model.manifest import ManifestData, ManifestLine
from labels.model.shipment import Address, PackingSlipData, ShippingLabelData, SlipLine
from labels.model.values import (
    CN22_MAX_ITEMS,
    CN22_MAX_VALUE_SDR,
    CUSTOMS_CATEGORIES,
    CUSTOMS_FORMS,
    NAME_OVERRIDES,
    PAGE_SIZES,
    CustomsCategory,
    CustomsForm,
    PageSize,
    country_name,
)

__all__ = [
    "CN22_MAX_ITEMS",
    "CN22_MAX_VALUE_SDR",
    "CUSTOMS_CATEGORIES",
    "CUSTOMS_FORMS",
    "NAME_OVERRIDES",
    "PAGE_SIZES",
    "Address",
    "CustomsCategory",
    "CustomsData",
    "CustomsForm",
    "CustomsItem",
    "InvoiceData",
    "ManifestData",
    "ManifestLine",
    "PackingSlipData",
    "PageSize",
    "ShippingLabelData",
    "SlipLine",
    "choose_customs_form",
    "country_name",
]
