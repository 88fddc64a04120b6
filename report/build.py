"""Shape the warehouse's facts into the report and render it."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

from report import charts, fmt

SEVERITIES = ("error", "warning", "info")

# Column names of `extract diff`, as the report says them.
COLUMN_NAMES = {
    "kov": "KOV", "code": "code", "label": "activity", "frame_start": "framework start",
    "frame_end": "framework end", "period_start": "period start", "period_end": "period end",
    "amount_eur": "amount", "responsible": "responsible", "group_label": "group",
    "indicator": "indicator", "unit": "unit", "target_plan_year": "plan-year target",
    "target_2029": "2029 target", "explanation": "explanation",
}


def _tree(rows: list[dict], recon: dict[int, dict], flags: dict[int, list[dict]]) -> list[dict]:
    """Nest a table's rows by parent_row_no; a row whose parent is missing or comes
    after it is shown at the top level rather than lost."""
    nodes = {
        r["row_no"]: {**r, "children": [], "check": recon.get(r["row_no"]), "flags": flags.get(r["row_no"], [])}
        for r in rows
    }
    roots = []
    for r in rows:
        node = nodes[r["row_no"]]
        parent = r["parent_row_no"]
        if parent is not None and parent in nodes and parent < r["row_no"]:
            nodes[parent]["children"].append(node)
        else:
            roots.append(node)
    return roots


def _tables(data: dict) -> list[dict]:
    by_table: dict[int, list] = {}
    for a in data["activities"]:
        by_table.setdefault(a["table_no"], []).append(a)
    indicators: dict[int, list] = {}
    for i in data["indicators"]:
        indicators.setdefault(i["table_no"], []).append(i)
    recon: dict[int, dict[int, dict]] = {}
    for c in data["reconciliation"]:
        recon.setdefault(c["table_no"], {})[c["row_no"]] = c
    findings = Counter(f["table_no"] for f in data["findings"] if f["severity"] != "info")
    # Errors and warnings are shown on their row too, so the tree is read with them.
    flags: dict[int, dict[int, list[dict]]] = {}
    for f in data["findings"]:
        if f["severity"] != "info" and f["row_no"] is not None:
            flags.setdefault(f["table_no"], {}).setdefault(f["row_no"], []).append(f)
    out = []
    for t in data["tables"]:
        rows = by_table.get(t["table_no"], [])
        roots = _tree(rows, recon.get(t["table_no"], {}), flags.get(t["table_no"], {}))
        total = sum((r["amount_eur"] for r in roots if r["amount_eur"] is not None), Decimal(0))
        out.append({
            **t,
            "tree": roots,
            "indicators": indicators.get(t["table_no"], []),
            "total_eur": total if t["kind"] == "schedule" else None,
            # A top-level row without an amount: the sum shown is not the table's total.
            "total_incomplete": any(r["amount_eur"] is None for r in roots),
            "notable_findings": findings.get(t["table_no"], 0),
        })
    return out


def _changes(data: dict) -> dict | None:
    """What changed since the previous version of the same annex; None for a first version."""
    if data["previous"] is None:
        return None
    diff, old_budget = data["previous"]["diff"], data["previous"]["budget"]
    impl_name = data["budget"]["implementer"]["name"] or "Implementer"
    parties = [{
        "name": impl_name, "kind": "implementer",
        "old": old_budget["implementer"]["total_eur"], "new": data["budget"]["implementer"]["total_eur"],
    }]
    for k in diff.kov_totals:
        parties.append({"name": k["kov"], "kind": "partner", "old": k["old"], "new": k["new"]})
    for p in parties:
        # No difference is computed against a missing or unreadable total.
        p["difference"] = None if p["old"] is None or p["new"] is None else p["new"] - p["old"]
    old_total = sum((p["old"] for p in parties if p["old"] is not None), Decimal(0))
    new_total = sum((p["new"] for p in parties if p["new"] is not None), Decimal(0))
    incomplete = any(p["old"] is None or p["new"] is None for p in parties) or bool(
        old_budget["implementer"]["rows_without_amount"] or data["budget"]["implementer"]["rows_without_amount"])
    for item in diff.changed:
        item["changes"] = [
            {"column": COLUMN_NAMES.get(c, c), "name": c, **v} for c, v in item["columns"].items()
        ]
    return {
        "old": diff.old, "new": diff.new,
        "changed": diff.changed, "added": diff.added, "removed": diff.removed,
        "parties": parties, "old_total": old_total, "new_total": new_total, "incomplete": incomplete,
        # A chart of zeros says nothing; the template says "no change" instead.
        "chart": charts.delta_chart(
            [(p["name"], p["difference"]) for p in parties if p["difference"] is not None],
            f"Change of the planned amount per party, version {diff.old['version']} to {diff.new['version']}",
        ) if any(p["difference"] for p in parties) else None,
    }


def build_report(db_path: str | Path, annex_key: str | None = None, document_id: int | None = None,
                 now: dt.datetime | None = None) -> tuple[str, dict]:
    """The report's HTML and a short summary (document, version) for the caller."""
    from load.report_data import report_data

    data = report_data(db_path, annex_key, document_id)
    doc = data["document"]
    budget = data["budget"]
    impl = budget["implementer"]
    impl_name = impl["name"] or "Implementer"
    partners_total = sum((p["total_eur"] for p in budget["partners"] if p["total_eur"] is not None), Decimal(0))
    plan_total = partners_total + impl["total_eur"]
    chart_items = [(p["kov"], p["total_eur"], "partner") for p in budget["partners"] if p["total_eur"] is not None]
    chart_items.append((impl_name, impl["total_eur"], "implementer"))
    findings = {s: [f for f in data["findings"] if f["severity"] == s] for s in SEVERITIES}
    recon = Counter(c["status"] for c in data["reconciliation"])
    for v in data["versions"]:
        v["signature_state"] = _signature_state(v["signatures"])
        for f in v["files"]:
            f["signature_state"] = _signature_state(f["signatures"])
    current = next(v for v in data["versions"] if v["document_id"] == doc["document_id"])
    sigs = current["signatures"]
    context = {
        "doc": doc,
        "versions": data["versions"],
        "latest_version": max(v["version"] for v in data["versions"]),
        "signatures": sigs,
        "signature_state": _signature_state(sigs),
        "tables": _tables(data),
        "budget": budget,
        "impl_name": impl_name,
        "partners_total": partners_total,
        "totals_incomplete": bool(impl["rows_without_amount"] or budget["partner_tables_without_total"]),
        "partner_tables": _ranges(sorted(t for p in budget["partners"] for t in p["tables"])),
        "plan_total": plan_total,
        "budget_chart": charts.budget_chart(chart_items, "Planned amount per party"),
        "changes": _changes(data),
        "findings": findings,
        "finding_counts": {s: len(v) for s, v in findings.items()},
        "reconciliation": data["reconciliation"],
        "recon_counts": recon,
        "recon_problems": [c for c in data["reconciliation"] if c["status"] != "ok"],
        "generated_at": (now or dt.datetime.now()).strftime("%d.%m.%Y %H:%M"),
        "db_name": Path(db_path).name,
    }
    html = _environment().get_template("report.html.j2").render(**context)
    return html, {"document_id": doc["document_id"], "version": doc["version"], "annex_key": doc["annex_key"]}


