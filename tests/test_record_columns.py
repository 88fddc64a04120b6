"""One declaration of each record's fields (normalize/model.py) and load's column
lists derived from them: every field of a record has a column in sql/schema.sql,
and every column of its table is a field or one of the few load adds itself."""

from __future__ import annotations

from dataclasses import fields

import duckdb
import pytest

from load.schema import create_schema
from load.writer import FILE_COLUMNS, IDENTITY_COLUMNS, RECORD_TABLES
from normalize.model import DocumentRecord, Identity

# Columns no record holds: written by load (document_id, a file's sha256) or by DuckDB.
LOAD_COLUMNS = {"document_id", "sha256", "ingested_at"}


@pytest.fixture(scope="module")
def schema_columns() -> dict[str, set[str]]:
    con = duckdb.connect()
    create_schema(con)
    out: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
    ).fetchall():
        out.setdefault(table, set()).add(column)
    con.close()
    return out


@pytest.mark.parametrize("cls", list(RECORD_TABLES), ids=lambda c: c.__name__)
def test_every_field_has_its_column_and_every_column_a_field(cls, schema_columns):
    spec = RECORD_TABLES[cls]
    _, columns = spec.columns(cls)
    table = schema_columns[spec.table]
    assert set(columns) <= table, f"{cls.__name__} fields without a column in {spec.table}"
    assert table - set(columns) <= LOAD_COLUMNS, f"{spec.table} columns no record fills"


def test_document_record_is_its_identity_and_its_file(schema_columns):
    # The identity is declared once: DocumentRecord has Identity's fields, not copies.
    assert issubclass(DocumentRecord, Identity)
    assert IDENTITY_COLUMNS == [f.name for f in fields(Identity)]
    record = {f.name for f in fields(DocumentRecord)}
    # documents: the record, plus what load works out (annex_key, version, container).
    assert record <= schema_columns["documents"]
    assert schema_columns["documents"] - record == LOAD_COLUMNS - {"sha256"} | {"annex_key", "version", "container"}
    # document_files: the file's facts of the record, plus container and member.
    assert set(FILE_COLUMNS) <= schema_columns["document_files"]
    assert schema_columns["document_files"] - set(FILE_COLUMNS) == {"document_id", "container", "member", "ingested_at"}
