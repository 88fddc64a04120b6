"""The text-conservation summary `extract check` prints: per document, how many of
its tables' source words reached the warehouse, how many were dropped for a
recorded reason, and how many were lost (with the tables that lost them)."""

from __future__ import annotations

from collections import Counter

from cli.output import print_rows, stdout_console

def summary_lines(names: list[str], rows: list[tuple], docs: list[int]) -> list[str]:
    out = []
    for doc in docs:
        mine = [dict(zip(names, r)) for r in rows if r[0] == doc]
        if not mine:
            out.append(f"Text conservation, document {doc}: not recorded (loaded by an earlier version).")
            continue
        counted = [r for r in mine if r["source_words"] is not None]
        source = sum(r["source_words"] for r in counted)
        loaded = sum(r["loaded_words"] for r in counted)
        explained = sum(r["explained_words"] for r in counted)
        lost = sum(r["unexplained_words"] for r in counted)
        reasons: Counter[str] = Counter()
        for r in counted:
            reasons.update(r["drop_reasons"] or {})
        why = f" ({', '.join(f'{k} {v}' for k, v in sorted(reasons.items()))})" if reasons else ""
        line = (
            f"Text conservation, document {doc}: {source} source words in {len(counted)} tables; "
            f"{loaded} loaded, {explained} dropped for a recorded reason{why}, {lost} lost"
        )
        if len(counted) < len(mine):
            line += f"; {len(mine) - len(counted)} tables not counted by the engine"
        out.append(line + ".")
    return out


def print_summary(names: list[str], rows: list[tuple], docs: list[int]) -> None:
    """Print the summary of the `table_text_conservation` rows of `docs` (and the
    tables that lost words)."""
    lost = [r for r in rows if r[names.index("unexplained_words")]]
    if lost:
        print_rows(names, lost, "table", title="Tables whose source words did not all reach the warehouse")
    for line in summary_lines(names, rows, docs):
        stdout_console().print(line, markup=False, highlight=False)
