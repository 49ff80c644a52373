"""Realistic data for the shipping-document tests: accented and non-Latin names, long addresses, many lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from labels.gs1 import sscc_with_check
from labels.model import (
    Address,
    CustomsData,
    CustomsItem,
    InvoiceData,
    ManifestData,
    ManifestLine,
    PackingSlipData,
    ShippingLabelData,
    SlipLine,
)

WAREHOUSE = Address(
    name="Nordlicht Versand GmbH",
    company="Lager Süd",
    line1="Industriestraße 12",
    line2="Tor 3",
    city="München",
    postal_code="80939",
    country="DE",
    phone="+49 89 1234567",
)
RECIPIENT = Address(
    name="Zoë Åberg-Núñez",
    company="Ångström & Søn Møbelværksted ApS",
    line1="Kongens Nytorv 123, 4. sal th., c/o Fru Grzegorz Brzęczyszczykiewicz",
    line2="Bagbygningen, opgang B, ved siden af cykelkælderen",
    city="København K",
    postal_code="1050",
    country="DK",
    phone="+45 33 12 34 56",
)
US_BUYER = Address(
    name="Mary-Jane O'Connor",
    company="Blue Ridge Outfitters LLC",
    line1="1200 Peachtree St NE",
    line2="Suite 400",
    city="Atlanta",
    region="GA",
    postal_code="30309",
    country="US",
    phone="+1 404 555 0199",
)
TRACKING = "1Z999AA10123456784"
SSCC = sscc_with_check(3, "4012345", 1042)
ORDER = "SO-2025-001042"

LABEL = ShippingLabelData(
    ship_from=WAREHOUSE,
    ship_to=RECIPIENT,
    carrier_name="DHL Paket",
    service_name="Express",
    tracking_number=TRACKING,
    sscc=SSCC,
    weight_kg=Decimal("12.345"),
    carton_no=2,
    carton_count=3,
    order_number=ORDER,
    reference="PO 7781/B",
    ship_date=date(2025, 3, 14),
)

PRODUCT_NAMES = (
    "Merino-Wollpullover „Fjällräven“ Größe M, Farbe Rauchblau",
    "Espresso-Tasse 80 ml",
    "Crème-brûlée-Set mit vier Förmchen aus feuerfestem Steinzeug und einem Brenner für die Karamellkruste",
    "Ручка шариковая синяя",
    "Bio-Kaffee Äthiopien 500 g",
    "Kabel USB-C 2 m",
)


def slip_data(line_count: int, page_size: str = "A4") -> PackingSlipData:
    lines = [
        SlipLine(
            sku=f"SKU-{index:05d}",
            name=PRODUCT_NAMES[index % len(PRODUCT_NAMES)],
            qty_ordered=1 + index % 3,
            qty_shipped=(1 + index % 3) - (1 if index == 2 else 0),
            note="follows in a second parcel" if index == 2 else ("gift wrapped" if index == 4 else ""),
        )
        for index in range(line_count)
    ]
    return PackingSlipData(
        order_number=ORDER,
        order_date=date(2025, 3, 12),
        ship_to=RECIPIENT,
        lines=lines,
        shipment_note="1 item short, follows in a second parcel at no extra cost.",
        return_instructions=(
            "Return unused items within 30 days: write the order number on the parcel and send it to "
            "Nordlicht Versand GmbH, Retouren, Industriestraße 12, 80939 München, Germany."
        ),
        warehouse=WAREHOUSE,
        page_size=page_size,  # type: ignore[arg-type]
    )


CUSTOMS_ITEMS = (
    CustomsItem(
        description="Merino wool pullover, men's, knitted",
        hs_code="6110.11",
        origin_country="PT",
        qty=2,
        unit_value=Decimal("89.90"),
        currency="EUR",
        net_weight_kg=Decimal("0.840"),
    ),
    CustomsItem(
        description="Espresso cups, porcelain, set of 2",
        hs_code="691110",
        origin_country="DE",
        qty=1,
        unit_value=Decimal("24.50"),
        currency="EUR",
        net_weight_kg=Decimal("0.410"),
    ),
    CustomsItem(
        description="Roasted coffee beans, not decaffeinated",
        hs_code="0901.21",
        origin_country="ET",
        qty=3,
        unit_value=Decimal("12.00"),
        currency="EUR",
        net_weight_kg=Decimal("1.500"),
    ),
)


def customs_data(form: str, items: tuple[CustomsItem, ...] = CUSTOMS_ITEMS) -> CustomsData:
    return CustomsData(
        form=form,  # type: ignore[arg-type]
        sender=WAREHOUSE,
        recipient=US_BUYER,
        items=items,
        category="sale of goods",
        total_value=sum((item.value for item in items), Decimal(0)),
        currency="EUR",
        gross_weight_kg=sum((item.net_weight_kg for item in items), Decimal("0.465")),
        invoice_number="INV-2025-00731",
        date=date(2025, 3, 14),
        tracking_number=TRACKING,
        importer_reference="BRO-PO-5521",
        comments="Fragile: porcelain",
        signatory="Jürgen Weiß",
    )


INVOICE = InvoiceData(
    invoice_number="INV-2025-00731",
    invoice_date=date(2025, 3, 14),
    order_number=ORDER,
    seller=WAREHOUSE,
    buyer=US_BUYER,
    consignee=Address(
        name="Blue Ridge Warehouse", line1="55 Dock Rd", city="Savannah", region="GA", postal_code="31401", country="US"
    ),
    items=CUSTOMS_ITEMS,
    currency="EUR",
    gross_weight_kg=Decimal("3.215"),
    shipping_cost=Decimal("19.90"),
    seller_tax_id="DE123456789",
    buyer_tax_id="US-EIN 12-3456789",
    carrier_name="DHL Express",
    tracking_number=TRACKING,
    signatory="Jürgen Weiß",
)

RECIPIENT_NAMES = ("Zoë Åberg", "José Núñez", "Grzegorz Brzęczyszczykiewicz", "Li Wei")


def manifest_data(line_count: int) -> ManifestData:
    lines = [
        ManifestLine(
            tracking_number=f"JJD0003900{index:08d}" if index % 3 else f"1Z999AA1{index:010d}",
            sscc=sscc_with_check(3, "4012345", 5000 + index),
            order_number=f"SO-2025-{1000 + index:06d}",
            recipient_name=RECIPIENT_NAMES[index % 4],
            postal_code=("1050", "28001", "00-950", "200000")[index % 4],
            country=("DK", "ES", "PL", "CN")[index % 4],
            weight_kg=Decimal("1.25") * (1 + index % 5),
            cartons=1 + index % 3,
            service_name="Express" if index % 2 else "Paket",
        )
        for index in range(line_count)
    ]
    return ManifestData(
        manifest_id="MAN-DHL-0314-01",
        carrier_name="DHL Paket",
        account="6264 1234 5601",
        date=date(2025, 3, 14),
        lines=lines,
        warehouse=WAREHOUSE,
    )


SLIP = slip_data(25)
CN22 = customs_data("CN22")
CN23 = customs_data("CN23", CUSTOMS_ITEMS * 14)
MANIFEST = manifest_data(20)
