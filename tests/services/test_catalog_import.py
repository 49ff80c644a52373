"""Product and stock imports: every bad row is named as file:line, and nothing half-imports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Event, Product, Stock
from app.db.unit_of_work import Database
from app.services import catalog, stock
from tests.conftest import ACTOR, SAMPLES

HEADER = (
    "sku,name,gtin,case_gtin,case_qty,weight_kg,length_cm,width_cm,height_cm,hs_code,origin_country,"
    "unit_value,currency,track_lot,track_expiry\n"
)


def count(db: Database, model: type) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_sample_products_import_and_reimport_changes_nothing(db: Database) -> None:
    first = catalog.import_products(db, SAMPLES / "products.csv", actor=ACTOR)
    assert (first.created, first.updated, first.applied) == (10, 0, True)
    events_after_first = count(db, Event)
    second = catalog.import_products(db, SAMPLES / "products.csv", actor=ACTOR)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 10)
    assert count(db, Product) == 10
    assert count(db, Event) == events_after_first  # a no-op import writes nothing, not even an event
    with db.unit_of_work(readonly=True) as uow:
        mug = uow.session.scalar(select(Product).where(Product.sku == "MUG-BLU-350"))
        assert mug is not None
        assert (mug.case_gtin, mug.case_qty, str(mug.weight_kg)) == ("19520000010000", 6, "0.380")


def test_bad_product_rows_are_all_reported_and_nothing_imports(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        HEADER
        + "GOOD-1,Good,9520000010003,,,0.1,1,1,1,691200,PT,1,EUR,0,0\n"  # line 2
        + "BAD-GTIN,Bad,9520000010004,,,0.1,1,1,1,691200,PT,1,EUR,0,0\n"  # line 3: check digit
        + "GOOD-1,Dup,9520000010010,,,0.1,1,1,1,691200,PT,1,EUR,0,0\n"  # line 4: duplicate SKU
        + "NEG-W,Neg,9520000010027,,,-0.5,1,1,1,691200,PT,1,EUR,0,0\n"  # line 5: negative weight
        + "CASE,Case,9520000010034,19520000010031,2.5,0.1,1,1,1,691200,PT,1,EUR,0,0\n"  # line 6: case_qty
    )
    report = catalog.import_products(db, path, actor=ACTOR)
    messages = [str(p) for p in report.problems]
    assert not report.applied
    assert messages == [
        f"{path}:3: gtin: GTIN '9520000010004': bad check digit 4 (expected 3)",
        f"{path}:4: sku: duplicate SKU 'GOOD-1' (first on line 2)",
        f"{path}:5: weight_kg: must not be negative, got -0.5",
        f"{path}:6: case_qty: must be a whole number, got '2.5'",
    ]
    assert count(db, Product) == 0

    partial = catalog.import_products(db, path, skip_invalid=True, actor=ACTOR)
    assert partial.applied and partial.created == 1 and len(partial.problems) == 4
    assert count(db, Product) == 1


def test_gtin_of_another_product_in_the_database_is_refused(db: Database, tmp_path: Path) -> None:
    catalog.import_products(db, SAMPLES / "products.csv", actor=ACTOR)
    path = tmp_path / "more.csv"
    path.write_text(HEADER + "NEW-SKU,New,9520000010003,,,0.1,1,1,1,691200,PT,1,EUR,0,0\n")
    report = catalog.import_products(db, path, actor=ACTOR)
    assert [str(p) for p in report.problems] == [
        f"{path}:2: gtin: 9520000010003 already belongs to product MUG-BLU-350"
    ]


def test_stock_import_sets_counts_and_is_idempotent(sample_catalog: Database) -> None:
    db = sample_catalog
    lines = stock.stock_for_sku(db, "TEA-EARL-100")
    assert [(line.location, line.qty, line.lot, str(line.expiry)) for line in lines] == [
        ("A02-07-L-3", 20, "L2609C", "2027-03-31"),  # earliest expiry first
        ("A02-07-L-2", 30, "L2611A", "2027-06-30"),
    ]
    again = catalog.import_stock(db, SAMPLES / "stock.csv", actor=ACTOR)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)
    assert count(db, Stock) == 11


def test_bad_stock_rows(sample_catalog: Database, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text(
        "location,sku,qty,lot,expiry\n"
        "A01-03-L-1,MUG-BLU-350,41,,\n"  # 2 ok
        "A01-03-L-1,NO-SUCH-SKU,1,,\n"  # 3 unknown sku
        "A99-01-L-1,MUG-BLU-350,1,,\n"  # 4 not in layout
        "A01-03-L-1,MUG-RED-350,-2,,\n"  # 5 negative
        "A02-07-L-2,TEA-EARL-100,3,L1,2027-02-30\n"  # 6 bad date
        "A02-07-L-2,TEA-EARL-100,3,,2027-02-01\n"  # 7 lot required
        "X1,MUG-RED-350,1,,\n"  # 8 malformed location
        "A01-03-L-1,MUG-RED-350,1.5,,\n"  # 9 non-integer
    )
    report = catalog.import_stock(sample_catalog, path, actor=ACTOR)
    assert not report.applied
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [
        (3, "sku"), (4, "location"), (5, "qty"), (6, "expiry"), (7, "lot"), (8, "location"), (9, "qty"),
    ]  # fmt: skip
    assert "unknown SKU 'NO-SUCH-SKU'" in str(report.problems[0])
    assert stock.stock_for_sku(sample_catalog, "MUG-BLU-350")[0].qty == 40  # line 2 was not applied either


@pytest.mark.parametrize("sku", ["NOPE"])
def test_stock_show_unknown_sku(sample_catalog: Database, sku: str) -> None:
    from app.services.errors import NotFound

    with pytest.raises(NotFound, match="no product with SKU 'NOPE'"):
        stock.stock_for_sku(sample_catalog, sku)


def test_lookup_by_gtin_case_gtin_sku_and_location(sample_catalog: Database) -> None:
    by_gtin = stock.lookup(sample_catalog, "9520000010027")
    assert by_gtin.product and by_gtin.product.sku == "TEA-EARL-100" and by_gtin.total_qty == 50
    by_case = stock.lookup(sample_catalog, "19520000010000")
    assert by_case.product and by_case.product.sku == "MUG-BLU-350" and by_case.note == "case of 6"
    by_gs1 = stock.lookup(sample_catalog, "]C10109520000010027")
    assert by_gs1.product and by_gs1.product.sku == "TEA-EARL-100"
    by_sku = stock.lookup(sample_catalog, "KETTLE-STEEL-1L")
    assert [line.location for line in by_sku.lines] == ["A05-02-L-1"]
    by_location = stock.lookup(sample_catalog, "A02-07-L-2")
    assert by_location.kind == "location" and [(x.sku, x.lot) for x in by_location.lines] == [
        ("TEA-EARL-100", "L2611A")
    ]


def test_more_decimals_than_the_column_holds_are_refused_with_file_line(db: Database, tmp_path: Path) -> None:
    """PostgreSQL would round them and SQLite keep them: the databases would disagree and re-imports churn."""
    path = tmp_path / "products.csv"
    path.write_text(
        HEADER
        + "DEC-1,Tiny,,,,0.1,1,1,1,691200,PT,0.0000001,EUR,0,0\n"
        + "DEC-2,Many,,,,0.12345678,10.55555,1,1,691200,PT,5.005,EUR,0,0\n"
    )
    report = catalog.import_products(db, path, actor=ACTOR)
    assert not report.applied
    assert [str(p) for p in report.problems] == [
        f"{path}:2: unit_value: at most 2 decimals, got '0.0000001'",
        f"{path}:3: weight_kg: at most 3 decimals, got '0.12345678'",
        f"{path}:3: length_cm: at most 1 decimals, got '10.55555'",
        f"{path}:3: unit_value: at most 2 decimals, got '5.005'",
    ]
    assert count(db, Product) == 0


def test_max_scale_values_reimport_as_unchanged(db: Database, tmp_path: Path) -> None:
    """Every accepted value is stored exactly, so the same file imported again changes nothing on either database;
    trailing zeros beyond the scale are accepted (they change no value)."""
    path = tmp_path / "products.csv"
    path.write_text(
        HEADER
        + "MAX-1,Max scale,,,,1234567.123,1234567.1,0.1,999.9,691200,PT,9999999999.99,EUR,0,0\n"
        + "MAX-2,Small,,,,0.001,0.1,0.1,0.1,691200,PT,0.01,EUR,0,0\n"
        + "MAX-3,Zeros,,,,12.5000,3.10,1.0,1,691200,PT,5.000,EUR,0,0\n"
    )
    first = catalog.import_products(db, path, actor=ACTOR)
    assert (first.created, first.applied) == (3, True), [str(p) for p in first.problems]
    events = count(db, Event)
    second = catalog.import_products(db, path, actor=ACTOR)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert count(db, Event) == events
    with db.unit_of_work(readonly=True) as uow:
        big = uow.session.scalar(select(Product).where(Product.sku == "MAX-1"))
        assert big is not None and (big.weight_kg, big.unit_value) == (Decimal("1234567.123"), Decimal("9999999999.99"))
