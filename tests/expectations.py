"""Compare a warehouse's rows with the transcription, cell by cell.

The transcription (samples/transcription/annex-2025.json) was made by hand from the
real annex; its `norm` values are what a perfect extractor produces. Every mismatch
is returned as a readable line, so a failing test says exactly which cell is wrong.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal

import duckdb

ACTIVITY_FIELDS = ["code", "label", "frame_start", "frame_end", "period_start", "period_end", "amount_eur", "responsible"]
INDICATOR_FIELDS = ["indicator", "unit", "target_plan_year", "target_2029", "explanation"]


def _norm_value(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return v.normalize() if v == v.to_integral_value() else v
    return v


def _expected_value(field: str, v):
    if v is None:
        return None
    if field in ("amount_eur", "target_plan_year", "target_2029"):
        d = Decimal(str(v))
        return d.normalize() if d == d.to_integral_value() else d
    return v


def compare(db_path, transcription: dict, document_id: int | None = None) -> list[str]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if document_id is None:
            document_id = con.execute("SELECT max(document_id) FROM documents").fetchone()[0]
        problems: list[str] = []
        tables = {r[0]: r for r in con.execute(
            "SELECT table_no, caption, kind, kov, row_count FROM annex_tables WHERE document_id = ?", [document_id]).fetchall()}
        for key, t in transcription["tables"].items():
            no = int(key)
            if no not in tables:
                problems.append(f"Tabel {no}: missing")
                continue
            _, caption, kind, kov, row_count = tables[no]
            if caption != t["caption"]:
                problems.append(f"Tabel {no}: caption {caption!r} != {t['caption']!r}")
            if kind != t["kind"]:
                problems.append(f"Tabel {no}: kind {kind!r} != {t['kind']!r}")
            if kov != t["kov"]:
                problems.append(f"Tabel {no}: kov {kov!r} != {t['kov']!r}")
            if row_count != len(t["rows"]):
                problems.append(f"Tabel {no}: {row_count} rows, expected {len(t['rows'])}")
            if t["kind"] == "schedule":
                fields, table = ACTIVITY_FIELDS, "activities"
            else:
                fields, table = INDICATOR_FIELDS, "indicators"
            got = con.execute(
                f"SELECT row_no, {', '.join(fields)} FROM {table} WHERE document_id = ? AND table_no = ? ORDER BY row_no",
                [document_id, no],
            ).fetchall()
            for i, exp in enumerate(t["rows"], start=1):
                if i > len(got):
                    problems.append(f"Tabel {no} row {i}: missing")
                    continue
                row = dict(zip(["row_no", *fields], got[i - 1]))
                for f in fields:
                    e = _expected_value(f, exp["norm"].get(f))
                    g = _norm_value(row[f])
                    if e != g:
                        problems.append(f"Tabel {no} row {i} {f}: got {g!r}, expected {e!r}")
                if t["kind"] == "indicator":
                    g = con.execute(
                        "SELECT group_label FROM indicators WHERE document_id = ? AND table_no = ? AND row_no = ?",
                        [document_id, no, i]).fetchone()[0]
                    if g != exp["norm"].get("group"):
                        problems.append(f"Tabel {no} row {i} group_label: got {g!r}, expected {exp['norm'].get('group')!r}")
            if len(got) > len(t["rows"]):
                for extra in got[len(t["rows"]):]:
                    problems.append(f"Tabel {no}: unexpected extra row {extra}")
        return problems
    finally:
        con.close()


# compare()'s problem lines: about a row (and a field), or about a whole table.
_ROW_PROBLEM = re.compile(r"^Tabel (\d+) row (\d+)(?: (\w+))?:")
_TABLE_PROBLEM = re.compile(r"^Tabel (\d+)[: ]")


def score(problems: list[str], data: dict) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(rows equal, total), (cells equal, total), (tables exact, total) from compare()'s problems."""
    bad_rows: set[tuple[int, int]] = set()
    bad_cells: set[tuple[int, int, str]] = set()
    bad_tables: set[int] = set()
    fields = {int(k): ACTIVITY_FIELDS if t["kind"] == "schedule" else INDICATOR_FIELDS for k, t in data["tables"].items()}
    for p in problems:
        m = _ROW_PROBLEM.match(p)
        if m:
            no, i = int(m[1]), int(m[2])
            bad_tables.add(no)
            if i <= len(data["tables"][str(no)]["rows"]):
                bad_rows.add((no, i))
                for f in [m[3]] if m[3] and m[3] in fields[no] else fields[no]:
                    bad_cells.add((no, i, f))
            continue
        m = _TABLE_PROBLEM.match(p)
        if m:
            no = int(m[1])
            bad_tables.add(no)
            if p.endswith(": missing"):
                for i in range(1, len(data["tables"][str(no)]["rows"]) + 1):
                    bad_rows.add((no, i))
                    bad_cells.update((no, i, f) for f in fields[no])
    n_rows = sum(len(t["rows"]) for t in data["tables"].values())
    n_cells = sum(len(t["rows"]) * len(fields[int(k)]) for k, t in data["tables"].items())
    n_tables = len(data["tables"])
    return (n_rows - len(bad_rows), n_rows), (n_cells - len(bad_cells), n_cells), (n_tables - len(bad_tables), n_tables)


