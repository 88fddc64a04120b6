"""`extract diff` for people: what changed, per row and per KOV, readable as is.

Labels are shown whole (wrapped at spaces, never cut); a changed parent row is
marked as a roll-up, since its change is the sum of changes already listed below
it; per-KOV totals are ordered by size, with signed differences and a total line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.table import Table

from cli.output import stdout_console

LABEL_WIDTH = 48
ROLL_UP = "roll-up"


def eur(value: Decimal | None, signed: bool = False) -> str:
    """Estonian style: '2 500,00'; signed: '+2 500,00', '-500,00'."""
    if value is None:
        return ""
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",")
    if signed and value > 0:
        text = "+" + text
    return text


def fmt(value, signed: bool = False, money: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if not money:  # a target (a count): 6, not 6,00
            text = f"{value.normalize():f}".replace(".", ",")
            return f"+{text}" if signed and value > 0 else text
        return eur(value, signed)
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return str(value)
    if signed and isinstance(value, (int, float)) and value > 0:
        return f"+{value}"
    return str(value)


def _doc(d: dict) -> str:
    return f"document {d['document_id']} (version {d['version']}, {d['file_name']})"


def _label_column(t: Table, name: str = "label") -> None:
    # fold only breaks a single word longer than the column; text wraps at spaces.
    t.add_column(name, overflow="fold", max_width=LABEL_WIDTH, min_width=20)


def print_diff(result) -> None:
    out = stdout_console()
    header = f"{result.old['annex_key']}: {_doc(result.old)} → {_doc(result.new)}"
    kov_changed = [k for k in result.kov_totals if k["old"] != k["new"]]
    if not (result.changed or result.added or result.removed or kov_changed):
        out.print(f"{header}: no changes", markup=False, highlight=False, soft_wrap=True)
        return
    out.print(header, markup=False, highlight=False, soft_wrap=True)

    if result.changed:
        t = Table(title=f"Changed rows ({len(result.changed)})", show_lines=True,
                  caption=f"{ROLL_UP}: a parent row; its change is the sum of the changes below it, not money of its own."
                  if any(_is_roll_up(i) for i in result.changed) else None)
        t.add_column("Tabel", justify="right")
        t.add_column("KOV")
        t.add_column("code", no_wrap=True)
        _label_column(t)
        t.add_column("", no_wrap=True)  # roll-up mark
        t.add_column("column", no_wrap=True)
        t.add_column("old", justify="right", no_wrap=True)
        t.add_column("new", justify="right", no_wrap=True)
        t.add_column("Δ", justify="right", no_wrap=True)
        for item in result.changed:
            for col, ch in item["columns"].items():
                money = col.endswith("_eur")
                t.add_row(
                    str(item["table_no"]), item.get("kov") or "", item["code"] or "", item["label"] or "",
                    ROLL_UP if _is_roll_up(item) else "", col, fmt(ch["old"], money=money),
                    fmt(ch["new"], money=money), fmt(ch.get("difference"), signed=True, money=money),
                )
        out.print(t)

    for title, items in (("Added rows", result.added), ("Removed rows", result.removed)):
        if not items:
            continue
        t = Table(title=f"{title} ({len(items)})", show_lines=True)
        t.add_column("Tabel", justify="right")
        t.add_column("KOV")
        t.add_column("code", no_wrap=True)
        _label_column(t)
        t.add_column("amount / target", justify="right", no_wrap=True)
        for item in items:
            money = "amount_eur" in item
            value = item["amount_eur"] if money else item.get("target_plan_year")
            t.add_row(str(item["table_no"]), item.get("kov") or "", item["code"] or "", item["label"] or "",
                      fmt(value, money=money))
        out.print(t)

    totals = sorted(
        result.kov_totals,
        key=lambda k: (-(k["new"] if k["new"] is not None else k["old"] or Decimal(0)), k["kov"] or ""),
    )
    if totals:
        t = Table(title="Planned amount per KOV")
        for c in ("KOV", "old €", "new €", "Δ €"):
            t.add_column(c, justify="left" if c == "KOV" else "right", no_wrap=True)
        for k in totals:
            t.add_row(k["kov"], eur(k["old"]), eur(k["new"]), eur(k["difference"], signed=True))
        old_sum = sum((k["old"] for k in totals if k["old"] is not None), Decimal(0))
        new_sum = sum((k["new"] for k in totals if k["new"] is not None), Decimal(0))
        t.add_section()
        t.add_row("all partners", eur(old_sum), eur(new_sum), eur(new_sum - old_sum, signed=True))
        out.print(t)


def _is_roll_up(item: dict) -> bool:
    return item.get("kind") == "activity" and item.get("is_leaf") is False
