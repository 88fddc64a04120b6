"""The page image before OCR (extract/pdf/ocr_engine.py): ink separated from the
paper, the page turned straight, the table rules found, a stroke's weight measured.
OpenCV only; no Tesseract here."""

from __future__ import annotations

import numpy as np

from extract.pdf.geometry import Edge

# Deskew: angles tried (degrees); a scanned sheet is rarely off by more than 2°.
MAX_SKEW = 2.0
SKEW_STEP = 0.1
SKEW_FINE_STEP = 0.02
# The angle is searched on the page shrunk by this factor (150 dpi at 300 dpi).
SKEW_SHRINK = 2
# Rules: an ink run at least this long (pt) is a rule; the longest glyph stroke of
# 12 pt text ("l", "|", a dash) is ~9 pt, the lowest table row ~13 pt.
MIN_RULE_PT = 12.0
# A rule is at most this thick (pt); a thicker solid area is shading or an image.
MAX_RULE_THICKNESS_PT = 3.0


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 (adaptive: a scan's background is not evenly white)."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def skew_angle(ink: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise positive) that makes the page's lines
    of text and rules horizontal: the angle whose row profile of ink is sharpest."""
    import cv2

    small = cv2.resize(ink, (ink.shape[1] // SKEW_SHRINK, ink.shape[0] // SKEW_SHRINK), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, SKEW_STEP)
    best = max(coarse, key=score)
    fine = np.arange(best - SKEW_STEP, best + SKEW_STEP + 1e-9, SKEW_FINE_STEP)
    return float(max(fine, key=score))


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """The page turned straight, the angle removed, and its ink; a straight page (most
    are) is binarised once, not again after a turn that did nothing."""
    import cv2

    ink = binarise(gray)
    angle = skew_angle(ink)
    if abs(angle) < SKEW_FINE_STEP:
        return gray, 0.0, ink
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    straight = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)
    return straight, angle, binarise(straight)


def find_rules(ink: np.ndarray, scale: float) -> list[Edge]:
    """Horizontal and vertical rules of the (deskewed) page as Edges in points:
    ink runs at least MIN_RULE_PT long and at most MAX_RULE_THICKNESS_PT thick."""
    import cv2

    length = max(3, int(MIN_RULE_PT / scale))
    thick = MAX_RULE_THICKNESS_PT / scale
    edges: list[Edge] = []
    for orient in ("h", "v"):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if orient == "h" else (1, length))
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # Bridge JPEG speckle gaps along the rule.
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1) if orient == "h" else (1, 5))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, bridge)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:n]:
            x, y, w, h = float(x), float(y), float(w), float(h)
            if orient == "h" and h <= thick:
                edges.append(Edge.horizontal((y + h / 2) * scale, x * scale, (x + w) * scale))
            elif orient == "v" and w <= thick:
                edges.append(Edge.vertical((x + w / 2) * scale, y * scale, (y + h) * scale))
    return edges


def stroke_weight(ink: np.ndarray) -> float:
    """How heavy the strokes are: mean horizontal ink run times mean vertical ink run
    (a bold face thickens both; digits and long bars lengthen only one)."""
    if ink.size == 0:
        return 0.0
    b = (ink > 0).astype(np.int8)
    n = np.count_nonzero(b)
    h_runs = np.count_nonzero(np.diff(b, axis=1, prepend=0) == 1)
    v_runs = np.count_nonzero(np.diff(b, axis=0, prepend=0) == 1)
    return (n / h_runs) * (n / v_runs) if h_runs and v_runs else 0.0
