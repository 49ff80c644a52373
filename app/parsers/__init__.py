"""Parsers of files that come from outside the warehouse: one home, no database, no screens.

``channels`` reads order exports and webhooks (Shopify, WooCommerce, CSV orders) into one intake shape;
``catalog`` reads the products and stock CSV files; ``input_file`` refuses a file that is not a plain file of a
sane size before a byte is read and caps line lengths for all of them; ``countries`` is the ISO 3166 table both
check country codes against. Whether a SKU or location exists is the services' business: parsers judge only
what the file itself says, and report every problem as ``file:line``.
"""
