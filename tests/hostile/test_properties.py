"""Property tests: the import parsers, the channel parsers and the scan classifier never raise on any input.

The parsers' documented answer to bad input is a problem that names where it is (``file:line`` or a JSON path);
the classifier's is a ``Scan`` with ``error`` set. Anything else escaping them would become a traceback at an
import or a station. What a parser accepts must also fit the database (the sizes of ``app.domain.limits``), so
an accepted file can never fail halfway through writing.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.domain import limits
from app.domain.scans import classify
from app.parsers.catalog import (
    OPTIONAL_PRODUCT_COLUMNS,
    OPTIONAL_STOCK_COLUMNS,
    PRODUCT_COLUMNS,
    STOCK_COLUMNS,
    parse_products_text,
    parse_stock_text,
)
from app.parsers.channels import csv_orders, shopify, woocommerce
from app.parsers.channels.detect import parse_orders_text
from app.parsers.channels.model import IntakeOrder, IntakeProblem, ParseResult
from tests.conftest import SAMPLES

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that broke things: NUL and other controls, full-width and superscript digits,
# surrogates' neighbours, markup, quotes, separators, and plain digits and letters.
HOSTILE_CHARS = st.sampled_from(list("0123456789.,;-+_eE \t\n\r\"'[]/\\\x00\x1b\x7f\x85１２²٣€ß漢\u202e\ufeff"))
cells = st.one_of(
    st.text(max_size=12),
    st.text(HOSTILE_CHARS, max_size=12),
    st.sampled_from(["1", "0", "-1", "1e309", "Inf", "NaN", "2147483648", "9" * 30, "2027-06-30", "20270630", ""]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def headers(known: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """Mostly the right columns (so rows get checked), sometimes shuffled, doubled or with strangers."""
    exact = st.just(list(known))
    mixed = st.lists(st.one_of(st.sampled_from(known), st.text(max_size=6)), min_size=1, max_size=len(known) + 2)
    return st.one_of(exact, exact.flatmap(st.permutations).map(list), mixed)


def assert_located(problems: Any) -> None:
    for problem in problems:
        if isinstance(problem, IntakeProblem):
            assert problem.line_number > 0 or problem.location, problem
        else:
            assert problem.line > 0, problem


def assert_fits(order: IntakeOrder) -> None:
    """Every value of an accepted order fits its column and holds no control character."""
    address = order.shipping_address
    texts = {
        "order.external_id": order.external_id,
        "order.number": order.number,
        "order.customer_name": order.customer_name,
        "order.email": order.email,
        "order.phone": order.phone,
        "order.ship_name": address.name,
        "order.ship_line1": address.line1,
        "order.ship_city": address.city,
        "order.ship_postal_code": address.postal_code,
        "order.ship_country": address.country,
        "order.shipping_method": order.shipping_method,
        "order.currency": order.currency,
    }
    for key, value in texts.items():
        assert limits.text_problem(value, key) is None, (key, value)
    assert limits.numeric_problem(order.order_value, "order.order_value") is None
    for line in order.lines:
        assert 0 < line.quantity <= limits.MAX_INT
        assert limits.text_problem(line.sku or "", "line.sku") is None
        assert limits.text_problem(line.name, "line.name") is None
        if line.unit_price is not None:
            assert limits.numeric_problem(line.unit_price, "line.unit_price") is None


@FAST
@given(headers(PRODUCT_COLUMNS + OPTIONAL_PRODUCT_COLUMNS), st.lists(st.lists(cells, max_size=17), max_size=4))
def test_products_csv_never_raises(header: list[str], rows: list[list[str]]) -> None:
    good, problems = parse_products_text(csv_text(header, rows), "p.csv")
    assert_located(problems)
    for row in good:
        assert limits.text_problem(row.name, "product.name") is None
        assert limits.text_problem(row.sku, "product.sku") is None
        assert row.case_qty is None or 0 < row.case_qty <= limits.MAX_INT
        for column in ("weight_kg", "length_cm", "width_cm", "height_cm", "unit_value"):
            assert limits.numeric_problem(getattr(row, column), f"product.{column}") is None


@FAST
@given(headers(STOCK_COLUMNS + OPTIONAL_STOCK_COLUMNS), st.lists(st.lists(cells, max_size=6), max_size=5))
def test_stock_csv_never_raises(header: list[str], rows: list[list[str]]) -> None:
    good, problems = parse_stock_text(csv_text(header, rows), "s.csv")
    assert_located(problems)
    for row in good:
        assert 0 <= row.qty <= limits.MAX_INT and limits.text_problem(row.lot, "stock.lot") is None
        assert row.expiry is None or limits.date_problem(row.expiry) is None


@FAST
@given(st.text(max_size=300))
def test_any_text_as_a_catalog_file_never_raises(text: str) -> None:
    assert_located(parse_products_text(text, "p.csv")[1])
    assert_located(parse_stock_text(text, "s.csv")[1])


ORDER_HEADER = list(csv_orders.DOCUMENTED_COLUMNS)


@FAST
@given(
    st.one_of(st.just(ORDER_HEADER), headers(tuple(sorted(csv_orders.KNOWN_COLUMNS)))),
    st.lists(st.lists(cells, min_size=14, max_size=14), max_size=4),
)
def test_orders_csv_never_raises(header: list[str], rows: list[list[str]]) -> None:
    check(csv_orders.parse(csv_text(header, rows), "o.csv"))
    check(parse_orders_text(csv_text(header, rows), "o.csv"))


def check(result: ParseResult) -> None:
    assert_located(result.problems)
    for order in result.orders:
        assert_fits(order)


# --- JSON channels -------------------------------------------------------------------------------------------

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.text(HOSTILE_CHARS, max_size=10),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
SHOPIFY = json.loads((SAMPLES / "shopify-orders.json").read_text())["orders"][0]
WOO = json.loads((SAMPLES / "woocommerce-orders.json").read_text())[0]
SHOPIFY_PATHS = [
    ("id",), ("name",), ("email",), ("created_at",), ("total_price",), ("currency",), ("tags",),
    ("financial_status",), ("cancelled_at",), ("shipping_address",), ("shipping_address", "address1"),
    ("shipping_address", "city"), ("shipping_address", "country_code"), ("shipping_address", "zip"),
    ("line_items",), ("line_items", 0), ("line_items", 0, "quantity"), ("line_items", 0, "price"),
    ("line_items", 0, "sku"), ("line_items", 1, "name"), ("shipping_lines",), ("customer",), ("note_attributes",),
]  # fmt: skip
WOO_PATHS = [
    ("id",), ("number",), ("status",), ("total",), ("date_created",), ("billing",), ("billing", "email"),
    ("shipping",), ("shipping", "address_1"), ("shipping", "country"), ("line_items",),
    ("line_items", 0, "quantity"), ("line_items", 0, "price"), ("line_items", 0, "sku"), ("meta_data",),
]  # fmt: skip


def mutated(sample: dict[str, Any], paths: list[tuple[Any, ...]]) -> st.SearchStrategy[dict[str, Any]]:
    """A real order with a few of its fields replaced by anything JSON can hold."""

    def apply(changes: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
        order = json.loads(json.dumps(sample))
        for path, value in changes:
            target: Any = order
            try:
                for part in path[:-1]:
                    target = target[part]
                target[path[-1]] = value
            except (KeyError, IndexError, TypeError):
                pass  # an earlier change replaced the object this path goes through
        return order

    return st.lists(st.tuples(st.sampled_from(paths), json_values), max_size=4).map(apply)


@FAST
@given(st.one_of(json_values, mutated(SHOPIFY, SHOPIFY_PATHS), mutated(WOO, WOO_PATHS)))
def test_channel_parsers_never_raise(data: Any) -> None:
    for parse in (shopify.parse, woocommerce.parse):
        check(parse(data, "x.json"))
    for shape in (data, {"orders": [data]}, [data, data]):
        text = json.dumps(shape)  # NaN and Infinity come out as the literals Python's json reads back
        check(parse_orders_text(text, "x.json"))
        check(parse_orders_text(text, "x.json", channel="woocommerce"))


JSON_TOKENS = [*'[]{}",:0123456789.eE-tfnrul \n\\', "NaN", "Infinity", "\\ud800"]


@FAST
@given(st.lists(st.sampled_from(JSON_TOKENS), max_size=60).map("".join))
def test_any_json_like_text_never_raises(text: str) -> None:
    check(parse_orders_text(text, "x.json"))
    check(parse_orders_text(text, "x.json", channel="shopify"))


def test_numbers_json_reads_specially_are_refused() -> None:
    for literal in ("NaN", "Infinity", "-Infinity", "1e309", "9" * 5000):
        text = json.dumps({"orders": [SHOPIFY]})
        assert '"price": "8.50"' in text
        result = parse_orders_text(text.replace('"price": "8.50"', f'"price": {literal}'), "x.json")
        assert result.orders == () and len(result.problems) == 1, literal
        assert result.problems[0].field == "line_items[0].price"


# --- scan classifier ---------------------------------------------------------------------------------------


SCAN_TOKENS = st.one_of(HOSTILE_CHARS, st.sampled_from(["\x1d", "]C1", "]E0", "01", "10", "17", "TOTE-", "A01-"]))


@FAST
@given(st.one_of(st.text(max_size=40), st.lists(SCAN_TOKENS, max_size=12).map("".join)))
@example("]C1010952000001000310LOT\x1d17270631")
@example("TOTE-１２３４")
def test_scan_classifier_never_raises(raw: str) -> None:
    scan = classify(raw)
    assert scan.kind in {"location", "reserve_location", "tote", "box", "badge", "gtin", "gs1", "text"}
    assert scan.gtin is None or (len(scan.gtin) == 14 and scan.gtin.isascii())


def test_scan_classifier_superscript_and_full_width_digits_are_text() -> None:
    """``str.isdigit`` accepts '²' and '１', ``int`` refuses the first and reads the second: neither is a barcode."""
    assert classify("²" * 8).kind == "text"
    assert classify("０９５２０００００１０００３").kind == "text"
