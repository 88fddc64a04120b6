"""normalize: an ExtractedDocument in, typed records and findings out.

document.py walks the document (identity, tables, text balance); schedule.py and
indicators.py make each kind's rows, cells.py holds the checks they share; hierarchy,
parse, parties, columns, ... the pieces they use. model.py declares the records.
"""

__all__ = ["normalize_document"]


def __getattr__(name: str):
    # Imported on first use: the writing process imports normalize.fingerprint and
    # normalize.model (load/), and needs none of the stages behind normalize_document.
    if name == "normalize_document":
        from normalize.document import normalize_document

        return normalize_document
    raise AttributeError(f"module 'normalize' has no attribute {name!r}")
