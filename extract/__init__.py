"""extract: a file in, an ExtractedDocument out (text blocks and whole logical tables).

Engines: `docx` (python-docx) for Word files; for PDFs the geometry engines
(`pdfplumber`, `pdfium`, `camelot`) produce page fragments that `extract.pdf.repair`
stitches into logical tables.
"""

from extract.model import Block, ExtractedDocument, ExtractionNote, RawRow, RawTable

__all__ = ["Block", "ExtractedDocument", "ExtractionNote", "RawRow", "RawTable"]