def _ranges(numbers: list[int]) -> str:
    """[9, 10, 11, 13] -> '9–11, 13'."""
    parts: list[list[int]] = []
    for n in numbers:
        if parts and n == parts[-1][1] + 1:
            parts[-1][1] = n
        else:
            parts.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in parts)


def _signature_state(sigs: list[dict]) -> str:
    """One word for the header: signed (intact), changed, unverified, unsigned."""
    from extract.signatures import UNSIGNED

    # Every row but the explicit "unsigned" one is a signature, read or not.
    real = [s for s in sigs if s["note"] != UNSIGNED]
    if not real:
        return "unsigned"
    if any(s["intact"] is False for s in real):
        return "changed"
    if all(s["intact"] for s in real):
        return "intact"
    return "unverified"


@functools.cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("report", "templates"),
        autoescape=select_autoescape(["j2", "html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda v: "" if v is None else v,  # a missing value is blank, never "None"
    )
    env.filters.update(
        eur=fmt.eur, number=fmt.number, count=fmt.count, date=fmt.date,
        date_range=fmt.date_range, pages=fmt.pages,
    )
    env.globals["value"] = _value
    return env


def _value(column: str, v, signed: bool = False) -> str:
    """A diff value by its column: amounts in euros, targets as counts, dates Estonian."""
    if v is None:
        return ""
    if column == "amount_eur":
        return fmt.eur(v, signed)
    if column.startswith("target"):
        return fmt.count(v) if not signed else fmt.number(v, 0 if Decimal(v) == Decimal(v).to_integral_value() else 2, True)
    if isinstance(v, (dt.date, dt.datetime)):
        return fmt.date(v)
    return str(v)


def write_report(html: str, out: str | Path) -> Path:
    """Write atomically: a reader never sees half a report."""
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
