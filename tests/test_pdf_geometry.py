"""grid.py on hand-made pages: rules, cells, spans and words, no PDF involved."""

from __future__ import annotations

from extract.pdf.geometry import Edge, PageGeometry, Word, edges_from_rect, edges_from_segment
from extract.pdf.grid import (
    WORD_BREAK,
    cell_grid,
    cell_text,
    close_open_sides,
    find_table_regions,
    join_edges,
    page_layout,
    snap_edges,
)

# A 3 x 2 table: columns at x = 100, 200, 300; rows at y = 100, 120, 140.
XS = [100.0, 200.0, 300.0]
YS = [100.0, 120.0, 140.0]


def word(text, x0, top, *, size=10.0, bold=False, width=None, space_after=False):
    width = width if width is not None else 5.0 * len(text)
    return Word(text, x0, x0 + width, top, top + size, "Serif-Bold" if bold else "Serif", size, bold, space_after)


def ruled_with_lines(xs=XS, ys=YS) -> list[Edge]:
    edges = []
    for y in ys:
        edges += edges_from_segment(xs[0], y, xs[-1], y)
    for x in xs:
        edges += edges_from_segment(x, ys[0], x, ys[-1])
    return edges


def ruled_with_thin_rects(xs=XS, ys=YS, width=0.5) -> list[Edge]:
    """The same borders drawn as filled bars (each cell's side on its own, slightly
    off, as some producers do)."""
    edges = []
    for y in ys:
        for a, b in zip(xs, xs[1:]):
            edges += edges_from_rect(a - 0.2, y - width / 2 + 0.1, b + 0.2, y + width / 2 + 0.1, stroked=False)
    for x in xs:
        for a, b in zip(ys, ys[1:]):
            edges += edges_from_rect(x - width / 2, a, x + width / 2, b, stroked=False)
    return edges


def layout(edges, words):
    return page_layout(PageGeometry(1, 600, 800, words, edges))


def grid_of(edges):
    regions = find_table_regions(join_edges(snap_edges(edges)))
    assert len(regions) == 1
    closed, _, _ = close_open_sides(regions[0])
    return cell_grid(closed)


def test_rects_and_lines_give_the_same_grid():
    a, b = grid_of(ruled_with_lines()), grid_of(ruled_with_thin_rects())
    for got, want in ((a.xs, XS), (b.xs, XS), (a.ys, YS), (b.ys, YS)):
        assert len(got) == len(want) and all(abs(g - w) < 0.5 for g, w in zip(got, want))
    assert a.owner == b.owner == [[0, 1], [2, 3]]


def test_a_stroked_box_is_four_rules_and_shading_is_none():
    assert len(edges_from_rect(0, 0, 50, 20, stroked=True)) == 4
    assert edges_from_rect(0, 0, 50, 20, stroked=False) == []
    assert edges_from_segment(0, 0, 30, 30) == []  # a diagonal is no rule


def test_words_go_to_their_cells_and_lines_join():
    words = [
        word("Tegevus", 105, 103),
        word("01.01.2023-", 205, 103),
        word("31.10.2029", 205, 113, size=6),
        word("Põhja-", 105, 123, size=8),
        word("ja", 105, 131, size=8),
        word("Lõuna-Eesti", 120, 131, size=8),
    ]
    lay = layout(ruled_with_lines(ys=[100.0, 121.0, 145.0]), words)
    assert len(lay.fragments) == 1
    rows = [r.cells for r in lay.fragments[0].rows]
    assert rows == [["Tegevus", "01.01.2023-31.10.2029"], ["Põhja- ja Lõuna-Eesti", ""]]
    assert lay.lines == []


def test_a_word_across_a_border_goes_to_the_cell_holding_most_of_it():
    # "pikk" runs from x=180 to 230: 20 pt in the left cell, 30 pt in the right one.
    lay = layout(ruled_with_lines(), [word("pikk", 180, 104, width=50), word("vasak", 110, 124, width=100)])
    rows = [r.cells for r in lay.fragments[0].rows]
    assert rows == [["", "pikk"], ["vasak", ""]]


def test_same_grid_and_text_from_rects_and_from_lines():
    words = [word("a", 110, 104), word("b", 210, 104), word("c", 110, 124), word("d", 210, 124)]
    a = [r.cells for r in layout(ruled_with_lines(), words).fragments[0].rows]
    b = [r.cells for r in layout(ruled_with_thin_rects(), words).fragments[0].rows]
    assert a == b == [["a", "b"], ["c", "d"]]


def test_merged_cells_spanning_rows_and_columns():
    xs = [100.0, 150.0, 250.0, 350.0]
    edges = []
    # Top and bottom rules across; inner horizontal rules leave out the first column
    # (a group cell merged down); the second header cell spans the last two columns.
    edges += edges_from_segment(100, 100, 350, 100) + edges_from_segment(100, 160, 350, 160)
    edges += edges_from_segment(150, 120, 350, 120) + edges_from_segment(150, 140, 350, 140)
    edges += edges_from_segment(100, 100, 100, 160) + edges_from_segment(150, 100, 150, 160)
    edges += edges_from_segment(350, 100, 350, 160) + edges_from_segment(250, 120, 250, 160)
    words = [word("Rühm", 105, 104), word("Päis", 160, 104), word("x1", 160, 124), word("y1", 260, 124),
             word("x2", 160, 144), word("y2", 260, 144)]
    fr = layout(edges, words).fragments[0]
    assert [r.cells for r in fr.rows] == [["Rühm", "Päis", ""], ["", "x1", "y1"], ["", "x2", "y2"]]
    assert fr.rows[0].spans == [(1, 3), (2, 1), (0, 0)]
    assert fr.rows[1].spans[0] == (0, 0)
    assert fr.columns == xs


