"""Where each row sits in its table's tree, from the repaired parent links.

A post-pass over rows whose `parent_row_no` is already final (normalize/hierarchy.py
decides the parents, including misnumbered children): `depth` counts from 1 at the
top of the table's tree, `is_leaf` says no row hangs below, and `path` names the rows
from the top down, so that a sum over leaves (or over one depth) counts every euro
once, whatever the codes say.
"""

from __future__ import annotations

from normalize.model import Activity

PATH_SEPARATOR = "/"


def path_part(a: Activity) -> str:
    """A row's name in a path: its code, or '#<row_no>' for a row without one."""
    return a.code or f"#{a.row_no}"


def assign_tree(activities: list[Activity]) -> None:
    """Set depth, is_leaf and path on the activities of one table."""
    by_row = {a.row_no: a for a in activities}
    parents = {a.parent_row_no for a in activities if a.parent_row_no is not None}
    for a in activities:
        chain = [a]
        seen = {a.row_no}
        node = a
        # Walk up; a link to a missing row or a cycle ends the walk there (the
        # hierarchy only links rows to rows above, so neither happens in practice).
        while node.parent_row_no is not None and node.parent_row_no in by_row:
            node = by_row[node.parent_row_no]
            if node.row_no in seen:
                break
            seen.add(node.row_no)
            chain.append(node)
        a.depth = len(chain)
        a.is_leaf = a.row_no not in parents
        a.path = PATH_SEPARATOR.join(path_part(n) for n in reversed(chain))
