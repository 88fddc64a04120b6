"""Writing one normalized document into an open warehouse connection (inside the
transaction `WriteSession.load` holds): a new version, or another file of a version
already loaded (load/versions.py).

Column lists are not written out here: each record dataclass (normalize/model.py,
extract/model.SignatureInfo) is written to the table named in RECORD_TABLES, a field to
the column of its name (or the name given there); tests/test_record_columns.py
checks that sql/schema.sql has a column for every field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


from extract.model import SignatureInfo
from load import bulk
from load.versions import ORDER_RULES
from load.versions import best_file as _best_file
from load.versions import renumber as _renumber
from normalize.fingerprint import document_fingerprint
from normalize.model import (
    Activity,
    DocumentRecord,
    Finding,
    Identity,
    Indicator,
    NormalizedDocument,
    Party,
    Reconciliation,
    TableRecord,
    TextBalance,
)

@dataclass(frozen=True)
class RecordTable:
    table: str
    renamed: dict  # field -> column, where the column's name differs

    def columns(self, cls) -> tuple[list[str], list[str]]:
        """(field names, column names) of `cls`, in declaration order."""
        names = [f.name for f in fields(cls)]
        return names, [self.renamed.get(n, n) for n in names]


# Each record type and its table. load adds the columns no record holds: document_id
# (every table), sha256 (a file's signatures and findings), ingested_at.
RECORD_TABLES: dict[type, RecordTable] = {
    TableRecord: RecordTable("annex_tables", {}),
    Activity: RecordTable("activities", {}),
    Indicator: RecordTable("indicators", {}),
    TextBalance: RecordTable("text_balance", {"reasons": "drop_reasons"}),
    Finding: RecordTable("validation_issues", {}),
    Party: RecordTable("activity_parties", {}),
    Reconciliation: RecordTable("reconciliation_checks", {}),
    SignatureInfo: RecordTable("signatures", {}),
}

# DocumentRecord's fields: what the annex says (Identity), then the facts of the file
# the rows were read from, which `documents` repeats from `document_files`.
IDENTITY_COLUMNS = [f.name for f in fields(Identity)]
FILE_COLUMNS = [f.name for f in fields(DocumentRecord) if f.name not in {*IDENTITY_COLUMNS, "fingerprint"}]

_CONTENT_TABLES = ("annex_tables", "activities", "indicators", "activity_parties", "reconciliation_checks", "text_balance")


@dataclass
class LoadResult:
    document_id: int
    version: int
    annex_key: str
    replaced: bool  # --force replaced an earlier load of the same bytes
    new_version: bool = True  # False: another file of a version already loaded


def insert_document(con, doc: NormalizedDocument, *, force: bool) -> LoadResult:
    """Record one file: a new version when its content (fingerprint) is new, else
    another file of the version that says the same. See load/versions.py."""
    d = doc.document
    container = doc.container.kind if doc.container else None
    member = doc.container.member if doc.container else None
    fingerprint = d.fingerprint or document_fingerprint(doc)
    annex_key = d.annex_key
    file_values = {**{c: getattr(d, c) for c in FILE_COLUMNS}, "container": container}
    replaced = False
    # (an older warehouse's files are in document_files too: migration 002 ran first)
    old = con.execute("SELECT document_id FROM document_files WHERE sha256 = ?", [d.sha256]).fetchone()
    old_id = old[0] if old else None
    if old_id is not None:
        if not force:
            raise ValueError(f"{d.file_name}: already loaded as document {old_id}")
        _detach_file(con, d.sha256)
        replaced = True
    same = con.execute("SELECT document_id FROM documents WHERE fingerprint = ?", [fingerprint]).fetchone()
    orphan = old_id is not None and not _has_files(con, old_id)
    renumber_keys = {annex_key}
    identity = {"annex_key": annex_key, **{c: getattr(d, c) for c in IDENTITY_COLUMNS}, "fingerprint": fingerprint}
    if same is not None:
        document_id, new_version = same[0], False
        if orphan and old_id != document_id:
            renumber_keys.add(_delete_document(con, old_id))
    else:
        new_version = True
        if orphan:
            # --force on a file that now reads differently: the version keeps its id.
            document_id = old_id
            renumber_keys.add(_annex_key_of(con, document_id))
            _update_document(con, document_id, identity)
            _delete_content(con, document_id)
        else:
            row = {**identity, **file_values, "version": 0}
            document_id = con.execute(
                f"INSERT INTO documents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) RETURNING document_id",
                list(row.values()),
            ).fetchone()[0]
    file_row = {**file_values, "document_id": document_id, "member": member}
    con.execute(
        f"INSERT INTO document_files ({', '.join(file_row)}) VALUES ({', '.join('?' * len(file_row))})",
        list(file_row.values()),
    )
    _insert_records(con, document_id, SignatureInfo, doc.signatures, sha256=d.sha256)
    file_findings = list(doc.file_findings)
    _insert_records(con, document_id, Finding, file_findings, sha256=d.sha256)
    if new_version or _best_file(con, document_id) == d.sha256:
        # This file's reading becomes the version's rows (the same values, by the
        # fingerprint; pages and raw cells are the best file's).
        if not new_version:
            _delete_content(con, document_id)
        if not new_version or orphan:
            _update_document(con, document_id, file_values)
        about_file = {id(f) for f in file_findings}  # the same objects: no field-by-field compare
        content_findings = [f for f in doc.findings if id(f) not in about_file]
        _insert_content(con, document_id, doc, content_findings)
    for key in renumber_keys:
        if key is not None:
            _renumber(con, key)
    version = con.execute("SELECT version FROM documents WHERE document_id = ?", [document_id]).fetchone()[0]
    return LoadResult(document_id, version, annex_key, replaced, new_version)


def _update_document(con, document_id: int, values: dict) -> None:
    """Set these columns of a version's `documents` row (its identity, or the file
    its rows are read from)."""
    con.execute(
        f"UPDATE documents SET {', '.join(f'{c} = ?' for c in values)} WHERE document_id = ?",
        [*values.values(), document_id],
    )


def _insert_content(con, document_id: int, doc: NormalizedDocument, findings) -> None:
    _insert_records(con, document_id, TableRecord, doc.tables)
    _insert_records(con, document_id, Activity, doc.activities)
    _insert_records(con, document_id, Indicator, doc.indicators)
    _insert_records(con, document_id, TextBalance, doc.text_balance)
    _insert_records(con, document_id, Finding, findings)
    _insert_records(con, document_id, Party, doc.parties)
    _insert_records(con, document_id, Reconciliation, doc.reconciliation)


def _insert_records(con, document_id: int, cls: type, items, *, sha256: str | None = None) -> None:
    """Rows of `cls` records into their table (RECORD_TABLES), with document_id and,
    for what belongs to a file rather than a version, its sha256."""
    spec = RECORD_TABLES[cls]
    names, columns = spec.columns(cls)
    extra = [sha256] if sha256 is not None else []
    rows = [(document_id, *[getattr(i, n) for n in names], *extra) for i in items]
    _insert_many(con, spec.table, [*columns, *(["sha256"] if extra else [])], rows)


def _delete_content(con, document_id: int) -> None:
    """The rows read from a version's file, and the findings about them (not the
    findings about a file, such as its signature)."""
    for table in _CONTENT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute(
        f"DELETE FROM validation_issues WHERE document_id = ? AND sha256 IS NULL "
        f"AND rule NOT IN ({', '.join(repr(r) for r in ORDER_RULES)})",
        [document_id],
    )


def _detach_file(con, sha256: str) -> None:
    con.execute("DELETE FROM signatures WHERE sha256 = ?", [sha256])
    con.execute("DELETE FROM validation_issues WHERE sha256 = ?", [sha256])
    con.execute("DELETE FROM document_files WHERE sha256 = ?", [sha256])
    # If it was the file a version's rows were read from and the version has other
    # files, name the best of those (the rows say the same, by the fingerprint).
    row = con.execute("SELECT document_id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
    if row is not None and (best := _best_file(con, row[0])) is not None:
        columns = [*FILE_COLUMNS, "container"]
        f = con.execute(f"SELECT {', '.join(columns)} FROM document_files WHERE sha256 = ?", [best]).fetchone()
        _update_document(con, row[0], dict(zip(columns, f)))


def _has_files(con, document_id: int) -> bool:
    return con.execute("SELECT count(*) FROM document_files WHERE document_id = ?", [document_id]).fetchone()[0] > 0


def _annex_key_of(con, document_id: int) -> str | None:
    row = con.execute("SELECT annex_key FROM documents WHERE document_id = ?", [document_id]).fetchone()
    return row[0] if row else None


def _delete_document(con, document_id: int) -> str | None:
    """Remove a version left without files; returns its annex_key to renumber."""
    key = _annex_key_of(con, document_id)
    _delete_content(con, document_id)
    for table in ("validation_issues", "signatures", "document_files"):
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute("DELETE FROM documents WHERE document_id = ?", [document_id])
    return key


def _insert_many(con, table: str, fields: list[str], rows: list[tuple]) -> None:
    """Insert rows in one statement (load/bulk.py): DuckDB's executemany runs the
    statement once per row, which was a third of an ingest's time."""
    bulk.insert_many(con, table, ["document_id", *fields], rows)
