"""The PDF path's tolerances as settings: validated, varied per call, and the repair
stage leaving the layouts it is given as they are."""

from __future__ import annotations

import copy

import pytest

from extract.pdf.geometry import Edge, PageGeometry, Word
from extract.pdf.grid import WORD_BREAK, Fragment, FragmentRow, PageLayout, TextLine, page_layout
from extract.pdf.repair import assemble
from extract.pdf.settings import GRID_SETTINGS, PDF_SETTINGS, REPAIR_SETTINGS, GridSettings, RepairSettings

# --------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: GridSettings(snap_tolerance=-1), "snap_tolerance"),
        (lambda: GridSettings(separator_min_cover=1.5), "separator_min_cover"),
        (lambda: GridSettings(min_vertical_rules=1), "min_vertical_rules"),
        (lambda: GridSettings(wide_glyph_ratio=0.5), "wide_glyph_ratio"),
        (lambda: RepairSettings(header_band=0), "header_band"),
        (lambda: RepairSettings(repeat_min_pages=1), "repeat_min_pages"),
        (lambda: RepairSettings(header_repeat_min_ratio=120), "header_repeat_min_ratio"),
        (lambda: RepairSettings(key_column_min_share=1), "key_column_min_share"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(make, field):
    with pytest.raises(ValueError) as err:
        make()
    message = str(err.value)
    assert message.startswith(field) and "\n" not in message


def test_with_values_types_the_value_and_names_a_bad_key():
    s = PDF_SETTINGS.with_values({"grid.snap_tolerance": "2.5", "repair.repeat_min_pages": "3"})
    assert s.grid.snap_tolerance == 2.5 and s.repair.repeat_min_pages == 3
    assert s.grid.join_tolerance == GRID_SETTINGS.join_tolerance  # the rest stays
    assert PDF_SETTINGS.grid.snap_tolerance == 3.0  # the default is not changed
    with pytest.raises(ValueError, match="grid has no setting 'snap'"):
        PDF_SETTINGS.with_values({"grid.snap": 1})
    with pytest.raises(ValueError, match="unknown settings part 'page'"):
        PDF_SETTINGS.with_values({"page.snap_tolerance": 1})
    with pytest.raises(ValueError, match="grid.snap_tolerance must not be negative"):
        PDF_SETTINGS.with_values({"grid.snap_tolerance": -2})
    with pytest.raises(ValueError, match="is not a number"):
        PDF_SETTINGS.with_values({"grid.snap_tolerance": "wide"})


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        GRID_SETTINGS.snap_tolerance = 1.0  # type: ignore[misc]


# ------------------------------------------------------------ varied per call

XS = (100.0, 200.0, 300.0)


def _word(text, x0, top, size=10.0):
    return Word(text, x0, x0 + 6 * len(text), top, top + size, "F", size)


def _table(ys, *, middle_rule=None) -> list[Edge]:
    """Rules of a two-column table with rows between `ys`; `middle_rule`: the extent
    (top, bottom) of the column rule between the two columns (full height if None)."""
    edges = [Edge.horizontal(y, XS[0], XS[-1]) for y in ys]
    edges += [Edge.vertical(x, ys[0], ys[-1]) for x in (XS[0], XS[-1])]
    top, bottom = middle_rule or (ys[0], ys[-1])
    edges.append(Edge.vertical(XS[1], top, bottom))
    return edges


def test_a_smaller_snap_tolerance_keeps_two_rules_apart():
    # A doubled rule 2 pt under the first row's bottom: one rule at the default
    # (3 pt), two rules (and a sliver row between them) at 1.5 pt.
    page = PageGeometry(1, 600, 800, [_word("a", 110, 105), _word("b", 110, 127)], _table((100, 120, 122, 142)))
    default = page_layout(page)
    tight = page_layout(page, GridSettings(snap_tolerance=1.5))
    assert [r.cells[0] for r in default.fragments[0].rows] == ["a", "b"]
    assert [r.cells[0] for r in tight.fragments[0].rows] == ["a", "", "b"]


def test_a_lower_separator_cover_splits_a_merged_cell():
    # The column rule covers 40 % of the first row (a stub): the row is one merged
    # cell at the default cover of 50 %, two cells when 30 % is enough.
    page = PageGeometry(
        1, 600, 800, [_word("left", 110, 105), _word("right", 210, 105)],
        _table((100, 150), middle_rule=(100, 120)),
    )
    merged = page_layout(page).fragments[0].rows[0]
    split = page_layout(page, GridSettings(separator_min_cover=0.3)).fragments[0].rows[0]
    assert merged.spans == [(2, 1), (0, 0)] and merged.cells == ["left right", ""]
    assert split.spans == [(1, 1), (1, 1)] and split.cells == ["left", "right"]


def _page(no, lines, fragments=()):
    return PageLayout(no, 595.0, 842.0, list(fragments), list(lines))


def test_a_wider_header_band_drops_a_repeated_line_as_furniture():
    # "Lisa 1" at 9 % of the page height on both pages: body text at the default
    # header band (8 %), a running header at 10 %.
    pages = [_page(k, [TextLine("Lisa 1", 72, 110, 62, 74, 12, False, k),
                       TextLine(f"Lõik {k}", 72, 130, 300, 312, 12, False, k)]) for k in (1, 2)]
    texts = [b.text for b in assemble(pages).blocks]
    wide = [b.text for b in assemble(pages, RepairSettings(header_band=0.1)).blocks]
    assert texts.count("Lisa 1") == 2
    assert wide == ["Lõik 1", "Lõik 2"]


# ------------------------------------------------------------- inputs unchanged

COLUMNS = [60.0, 200.0, 300.0]


def _row(cells, top, bold=False, full=None):
    boxes = [(COLUMNS[j], top, COLUMNS[j + 1], top + 20) for j in range(len(cells))]
    return FragmentRow(list(cells), top, top + 20, boxes, [(1, 1)] * len(cells), bold, full or [])


def test_assemble_leaves_its_pages_as_they_are():
    """Every step that changes something (a word break resolved, an empty row
    trimmed, a row broken by the page end glued to the one above, a repeated header
    dropped) builds new objects."""
    header = ["Tegevus", "Vastutaja"]
    first = Fragment(1, (60, 100, 300, 180), [
        _row(header, 100, bold=True),
        _row(["1. Koostöövõrgust" + WORD_BREAK + "ike arv", "ELVL"], 120),
        _row(["", ""], 140),  # an empty sliver row
        _row(["2. Partnerluslepingute", "Kohaliku"], 160, full=[False, True]),
    ], open_bottom=True, columns=list(COLUMNS), source_words=["x"])
    second = Fragment(2, (60, 72, 300, 132), [
        _row(header, 72, bold=True),
        _row(["sõlmimine", "omavalitsuse"], 92),
        _row(["3. Kolmas", "ELVL"], 112),
    ], open_top=True, columns=list(COLUMNS), source_words=["y"])
    pages = [
        _page(1, [TextLine("Tabel 1. Tegevused", 72, 200, 60, 72, 12, True, 1),
                  TextLine("koostöövõrgustike", 72, 200, 400, 412, 12, False, 1)], [first]),
        _page(2, [], [second]),
    ]
    before = copy.deepcopy(pages)
    doc = assemble(pages, REPAIR_SETTINGS)
    assert [r.cells for r in doc.tables[0].rows] == [
        ["1. Koostöövõrgustike arv", "ELVL"],
        ["2. Partnerluslepingute sõlmimine", "Kohaliku omavalitsuse"],
        ["3. Kolmas", "ELVL"],
    ]
    rules = {n.rule for n in doc.notes}
    assert {"word_broken_at_column_edge", "row_continued"} <= rules
    assert pages == before
