"""Parse the catalog CSV files (products, stock) into checked rows, reporting every bad row as ``file:line``.

Only what can be judged from the file itself is checked here (types, ranges, GTIN check digits, duplicates,
dates, sizes); whether a SKU or location exists is the import service's business because it needs the
database.

Strict on purpose, because what slips through here either crashes PostgreSQL mid-import or sits wrong in the
stock: numbers are ASCII digits only (``１２`` and ``1_000`` are refused though Python reads them), decimals
are plain (no ``1e309``, ``Inf``, ``NaN``), dates are ``YYYY-MM-DD`` only, every value must fit its column
(``app.domain.limits``) and hold no control characters, and the header must name each known column at most
once and nothing else.

Where things are: ``rows`` (columns, row records, problems), ``csv_fields`` (reading the file and its fields),
``products`` and ``stock`` (one file kind each); the names below are the package's interface.
"""

from app.parsers.catalog.products import parse_products, parse_products_text
from app.parsers.catalog.rows import (
    OPTIONAL_PRODUCT_COLUMNS,
    OPTIONAL_STOCK_COLUMNS,
    PRODUCT_COLUMNS,
    STOCK_COLUMNS,
    FileError,
    ImportProblem,
    ProductRow,
    RowError,
    RowErrors,
    StockRow,
)
from app.parsers.catalog.stock import parse_stock, parse_stock_text

__all__ = [
    "OPTIONAL_PRODUCT_COLUMNS",
    "OPTIONAL_STOCK_COLUMNS",
    "PRODUCT_COLUMNS",
    "STOCK_COLUMNS",
    "FileError",
    "ImportProblem",
    "ProductRow",
    "RowError",
    "RowErrors",
    "StockRow",
    "parse_products",
    "parse_products_text",
    "parse_stock",
    "parse_stock_text",
]
