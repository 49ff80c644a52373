"""Generate the demo catalog and stock in ``assets/demo/`` (deterministic; run ``python -m app.demo_data``).

The ten sample products of the shared samples come first with their own GTINs and stock, so the sample order
files import against the demo database; 510 generated products follow. All GTINs use the GS1 prefix 952, which
GS1 reserves for examples. About one product in five has a case GTIN-14, one in eight is lot and expiry tracked.
"""

from __future__ import annotations

import csv
import json
import random
import tomllib
from datetime import date, timedelta
from pathlib import Path

from app.domain.gtin import with_check_digit
from app.domain.layout import Layout

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SEED = 952

SAMPLE_PRODUCTS = """\
MUG-BLU-350,Ceramic mug blue 350 ml,9520000010003,19520000010000,6,0.38,12,9,10,691200,PT,8.50,EUR,0,0
MUG-RED-350,Ceramic mug red 350 ml,9520000010010,,,0.38,12,9,10,691200,PT,8.50,EUR,0,0
TEA-EARL-100,Earl Grey loose tea 100 g,9520000010027,,,0.12,8,5,15,090230,LK,6.90,EUR,1,1
TEA-SENCHA-100,Sencha green tea 100 g,9520000010034,19520000010031,6,0.12,8,5,15,090210,JP,9.40,EUR,1,1
KETTLE-STEEL-1L,Stovetop kettle steel 1 l,9520000010041,,,0.95,22,18,20,732393,DE,34.00,EUR,0,0
INFUSER-SS,Tea infuser stainless,9520000010058,,,0.05,6,6,8,732394,CN,4.20,EUR,0,0
TRAY-BAMBOO-L,Bamboo serving tray large,9520000010065,19520000010062,6,1.1,45,30,4,441919,VN,22.00,EUR,0,0
HONEY-ACACIA-250,Acacia honey 250 g jar,9520000010072,,,0.36,7,7,10,040900,HU,7.80,EUR,1,1
COASTER-CORK-4,Cork coasters set of 4,9520000010089,,,0.08,11,11,2,450390,PT,5.50,EUR,0,0
TEAPOT-GLASS-800,Glass teapot 800 ml,9520000010096,19520000010093,6,0.7,20,15,15,701349,CZ,29.00,EUR,0,0
"""

SAMPLE_STOCK = """\
A01-03-L-1,MUG-BLU-350,40,,
A01-03-R-1,MUG-RED-350,35,,
A02-07-L-2,TEA-EARL-100,30,L2611A,2027-06-30
A02-07-L-3,TEA-EARL-100,20,L2609C,2027-03-31
A04-11-R-1,TEA-SENCHA-100,25,S2610,2027-04-30
A05-02-L-1,KETTLE-STEEL-1L,12,,
A05-18-R-2,INFUSER-SS,80,,
A07-05-L-1,TRAY-BAMBOO-L,10,,
A08-22-R-2,HONEY-ACACIA-250,24,H2608,2028-08-31
A09-14-L-3,COASTER-CORK-4,60,,
A10-29-R-1,TEAPOT-GLASS-800,8,,
"""

# (family, sku stem, name, weight kg, dims cm, HS code, origin, unit value, lot/expiry tracked)
FAMILIES = [
    ("mug", "MUG", "Stoneware mug", 0.35, (12, 9, 10), "691200", "PT", 9.0, False),
    ("cup", "CUP", "Porcelain espresso cup", 0.12, (7, 7, 6), "691110", "DE", 6.5, False),
    ("plate", "PLATE", "Dinner plate", 0.6, (27, 27, 3), "691210", "PL", 12.0, False),
    ("bowl", "BOWL", "Ceramic bowl", 0.4, (16, 16, 7), "691200", "ES", 10.0, False),
    ("glass", "GLASS", "Tumbler glass", 0.25, (8, 8, 11), "701337", "CZ", 5.0, False),
    ("tea", "TEA", "Loose leaf tea 100 g", 0.12, (8, 5, 15), "090240", "IN", 7.5, True),
    ("coffee", "COFFEE", "Coffee beans 250 g", 0.27, (9, 6, 18), "090121", "CO", 11.0, True),
    ("honey", "HONEY", "Honey jar 250 g", 0.36, (7, 7, 10), "040900", "AT", 8.0, True),
    ("towel", "TOWEL", "Cotton tea towel", 0.09, (20, 15, 2), "630291", "PT", 6.0, False),
    ("spoon", "SPOON", "Stainless teaspoon", 0.03, (14, 3, 1), "821599", "CN", 2.5, False),
    ("jar", "JAR", "Storage jar glass 1 l", 0.55, (11, 11, 16), "701349", "IT", 9.5, False),
    ("board", "BOARD", "Oak chopping board", 1.2, (40, 25, 2), "441919", "DE", 28.0, False),
    ("candle", "CANDLE", "Scented candle", 0.3, (8, 8, 9), "340600", "FR", 14.0, False),
    ("napkin", "NAPKIN", "Linen napkins set of 4", 0.2, (22, 22, 3), "630399", "LT", 16.0, False),
    ("pot", "POT", "Enamel saucepan", 1.4, (30, 20, 12), "732394", "PL", 32.0, False),
]
COLOURS = ["white", "black", "blue", "red", "green", "grey", "sand", "olive", "rose", "navy", "mustard", "teal"]
SIZES = ["S", "M", "L"]


