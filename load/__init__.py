"""load: typed records into the DuckDB warehouse (the only package that talks to it).

warehouse.py opens it (lock, copy and swap; the read-only connection), schema.py
creates and upgrades its tables and views, writer.py writes one document, queries.py
reads. This module is their face.
"""

from load.queries import StatementRefused, analyst_query, export_relations, loaded_documents, query, read_relations
from load.schema import create_schema
from load.warehouse import (
    WarehouseBusy,
    WarehouseError,
    WriteSession,
    read_connection,
    upgrade,
    write_session,
)
from load.writer import LoadResult

__all__ = [
    "LoadResult",
    "StatementRefused",
    "WarehouseBusy",
    "WarehouseError",
    "WriteSession",
    "analyst_query",
    "create_schema",
    "export_relations",
    "loaded_documents",
    "query",
    "read_connection",
    "read_relations",
    "upgrade",
    "write_session",
]
