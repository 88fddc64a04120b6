"""Parents and children of a schedule table's rows, and whether the amounts add up.

The parent of a row comes from its code ("3.5.2.1.3.2" belongs under the nearest
row above whose code is a proper prefix, "3.5.2.1.3" or, when that row is missing,
"3.5.2.1") and from its position:
- the table's root is its first row with the shortest multi-part code ("3.5.2.1");
- a row without a code ("Otsesed personalikulud") below the root belongs to it;
- locally numbered rows ("1.", "2.", …) belong to the nearest multi-part row above;
- a run of rows directly under a row with the *same* code ("3.5.2.1.1" twice), whose
  amounts add up to that row's amount, are its misnumbered children (Tabel 13).
Every inference that departs from the code is reported, never applied silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from normalize.model import Finding, Reconciliation


@dataclass
class Node:
    row_no: int
    code: str | None
    amount: Decimal | None
    label: str = ""
    parent: int | None = None  # row_no of the parent

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.code.split(".")) if self.code else ()


def _is_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) < len(b) and b[: len(a)] == a


def infer_parents(table_no: int, nodes: list[Node]) -> list[Finding]:
    """Fill `parent` on each node; return the findings about the numbering."""
    findings: list[Finding] = []
    multi = [n for n in nodes if len(n.parts) >= 2]
    root = None
    if multi:
        shortest = min(len(n.parts) for n in multi)
        root = next(n for n in multi if len(n.parts) == shortest)
    seen: dict[str, Node] = {}
    for i, node in enumerate(nodes):
        above = nodes[:i]
        if node is root:
            pass
        elif node.code is None:
            node.parent = root.row_no if root and root.row_no < node.row_no else None
        elif len(node.parts) == 1:
            head = next((n for n in reversed(above) if len(n.parts) >= 2), None)
            node.parent = head.row_no if head else None
        else:
            prefixes = [n for n in above if _is_prefix(n.parts, node.parts)]
            if prefixes:
                best = max(prefixes, key=lambda n: (len(n.parts), n.row_no))
                node.parent = best.row_no
                if len(best.parts) < len(node.parts) - 1:
                    findings.append(
                        Finding(
                            "missing_parent",
                            "info",
                            f"no row {'.'.join(node.parts[:-1])} above {node.code}; "
                            f"counted under {best.code} (row {best.row_no})",
                            table_no,
                            node.row_no,
                            node.code,
                        )
                    )
            elif root is not None and root.row_no < node.row_no:
                node.parent = root.row_no
                findings.append(
                    Finding(
                        "misnumbered_code",
                        "warning",
                        f"code {node.code} does not continue any code above it; "
                        f"counted under the table's first row {root.code}",
                        table_no,
                        node.row_no,
                        node.code,
                    )
                )
        if node.code:
            if node.code in seen:
                node_dup = seen[node.code]
                findings.append(
                    Finding(
                        "duplicate_code",
                        "warning",
                        f"code {node.code} is used again (first in row {node_dup.row_no})",
                        table_no,
                        node.row_no,
                        node.code,
                    )
                )
            seen.setdefault(node.code, node)
    findings = _misnumbered_children(table_no, nodes, findings)
    findings += _numbering_gaps(table_no, nodes)
    return findings


def _misnumbered_children(table_no: int, nodes: list[Node], findings: list[Finding]) -> list[Finding]:
    """Rows written as siblings directly under a row with the same code, whose amounts
    add up to that row's amount, are taken as its children."""
    by_row = {n.row_no: n for n in nodes}
    has_children = {n.parent for n in nodes if n.parent is not None}
    for i, head in enumerate(nodes[:-1]):
        nxt = nodes[i + 1]
        if (
            head.code is None
            or not head.amount  # None, or 0: a zero balances any run of zeros
            or head.row_no in has_children
            or nxt.code != head.code
        ):
            continue
        total = Decimal(0)
        run: list[Node] = []
        for cand in nodes[i + 1 :]:
            if len(cand.parts) != len(head.parts) or cand.amount is None:
                break
            run.append(cand)
            total += cand.amount
            if total == head.amount:
                break
        if total != head.amount:
            continue
        moved = {n.row_no for n in run}
        findings = [
            f for f in findings if not (f.rule == "duplicate_code" and f.row_no in moved)
        ]
        # A later row that repeats a moved row's code is no longer a duplicate.
        later_codes = {n.code for n in run}
        findings = [
            f
            for f in findings
            if not (
                f.rule == "duplicate_code"
                and f.row_no is not None
                and f.row_no > run[-1].row_no
                and by_row[f.row_no].code in later_codes
            )
        ]
        for n in run:
            n.parent = head.row_no
            findings.append(
                Finding(
                    "misnumbered_code",
                    "warning",
                    f"code {n.code} is written as a sibling of row {head.row_no} ({head.code}) "
                    f"but, by position and amounts, is its child",
                    table_no,
                    n.row_no,
                    n.code,
                )
            )
        has_children.add(head.row_no)
    return findings


def _numbering_gaps(table_no: int, nodes: list[Node]) -> list[Finding]:
    """A sibling number skipped (3.5.2.1.1 followed by 3.5.2.1.3)."""
    out = []
    last: dict[tuple[int | None, tuple[str, ...]], int] = {}
    for n in nodes:
        if len(n.parts) < 2 or not n.parts[-1].isdigit():
            continue
        key = (n.parent, n.parts[:-1])
        num = int(n.parts[-1])
        prev = last.get(key)
        if prev is not None and num > prev + 1:
            missing = ".".join(n.parts[:-1] + (str(prev + 1),))
            out.append(
                Finding(
                    "numbering_gap",
                    "info",
                    f"no row {missing} between {'.'.join(n.parts[:-1] + (str(prev),))} and {n.code}",
                    table_no,
                    n.row_no,
                    n.code,
                )
            )
        last[key] = num if prev is None else max(prev, num)
    return out


def reconcile(table_no: int, nodes: list[Node]) -> list[Reconciliation]:
    """Each row with children: its amount against the sum of theirs, to the cent."""
    out = []
    for parent in nodes:
        kids = [n for n in nodes if n.parent == parent.row_no]
        if not kids:
            continue
        total = sum((k.amount or Decimal(0) for k in kids), Decimal(0)).quantize(Decimal("0.01"))
        if parent.amount is None:
            out.append(
                Reconciliation(table_no, parent.row_no, parent.code, None, total, len(kids), None, "no_amount")
            )
            continue
        diff = (parent.amount - total).quantize(Decimal("0.01"))
        out.append(
            Reconciliation(
                table_no,
                parent.row_no,
                parent.code,
                parent.amount,
                total,
                len(kids),
                diff,
                "ok" if diff == 0 else "mismatch",
            )
        )
    return out
