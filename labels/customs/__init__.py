"""Customs paperwork for parcels leaving the customs area: the UPU CN22 / CN23 declaration and the commercial invoice.

* **CN22** (contents up to 300 SDR, at most ``CN22_MAX_ITEMS`` lines) is printed as a 4 x 6 in label for the
  thermal printer, beside the shipping label: category boxes, one line per kind of goods with quantity, net
  weight, value, HS tariff number and country of origin, totals, the declaration and signature, and the
  tracking number as Code 128.
* **CN23** (everything else) is an A4/Letter form with sender and addressee, the same item columns, totals,
  postal charges, category, comments, the invoice number and the declaration; long item lists continue on
  further pages with the header, the tracking barcode and ``page x of y`` repeated.
* The **commercial invoice** is an A4/Letter document: seller, buyer, consignee, shipment facts (carrier,
  incoterm, reason for export, weights, packages), the items with HS code, origin, quantity, unit value and line
  total, then subtotal, shipping and total, the declaration and signature.

Which form to use is the caller's decision (``labels.model.choose_customs_form`` applies the UPU rule). The
values and weights printed are exactly those of the data (``Decimal``; weights with three decimals, money with
two), so a customs total always equals the sum of its printed lines (``CustomsData`` refuses anything else).

Modules: ``cn22`` (the label form), ``cn23`` (the A4/Letter form), ``commercial_invoice``, and ``form_parts``
(what they share). This package re-exports their public names, so ``labels.customs.render_...`` keeps working.
"""

from __future__ import annotations

from labels.customs.cn22 import CN22_DECLARATION, CN22_PAGE_SIZE, Cn22Plan, plan_cn22, render_cn22
from labels.customs.cn23 import CN23_DECLARATION, render_cn23
from labels.customs.commercial_invoice import render_commercial_invoice
from labels.model import CustomsData

__all__ = [
    "CN22_DECLARATION",
    "CN22_PAGE_SIZE",
    "CN23_DECLARATION",
    "Cn22Plan",
    "plan_cn22",
    "render_commercial_invoice",
    "render_customs_declaration",
]


def render_customs_declaration(data: CustomsData, *, compress: bool = True) -> bytes:
    """Render ``data.form``: a CN22 as a 4 x 6 in label, a CN23 on ``data.page_size`` paper; PDF bytes.

    Raises:
        ValueError: the tracking number is too long to print at a scannable size.
    """
    if data.form == "CN22":
        return render_cn22(data, compress)
    return render_cn23(data, compress)
