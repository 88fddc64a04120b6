"""What changed between two versions of an annex.

Rows are matched across versions by table, code and label (the n-th occurrence of
a duplicated pair matches the n-th), then, among rows still unmatched, by table and
code when the code is unique on both sides, then by table and label: a row whose
amount or label changed is one changed row, not a removal plus an addition.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from load.warehouse import read_connection

ACTIVITY_COLUMNS = [
    "kov", "code", "label", "frame_start", "frame_end", "period_start", "period_end",
    "amount_eur", "responsible",
]
INDICATOR_COLUMNS = ["group_label", "indicator", "unit", "target_plan_year", "target_2029", "explanation"]


@dataclass
class VersionDiff:
    old: dict
    new: dict
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    kov_totals: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "old": self.old, "new": self.new, "added": self.added, "removed": self.removed,
            "changed": self.changed, "kov_totals": self.kov_totals,
        }


def _rows(con, document_id: int, kind: str) -> list[dict]:
    if kind == "activity":
        cols = ["table_no", "row_no", "is_leaf", *ACTIVITY_COLUMNS]
        sql = f"SELECT {', '.join(cols)} FROM activities WHERE document_id = ? ORDER BY table_no, row_no"
    else:
        cols = ["table_no", "row_no", *INDICATOR_COLUMNS]
        sql = f"SELECT {', '.join(cols)} FROM indicators WHERE document_id = ? ORDER BY table_no, row_no"
    return [dict(zip(cols, r)) | {"kind": kind} for r in con.execute(sql, [document_id]).fetchall()]


def _key(row: dict) -> tuple:
    if row["kind"] == "activity":
        return (row["table_no"], row["code"], row["label"])
    return (row["table_no"], None, row["indicator"])


def _match(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    pairs: list[tuple[dict, dict]] = []
    left, right = list(old), list(new)
    key_fns = [
        lambda r: _key(r),
        lambda r: (r["table_no"], r.get("code")) if r.get("code") else None,
        lambda r: (r["table_no"], r.get("label") or r.get("indicator")),
    ]
    for i, fn in enumerate(key_fns):
        buckets_l: dict = defaultdict(list)
        buckets_r: dict = defaultdict(list)
        for r in left:
            if (k := fn(r)) is not None:
                buckets_l[k].append(r)
        for r in right:
            if (k := fn(r)) is not None:
                buckets_r[k].append(r)
        matched_l, matched_r = set(), set()
        for k, ls in buckets_l.items():
            rs = buckets_r.get(k, [])
            if i > 0 and (len(ls) != 1 or len(rs) != 1):
                continue  # looser keys only when unambiguous
            for a, b in zip(ls, rs):
                pairs.append((a, b))
                matched_l.add(id(a))
                matched_r.add(id(b))
        left = [r for r in left if id(r) not in matched_l]
        right = [r for r in right if id(r) not in matched_r]
    return pairs, left, right


def _item(row: dict) -> dict:
    base = {"kind": row["kind"], "table_no": row["table_no"], "row_no": row["row_no"]}
    if row["kind"] == "activity":
        base |= {"code": row["code"], "label": row["label"], "is_leaf": row["is_leaf"]}
        base |= {c: row[c] for c in ACTIVITY_COLUMNS if c not in ("code", "label")}
    else:
        base |= {"code": None, "label": row["indicator"]}
        base |= {c: row[c] for c in INDICATOR_COLUMNS if c != "indicator"}
    return base


def _changes(a: dict, b: dict) -> dict:
    cols = ACTIVITY_COLUMNS if a["kind"] == "activity" else INDICATOR_COLUMNS
    out = {}
    for c in cols:
        if a[c] != b[c]:
            change = {"old": a[c], "new": b[c]}
            if isinstance(a[c], Decimal) and isinstance(b[c], Decimal):
                change["difference"] = b[c] - a[c]
            out[c] = change
    return out


def _doc_info(con, document_id: int) -> dict:
    row = con.execute(
        "SELECT document_id, file_name, version, annex_key, amended_by_no, ingested_at FROM documents WHERE document_id = ?",
        [document_id],
    ).fetchone()
    if row is None:
        raise LookupError(f"no document {document_id} in the warehouse")
    return dict(zip(["document_id", "file_name", "version", "annex_key", "amended_by_no", "ingested_at"], row))


def newest_pairs(db_path: str | Path, annex_key: str | None = None) -> list[tuple[int, int]]:
    """(older, newer) document ids: the two newest versions of each annex (or of
    `annex_key`) that has two. Versions are distinct content by construction (one
    version per content fingerprint), so this never compares two copies."""
    with read_connection(db_path) as con:
        rows = con.execute(
            """SELECT annex_key, list(document_id ORDER BY version DESC)[1:2]
               FROM documents WHERE annex_key = coalesce(?, annex_key)
               GROUP BY annex_key ORDER BY annex_key""",
            [annex_key],
        ).fetchall()
    if not rows:
        raise LookupError(f"no annex {annex_key!r} in the warehouse" if annex_key else "the warehouse holds no documents")
    pairs = [(ids[1], ids[0]) for _, ids in rows if len(ids) == 2]
    if not pairs:
        raise LookupError("the warehouse holds only one version of each annex; nothing to compare")
    return pairs


def version_document(db_path: str | Path, version: int, annex_key: str | None = None) -> int:
    """The document id of version N of an annex (the only annex, or `annex_key`)."""
    with read_connection(db_path) as con:
        rows = con.execute(
            "SELECT annex_key, document_id FROM documents WHERE version = ? AND annex_key = coalesce(?, annex_key)",
            [version, annex_key],
        ).fetchall()
        keys = [r[0] for r in con.execute(
            "SELECT DISTINCT annex_key FROM documents WHERE annex_key = coalesce(?, annex_key)", [annex_key]
        ).fetchall()]
    if len(keys) > 1:
        raise LookupError(f"{len(keys)} annexes are loaded; say which with --annex ({', '.join(sorted(keys))})")
    if not rows:
        raise LookupError(f"no version {version}" + (f" of annex {annex_key}" if annex_key else ""))
    return rows[0][1]


def diff_versions(db_path: str | Path, old_id: int, new_id: int) -> VersionDiff:
    with read_connection(db_path) as con:
        return diff_in(con, old_id, new_id)


def diff_in(con, old_id: int, new_id: int) -> VersionDiff:
    """`diff_versions` on a connection already open (the report reads in one)."""
    result = VersionDiff(old=_doc_info(con, old_id), new=_doc_info(con, new_id))
    for kind in ("activity", "indicator"):
        pairs, removed, added = _match(_rows(con, old_id, kind), _rows(con, new_id, kind))
        result.removed += [_item(r) for r in removed]
        result.added += [_item(r) for r in added]
        for a, b in pairs:
            cols = _changes(a, b)
            if cols:
                item = _item(b)
                item["old_row_no"] = a["row_no"]
                item["columns"] = cols
                result.changed.append(item)
    totals = defaultdict(lambda: [None, None])
    for i, doc in enumerate((old_id, new_id)):
        for kov, total in con.execute(
            "SELECT kov, sum(total_eur) FROM kov_totals WHERE document_id = ? GROUP BY kov", [doc]
        ).fetchall():
            totals[kov][i] = total
    for kov, (o, n) in totals.items():
        diff = (n - o) if o is not None and n is not None else None
        result.kov_totals.append({"kov": kov, "old": o, "new": n, "difference": diff})
    return result
