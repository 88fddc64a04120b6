"""PDF signatures (PAdES). Placeholder until the pyHanko reader lands."""

from __future__ import annotations


def read_pdf_signatures(path):
    return []


def require_intact(path, signatures):
    return None


def signature_findings(signatures):
    return []
