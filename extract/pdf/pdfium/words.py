"""Words: pdfplumber's word grouping replayed on the runs chars.py reads, with the page
model's settings (geometry.WordSettings). A run's characters are clustered into lines
by `top` (chained), each line sorted along the text and cut where a character is blank,
starts before the previous one, more than `gap_ratio` em after its end, or more than
`line_tolerance` off its line."""

from __future__ import annotations

from operator import itemgetter

from extract.pdf.geometry import WORD_SETTINGS, Word, WordSettings, blank_index, has_blank_after
from extract.pdf.pdfium.chars import Api, read_runs
from extract.pdf.pdfium.frame import Frame


def _clusters(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: sorted distinct values chained into clusters
    while each is within `tolerance` of the previous."""
    out: dict[float, int] = {}
    idx, last = -1, None
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            idx += 1
        out[v] = idx
        last = v
    return out


def _lines(chars: list, pos: int, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects on field `pos`: clusters in order of value, each
    keeping the characters' content order."""
    first = chars[0][pos]
    for c in chars:
        if c[pos] != first:
            break
    else:
        return [chars]
    cluster = _clusters([c[pos] for c in chars], tolerance)
    out: list[list] = [[] for _ in range(max(cluster.values()) + 1)]
    for c in chars:
        out[cluster[c[pos]]].append(c)
    return out


_by_x0 = itemgetter(0)
_by_top = itemgetter(2, 3)


def _run_words(run: tuple, out: list[Word], blanks: dict[int, list[float]], settings: WordSettings) -> None:
    """pdfplumber's WordExtractor on one run, with the page model's settings
    (geometry.WordSettings, as plumber_engine passes them): lines, each sorted along
    the text and cut into words at blanks and at gaps wider than a share of the size."""
    upright, fontname, size, bold, chars = run
    line_tol, gap = settings.line_tolerance, settings.gap_ratio * size
    if upright:
        lines = _lines(chars, 2, line_tol)
        sort_key, start, end, other, along, across = _by_x0, 0, 1, 2, gap, line_tol
    else:  # read top to bottom, lines by x0 (pdfplumber's default for rotated chars,
        # which measures its x tolerance, here the size's share, across the line)
        lines = _lines(chars, 0, line_tol)
        sort_key, start, end, other, along, across = _by_top, 2, 3, 0, line_tol, gap

    def emit(texts, x0, x1, top, bottom):
        after = bool(blanks) and has_blank_after(blanks, top, x1, settings)
        out.append(Word("".join(texts), x0, x1, top, bottom, fontname, size, bold, space_after=after))

    for line in lines:
        line.sort(key=sort_key)
        texts = None
        p_start = p_end = p_other = 0.0
        wx0 = wx1 = wtop = wbottom = 0.0
        for c in line:
            text = c[4]
            if text is None:
                if texts:
                    emit(texts, wx0, wx1, wtop, wbottom)
                    texts = None
                continue
            c_start, c_other = c[start], c[other]
            if texts and (
                c_start < p_start or c_start > p_end + along or c_other - p_other > across or p_other - c_other > across
            ):
                emit(texts, wx0, wx1, wtop, wbottom)
                texts = None
            x0, x1, top, bottom, _ = c
            if texts:
                texts.append(text)
                if x0 < wx0:
                    wx0 = x0
                if x1 > wx1:
                    wx1 = x1
                if top < wtop:
                    wtop = top
                if bottom > wbottom:
                    wbottom = bottom
            else:
                texts = [text]
                wx0, wx1, wtop, wbottom = x0, x1, top, bottom
            p_start, p_end, p_other = c_start, c[end], c_other
        if texts:
            emit(texts, wx0, wx1, wtop, wbottom)


def words(api: Api, tp, frame: Frame, font_of, settings: WordSettings = WORD_SETTINGS) -> list[Word]:
    found: list[tuple[float, float]] = []
    runs = read_runs(api, tp, frame, font_of, found)
    blanks = blank_index(found)
    out: list[Word] = []
    for run in runs:
        if run[4]:
            _run_words(run, out, blanks, settings)
    return out
