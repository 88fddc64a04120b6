"""The tolerances of the PDF path's table stages, as settings passed per call.

`GridSettings` (grid.py, lines.py: rules and cells on one page) and `RepairSettings`
(words.py, furniture.py, stitch.py, tables.py: the document from its pages) are frozen
dataclasses in the manner of pdfplumber's `TableSettings` and geometry.WordSettings:
each field says why it has its value, `__post_init__` refuses a value that makes no
sense with a one-line ValueError naming the field, and the module default
(`GRID_SETTINGS`, `REPAIR_SETTINGS`, both in `PDF_SETTINGS`) is what every call uses
unless given another. `PdfSettings.with_values({"grid.snap_tolerance": 2.5})` makes a variant (the
conformance run's `--set`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


def _check(obj, shares: tuple[str, ...] = (), positive: tuple[str, ...] = (), non_negative: tuple[str, ...] = ()) -> None:
    """One-line ValueErrors naming the field: a share lies in (0, 1], a positive value
    is > 0, a non-negative one >= 0."""
    for name in shares:
        v = getattr(obj, name)
        if not 0 < v <= 1:
            raise ValueError(f"{name} must be a share in (0, 1], not {v!r}")
    for name in positive:
        v = getattr(obj, name)
        if not v > 0:
            raise ValueError(f"{name} must be positive, not {v!r}")
    for name in non_negative:
        v = getattr(obj, name)
        if not v >= 0:
            raise ValueError(f"{name} must not be negative, not {v!r}")


@dataclass(frozen=True)
class GridSettings:
    """How grid.py reads the ruled tables of one page (lengths in pt, ratios of the
    font size unless said otherwise)."""

    # Rules whose positions differ by less than this (pt) are one rule: producers draw
    # a cell's border a fraction of a point off its neighbour's (line width, rounding).
    snap_tolerance: float = 3.0
    # Collinear segments with a gap smaller than this (pt) are one rule (WeasyPrint
    # draws every cell's border separately; joints leave sub-point gaps).
    join_tolerance: float = 3.0
    # A vertical and a horizontal rule this close (pt) to each other touch.
    intersection_tolerance: float = 3.0
    # A rule separates two grid positions when it covers at least this share of their
    # common side; less is a stub, and the positions belong to one merged cell.
    separator_min_cover: float = 0.5
    # A ruled region needs at least this many vertical rules (its two sides) to be a
    # table.
    min_vertical_rules: int = 2
    # Words whose tops differ by less than this share of their font size are on one
    # line.
    line_top_tolerance: float = 0.5
    # A word too long for its column is broken inside the word, with no hyphen: the
    # line holds that one word and ends closer than this share of the font size to the
    # cell's right text edge (less than one glyph more would fit: ~0.25 em seen, a
    # glyph is up to ~0.6 em). Such a break is only marked (grid.WORD_BREAK); words.py
    # decides with the document's vocabulary whether it was inside a word.
    word_break_max_slack: float = 0.5
    # A glyph may be this much wider than its word's mean glyph width ("m" in "maa").
    wide_glyph_ratio: float = 1.5
    # A cell's text is left-aligned when it starts at most this share of the font size
    # from the cell's left rule (cell padding); only then is its right text edge known.
    max_cell_padding: float = 1.0
    # In a row cut open by the page end, text under a blank of more than this many
    # lines (font sizes) is not the row's (Chromium draws the cut-open borders down
    # around the page number in the margin).
    open_row_max_blank: float = 2.0

    def __post_init__(self) -> None:
        _check(
            self,
            shares=("separator_min_cover", "line_top_tolerance"),
            positive=("word_break_max_slack", "open_row_max_blank"),
            non_negative=("snap_tolerance", "join_tolerance", "intersection_tolerance", "max_cell_padding"),
        )
        if self.min_vertical_rules < 2:
            raise ValueError(f"min_vertical_rules must be at least 2 (a table's two sides), not {self.min_vertical_rules!r}")
        if self.wide_glyph_ratio < 1:
            raise ValueError(f"wide_glyph_ratio must be at least 1 (a glyph of the mean width), not {self.wide_glyph_ratio!r}")


@dataclass(frozen=True)
class RepairSettings:
    """How the repair stage makes the document of its pages: page furniture, text
    blocks, word breaks, tables stitched across pages."""

    # The top and bottom bands of a page (share of its height) where running headers,
    # footers and page numbers live: a page number sits in the bottom ~6 % of the
    # sample pages, a header in the top ~6 %. Body text may reach into a band (it
    # starts 6.4 % from the top of the Letter rendering): a line there is dropped only
    # when it is a page number or repeats, never for where it stands alone.
    header_band: float = 0.08
    footer_band: float = 0.10
    # A line in a band that repeats (digits ignored) on at least this share of the
    # pages is a running header/footer. Two pages at least: one page repeats nothing.
    repeat_min_share: float = 0.5
    repeat_min_pages: int = 2
    # A running header stands at the same height on every page, within this (pt).
    furniture_position_tolerance: float = 3.0
    # Two lines belong to one paragraph when the white gap between them is under this
    # share of the font size (a line gap is ~0.15-0.25 em, a paragraph gap ~0.75 em).
    paragraph_gap_ratio: float = 0.5
    # Lines whose font sizes differ by more than this (pt) are not one block.
    size_tolerance: float = 0.5
    # A bold block is centred (a title, not a section heading) when its lines' centres
    # lie within this share of the text column's width of the column's centre, and its
    # left edge is indented by more than the same share from the column's left edge.
    centre_tolerance: float = 0.05
    # The right edge of the text column: the line end that this share of lines stays
    # within (full lines of prose reach the margin; a few lines, such as a
    # right-aligned approval block, may stand out).
    right_edge_quantile: float = 0.9
    # Header rows repeated on a continuation page: the row's text matches the table's
    # header at least this well (rapidfuzz ratio, 0-100).
    header_repeat_min_ratio: float = 90
    # The rest of a word broken by the column edge is what did not fit of it: a few
    # letters (1-4 in the rendering matrix: "l,", "de", "ike", "mide"; seeds 1, 5, 9).
    # When the document prints neither the glued word nor the rest elsewhere, a rest
    # this long or shorter is glued, a longer one read as a word of its own
    # ("Planeeritav" | "maksumus"; the separate words seen were 8 letters or more).
    # Either way it is a guess, and says so (`word_break_guessed`, info).
    word_break_short_rest: int = 4
    # A head this long that begins a longer word the document prints is that word's
    # start.
    word_break_min_stem: int = 4
    # A column is the table's key column when it is filled in more than this share of
    # the rows (Tabel 17's merged group column is not: it is filled in its header only).
    key_column_min_share: float = 0.5
    # Rows and the merged cells in them start at the same rule, within this (pt).
    row_top_tolerance: float = 1.0
    # The column rules of one table drawn on two pages lie at the same x within this
    # (pt).
    column_match_tolerance: float = 3.0

    def __post_init__(self) -> None:
        _check(
            self,
            shares=("header_band", "footer_band", "repeat_min_share", "centre_tolerance", "right_edge_quantile"),
            positive=("paragraph_gap_ratio",),
            non_negative=(
                "furniture_position_tolerance", "size_tolerance", "word_break_short_rest",
                "word_break_min_stem", "row_top_tolerance", "column_match_tolerance",
            ),
        )
        if self.header_band + self.footer_band >= 1:
            raise ValueError(f"header_band + footer_band must leave the page a body, not {self.header_band + self.footer_band!r}")
        if self.repeat_min_pages < 2:
            raise ValueError(f"repeat_min_pages must be at least 2 (one page repeats nothing), not {self.repeat_min_pages!r}")
        if not 0 < self.header_repeat_min_ratio <= 100:
            raise ValueError(f"header_repeat_min_ratio must be a rapidfuzz ratio in (0, 100], not {self.header_repeat_min_ratio!r}")
        if not 0 <= self.key_column_min_share < 1:
            raise ValueError(f"key_column_min_share must be a share in [0, 1), not {self.key_column_min_share!r}")


@dataclass(frozen=True)
class PdfSettings:
    """The grid and repair settings together: what read_pdf passes down."""

    grid: GridSettings = field(default_factory=GridSettings)
    repair: RepairSettings = field(default_factory=RepairSettings)

    def with_values(self, values: dict[str, str | float | int]) -> "PdfSettings":
        """A copy with `{"grid.snap_tolerance": 2.5, "repair.header_band": "0.1"}`
        applied (strings converted to the field's type); a ValueError names an unknown
        part or field, or a bad value."""
        parts = {"grid": self.grid, "repair": self.repair}
        for key, value in values.items():
            part, _, name = key.partition(".")
            if part not in parts:
                raise ValueError(f"{key}: unknown settings part {part!r} (grid or repair)")
            types = {f.name: f.type for f in dataclasses.fields(parts[part])}
            if name not in types:
                raise ValueError(f"{key}: {part} has no setting {name!r} (it has: {', '.join(types)})")
            kind = int if types[name] in (int, "int") else float
            try:
                typed = kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"{key}: {value!r} is not {'an integer' if kind is int else 'a number'}") from None
            try:
                parts[part] = dataclasses.replace(parts[part], **{name: typed})
            except ValueError as exc:
                raise ValueError(f"{part}.{exc}") from None
        return PdfSettings(parts["grid"], parts["repair"])


GRID_SETTINGS = GridSettings()
REPAIR_SETTINGS = RepairSettings()
PDF_SETTINGS = PdfSettings(GRID_SETTINGS, REPAIR_SETTINGS)
