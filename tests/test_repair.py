"""repair.py on hand-built fragments and lines: page breaks, headers, captions, furniture."""

from __future__ import annotations

from extract.pdf.grid import WORD_BREAK, Fragment, FragmentRow, PageLayout, TextLine
from extract.pdf.repair import assemble, header_row_count, resolve_word_breaks, row_continues

HEADER = ["Tegevus", "Tegevuse üldajaraam", "Periood", "Maksumus", "Vastutaja"]
COLUMNS = [60.0, 200.0, 280.0, 360.0, 430.0, 530.0]
PAGE_H = 842.0


def row(cells, top, *, bold=False, columns=COLUMNS):
    boxes = [(columns[j], top, columns[j + 1], top + 20) for j in range(len(cells))]
    return FragmentRow(list(cells), top, top + 20, boxes, [(1, 1)] * len(cells), bold)


def frag(page, rows, *, top=100.0, header=False, open_top=False, open_bottom=False, columns=COLUMNS):
    out = []
    y = top
    for i, cells in enumerate(rows):
        out.append(row(cells, y, bold=header and i == 0, columns=columns))
        y += 20
    return Fragment(page, (columns[0], top, columns[-1], y), out, open_top, open_bottom, list(columns))


def line(page, text, top, *, bold=False, size=12.0, x0=72.0, x1=None):
    x1 = x1 if x1 is not None else x0 + 6 * len(text)
    return TextLine(text, x0, x1, top, top + size, size, bold, page)


def page(no, lines=(), fragments=()):
    return PageLayout(no, 595.0, PAGE_H, list(fragments), list(lines))


def page_number(no):
    return line(no, str(no), 800.0, size=11, x0=295, x1=301)


def table_pages(first_rows, second_rows, *, second_open_top=False, first_open_bottom=False):
    """Tabel 1 over two pages, page numbers at the foot of each."""
    return [
        page(1, [line(1, "Tabel 1. Tegevuste ajakava", 60, bold=True), page_number(1)],
             [frag(1, [HEADER, *first_rows], header=True, open_bottom=first_open_bottom)]),
        page(2, [page_number(2)], [frag(2, second_rows, top=72, open_top=second_open_top)]),
    ]


def rows_of(doc, no=1):
    return [r.cells for r in next(t for t in doc.tables if t.no == no).rows]


ROW_1 = ["1. Esimene tegevus", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "0", "ELVL"]
ROW_2 = ["2. Teine tegevus", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "500", "ELVL, partnerid"]


def test_repeated_header_is_dropped():
    doc = assemble(table_pages([ROW_1], [HEADER, ROW_2]))
    t = doc.tables[0]
    assert t.header == HEADER
    assert rows_of(doc) == [ROW_1, ROW_2]
    assert (t.page_from, t.page_to) == (1, 2)
    assert [(r.page_from, r.page_to) for r in t.rows] == [(1, 1), (2, 2)]


def test_continuation_of_the_first_cell_only():
    broken = ["1. Partnerluslepingute", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "0", "ELVL"]
    rest = ["sõlmimise ettevalmistused", "", "", "", ""]
    doc = assemble(table_pages([ROW_2, broken], [rest, ROW_1]))
    assert rows_of(doc) == [
        ROW_2,
        ["1. Partnerluslepingute sõlmimise ettevalmistused", *broken[1:]],
        ROW_1,
    ]
    assert (doc.tables[0].rows[1].page_from, doc.tables[0].rows[1].page_to) == (1, 2)
    assert any(n.rule == "row_continued" and n.table_no == 1 for n in doc.notes)


def test_continuation_of_several_cells():
    broken = ["3.5.2.1.1.2 Ümarlaud", "01.01.2025-", "01.01.2025-", "1 800", "Kohtla-"]
    rest = ["rahvusvähemuste organisatsioonidega", "31.12.2027", "31.12.2025", "", "Järve linn"]
    doc = assemble(table_pages([ROW_1, broken], [rest]))
    assert rows_of(doc)[1] == [
        "3.5.2.1.1.2 Ümarlaud rahvusvähemuste organisatsioonidega",
        "01.01.2025-31.12.2027",
        "01.01.2025-31.12.2025",
        "1 800",
        "Kohtla-Järve linn",
    ]


