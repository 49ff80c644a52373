"""Order channel parsing: every shared sample parses as its README says, and bad input is named precisely.

The samples are used from ``tests/fixtures/samples`` (a byte-for-byte copy of ``shared/samples``) so the
suite is self-contained; ``test_fixture_copy_matches_shared_samples`` catches the copy drifting when shared/
exists.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.parsers.channels import csv_orders, shopify, woocommerce
from app.parsers.channels.detect import detect_channel, parse_orders_file, parse_orders_text
from app.parsers.channels.model import IntakeAddress, IntakeLine, IntakeProblem, ParseResult
from app.parsers.countries import ISO_3166_ALPHA2, is_country_code

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
SHARED_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"

CSV_HEADER = (
    "order_number,customer_name,email,phone,address1,address2,city,region,postal_code,country,service,ship_by,sku,qty"
)


def sample_json(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def shopify_orders() -> list[dict[str, Any]]:
    return copy.deepcopy(sample_json("shopify-orders.json")["orders"])


def woo_order() -> dict[str, Any]:
    return copy.deepcopy(sample_json("woocommerce-orders.json")[0])


def messages(result: ParseResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- the samples, as documented -------------------------------------------------------------------------


def test_fixture_copy_matches_shared_samples() -> None:
    if not SHARED_SAMPLES.is_dir():
        pytest.skip("shared/samples is not beside this clone")
    shared = sorted(path.name for path in SHARED_SAMPLES.iterdir())
    assert sorted(path.name for path in SAMPLES.iterdir()) == shared
    for name in shared:
        assert (SAMPLES / name).read_bytes() == (SHARED_SAMPLES / name).read_bytes(), name


def test_shopify_orders_sample() -> None:
    result = parse_orders_file(SAMPLES / "shopify-orders.json")

    assert result.problems == ()
    assert result.channel == "shopify"
    first, second = result.orders
    assert (first.channel, first.external_id, first.number) == ("shopify", "5810000001001", "#1001")
    assert (second.external_id, second.number) == ("5810000001002", "#1002")
    assert first.customer_name == "Ana Silva"
    assert first.email == "ana.silva@example.com"
    assert first.phone == "+49 30 1234567"
    assert first.shipping_address == IntakeAddress(
        name="Ana Silva",
        company="",
        line1="Rua Augusta 120",
        line2="",
        city="Lisboa",
        region="Lisboa",
        postal_code="1100-053",
        country="PT",
        phone="+49 30 1234567",
    )
    assert second.shipping_address.city == "Berlin"
    assert second.shipping_address.country == "DE"
    assert second.shipping_address.postal_code == "10119"
    assert (first.shipping_method, second.shipping_method) == ("standard", "express")
    assert first.tags == ("vip",)  # the customer's tags count: VIP is a property of the customer
    assert second.tags == ()
    assert (first.order_value, first.currency) == (Decimal("33.40"), "EUR")
    assert second.order_value == Decimal("63.00")
    assert first.placed_at == datetime(2026, 11, 20, 8, 14, 3, tzinfo=UTC)
    assert (first.ship_by, first.promised_delivery) == (None, None)
    assert first.lines == (
        IntakeLine("MUG-BLU-350", None, "Ceramic mug - blue", 2, Decimal("8.50"), "13001"),
        IntakeLine("TEA-EARL-100", None, "Earl Grey loose tea 100 g", 1, Decimal("6.90"), "13002"),
    )
    assert [line.sku for line in second.lines] == ["KETTLE-STEEL-1L", "TEAPOT-GLASS-800"]
    assert (first.source_ref, second.source_ref) == ("shopify-orders.json#0", "shopify-orders.json#1")


def test_shopify_fixture_order_keeps_every_address_field_and_line() -> None:
    result = parse_orders_file(SAMPLES / "shopify-fixture-order.json")

    assert result.problems == ()
    (order,) = result.orders
    assert (order.external_id, order.number) == ("450789469", "#1001")
    assert order.customer_name == "Bob Norman"
    assert order.email == "bob.norman@hostmail.com"
    assert order.phone == "555-625-1199"
    assert order.shipping_address == IntakeAddress(
        name="Bob Norman",
        company="",
        line1="Chestnut Street 92",
        line2="",
        city="Louisville",
        region="KY",
        postal_code="40202",
        country="US",
        phone="555-625-1199",
    )
    assert order.shipping_method == "Free Shipping"
    assert order.order_value == Decimal("409.94")
    assert order.currency == "USD"
    assert order.placed_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert order.tags == ()
    rows = [(ln.sku, ln.name, ln.quantity, ln.unit_price, ln.external_line_id) for ln in order.lines]
    assert rows == [
        ("IPOD2008GREEN", "IPod Nano - 8gb - green", 1, Decimal("199.00"), "466157049"),
        ("IPOD2008RED", "IPod Nano - 8gb - red", 1, Decimal("199.00"), "518995019"),
        ("IPOD2008BLACK", "IPod Nano - 8gb - black", 1, Decimal("199.00"), "703073504"),
    ]
    assert order.source_ref == "shopify-fixture-order.json#0"


def test_woocommerce_sample() -> None:
    result = parse_orders_file(SAMPLES / "woocommerce-orders.json")

    assert result.problems == ()
    assert result.channel == "woocommerce"
    (order,) = result.orders
    assert (order.channel, order.external_id, order.number) == ("woocommerce", "727", "727")
    assert order.customer_name == "Priya Patel"
    assert order.email == "priya.patel@example.com"
    assert order.phone == "+44 113 496 0000"
    assert order.shipping_address == IntakeAddress(
        name="Priya Patel",
        company="",
        line1="14 Mill Lane",
        line2="",
        city="Leeds",
        region="",
        postal_code="LS1 4AB",
        country="GB",
        phone="+44 113 496 0000",
    )
    assert order.shipping_method == "flat_rate"
    assert (order.order_value, order.currency) == (Decimal("41.30"), "GBP")
    assert order.placed_at == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    assert order.tags == ()
    assert order.lines == (
        IntakeLine("HONEY-ACACIA-250", None, "Acacia honey 250 g jar", 2, Decimal("7.8"), "315"),
        IntakeLine("TRAY-BAMBOO-L", None, "Bamboo serving tray large", 1, Decimal("22.0"), "316"),
    )
    assert order.source_ref == "woocommerce-orders.json#0"


def test_csv_sample_groups_rows_by_order_number() -> None:
    result = parse_orders_file(SAMPLES / "orders.csv")

    assert result.problems == ()
    assert result.channel == "csv"
    first, second = result.orders
    assert (first.channel, first.external_id, first.number) == ("csv", "C-5001", "C-5001")
    assert first.customer_name == "Marta Kowalska"
    assert first.email == "marta.k@example.com"
    assert first.shipping_address == IntakeAddress(
        name="Marta Kowalska",
        company="",
        line1="ul. Dluga 5",
        line2="",
        city="Krakow",
        region="",
        postal_code="31-147",
        country="PL",
        phone="",
    )
    assert first.shipping_method == "standard"
    assert first.ship_by == date(2026, 11, 24)
    assert [(line.sku, line.quantity) for line in first.lines] == [("COASTER-CORK-4", 3), ("INFUSER-SS", 1)]
    assert (second.number, second.shipping_method) == ("C-5002", "same_day")
    assert second.ship_by == date(2026, 11, 22)
    assert second.shipping_address.country == "FR"
    assert [(line.sku, line.quantity) for line in second.lines] == [("TEA-SENCHA-100", 2)]
    assert (first.source_ref, second.source_ref) == ("orders.csv:2", "orders.csv:4")
    assert first.order_value == Decimal(0)  # the documented CSV carries no prices


def test_bad_orders_csv_names_lines_3_4_5_and_keeps_the_good_order() -> None:
    result = parse_orders_file(SAMPLES / "bad-orders.csv")

    assert [(p.location, p.field) for p in result.problems] == [
        ("line 3", "qty"),
        ("line 4", "ship_by"),
        ("line 5", "country"),
    ]
    assert messages(result) == [
        "bad-orders.csv:3: qty: must be a positive integer, got '-3'",
        "bad-orders.csv:4: ship_by: not a valid YYYY-MM-DD date, got '2026-13-45'",
        "bad-orders.csv:5: country: missing; expected an ISO 3166-1 alpha-2 country code such as 'DE'",
    ]
    assert [order.number for order in result.orders] == ["C-6001"]
    assert not result.ok


@pytest.mark.parametrize(
    ("name", "channel"),
    [
        ("shopify-orders.json", "shopify"),
        ("shopify-fixture-order.json", "shopify"),
        ("woocommerce-orders.json", "woocommerce"),
        ("orders.csv", "csv"),
        ("bad-orders.csv", "csv"),
        ("products.csv", None),
        ("stock.csv", None),
    ],
)
def test_format_detection_for_each_sample(name: str, channel: str | None) -> None:
    assert detect_channel((SAMPLES / name).read_text(encoding="utf-8")) == channel
    assert parse_orders_file(SAMPLES / name).channel == channel


def test_undetectable_file_says_so_and_suggests_channel() -> None:
    result = parse_orders_file(SAMPLES / "products.csv")

    assert result.orders == ()
    (message,) = messages(result)
    assert message.startswith("products.csv:1: cannot tell the format of this file: it is not JSON, and its first ")
    assert "use --channel shopify, woocommerce or csv" in message


def test_json_object_of_unknown_shape_is_undetectable() -> None:
    result = parse_orders_text('{"hello": "world"}', "x.json")

    assert result.orders == ()
    assert "cannot tell the format of this file: JSON, but" in messages(result)[0]


# --- shapes of the JSON channels ----------------------------------------------------------------------


def test_shopify_webhook_bare_order_object() -> None:
    body = json.dumps(shopify_orders()[1])

    assert detect_channel(body) == "shopify"
    result = parse_orders_text(body, "webhook")
    assert result.problems == ()
    (order,) = result.orders
    assert (order.external_id, order.number, order.source_ref) == ("5810000001002", "#1002", "webhook#0")


def test_shopify_number_falls_back_to_order_number() -> None:
    order = shopify_orders()[0]
    del order["name"]

    (parsed,) = shopify.parse({"order": order}, "x.json").orders
    assert parsed.number == "1001"


def test_woocommerce_single_order_object() -> None:
    body = json.dumps(woo_order())

    assert detect_channel(body) == "woocommerce"
    result = parse_orders_text(body, "woo-single.json")
    assert result.problems == ()
    (order,) = result.orders
    assert (order.external_id, order.number) == ("727", "727")
    assert len(order.lines) == 2


def test_woocommerce_without_shipping_address_uses_billing() -> None:
    order = woo_order()
    order["shipping"] = {key: "" for key in order["shipping"]}
    order["billing"]["address_1"] = "1 Billing Road"

    (parsed,) = woocommerce.parse([order], "woo.json").orders
    assert parsed.shipping_address.line1 == "1 Billing Road"
    assert parsed.shipping_address.country == "GB"


def test_malformed_json_names_line_and_column() -> None:
    text = '{\n  "orders": [\n    {"id": 1,,}\n  ]\n}'

    result = parse_orders_text(text, "broken.json")
    (problem,) = result.problems
    assert problem.line_number == 3
    assert str(problem) == (
        "broken.json:3: not valid JSON: Expecting property name enclosed in double quotes (column 14)"
    )
    assert result.orders == ()


def test_malformed_json_with_forced_channel_names_line_and_column() -> None:
    result = parse_orders_text('[{"id": 1}', "woo.json", channel="woocommerce")

    assert messages(result)[-1] == "woo.json:1: not valid JSON: expected ',' or ']' after an order (column 11)"


def test_shopify_unknown_country_code_drops_only_that_order() -> None:
    orders = shopify_orders()
    orders[1]["shipping_address"]["country_code"] = "XX"

    result = shopify.parse({"orders": orders}, "shopify-orders.json")
    assert messages(result) == [
        "shopify-orders.json: orders[1]: shipping_address.country_code: unknown country code 'XX'"
    ]
    assert [order.number for order in result.orders] == ["#1001"]


def test_every_problem_of_an_order_is_reported() -> None:
    order = shopify_orders()[0]
    order["shipping_address"]["city"] = ""  # a hold, not a problem (see the address tests)
    order["shipping_address"]["country_code"] = "uk"
    order["line_items"][0]["quantity"] = 0
    order["line_items"][1]["quantity"] = 1.5
    order["note_attributes"] = [{"name": "Ship-By", "value": "24.11.2026"}]

    result = shopify.parse(order, "hook")
    assert result.orders == ()
    assert messages(result) == [
        "hook: order: shipping_address.country_code: unknown country code 'uk' (did you mean 'GB'?)",
        "hook: order: note_attributes.Ship-By: not a valid YYYY-MM-DD date, got '24.11.2026'",
        "hook: order: line_items[0].quantity: must be a positive integer, got 0",
        "hook: order: line_items[1].quantity: must be a positive integer, got 1.5",
    ]


def test_shopify_missing_required_fields() -> None:
    order = shopify_orders()[0]
    for key in ("id", "name", "order_number", "shipping_address", "line_items"):
        del order[key]

    result = shopify.parse({"orders": [order]}, "s.json")
    assert [(p.location, p.field) for p in result.problems] == [
        ("orders[0]", "id"),
        ("orders[0]", "name"),
        ("orders[0]", "line_items"),
    ]  # a missing shipping address holds the order instead (see the address tests)


def test_shopify_line_without_sku_is_kept_with_barcode_or_nothing() -> None:
    order = shopify_orders()[0]
    order["line_items"][0]["sku"] = ""
    order["line_items"][0]["barcode"] = "9520000010003"
    order["line_items"][1]["sku"] = None

    result = shopify.parse({"order": order}, "s.json")
    assert result.problems == ()
    first, second = result.orders[0].lines
    assert (first.sku, first.gtin) == (None, "9520000010003")
    assert (second.sku, second.gtin) == (None, None)


def test_ship_by_and_promised_delivery_from_note_attributes_and_meta_data() -> None:
    order = shopify_orders()[0]
    order["note_attributes"] = [
        {"name": "gift wrap", "value": "yes"},
        {"name": "ship_by", "value": "2026-11-23"},
        {"name": "Promised Delivery", "value": "2026-11-25"},
    ]
    (parsed,) = shopify.parse(order, "s").orders
    assert (parsed.ship_by, parsed.promised_delivery) == (date(2026, 11, 23), date(2026, 11, 25))

    woo = woo_order()
    woo["meta_data"] = [{"id": 1, "key": "_ship_by_date", "value": "2026-11-24"}]
    (parsed_woo,) = woocommerce.parse(woo, "w").orders
    assert (parsed_woo.ship_by, parsed_woo.promised_delivery) == (date(2026, 11, 24), None)


def test_woocommerce_bad_values_are_named_by_json_path() -> None:
    orders = [woo_order(), woo_order()]
    orders[1]["id"] = 728
    orders[1]["shipping"]["country"] = "ZZ"
    orders[1]["line_items"][1]["quantity"] = "two"
    orders[1]["total"] = "lots"

    result = woocommerce.parse(orders, "woo.json")
    assert messages(result) == [
        "woo.json: [1]: shipping.country: unknown country code 'ZZ'",
        "woo.json: [1]: line_items[1].quantity: must be a positive integer, got 'two'",
        "woo.json: [1]: total: not an amount of money, got 'lots'",
    ]
    assert [order.external_id for order in result.orders] == ["727"]


def test_duplicate_external_id_in_one_file_is_a_problem() -> None:
    order = shopify_orders()[0]

    result = shopify.parse({"orders": [order, order]}, "s.json")
    assert messages(result) == ["s.json: orders[1]: id: duplicate of orders[0] (same id '5810000001001')"]
    assert len(result.orders) == 1


def test_json_with_non_object_orders() -> None:
    result = shopify.parse({"orders": [shopify_orders()[0], 42]}, "s.json")

    assert messages(result) == ["s.json: orders[1]: expected an order object, got 42"]
    assert len(result.orders) == 1


def test_empty_json_list_is_nothing_to_import() -> None:
    assert parse_orders_text("[]", "empty.json") == ParseResult((), (), None)
    assert parse_orders_text('{"orders": []}', "empty.json") == ParseResult((), (), None)


# --- CSV details ------------------------------------------------------------------------------------------


def test_csv_rows_of_one_order_must_agree() -> None:
    text = "\n".join(
        [
            CSV_HEADER,
            "C-1,Ann,ann@example.com,,Main St 1,,Vienna,,1010,AT,standard,2026-11-25,MUG-RED-350,1",
            "C-2,Bob,bob@example.com,,Side St 2,,Graz,,8010,AT,standard,2026-11-25,MUG-RED-350,1",
            "C-1,Ann,ann@example.com,,Main St 1,,Wien,,1010,AT,express,2026-11-25,MUG-BLU-350,2",
        ]
    )

    result = csv_orders.parse(text, "orders.csv")
    assert messages(result) == [
        "orders.csv:4: city: disagrees with line 2 of order C-1 ('Wien' here, 'Vienna' there)",
        "orders.csv:4: service: disagrees with line 2 of order C-1 ('express' here, 'standard' there)",
    ]
    assert [order.number for order in result.orders] == ["C-2"]


def test_csv_optional_columns_semicolons_and_gtin() -> None:
    text = "\r\n".join(
        [
            "Order_Number;Customer_Name;Address1;City;Country;SKU;GTIN;Quantity;Unit_Price;Currency;Tags;"
            "Promised_Delivery;Placed_At;Company",
            'C-9;Eva;Dorfstr. 1;Bern;ch;;9520000010010;2;8.50;chf;"vip, wholesale";2026-11-30;'
            "2026-11-20T10:00:00+01:00;Eva AG",
            'C-9;Eva;Dorfstr. 1;Bern;ch;TEA-EARL-100;;1;6.90;chf;"vip, wholesale";2026-11-30;'
            "2026-11-20T10:00:00+01:00;Eva AG",
            "",
        ]
    )

    result = parse_orders_text(text, "semi.csv")
    assert result.problems == ()
    (order,) = result.orders
    assert order.shipping_address.country == "CH"
    assert order.shipping_address.company == "Eva AG"
    assert order.currency == "CHF"
    assert order.tags == ("vip", "wholesale")
    assert order.promised_delivery == date(2026, 11, 30)
    assert order.placed_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert order.order_value == Decimal("23.90")
    assert [(line.sku, line.gtin, line.quantity) for line in order.lines] == [
        (None, "9520000010010", 2),
        ("TEA-EARL-100", None, 1),
    ]


def test_csv_row_problems_wrong_field_count_and_missing_sku() -> None:
    text = "\n".join(
        [
            CSV_HEADER,
            "C-1,Ann,,,Main St 1,,Vienna,,1010,AT,standard,,,1",
            "C-2,Bob,,,Side St 2,,Graz,,8010,AT,standard,,MUG-RED-350",
            ",Cid,,,Side St 3,,Graz,,8010,AT,standard,,MUG-RED-350,1",
            "C-3,Dan,,,Side St 4,,Graz,,8010,AT,standard,,MUG-RED-350,1",
        ]
    )

    result = csv_orders.parse(text, "o.csv")
    assert messages(result) == [
        "o.csv:3: has 13 fields, the header has 14",
        "o.csv:4: order_number: missing",
    ]
    assert [order.number for order in result.orders] == ["C-1", "C-3"]  # C-1 is held by the intake: no SKU
    assert (result.orders[0].lines[0].sku, result.orders[0].lines[0].gtin) == (None, None)


def test_csv_that_cannot_be_read_imports_nothing() -> None:
    text = "\n".join(
        [
            CSV_HEADER,
            "C-1,Ann,,,Main St 1,,Vienna,,1010,AT,standard,,MUG-RED-350,1",
            'C-2,"Bob" Smith,,,Side St 2,,Graz,,8010,AT,standard,,MUG-RED-350,1',
            "C-3,Cid,,,Side St 3,,Graz,,8010,AT,standard,,MUG-RED-350,1",
        ]
    )

    result = csv_orders.parse(text, "o.csv")
    assert result.orders == ()
    (message,) = messages(result)
    assert message.startswith("o.csv:3: not readable as CSV: ")


def test_csv_header_missing_required_columns() -> None:
    result = csv_orders.parse("order_number,sku,qty\nC-1,MUG-RED-350,1\n", "o.csv")

    assert messages(result) == [
        "o.csv:1: address1: required column missing from the header",
        "o.csv:1: city: required column missing from the header",
        "o.csv:1: country: required column missing from the header",
    ]
    assert result.orders == ()


def test_csv_line_numbers_count_physical_lines() -> None:
    text = "\n".join(
        [
            CSV_HEADER,
            "",
            'C-1,Ann,,,"Main St 1\nBack door",,Vienna,,1010,AT,standard,,MUG-RED-350,1',
            "C-2,Bob,,,Side St 2,,Graz,,8010,AT,standard,,MUG-RED-350,0",
            "C-3,Cid,,,Side St 3,,Graz,,8010,AT,standard,,MUG-RED-350,1",
        ]
    )

    result = csv_orders.parse(text, "o.csv")
    assert messages(result) == [
        "o.csv:3: address1: contains a control character (U+000A) at position 10",  # one line on a label
        "o.csv:5: qty: must be a positive integer, got '0'",
    ]
    assert result.orders[0].source_ref == "o.csv:6"


# --- files, channels, messages ------------------------------------------------------------------------------


def test_forced_channel_and_unknown_channel() -> None:
    assert parse_orders_file(SAMPLES / "orders.csv", channel="csv").channel == "csv"
    forced_wrong = parse_orders_file(SAMPLES / "orders.csv", channel="shopify")
    assert forced_wrong.orders == ()
    assert messages(forced_wrong)[0] == "orders.csv:1: not valid JSON: Expecting value (column 1)"

    result = parse_orders_file(SAMPLES / "orders.csv", channel="amazon")
    assert messages(result) == ["orders.csv: unknown channel 'amazon' (expected one of: shopify, woocommerce, csv)"]


def test_unreadable_empty_and_non_utf8_files(tmp_path: Path) -> None:
    missing = parse_orders_file(tmp_path / "nope.json")
    expected = f"nope.json: cannot read {tmp_path / 'nope.json'}: No such file or directory"
    assert messages(missing) == [expected]

    empty = tmp_path / "empty.csv"
    empty.write_text("  \n")
    assert messages(parse_orders_file(empty)) == ["empty.csv:1: the file is empty"]

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(f"{CSV_HEADER}\nC-1,Jos\xe9".encode("latin-1"))
    (message,) = messages(parse_orders_file(latin1))
    assert message == "latin1.csv:2: not UTF-8 text (byte 0xE9); save the file as UTF-8 (in Excel: 'CSV UTF-8')"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (SAMPLES / "orders.csv").read_bytes())

    assert len(parse_orders_file(path).orders) == 2


def test_problem_str_forms() -> None:
    assert str(IntakeProblem("a.csv", "line 3", "qty", "bad")) == "a.csv:3: qty: bad"
    assert str(IntakeProblem("a.json", "orders[1]", "id", "bad")) == "a.json: orders[1]: id: bad"
    assert str(IntakeProblem("a.json", "", "", "bad")) == "a.json: bad"
    assert str(IntakeProblem("a.csv", "line 3", "", "bad")) == "a.csv:3: bad"


def test_country_codes() -> None:
    assert len(ISO_3166_ALPHA2) == 249
    assert list(ISO_3166_ALPHA2) == sorted(set(ISO_3166_ALPHA2))
    assert all(is_country_code(code) for code in ("AT", "GB", "US", "PT", "XK"))
    assert not any(is_country_code(code) for code in ("UK", "EU", "XX", "at"))


# --- duplicate keys: which value was meant cannot be told, so the file is refused ----------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"orders": [],\n "orders": [ORDER]}', "x.json:2: document: duplicate key 'orders'"),
        ('{"orders": [ORDER],\n "orders": [ORDER2]}', "x.json:2: document: duplicate key 'orders'"),
        ('{"order": ORDER, "order": ORDER2}', "x.json:1: document: duplicate key 'order'"),
        ("[ORDER2, DUP_ID]", "x.json:2: [1]: duplicate key 'id'"),
        ('{"orders": [DUP_SKU]}', "x.json:3: orders[0].line_items[0]: duplicate key 'sku'"),
    ],
)
def test_a_key_given_twice_at_any_level_refuses_the_file(body: str, expected: str) -> None:
    first, second = shopify_orders()
    order, order2 = json.dumps(first), json.dumps(second)
    dup_id = order.replace('{"id": ', '{"id": 1,\n"id": ', 1)
    dup_sku = order.replace('"line_items": [{', '"line_items": [{\n"sku": "X",\n"s\\u006bu": "Y", ', 1)
    for name, value in (("DUP_ID", dup_id), ("DUP_SKU", dup_sku), ("ORDER2", order2), ("ORDER", order)):
        body = body.replace(name, value)
    result = parse_orders_text(body, "x.json", "shopify")  # orders read before it are dropped by the intake
    assert [str(p) for p in result.problems] == [expected]
    detected = parse_orders_text(body, "x.json")  # detection reports the same problem, not "cannot tell"
    assert [str(p) for p in detected.problems] == [expected]


def test_a_key_given_twice_in_a_whole_document_is_named() -> None:
    from app.parsers.channels.json_text import load_json

    data, problem = load_json('{"a": {"b": 1,\n "b": 2}}', "hook.json")
    assert data is None and str(problem) == "hook.json:2: a: duplicate key 'b'"


# --- identifiers must be visible and canonical; free text must not turn itself around ------------------------


@pytest.mark.parametrize(
    ("sku", "why"),
    [
        ("MUG\u200b-BLU-350", "U+200B ZERO WIDTH SPACE"),
        ("\ufeffMUG-BLU-350", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("ＭＵＧ-BLU-350", "U+FF2D FULLWIDTH LATIN CAPITAL LETTER M"),
    ],
)
def test_invisible_or_full_width_characters_in_a_sku_are_refused_by_name(sku: str, why: str) -> None:
    result = parse_orders_text(f"{CSV_HEADER}\nZ-1,Ann,a@b.c,,Main 1,,Wien,,1010,AT,standard,,{sku},1\n", "o.csv")
    assert result.orders == ()
    assert [p.field for p in result.problems] == ["sku"] and why in result.problems[0].reason


def test_names_allow_emoji_accents_cjk_and_rtl_letters_but_not_direction_overrides() -> None:
    good = "Zoë 茶 שלום 👨\u200d👩\u200d👧"
    row = f"Z-2,{good},a@b.c,,Main 1,,Wien,,1010,AT,standard,,MUG-BLU-350,1"
    result = parse_orders_text(f"{CSV_HEADER}\n{row}\n", "o.csv")
    assert result.problems == () and result.orders[0].customer_name == good
    row = "Z-3,Ann \u202egpj.exe,a@b.c,,Main 1,,Wien,,1010,AT,standard,,M,1"
    evil = parse_orders_text(f"{CSV_HEADER}\n{row}\n", "o.csv")
    assert [str(p) for p in evil.problems] == [  # once, though the column is read as customer and recipient
        "o.csv:2: customer_name: contains a text direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at position 5"
    ]


def test_a_value_of_only_invisible_characters_is_empty() -> None:
    result = parse_orders_text(f"{CSV_HEADER}\nZ-4,Ann,a@b.c,,\u200b \u200b,,Wien,,1010,AT,standard,,M,1\n", "o.csv")
    assert [str(p) for p in result.problems] == ["o.csv:2: address1: missing"]