def count_cells(transcription: dict) -> int:
    n = 0
    for t in transcription["tables"].values():
        fields = ACTIVITY_FIELDS if t["kind"] == "schedule" else INDICATOR_FIELDS
        n += len(t["rows"]) * len(fields)
    return n


# ------------------------------------------------------------- the annex one year on

_DATE_OR_YEAR_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b|(?<![\d.,])\b(202[3-6])\b(?![.,]?\d)")
_ISO_FIELDS = ("frame_start", "frame_end", "period_start", "period_end")
_TEXT_FIELDS = ("label", "responsible", "indicator", "unit", "explanation", "group")


def _shift_text(text: str, years: int) -> str:
    def repl(m: re.Match) -> str:
        if m[4]:
            return str(int(m[4]) + years)
        return f"{m[1]}.{m[2]}.{int(m[3]) + years}"

    return _DATE_OR_YEAR_RE.sub(repl, text)


def _shift_iso(value: str | None, years: int) -> str | None:
    if not value:
        return value
    d = dt.date.fromisoformat(value)
    return d.replace(year=d.year + years).isoformat()


def one_year_on(transcription: dict, *, directive_no: int = 3, directive_date: str = "2026-01-16", years: int = 1) -> dict:
    """The same annex a year on, as the next year's directive would approve it: every
    date (DD.MM.YYYY, and ISO in `norm`) and every mention of a plan year 2023-2026
    ("2025. aastal", "aastal (2025)") `years` later; the target year of the programme
    ("Sihttase (2029)") and the amounts stay. The approval block names the new directive."""
    t = copy.deepcopy(transcription)
    meta = t["meta"]
    meta["directive_no"] = directive_no
    meta["directive_date"] = directive_date
    d = dt.date.fromisoformat(directive_date)
    meta["approved_line"] = f"KINNITATUD kultuuriministri {d:%d.%m.%Y} käskkirjaga nr {directive_no}"
    meta["title"] = _shift_text(meta["title"], years)
    meta["plan_start"] = _shift_iso(meta["plan_start"], years)
    meta["plan_end"] = _shift_iso(meta["plan_end"], years)
    for block in t["blocks"]:
        if "text" in block:
            block["text"] = _shift_text(block["text"], years)
        if "items" in block:
            block["items"] = [_shift_text(i, years) for i in block["items"]]
    for table in t["tables"].values():
        table["caption"] = _shift_text(table["caption"], years)
        table["header"] = [_shift_text(h, years) for h in table["header"]]
        for row in table["rows"]:
            row["cells"] = [_shift_text(c, years) for c in row["cells"]]
            norm = row["norm"]
            for f in _ISO_FIELDS:
                if f in norm:
                    norm[f] = _shift_iso(norm[f], years)
            for f in _TEXT_FIELDS:
                if isinstance(norm.get(f), str):
                    norm[f] = _shift_text(norm[f], years)
    t["anomalies"] = [_shift_text(a, years) for a in t.get("anomalies", [])]
    return t


