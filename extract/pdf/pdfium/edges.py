"""Edges: the page's paths as the page model's ruling segments.

Page objects are walked through pypdfium2's public API (`PdfPage.get_objects`, into
form XObjects: an object's matrix is relative to its form, whose own matrix is composed
in; a path's points are in the path's space and its matrix maps them). pypdfium2 has
no helper for a path's segments, so those are read through its typed raw bindings.
Each path is classified as pdfminer's paint_path does: split into subpaths at each
move, a redundant closing line dropped; two points -> a line (pdfplumber `lines`), a
closed axis-parallel four-point path -> a rect (`rects`, with PDFium's stroke flag),
anything else a curve. They become edges as in plumber_engine: a line's segment
(`edges_from_segment`), a rect's sides (`edges_from_rect`), a curve's straight
axis-parallel pieces, its closing one included."""

from __future__ import annotations

import ctypes

from extract.pdf.geometry import Edge, edges_from_rect, edges_from_segment
from extract.pdf.pdfium.frame import Frame

# Nesting of form XObjects followed when collecting paths (PDFium's text page follows
# forms by itself).
MAX_FORM_DEPTH = 16


def _compose(m1, m2):
    """Apply m1, then m2 (PDF matrices as (a, b, c, d, e, f))."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def page_edges(page, frame: Frame) -> list[Edge]:
    """The edges of a pypdfium2 PdfPage."""
    import pypdfium2.raw as raw

    edges: list[Edge] = []
    out = _PathOut()
    forms: dict[int, tuple] = {}  # id of a form's helper -> its matrix on the page
    path, form = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    for obj in page.get_objects(filter=[path, form], max_depth=MAX_FORM_DEPTH + 1):
        matrix = obj.get_matrix().get()
        if obj.container is not None:
            matrix = _compose(matrix, forms[id(obj.container)])
        if obj.type == form:
            forms[id(obj)] = matrix
        else:
            _path_edges(raw, obj, matrix, frame, out, edges)
    return edges


class _PathOut:
    """Out-parameters of the path calls, allocated once per page."""

    def __init__(self):
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()


def _path_edges(raw, obj, matrix, frame: Frame, out: _PathOut, edges: list[Edge]) -> None:
    raw.FPDFPath_GetDrawMode(obj, out.fill, out.stroke)
    stroked = bool(out.stroke.value)
    cx, cy = out.x, out.y
    a, b, c, d, e, f = matrix
    point = frame.point
    get_segment, get_point = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint
    get_type, get_close = raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose
    bezierto, moveto = raw.FPDF_SEGMENT_BEZIERTO, raw.FPDF_SEGMENT_MOVETO
    # The path as pdfminer records it: ops "m", "l", "c" (a Bezier: three PDFium
    # points), "h" (close), each with its end point on the page.
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, k)
        if not seg:
            continue
        get_point(seg, cx, cy)
        x, y = cx.value, cy.value
        kind = get_type(seg)
        if kind == bezierto:
            bezier += 1
            if bezier % 3:
                continue
            op = "c"
        else:
            bezier = 0
            op = "m" if kind == moveto else "l"
        ops.append(op)
        pts.append(point(a * x + c * y + e, b * x + d * y + f))
        if get_close(seg):
            ops.append("h")
            pts.append(None)  # the subpath's start, filled in below
    start = 0
    n = len(ops)
    while start < n:
        end = start + 1
        while end < n and ops[end] != "m":
            end += 1
        if ops[start] == "m" and end - start > 1:
            sub_pts = [p if p is not None else pts[start] for p in pts[start:end]]
            _subpath_edges("".join(ops[start:end]), sub_pts, stroked, edges)
        start = end


def _subpath_edges(shape: str, pts: list, stroked: bool, edges: list[Edge]) -> None:
    """pdfminer's paint_path for one subpath, read as plumber_engine reads the result:
    a line's segment, a rectangle's edges, and a curve's (any other path's) straight
    axis-parallel pieces, its closing one included."""
    ops, points = shape, pts
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("ml", "mlh"):
        (xa, ta), (xb, tb) = pts[0], pts[1]
        edges.extend(edges_from_segment(xa, ta, xb, tb))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
        if last == pts[0] and (
            (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        ):
            edges.extend(edges_from_rect(min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), stroked=stroked))
            return
    # A curve: pdfplumber keeps the path as drawn (the redundant closing line too).
    current = None
    for op, pt in zip(ops, points):
        if op in ("l", "h") and current is not None:
            edges.extend(edges_from_segment(current[0], current[1], pt[0], pt[1]))
        current = pt

