"""Hand-made PDFs for tests: the serialiser the scan sample is built with
(samples/build/pdf_bytes.py)."""

from samples.build.pdf_bytes import serialise

__all__ = ["serialise"]
