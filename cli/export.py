"""`extract export`: every table and view of the warehouse to files analysts open.

- csv / parquet: one file per table and view;
- csv --excel: what Estonian Excel opens by double-click: UTF-8 with a BOM (else
  "PÃ¤rnu"), ';' between fields and a decimal comma (Excel's list separator and
  decimal symbol in the Estonian locale), dates as DD.MM.YYYY;
- xlsx: one workbook, a sheet per table and view; numbers stay numbers and dates
  dates, the header row is frozen and columns are sized to their content.
The signer's personal identification code is personal data: left out unless
--include-personal-codes.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import click

from cli.labels import label
from cli.app import DB_OPTION, answering, main

PERSONAL_COLUMNS = {"personal_code"}
MAX_WIDTH = 60
WORKBOOK_NAME = "annex.xlsx"


def _joined(value) -> str:
    """A list (a header) or a MAP (extra cells by header) as one cell's text."""
    if isinstance(value, dict):
        return " | ".join(f"{k}: {'' if v is None else v}" for k, v in value.items())
    return " | ".join("" if v is None else str(v) for v in value)


# Text beginning so is a formula to a spreadsheet opening a CSV (OWASP "CSV
# injection"): such a cell gets a leading apostrophe, so that it is read as text (the
# apostrophe may show). Only in the --excel CSV: the plain CSV is for programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _excel_text(value) -> str:
    """A value as Estonian Excel reads it from CSV; text that Excel would run as a
    formula is guarded (numbers and dates are not text: a negative amount stays a number)."""
    if isinstance(value, (list, tuple, dict)):
        value = _joined(value)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _plain_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return _joined(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, columns: list[str], rows: list[tuple], *, excel: bool, labels: str) -> None:
    if excel:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            w.writerow([label(c, labels) for c in columns])
            w.writerows([[_excel_text(v) for v in r] for r in rows])
    else:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([label(c, labels) for c in columns])
            w.writerows([[_plain_text(v) for v in r] for r in rows])


def _xlsx_value(value):
    if isinstance(value, (list, tuple, dict)):
        return _joined(value)
    return value  # numbers, Decimal, dates, booleans and text stay what they are


def _number_format(duckdb_type: str) -> str | None:
    t = duckdb_type.upper()
    if t.startswith("DECIMAL"):
        scale = int(t.rstrip(")").split(",")[-1]) if "," in t else 0
        return "#,##0" + ("." + "0" * scale if scale else "")
    if t == "DATE":
        return "DD.MM.YYYY"
    if t.startswith("TIMESTAMP"):
        return "DD.MM.YYYY HH:MM:SS"
    return None


def write_xlsx(path: Path, relations, *, labels: str) -> list[tuple[str, int]]:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    written = []
    bold = Font(bold=True)
    for name, columns, types, rows in relations:
        ws = wb.create_sheet(title=name[:31])  # Excel's limit on sheet names
        ws.append([label(c, labels) for c in columns])
        for cell in ws[1]:
            cell.font = bold
        formats = [_number_format(t) for t in types]
        widths = [len(label(c, labels)) for c in columns]
        for r in rows:
            values = [_xlsx_value(v) for v in r]
            ws.append(values)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text from the annex, never a formula
            for i, v in enumerate(values):
                if v is not None:
                    widths[i] = max(widths[i], len(_excel_text(v)) + (4 if isinstance(v, Decimal) else 0))
        for i, f in enumerate(formats, start=1):
            if f:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = f
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w, 6) + 2, MAX_WIDTH)
        ws.freeze_panes = "A2"
        written.append((name, len(rows)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return written


@main.command("export")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True)
@click.option("--out", "out", type=click.Path(), required=True,
              help="Directory to write to (xlsx: a directory, or the workbook's file name).")
@click.option("--excel", is_flag=True,
              help="CSV for Estonian Excel: UTF-8 with BOM, ';' separated, decimal comma, DD.MM.YYYY dates.")
@click.option("--labels", type=click.Choice(["en", "et"]), default="en", show_default=True,
              help="Column headers: warehouse names (en) or Estonian labels, as in the annex (et).")
@click.option("--include-personal-codes", is_flag=True,
              help="Also export the signers' personal identification codes (left out by default).")
def export(db, fmt, out, excel, labels, include_personal_codes):
    """Write every table and view of the warehouse to OUT as CSV, Parquet or one
    Excel workbook.

    Examples: extract export --format xlsx --out export/ --labels et;
    extract export --format csv --excel --out export/
    """
    from load import export_relations, read_relations

    if excel and fmt != "csv":
        raise click.UsageError("--excel goes with --format csv")
    if labels != "en" and fmt == "parquet":
        raise click.UsageError("--labels et is for csv and xlsx")
    exclude = set() if include_personal_codes else PERSONAL_COLUMNS
    out_path = Path(out)
    is_book = fmt == "xlsx" and out_path.suffix.lower() == ".xlsx"
    if out_path.exists() and not out_path.is_dir() and not is_book:
        raise click.BadParameter(f"{out} is a file, not a directory", param_hint="--out")
    with answering(db):
        if fmt == "xlsx":
            book = out_path if is_book else out_path / WORKBOOK_NAME
            for name, n in write_xlsx(book, read_relations(db, exclude), labels=labels):
                click.echo(f"{name:24} {n:6} rows  {book} [{name[:31]}]")
            return
        if fmt == "parquet" or (not excel and labels == "en"):
            written = export_relations(db, None, out_path, fmt, exclude)
        else:
            out_path.mkdir(parents=True, exist_ok=True)
            written = []
            for name, columns, _types, rows in read_relations(db, exclude):
                target = out_path / f"{name}.csv"
                write_csv(target, columns, rows, excel=excel, labels=labels)
                written.append((name, target, len(rows)))
    for name, path, n in written:
        click.echo(f"{name:24} {n:6} rows  {path}")