def test_segmented_borders_and_an_open_bottom():
    """Every cell's border drawn on its own (WeasyPrint), and a row cut by the page
    end: no rule under it, the vertical rules run on."""
    edges = []
    for a, b in zip(XS, XS[1:]):
        edges += edges_from_segment(a - 0.4, 100.4, b + 0.4, 100.4) + edges_from_segment(a - 0.4, 120.3, b + 0.4, 120.3)
    for x in XS:
        edges += edges_from_segment(x, 100.0, x, 120.6) + edges_from_segment(x, 119.9, x, 133.0)
    fr = layout(edges, [word("a", 110, 104), word("katki", 110, 122)]).fragments[0]
    assert fr.open_bottom and not fr.open_top
    assert [r.cells for r in fr.rows] == [["a", ""], ["katki", ""]]


def test_text_outside_the_table_is_lines_with_style():
    words = [word("Tabel", 100, 80, bold=True), word("1.", 130, 80, bold=True), word("Ajakava", 145, 80, bold=True),
             word("x", 110, 104), word("7", 300, 780, size=9)]
    lay = layout(ruled_with_lines(), words)
    assert [(ln.text, ln.bold) for ln in lay.lines] == [("Tabel 1. Ajakava", True), ("7", False)]


def test_no_table_without_vertical_rules():
    edges = edges_from_segment(100, 100, 300, 100) + edges_from_segment(100, 120, 300, 120)
    lay = layout(edges, [word("joonitud", 110, 104)])
    assert lay.fragments == [] and [ln.text for ln in lay.lines] == ["joonitud"]


def test_a_word_broken_by_the_column_edge_is_marked():
    box = (100.0, 100.0, 160.0, 140.0)  # text from 105 to 155
    broken = [word("koostöövõrgust", 105, 102, width=49), word("ike", 105, 114), word("arv", 125, 114)]
    assert cell_text(broken, box) == f"koostöövõrgust{WORD_BREAK}ike arv"
    # The PDF draws a space after the word: a break between words.
    spaced = [word("graafiline", 105, 102, width=49, space_after=True), word("disainer", 105, 114)]
    assert cell_text(spaced, box) == "graafiline disainer"
    # A short line is an ordinary break.
    short = [word("Tartu", 105, 102, width=25), word("linn", 105, 114)]
    assert cell_text(short, box) == "Tartu linn"
    # "01.01.2025- " with the space drawn keeps it; without, the dash joins.
    dash = [word("01.01.2025-", 105, 102, width=40, space_after=True), word("31.12.2025", 105, 114)]
    assert cell_text(dash, box) == "01.01.2025- 31.12.2025"
    dash = [word("01.01.2025-", 105, 102, width=40), word("31.12.2025", 105, 114)]
    assert cell_text(dash, box) == "01.01.2025-31.12.2025"


def test_font_change_inside_a_word_adds_no_space():
    words = [word("Tabel", 100, 80, bold=True), word("s", 125, 80), word("järgmine", 140, 80)]
    lay = layout([], words)
    assert [ln.text for ln in lay.lines] == ["Tabels järgmine"]


def test_a_degenerate_region_is_no_table():
    # Two vertical stubs shorter than the snap tolerance: no rows to speak of.
    edges = edges_from_segment(100, 100, 100, 102) + edges_from_segment(200, 100, 200, 102) + edges_from_segment(100, 101, 200, 101)
    lay = layout(edges, [word("tekst", 120, 95)])
    assert lay.fragments == [] and [ln.text for ln in lay.lines] == ["tekst"]


def test_a_page_number_inside_the_borders_of_a_row_cut_open_is_not_cell_text():
    # Chromium draws the borders of a row cut by the page end down into the margin,
    # around the page number: the row has no rule under it, the number stands under a
    # blank of many lines.
    edges = []
    for y in YS:
        edges += edges_from_segment(XS[0], y, XS[-1], y)
    for x in XS:
        edges += edges_from_segment(x, YS[0], x, 300.0)
    words = [word("Tegevus", 105, 102), word("Periood", 205, 102), word("Tere", 105, 122), word("maailm", 105, 134),
             word("7", 195, 280)]
    page = layout(edges, words)
    (fr,) = page.fragments
    assert fr.open_bottom
    assert [r.cells for r in fr.rows] == [["Tegevus", "Periood"], ["Tere maailm", ""], ["", ""]]
    assert [ln.text for ln in page.lines] == ["7"]
    # text at the top of the open row stays the row's
    page = layout(edges, words[:2] + [word("Tere", 105, 142), word("maailm", 105, 154), words[-1]])
    assert [r.cells for r in page.fragments[0].rows][-1] == ["Tere maailm", ""]
    assert [ln.text for ln in page.lines] == ["7"]
