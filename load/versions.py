"""Which version is which: order from the document, one version per content.

- Versions of an annex (one `annex_key`) are numbered by what the document says:
  the original (no "muudetud … käskkirjaga" line) is version 1, amendments follow
  by the amending directive's date, then its number. Where two versions say the
  same (two originals, or two amendments by the same directive), a reading by OCR
  of a scan goes before a reading of a text layer (so the latest is the reading
  to trust, and any order of arrival gives the same warehouse), with a warning
  `ocr_reading_differs`; then a reading with fewer tables or rows (a partial file)
  before a fuller one (`version_order_by_completeness`); only where neither decides
  does arrival order (document_id) decide, and a warning finding
  `version_order_by_arrival` says so.
  Numbers are recomputed whenever a version is added, so loading an older
  version after a newer one never changes which one is latest.
- The rows of a version are read from its best file: a signed one (signature not
  broken) before an unsigned one, a PDF (page numbers to look up) before a DOCX,
  then by sha256 - so the same files give the same warehouse in any order.
"""

from __future__ import annotations

from collections import defaultdict

ARRIVAL_RULE = "version_order_by_arrival"
OCR_ORDER_RULE = "ocr_reading_differs"
COMPLETENESS_RULE = "version_order_by_completeness"
ORDER_RULES = (ARRIVAL_RULE, OCR_ORDER_RULE, COMPLETENESS_RULE)


def _amendment(no, date) -> str:
    if no is None and date is None:
        return "the original (no amending directive)"
    return f"amended by directive nr {no if no is not None else '?'} of {date if date is not None else '?'}"


def renumber(con, annex_key: str) -> None:
    """Number the versions of one annex by the document, arrival order last."""
    rows = con.execute(
        """SELECT document_id, version, amended_by_no, amended_by_date, ocr, tables, rows FROM (
               SELECT d.*, coalesce(d.engine LIKE '%ocr%', false) AS ocr,
                      (SELECT count(*) FROM annex_tables t WHERE t.document_id = d.document_id) AS tables,
                      (SELECT count(*) FROM activities a WHERE a.document_id = d.document_id)
                    + (SELECT count(*) FROM indicators i WHERE i.document_id = d.document_id) AS rows
               FROM documents d WHERE d.annex_key = ?)
           ORDER BY (amended_by_no IS NOT NULL OR amended_by_date IS NOT NULL),
                    amended_by_date NULLS LAST, amended_by_no NULLS LAST,
                    ocr DESC, tables, rows, document_id""",
        [annex_key],
    ).fetchall()
    for n, (document_id, version, *_rest) in enumerate(rows, start=1):
        if version != n:
            con.execute("UPDATE documents SET version = ? WHERE document_id = ?", [n, document_id])
    ids = [r[0] for r in rows]
    if ids:
        con.execute(
            f"DELETE FROM validation_issues WHERE rule IN (?, ?, ?) AND document_id IN ({','.join('?' * len(ids))})",
            [*ORDER_RULES, *ids],
        )
    same: dict[tuple, list[int]] = defaultdict(list)
    for n, (_doc, _v, no, date, *_rank) in enumerate(rows, start=1):
        same[(no, date)].append(n)
    for (no, date), versions in same.items():
        for earlier, later in zip(versions, versions[1:]):
            document_id = rows[later - 1][0]
            ocr_earlier, tables_earlier, rows_earlier = rows[earlier - 1][4:]
            ocr_later, tables_later, rows_later = rows[later - 1][4:]
            if ocr_earlier and not ocr_later:
                rule, why = OCR_ORDER_RULE, (
                    f"version {earlier} was read by OCR from a scan and version {later} from a text layer, "
                    f"so version {later} is put after it; the scan's reading may hold misreads (see its OCR findings)"
                )
            elif (tables_earlier, rows_earlier) < (tables_later, rows_later):
                rule, why = COMPLETENESS_RULE, (
                    f"version {earlier} holds fewer tables or rows ({tables_earlier} tables, {rows_earlier} rows) "
                    f"than version {later} ({tables_later} tables, {rows_later} rows), so version {later} is put "
                    f"after it; a partial file (tables missing or unreadable) is never the latest over a whole one"
                )
            else:
                rule, why = ARRIVAL_RULE, f"only their arrival order puts version {later} after version {earlier}"
            con.execute(
                """INSERT INTO validation_issues (document_id, rule, severity, message)
                   VALUES (?, ?, 'warning', ?)""",
                [document_id, rule,
                 f"versions {earlier} and {later} of this annex are both {_amendment(no, date)} but differ "
                 f"in content; {why}"],
            )


def best_file(con, document_id: int) -> str | None:
    """sha256 of the file a version's rows should be read from."""
    row = con.execute(
        """SELECT f.sha256 FROM document_files f WHERE f.document_id = ?
           ORDER BY EXISTS (SELECT 1 FROM signatures s WHERE s.sha256 = f.sha256
                            AND s.signer IS NOT NULL AND s.intact IS NOT FALSE) DESC,
                    f.source_format = 'pdf' DESC, f.sha256
           LIMIT 1""",
        [document_id],
    ).fetchone()
    return row[0] if row else None
