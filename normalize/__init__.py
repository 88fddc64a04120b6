"""normalize: an ExtractedDocument in, typed records and findings out.

document.py walks the document (identity, tables, text balance); schedule.py and
indicators.py make each kind's rows, cells.py holds the checks they share; hierarchy,
parse, parties, columns, ... the pieces they use. model.py declares the records.
"""

from normalize.document import normalize_document

__all__ = ["normalize_document"]