def test_a_continuation_that_looks_like_a_code_but_holds_nothing_else():
    broken = ["3.5.2.1.1 KOV-s elava sihtrühma kaasamine punktis", *ROW_1[1:]]
    rest = ["1.4 nimetatud eesmärki toetavasse tegevusse", "", "", "", ""]
    doc = assemble(table_pages([ROW_1, broken], [rest, ROW_2]))
    assert rows_of(doc)[1][0] == "3.5.2.1.1 KOV-s elava sihtrühma kaasamine punktis 1.4 nimetatud eesmärki toetavasse tegevusse"
    assert len(rows_of(doc)) == 3


def test_genuine_rows_with_empty_cells_are_not_merged():
    # Tabel 3 row "8.": no framework period; Tabel 16: no responsible party.
    no_frame = ["8. Graafilise disaini ost", "", "01.01.2025-31.12.2025", "7 000", "ELVL"]
    no_resp = ["3.5.2.1.4.1 Ümarlauad", "01.01.2025-31.12.2027", "01.01.2025-31.12.2025", "1 650", ""]
    doc = assemble(table_pages([ROW_1, ROW_2], [no_frame, no_resp]))
    assert rows_of(doc) == [ROW_1, ROW_2, no_frame, no_resp]
    assert not any(n.rule == "row_continued" for n in doc.notes)


def test_a_row_cut_open_by_the_page_end_with_its_key_text_on_the_next_page():
    """Chromium/WeasyPrint: no rule under the cut row; the first cell's text did not
    fit and stands wholly on the next page."""
    cut = ["", "01.01.2023-31.12.2025", "01.01.2025-31.12.2025", "0", "Tartu linn"]
    rest = ["3.5.2.1.2.1 Nõustamisteenuse elluviimine", "", "", "", ""]
    doc = assemble(table_pages([ROW_1, cut], [HEADER, rest, ROW_2], first_open_bottom=True))
    assert rows_of(doc) == [ROW_1, [rest[0], *cut[1:]], ROW_2]


def test_caption_less_fragment_continues_the_previous_table():
    pages = table_pages([ROW_1], [ROW_2])
    pages.append(page(3, [page_number(3)], [frag(3, [["3. Kolmas", *ROW_1[1:]]], top=72)]))
    doc = assemble(pages)
    assert len(doc.tables) == 1
    assert [r[0] for r in rows_of(doc)] == ["1. Esimene tegevus", "2. Teine tegevus", "3. Kolmas"]
    assert doc.tables[0].page_to == 3
    assert [b.kind for b in doc.blocks] == ["caption", "table"]


def test_page_numbers_are_neither_rows_nor_blocks():
    doc = assemble(table_pages([ROW_1], [ROW_2]))
    assert all(b.text not in ("1", "2") for b in doc.blocks)
    assert all("1" != r[0] and "2" != r[0] for r in rows_of(doc))


def test_running_header_dropped_but_a_caption_at_the_top_kept():
    pages = []
    for no in range(1, 5):
        lines = [line(no, f"Lisa 1 - lk {no}", 30, size=9), page_number(no)]
        if no == 2:
            lines.append(line(2, "Tabel 2. Näitajad", 45, bold=True))
        pages.append(page(no, lines, [frag(no, [HEADER, ROW_1], top=70, header=True)] if no == 2 else []))
    pages[0].lines.append(line(1, "Tabel 1. Ajakava", 100, bold=True))
    pages[0].fragments.append(frag(1, [HEADER, ROW_2], top=120, header=True))
    doc = assemble(pages)
    assert [b.text for b in doc.blocks] == ["Tabel 1. Ajakava", "Tabel 1. Ajakava", "Tabel 2. Näitajad", "Tabel 2. Näitajad"]
    assert [t.no for t in doc.tables] == [1, 2]


