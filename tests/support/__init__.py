"""Helpers shared by test suites (PDF rasterizing and barcode checks); not tests themselves."""
