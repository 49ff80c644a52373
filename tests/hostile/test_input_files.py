"""Files that are not files, or far too big: refused before they are read (exit 2 naming the file), never a
MemoryError or an import that waits forever on a pipe.

The big files are sparse (``truncate``): they take no disk space and the test stays fast, which is itself the
check that nothing reads them whole.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.cli import main
from app.parsers.input_file import MAX_CSV_BYTES, MAX_LINE_BYTES, MAX_ORDER_EXPORT_BYTES
from tests.conftest import ROOT

DEV_ZERO = Path("/dev/zero")
PRODUCT_HEADER = (
    "sku,name,gtin,case_gtin,case_qty,weight_kg,length_cm,width_cm,height_cm,hs_code,origin_country,"
    "unit_value,currency,track_lot,track_expiry\n"
)


def run_import(db_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    started = time.monotonic()
    code = main(["--config", str(ROOT / "config.toml"), "--db", db_url, "import", *args])
    assert time.monotonic() - started < 10, "a refused file must not be read"
    return code, capsys.readouterr().err


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    path.write_bytes(head)
    os.truncate(path, size)
    return path


@pytest.mark.skipif(not DEV_ZERO.exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize("command", ["products", "stock", "orders"])
def test_a_device_is_refused_without_reading_it(db_url: str, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, err = run_import(db_url, capsys, command, str(DEV_ZERO))
    assert code == 2, err
    assert f"{DEV_ZERO}: is not a regular file" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "orders.json"
    os.mkfifo(fifo)
    for command in ("orders", "products"):
        code, err = run_import(db_url, capsys, command, str(fifo))
        assert code == 2 and f"{fifo}: is not a regular file" in err, err


@pytest.mark.parametrize(
    ("command", "name", "size", "limit"),
    [
        ("products", "products.csv", MAX_CSV_BYTES + 1, "512 MB"),
        ("stock", "stock.csv", MAX_CSV_BYTES + 1, "512 MB"),
        ("orders", "orders.json", MAX_ORDER_EXPORT_BYTES + 1, "2,048 MB"),
        ("orders", "orders.csv", MAX_CSV_BYTES + 1, "512 MB"),
    ],
)
def test_a_file_beyond_the_size_cap_is_refused_naming_the_cap(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, name: str, size: int, limit: str
) -> None:
    head = b"order_number,sku,qty\n" if name == "orders.csv" else b'{"orders": [' if name.endswith(".json") else b""
    path = sparse(tmp_path / name, size, head)
    code, err = run_import(db_url, capsys, command, str(path))
    assert code == 2, err
    assert f"{path}: is " in err and f"larger than the {limit}" in err, err


ORDERS_HEADER = "order_number,customer_name,address1,city,country,sku,qty\n"


@pytest.mark.parametrize(("command", "header"), [("products", PRODUCT_HEADER), ("orders", ORDERS_HEADER)])
def test_a_line_longer_than_a_row_can_be_is_refused_after_reading_a_megabyte(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, header: str
) -> None:
    """400 MB (under the size cap) without a line break: refused on line 2 after reading 1 MB of it."""
    path = sparse(tmp_path / "long.csv", 400 << 20, header.encode() + b"X")
    code, err = run_import(db_url, capsys, command, str(path))
    assert code == 2, err
    assert f"{path}:2: " in err and f"longer than {MAX_LINE_BYTES >> 20} MB" in err, err