def test_front_matter_title_headings_and_levels():
    lines = [
        line(1, "KINNITATUD", 70, x0=450, x1=523),
        line(1, "kultuuriministri 25.03.2025", 84, x0=391, x1=523),
        line(1, "käskkirjaga nr 68", 98, x0=440, x1=523),
        line(1, "LISA 1", 126, x0=488, x1=523),
        line(1, "Toetatava tegevuse „Kohalike omavalitsuste toetamine", 160, bold=True, x0=158, x1=437),
        line(1, "lõimumisel“ tegevuskava perioodil 01.01.2025 –", 174, bold=True, x0=175, x1=420),
        line(1, "31.12.2025", 188, bold=True, x0=271, x1=325),
        line(1, "1. Elluviija tegevused", 226, bold=True, size=13),
        line(1, "1.1 Kohalike omavalitsuste tegevusplaanide koostamine ja sisutegevuste", 250, bold=True),
        line(1, "toetamine", 264, bold=True),
        *[line(1, "Sisu " * 15, 284 + 14 * i, x1=523) for i in range(6)],
        line(1, "Tabel 1. Tegevuste ajakava", 400, bold=True),
        page_number(1),
    ]
    doc = assemble([page(1, lines, [frag(1, [HEADER, ROW_1], top=420, header=True)])])
    kinds = [(b.kind, b.level) for b in doc.blocks[:6]]
    assert kinds == [("paragraph", None), ("paragraph", None), ("paragraph", None), ("heading", 1), ("heading", 2), ("paragraph", None)]
    assert doc.blocks[0].text == "KINNITATUD kultuuriministri 25.03.2025 käskkirjaga nr 68"
    assert doc.blocks[1].text == "LISA 1"
    assert doc.blocks[2].text == (
        "Toetatava tegevuse „Kohalike omavalitsuste toetamine lõimumisel“ tegevuskava perioodil 01.01.2025 – 31.12.2025"
    )
    assert doc.blocks[4].text == "1.1 Kohalike omavalitsuste tegevusplaanide koostamine ja sisutegevuste toetamine"


def test_a_ruled_box_without_caption_is_skipped_with_a_note():
    doc = assemble([page(1, [line(1, "Allkirjad", 100)], [frag(1, [["Nimi", "Allkiri"]], top=130, columns=[60.0, 300.0, 530.0])])])
    assert doc.tables == []
    assert [n.rule for n in doc.notes] == ["table_without_caption"]


def test_a_box_after_text_with_other_columns_does_not_join_the_table():
    pages = table_pages([ROW_1], [ROW_2])
    pages[1].lines.append(line(2, "Lõpetuseks tekst.", 200))
    pages[1].fragments.append(frag(2, [["Nimi", "Allkiri"]], top=260, columns=[60.0, 300.0, 530.0]))
    doc = assemble(pages)
    assert rows_of(doc) == [ROW_1, ROW_2]
    assert "table_without_caption" in [n.rule for n in doc.notes]