def _products(rng: random.Random) -> list[list[str]]:
    rows = [line.split(",") for line in SAMPLE_PRODUCTS.strip().splitlines()]
    serial = 20000
    for _family, stem, name, weight, dims, hs, origin, value, tracked in FAMILIES:
        for colour in COLOURS:
            for size in SIZES:
                if len(rows) >= 520:
                    break
                serial += 1
                gtin = with_check_digit(f"952000{serial:06d}")
                case_gtin, case_qty = "", ""
                if rng.random() < 0.2:
                    case_gtin = with_check_digit(f"1952000{serial:06d}")
                    case_qty = str(rng.choice([4, 6, 12]))
                scale = {"S": 0.8, "M": 1.0, "L": 1.25}[size]
                rows.append(
                    [
                        f"{stem}-{colour.upper()[:4]}-{size}",
                        f"{name} {colour} {size}",
                        gtin,
                        case_gtin,
                        case_qty,
                        f"{weight * scale:.3f}",
                        *(f"{d * scale:.1f}" for d in dims),
                        hs,
                        origin,
                        f"{value * scale:.2f}",
                        "EUR",
                        "1" if tracked else "0",
                        "1" if tracked else "0",
                    ]
                )
    return rows


def _stock(rng: random.Random, products: list[list[str]], layout: Layout) -> list[list[str]]:
    rows = [line.split(",") for line in SAMPLE_STOCK.strip().splitlines()]
    used = {r[0] for r in rows}
    faces = [str(c) for c in layout.pick_face_codes() if str(c) not in used]
    rng.shuffle(faces)
    reserve = list(layout.reserve_codes())
    today = date(2026, 11, 1)
    for index, product in enumerate(products[10:]):
        sku, tracked = product[0], product[13] == "1"
        locations = 1 if rng.random() < 0.8 else 2
        for n in range(locations):
            location = faces.pop()
            qty = rng.randint(5, 60)
            if tracked:
                expiry = today + timedelta(days=rng.randint(60, 720))
                lot = f"L{expiry:%y%m}{chr(65 + n)}"
                rows.append([location, sku, str(qty), lot, expiry.isoformat()])
            else:
                rows.append([location, sku, str(qty), "", ""])
        if reserve and index % 9 == 0 and not tracked:
            rows.append([reserve[index % len(reserve)], sku, str(rng.randint(24, 120)), "", ""])
    return rows


def _orders(rng: random.Random, products: list[list[str]]) -> dict[str, object]:
    """Shopify-format demo orders: mostly ordinary, plus one with an unknown SKU (on hold), one asking for more
    than the stock (backordered) and one above the review value (held for review)."""
    cities = [
        ("Wien", "1010", "AT"),
        ("Graz", "8010", "AT"),
        ("Berlin", "10115", "DE"),
        ("Praha", "11000", "CZ"),
        ("Bratislava", "81101", "SK"),
        ("Ljubljana", "1000", "SI"),
    ]
    first = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo", "Ida", "Jonas", "Klara", "Lukas"]
    last = ["Huber", "Novak", "Schmidt", "Horvat", "Kovac", "Wagner", "Dvorak", "Bauer"]
    skus = [p[0] for p in products if p[13] == "0"]  # untracked items keep the demo walk simple
    orders = []
    for i in range(60):
        city, postcode, country = rng.choice(cities)
        name = (rng.choice(first), rng.choice(last))
        lines = [
            {"id": 7_000_000 + i * 10 + k, "sku": sku, "title": sku, "quantity": rng.randint(1, 2), "price": "12.50"}
            for k, sku in enumerate(rng.sample(skus, rng.randint(1, 4)))
        ]
        orders.append(
            {
                "id": 6_100_000_000 + i,
                "name": f"#D{1001 + i}",
                "order_number": 1001 + i,
                "email": f"{name[0].lower()}.{name[1].lower()}@example.com",
                "created_at": f"2026-11-{20 + i % 3:02d}T{8 + i % 9:02d}:15:00+01:00",
                "currency": "EUR",
                "total_price": f"{sum(12.5 * x['quantity'] for x in lines):.2f}",
                "tags": "vip" if i % 9 == 0 else "",
                "line_items": lines,
                "shipping_address": {
                    "first_name": name[0],
                    "last_name": name[1],
                    "address1": f"Hauptstrasse {i + 1}",
                    "city": city,
                    "zip": postcode,
                    "country_code": country,
                },
                "shipping_lines": [
                    {
                        "code": rng.choice(["standard", "standard", "standard", "express", "same-day"]),
                        "title": "Shipping",
                    }
                ],
            }
        )
    orders[7]["line_items"].append({"id": 7_999_001, "sku": "GIFT-WRAP-XL", "title": "Gift wrap", "quantity": 1})
    orders[11]["line_items"] = [{"id": 7_999_002, "sku": "TEAPOT-GLASS-800", "title": "Teapot", "quantity": 20}]
    orders[15]["total_price"] = "1480.00"
    return {"orders": orders}


def generate(out_dir: Path = ASSETS / "demo", layout_path: Path = ASSETS / "layouts" / "demo.toml") -> None:
    rng = random.Random(SEED)
    with layout_path.open("rb") as fh:
        layout = Layout.from_mapping(tomllib.load(fh), str(layout_path))
    products = _products(rng)
    stock = _stock(rng, products, layout)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "products.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "sku",
                "name",
                "gtin",
                "case_gtin",
                "case_qty",
                "weight_kg",
                "length_cm",
                "width_cm",
                "height_cm",
                "hs_code",
                "origin_country",
                "unit_value",
                "currency",
                "track_lot",
                "track_expiry",
            ]
        )
        writer.writerows(products)
    (out_dir / "orders.json").write_text(json.dumps(_orders(rng, products), indent=1) + "\n")
    with (out_dir / "stock.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["location", "sku", "qty", "lot", "expiry"])
        writer.writerows(stock)


if __name__ == "__main__":
    generate()
    print(f"wrote {ASSETS / 'demo'}")
