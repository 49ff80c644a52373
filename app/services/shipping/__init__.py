"""Shipping a packed order: rate shopping, tracking numbers and SSCCs, documents, printing, reprint and void.

``ship_order`` books the shipment in one transaction (carrier choice with its reason, one tracking number and
one SSCC per carton from never-reused counters, the order moves to ``shipped`` with its tracking numbers in the
timeline) and only then prints. A failed print is recorded with its reason and can be retried with ``reprint``;
the shipment itself is never lost or booked twice. Documents are rendered from the database each time, so a
reprint is the same document, carton for carton.

The modules: ``booking`` (rate shopping and labelling), ``carriers`` (the configured carrier adapters),
``documents`` (labels, slip, customs forms), ``printing`` (print and reprint), ``voiding`` and ``listings``
(shipment list, manifest); ``outcomes`` holds what they answer with.
"""

from __future__ import annotations

from app.services.shipping.booking import ship_order
from app.services.shipping.documents import SDR_PER_UNIT, Document, shipment_documents, write_documents
from app.services.shipping.listings import ShipmentLine, find_shipment_for_order, list_shipments, manifest
from app.services.shipping.outcomes import PrintOutcome, ShipOutcome
from app.services.shipping.printing import reprint
from app.services.shipping.voiding import void_shipment

__all__ = [
    "SDR_PER_UNIT",
    "Document",
    "PrintOutcome",
    "ShipOutcome",
    "ShipmentLine",
    "find_shipment_for_order",
    "list_shipments",
    "manifest",
    "reprint",
    "ship_order",
    "shipment_documents",
    "void_shipment",
    "write_documents",
]
