"""load: typed records into the DuckDB warehouse (the only package that talks to it)."""

from load.warehouse import (
    LoadResult,
    StatementRefused,
    WarehouseBusy,
    WarehouseError,
    WriteSession,
    analyst_query,
    loaded_documents,
    query,
    read_connection,
    write_session,
)

__all__ = [
    "LoadResult",
    "StatementRefused",
    "WarehouseBusy",
    "WarehouseError",
    "WriteSession",
    "analyst_query",
    "loaded_documents",
    "query",
    "read_connection",
    "write_session",
]
