"""Findings about a file's signatures (extract/signatures.py reads them): kept with
the file when another file of the same version carries the rows (load/versions.py)."""

from __future__ import annotations

from extract.model import SignatureInfo
from extract.signatures import UNREADABLE, is_unreadable, is_unsigned, signed_by
from normalize.model import Finding


def signature_findings(signatures: list[SignatureInfo]) -> list[Finding]:
    """Findings for validation_issues: modified (error), partial (warning),
    unsigned (info), unreadable (warning)."""
    out: list[Finding] = []
    for s in signatures:
        if is_unsigned(s):
            what = "container has no signatures" if s.container else "file is not signed"
            out.append(Finding("unsigned", "info", f"the {what}"))
        elif is_unreadable(s):
            out.append(Finding("signature_unreadable", "warning", s.note or UNREADABLE))
        elif s.intact is False:
            out.append(Finding(
                "signature_modified", "error",
                f"{signed_by(s)} no longer matches the file: it was changed after signing",
                raw_text=s.note,
            ))
        elif s.covers_whole_file is False:
            out.append(Finding(
                "signature_partial", "warning",
                f"{signed_by(s)} does not cover the whole file: it was changed or added to after signing",
                raw_text=s.note,
            ))
    return out