def through_table(transcription: dict, last: int) -> dict:
    """The document up to the end of Tabel `last` (a short rendering of the annex)."""
    t = copy.deepcopy(transcription)
    blocks = t["blocks"]
    end = next(i for i, b in enumerate(blocks) if b["type"] == "table" and b["no"] == last)
    t["blocks"] = blocks[: end + 1]
    t["tables"] = {k: v for k, v in t["tables"].items() if int(k) <= last}
    return t


# The findings on the sample annex, (table, row, rule), written out by hand from the
# transcription's `anomalies` notes (samples/transcription/annex-2025.json): what any
# faithful reading of the annex (the DOCX, Word's and LibreOffice's rewritings of it)
# must report, nothing more.
EXPECTED_ON_SAMPLE = {
    # (table, row, rule): from the transcription's anomaly notes
    (3, 7, "period_outside_plan"),
    (3, 9, "empty_frame"),
    (3, 10, "date_format"),
    (3, 10, "period_outside_plan"),
    (5, 3, "code_trailing_dot"),
    (5, 4, "code_trailing_dot"),
    (9, 6, "code_trailing_dot"),
    (10, 7, "code_trailing_dot"),
    (11, 3, "period_outside_plan"),
    (11, 4, "period_outside_plan"),
    (11, 6, "period_outside_plan"),
    (11, 7, "period_outside_plan"),
    (11, 9, "period_outside_plan"),
    (11, 11, "period_outside_plan"),
    (11, 4, "duplicate_code"),
    (13, 10, "amount_format"),
    (13, 3, "misnumbered_code"),
    (13, 4, "misnumbered_code"),
    *((14, r, "amount_format") for r in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12)),
    (14, 6, "numbering_gap"),  # no 3.5.2.1.2 row
    (16, 1, "period_outside_plan"),
    (16, 12, "empty_responsible"),
    (16, 13, "empty_responsible"),
    (16, 3, "label_punctuation"),
    (10, 13, "frame_differs"),
    (2, 1, "target_decreases"),
    (17, 1, "target_decreases"),
    (5, 2, "missing_parent"),
    (5, 3, "missing_parent"),
    (7, 3, "missing_parent"),
    (7, 4, "missing_parent"),
    # "Tabel 7 lists 3.5.1.4.2.1 and 3.5.1.4.2.2 without a 3.5.1.4.2 row": row 5
    # (3.5.1.4.3) follows 3.5.1.4.1 with no 3.5.1.4.2 between them.
    (7, 5, "numbering_gap"),
    # "activity codes written with a trailing dot" (Tabel 11, 14, 15, 16).
    (11, 6, "code_trailing_dot"),  # 3.5.2.1.2.1.
    *((14, r, "code_trailing_dot") for r in (2, 5, 6, 7, 8, 9)),  # 3.5.2.1.1., 3.5.2.1.1.3., 3.5.2.1.3., ...
    (15, 6, "code_trailing_dot"),  # 3.5.2.1.2.1.
    (16, 6, "code_trailing_dot"),  # 3.5.2.1.2.1.
    # "Tabel 11 row N: plan-period start 2023-01-01 ...": those rows' üldajaraam
    # starts 01.02.2023 (their cells), so the plan-year period starts a month before
    # the activity's own framework period too.
    *((11, r, "period_outside_frame") for r in (3, 4, 6, 7, 9, 11)),
}


def row_findings(db) -> set[tuple]:
    """A warehouse's findings as (table, row, rule), to hold to EXPECTED_ON_SAMPLE."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("SELECT table_no, row_no, rule FROM validation_issues").fetchall())
    finally:
        con.close()