def test_a_fragment_with_other_columns_is_placed_by_position():
    other = [60.0, 200.0, 280.0, 360.0, 530.0]  # the last two columns drawn as one
    pages = table_pages([ROW_1], [])
    pages[1].fragments = [frag(2, [["2. Teine", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "500 ELVL"]], top=72, columns=other)]
    doc = assemble(pages)
    assert rows_of(doc)[1][:3] == ["2. Teine", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025"]
    assert "column_count_differs" in [n.rule for n in doc.notes]


def test_grouped_header_takes_two_rows():
    cols = [60.0, 200.0, 300.0, 400.0]
    top = row(["Tegevus", "Periood", ""], 100, bold=True, columns=cols)
    top.spans = [(1, 2), (2, 1), (0, 0)]
    sub = row(["", "algus", "lõpp"], 120, bold=True, columns=cols)
    sub.spans = [(0, 0), (1, 1), (1, 1)]
    data = row(["1. Tegevus", "01.01.2025", "31.12.2025"], 140, columns=cols)
    assert header_row_count([top, sub, data]) == 2
    assert header_row_count([row(HEADER, 100, bold=True), row(ROW_1, 120, bold=True)]) == 1


def test_row_continues_signals():
    done = [ROW_1, ROW_2]
    assert not row_continues(done, ROW_2, ROW_1).continues
    assert row_continues(done, ROW_2, ["jätkub siin", "", "", "", ""]).continues
    assert row_continues(done, ROW_2, ["", "", "", "", "partnerid"]).continues
    assert row_continues(done, ROW_2, ROW_1, boundary_open=True).continues


def test_word_breaks_resolved_with_the_document_vocabulary():
    words = {"kohaliku", "tasandi", "koostöövõrgustike", "arv", "tegevuskava", "perioodil"}
    assert resolve_word_breaks(f"Kohaliku tasandi koostöövõrgust{WORD_BREAK}ike arv", words)[0] == "Kohaliku tasandi koostöövõrgustike arv"
    assert resolve_word_breaks(f"lõppkuupäev{WORD_BREAK}tegevuskava perioodil", words)[0] == "lõppkuupäev tegevuskava perioodil"
    assert resolve_word_breaks(f"(nimetusega Lõimumiskoda{WORD_BREAK}) ja", words)[0] == "(nimetusega Lõimumiskoda) ja"
    assert resolve_word_breaks(f"kogemuskohtumiste{WORD_BREAK}l, õppevisiitidel", words)[0] == "kogemuskohtumistel, õppevisiitidel"
    # Neither half known: a long rest is a word of its own; two marks in one cell.
    assert resolve_word_breaks(f"Planeeritav{WORD_BREAK}maksumus{WORD_BREAK}tegevuskav{WORD_BREAK}a aastal", words)[0] == (
        "Planeeritav maksumus tegevuskava aastal"
    )


def test_a_complete_row_starting_in_lower_case_is_a_row_but_doubtful():
    done = [ROW_1, ROW_2]
    lower = ["sihtrühma liikmete arv", *ROW_1[1:]]
    decision = row_continues(done, ROW_2, lower)
    assert not decision.continues and decision.doubtful


def test_tabel_3_row_8_broken_across_pages_with_its_empty_frame():
    first = ["8. Graafilise disaini ost, et", "", "01.01.2025-", "7 000", "ELVL, graafiline"]
    rest = ["visualiseerida kokkuvõtteid", "", "31.12.2025", "", "disainer, partnerid"]
    doc = assemble(table_pages([ROW_1, first], [rest, ROW_2]))
    assert rows_of(doc) == [
        ROW_1,
        ["8. Graafilise disaini ost, et visualiseerida kokkuvõtteid", "", "01.01.2025-31.12.2025", "7 000",
         "ELVL, graafiline disainer, partnerid"],
        ROW_2,
    ]


def _group_table_pages(second_page_rows):
    """Tabel 17's layout: the first column one cell merged down the header and the
    data rows; the page end cuts it."""
    cols = [60.0, 130.0, 230.0, 290.0, 350.0, 410.0, 530.0]
    header = ["Partnerite tegevustega seotud", "Indikaator", "Mõõtühik", "Sihttase (2025)", "Sihttase (2029)", "Selgitus"]
    r0 = row(header, 100, bold=True, columns=cols)
    r1 = row(["", "Kohaliku tasandi koostöövõrgustike arv", "Arv", "8", "7", "Igas KOV-is"], 120, columns=cols)
    merged = (cols[0], 100.0, cols[1], 140.0)
    r0.spans[0], r0.cell_boxes[0] = (1, 2), merged
    r1.spans[0], r1.cell_boxes[0] = (0, 0), merged
    p1 = Fragment(1, (cols[0], 100, cols[-1], 140), [r0, r1], columns=cols)
    p2 = Fragment(2, (cols[0], 72, cols[-1], 72 + 20 * len(second_page_rows)),
                  [row(c, 72 + 20 * i, columns=cols) for i, c in enumerate(second_page_rows)], columns=cols)
    caption = line(1, "Tabel 17. Partnerite tegevustega seotud näitajad", 80, bold=True)
    return [page(1, [caption], [p1]), page(2, [], [p2])], header


def test_a_merged_group_cell_cut_by_the_page_end_goes_on():
    pages, header = _group_table_pages([["näitajad", "KOV-ide osaluskogude arv", "Arv", "5", "7", "Tallinnas"]])
    doc = assemble(pages)
    t = doc.tables[0]
    assert t.header[0] == "Partnerite tegevustega seotud näitajad"
    assert [r.cells[0] for r in t.rows] == ["", ""]
    assert t.rows[1].cells[1] == "KOV-ide osaluskogude arv"


def test_a_merged_group_cell_repeated_with_the_header_is_not_read_twice():
    full = "Partnerite tegevustega seotud"
    pages, header = _group_table_pages([
        ["Partnerite tegevustega", *["Indikaator", "Mõõtühik", "Sihttase (2025)", "Sihttase (2029)", "Selgitus"]],
        ["seotud", "KOV-ide osaluskogude arv", "Arv", "5", "7", "Tallinnas"],
    ])
    doc = assemble(pages)
    t = doc.tables[0]
    assert t.header[0] == full
    assert [r.cells[0] for r in t.rows] == ["", ""]


# ------------------------------------------------- what repair drops, it records


def test_a_dropped_repeated_header_is_recorded():
    """Issue 19: the words repair leaves out on purpose are handed on with the reason,
    so normalize can balance the table's source words."""
    pages = table_pages([ROW_1], [HEADER, ROW_2])
    words = [[w for cells in ([HEADER, ROW_1] if p.page_no == 1 else [HEADER, ROW_2]) for c in cells for w in c.split()] for p in pages]
    for p, w in zip(pages, words):
        p.fragments[0].source_words = w
    t = assemble(pages).tables[0]
    assert [(d.text, d.reason, d.page) for d in t.dropped] == [(h, "repeated_header", 2) for h in HEADER]
    assert t.source_words == words[0] + words[1]


def test_source_words_unknown_when_a_fragment_was_not_counted():
    t = assemble(table_pages([ROW_1], [HEADER, ROW_2])).tables[0]
    assert t.source_words is None


def test_a_merged_cell_drawn_again_is_recorded():
    pages, _ = _group_table_pages([
        ["Partnerite tegevustega", *["Indikaator", "Mõõtühik", "Sihttase (2025)", "Sihttase (2029)", "Selgitus"]],
        ["seotud", "KOV-ide osaluskogude arv", "Arv", "5", "7", "Tallinnas"],
    ])
    t = assemble(pages).tables[0]
    assert {(d.text, d.reason) for d in t.dropped} >= {("seotud", "merged_cell_repeated"), ("Indikaator", "repeated_header")}


# ------------------------------------------------- a header row broken by the page end

HEADER_TOP = ["Tegevus", "Tegevuse üldajaraam", "Tegevuse algus- ja lõppkuupäev", "Planeeritav", "Tegevuse eest"]
HEADER_REST = ["", "", "tegevuskava perioodil", "maksumus 2025. aastal", "vastutaja"]


def _split_header_pages(*, rest_bold=True, first=ROW_1):
    """The header's first lines alone at the foot of page 1, its rest and the data rows
    on page 2 (LibreOffice closes both parts with a rule)."""
    rest = frag(2, [HEADER_REST, first, ROW_2], top=72, header=rest_bold)
    return [
        page(1, [line(1, "Tabel 1. Tegevuste ajakava", 700, bold=True), page_number(1)],
             [frag(1, [HEADER_TOP], top=740, header=True)]),
        page(2, [page_number(2)], [rest]),
    ]


def test_a_header_row_broken_across_a_page_is_joined_back_as_header():
    doc = assemble(_split_header_pages())
    t = doc.tables[0]
    assert t.header == [
        "Tegevus", "Tegevuse üldajaraam", "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil",
        "Planeeritav maksumus 2025. aastal", "Tegevuse eest vastutaja",
    ]
    assert rows_of(doc) == [ROW_1, ROW_2]
    assert any(n.rule == "header_continued" and n.severity == "info" for n in doc.notes)


def test_the_first_data_row_after_a_header_ending_a_page_is_a_row():
    # The header whole at the foot of page 1; page 2 starts with data (not bold).
    pages = [
        page(1, [line(1, "Tabel 1. Tegevuste ajakava", 700, bold=True), page_number(1)],
             [frag(1, [HEADER], top=740, header=True)]),
        page(2, [page_number(2)], [frag(2, [ROW_1, ROW_2], top=72)]),
    ]
    doc = assemble(pages)
    assert doc.tables[0].header == HEADER
    assert rows_of(doc) == [ROW_1, ROW_2]
    assert not any(n.rule == "header_continued" for n in doc.notes)


def test_header_continues_signals():
    from extract.pdf.repair import header_continues

    bold = dict(header_bold=True, new_bold=True)
    assert header_continues(HEADER_TOP, HEADER_REST, **bold).continues
    # a bold first row that begins with a numbering code is a data row, but doubtful
    coded = header_continues(HEADER_TOP, ROW_1, **bold)
    assert not coded.continues and coded.doubtful
    # a header not set in bold: the empty key cell says it
    assert header_continues(HEADER_TOP, HEADER_REST, header_bold=False, new_bold=False).continues
    assert not header_continues(HEADER_TOP, ["Otsesed kulud", "", "", "5", "ELVL"], header_bold=False, new_bold=False).continues
    # styled unlike the header: a data row
    assert not header_continues(HEADER_TOP, HEADER_REST, header_bold=True, new_bold=False).continues


def test_a_broken_word_whose_head_begins_a_printed_word_is_glued():
    words = {"kogemuskohtumised", "kogemuskohtumiste", "korraldamine"}
    # the rest is long, but the head begins a word the document prints
    assert resolve_word_breaks(f"kogemuskohtum{WORD_BREAK}istel,", words)[0] == "kogemuskohtumistel,"
    # a head that is a word itself may still go on (an inflected form)
    assert resolve_word_breaks(f"kogemuskohtumiste{WORD_BREAK}l,", words)[0] == "kogemuskohtumistel,"
    # a long rest after a head that begins no printed word: two words
    assert resolve_word_breaks(f"Planeeritav{WORD_BREAK}maksumus", words)[0] == "Planeeritav maksumus"


def test_a_number_or_date_broken_by_the_column_edge_is_glued():
    words = {"25", "2029", "partnerite", "partneritega", "tegevustega"}
    assert resolve_word_breaks(f"01.01.2025-31.12.20{WORD_BREAK}25", words)[0] == "01.01.2025-31.12.2025"
    assert resolve_word_breaks(f"01.01.2023-31.10.{WORD_BREAK}2029", words)[0] == "01.01.2023-31.10.2029"
    # a head that is a printed word is not taken for the start of a longer one
    text = f"Partnerite{WORD_BREAK}tegevusteg{WORD_BREAK}a seotud"
    assert resolve_word_breaks(text, words)[0] == "Partnerite tegevustega seotud"
    # two whole dates written without a dash stay two
    assert resolve_word_breaks(f"01.10.2025{WORD_BREAK}31.01.2026", set())[0] == "01.10.2025 31.01.2026"


def test_a_word_broken_by_the_page_end_is_glued_when_its_line_was_full():
    broken = ["3.5.2.1.1 Tegevus", "01.01.2023-", "01.01.2025-31.12.2025", "500", "Saarem"]
    rest = ["", "31.10.2029", "", "", "aa vald"]

    def pages(full: bool):
        pp = table_pages([ROW_1, broken], [rest, ROW_2])
        pp[0].lines.append(line(1, "Saaremaa vallas elavad", 40))
        last = pp[0].fragments[0].rows[-1]
        last.ends_full = [False, False, False, False, full]
        return pp

    doc = assemble(pages(True))
    assert rows_of(doc)[1] == ["3.5.2.1.1 Tegevus", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "500", "Saaremaa vald"]
    assert any(n.rule == "word_broken_at_page_end" for n in doc.notes)
    # a line that was not full ended with its word: a space
    assert rows_of(assemble(pages(False)))[1][4] == "Saarem aa vald"


def test_a_date_cut_inside_its_month_and_a_one_letter_rest_are_glued():
    assert resolve_word_breaks(f"01.01.2024-31.1{WORD_BREAK}0.2030", set())[0] == "01.01.2024-31.10.2030"
    # "e" printed alone elsewhere (a stray letter) is no word of its own
    assert resolve_word_breaks(f"ELVL, graafilin{WORD_BREAK}e disainer", {"e", "disainer"})[0] == "ELVL, graafiline disainer"


def test_the_halves_of_a_word_cut_by_the_page_end_do_not_vouch_for_themselves():
    """LibreOffice, DejaVu Sans 12 pt: "ELVL, graafili" ends a page full, "ne disainer"
    begins the next. The cells' own halves are not words the document prints; the
    prose's "graafilise" begins with the head, so the word is glued."""
    broken = ["3.5.2.1.1 Tegevus", "01.01.2023-31.10.2029", "01.01.2025-31.12.2025", "500", "ELVL, graafili"]
    rest = ["", "", "", "", "ne disainer, partnerid"]
    pp = table_pages([ROW_1, broken], [rest, ROW_2])
    pp[0].lines.append(line(1, "graafilise kujunduse tellimine", 40))
    pp[0].fragments[0].rows[-1].ends_full = [False, False, False, False, True]
    assert rows_of(assemble(pp))[1][4] == "ELVL, graafiline disainer, partnerid"


def test_a_break_decided_by_the_rests_length_alone_says_it_was_a_guess():
    text, glued, guessed = resolve_word_breaks(f"Personaalsete nõustamisprogram{WORD_BREAK}mide koondamine", set())
    assert text == "Personaalsete nõustamisprogrammide koondamine" and glued == ["nõustamisprogrammide"]
    assert len(guessed) == 1 and "'nõustamisprogram mide'" in guessed[0]
    text, glued, guessed = resolve_word_breaks(f"Planeeritav{WORD_BREAK}maksumus", set())
    assert text == "Planeeritav maksumus" and not glued and "'Planeeritavmaksumus'" in guessed[0]
    # decided by the vocabulary: no guess
    assert resolve_word_breaks(f"kogemuskohtum{WORD_BREAK}istel,", {"kogemuskohtumised"})[2] == []
    # in a table, the guess is a note the analyst sees
    pp = table_pages([ROW_1, ["3.5.2.1.2 Tegevus", "", "", "600", f"ELVL, nõustamisprogram{WORD_BREAK}mide"]], [ROW_2])
    notes = [n for n in assemble(pp).notes if n.rule == "word_break_guessed"]
    assert len(notes) == 1 and "nõustamisprogram|mide" in notes[0].message
    # found on its page before the table was put together, it names the table and row
    assert (notes[0].table_no, notes[0].row_no) == (1, 2)


def test_a_break_in_a_header_cell_names_its_table():
    header = [*HEADER[:-1], f"Tegevuse eest vastu{WORD_BREAK}taja"]
    pp = [page(1, [line(1, "Tabel 1. Tegevuste ajakava", 60, bold=True), page_number(1)],
               [frag(1, [header, ROW_1], header=True)])]
    notes = [n for n in assemble(pp).notes if n.rule in ("word_broken_at_column_edge", "word_break_guessed")]
    assert notes and all((n.table_no, n.row_no) == (1, None) for n in notes)
