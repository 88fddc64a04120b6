"""Insert many rows in one statement, from plain Python values, without Arrow.

DuckDB's `executemany` runs its statement once per row (a third of an ingest once);
an Arrow table in one statement is fast, but `pyarrow.array` imports pandas (about
0.3 s, and numpy with it) the first time it sees a Python list, and a command that
loads one annex paid that on every run. Here each column goes in as one list
parameter and is unnested: one statement, DuckDB's own conversion of Python values.

The target column's type decides how a value goes in, so that no value is
converted on a guess:
- DECIMAL: the Decimal's exact digits as text, cast by DuckDB (an amount never
  passes through a float; one that does not fit the column is an error, not a
  rounded number);
- MAP(K, V): a dict as its keys and values (a dict alone would become a STRUCT);
  None stays NULL, {} an empty map;
- anything else: the value as it is (str, int, bool, date, datetime, lists of them).
"""

from __future__ import annotations

import weakref
from decimal import Decimal


def _decimal_text(name: str, v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (Decimal, int)):
        raise TypeError(f"{name}: {v!r} is not an exact number")
    return format(Decimal(v), "f")


# Column types per connection, read from the catalog once (a catalog query per
# insert was a fifth of a load's time). The schema is complete before a write
# session's first insert (load.warehouse applies it first).
_TYPES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def column_types(con, table: str) -> dict[str, str]:
    tables = _TYPES.get(con)
    if tables is None or table not in tables:
        tables = {}
        for name, column, kind in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main'"
        ).fetchall():
            tables.setdefault(name, {})[column] = kind
        _TYPES[con] = tables
    return tables[table]


def insert_many(con, table: str, names: list[str], rows: list[tuple]) -> None:
    """INSERT INTO table (names) the rows (tuples in the order of names), in one statement."""
    if not rows:
        return
    types = column_types(con, table)
    inner: list[str] = []  # unnest(?) AS …, one per list parameter
    outer: list[str] = []  # the value of each named column, from the unnested lists
    params: list[list] = []
    for i, (name, col) in enumerate(zip(names, zip(*rows))):
        kind = types[name]
        if kind.startswith("MAP("):
            params.append([None if v is None else list(v.keys()) for v in col])
            params.append([None if v is None else list(v.values()) for v in col])
            inner += [f"unnest(?) AS k{i}", f"unnest(?) AS v{i}"]
            outer.append(f"CASE WHEN k{i} IS NULL THEN NULL ELSE map(k{i}, v{i}) END::{kind}")
        elif kind.startswith("DECIMAL("):
            params.append([_decimal_text(name, v) for v in col])
            inner.append(f"unnest(?::VARCHAR[]) AS c{i}")
            outer.append(f"c{i}::{kind}")
        else:
            params.append(list(col))
            inner.append(f"unnest(?) AS c{i}")
            outer.append(f"c{i}")  # cast to the column's type by the INSERT, as any value
    con.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)})",
        params,
    )
