"""The hand-off from extract to normalize.

Every engine (python-docx, pdfplumber, camelot, pypdfium2) ends in the same
`ExtractedDocument`: the document's text blocks in reading order (approval block,
headings, captions, prose) and its logical tables, each already whole across page
breaks, with cell texts as written. Nothing here is typed or interpreted yet: that is
normalize's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "caption", "table"]


@dataclass(frozen=True)
class Block:
    """A piece of running text in reading order, or the place where a table stands.

    `level` is the heading level when the engine knows it (DOCX styles); PDF engines
    mark a heading by its font (bold) and leave the level to the numbering.
    """

    kind: BlockKind
    text: str
    page: int | None = None
    level: int | None = None
    table_no: int | None = None  # for kind == "table"


@dataclass
class RawRow:
    """One logical row: cell texts as written (wrapped lines joined), pages it spans."""

    cells: list[str]
    page_from: int | None = None
    page_to: int | None = None
    # Per cell, how sure OCR was of its least certain word (0-100); None when the
    # text was not read by OCR.
    confidence: list[float | None] | None = None


@dataclass(frozen=True)
class DroppedText:
    """Text of the table's region that the engine or the repair stage left out of the
    table on purpose (a header repeated on a continuation page, a merged cell's text
    drawn again), and why: normalize counts it against the source's words."""

    text: str
    reason: str  # 'repeated_header' | 'merged_cell_repeated' | 'covered_by_merge' | …
    page: int | None = None


@dataclass
class RawTable:
    """One logical table of the annex, identified by its caption "Tabel N. …".

    `source_words`: every word of the source inside the table's region, as written
    (PDF: the words inside the ruled grid on every page of the table; DOCX: the text
    of every cell), before any repair; None when the engine cannot say. `dropped`:
    what of it was left out on purpose, with the reason."""

    no: int
    caption: str
    header: list[str]
    rows: list[RawRow]
    page_from: int | None = None
    page_to: int | None = None
    source_words: list[str] | None = None
    dropped: list[DroppedText] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractionNote:
    """Something the extractor was unsure of or could not do; never silently guessed."""

    rule: str
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    table_no: int | None = None
    row_no: int | None = None
    page: int | None = None
    raw_text: str | None = None


@dataclass
class ExtractedDocument:
    path: str
    source_format: Literal["pdf", "docx", "odt", "doc"]
    engine: str
    page_count: int | None
    blocks: list[Block] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    notes: list[ExtractionNote] = field(default_factory=list)
    # About the file, not its content (the pipeline fills them in): the container it
    # came in, and its signatures (None: not read, e.g. a bare DOCX).
    container: Container | None = None
    signatures: list[SignatureInfo] | None = None

    def table(self, no: int) -> RawTable | None:
        return next((t for t in self.tables if t.no == no), None)


@dataclass
class SignatureInfo:
    """One signature of a file, or one row saying the file is unsigned.

    intact / covers_whole_file are None when not checked (container XAdES
    signatures, unreadable or absent signatures)."""

    signer: str | None
    signing_time: dt.datetime | None  # naive UTC
    intact: bool | None
    covers_whole_file: bool | None
    container: str | None  # 'pdf' (PAdES) | 'asice' (XAdES) | None when unsigned
    note: str | None
    # Personal identification code, kept apart from the name so that exports can
    # leave it out; taken from the certificate's CN ("MAASIKAS,MARI,48001019909").
    personal_code: str | None = None

    def __post_init__(self) -> None:
        if self.personal_code is None and self.signer:
            self.signer, self.personal_code = split_personal_code(self.signer)


# The last comma-separated part of an ID-card CN: 11 digits (Estonian isikukood),
# or an ETSI semantics identifier (PNOEE-…, PNOLV-…).
_PERSONAL_CODE = re.compile(r"^(?P<name>.*?)\s*,\s*(?P<code>(?:PNO[A-Z]{2}-)?\d{6}-?\d{4,5})$")


def split_personal_code(cn: str) -> tuple[str, str | None]:
    """'MAASIKAS,MARI,48001019909' -> ('MAASIKAS,MARI', '48001019909')."""
    m = _PERSONAL_CODE.match(cn.strip())
    if not m or not m.group("name"):
        return cn, None
    return m.group("name"), m.group("code")


@dataclass
class Container:
    """The DigiDoc container a document was taken out of: which data file, and the
    container's signatures (with a PDF member's own)."""

    member: str
    signatures: list[SignatureInfo]
    kind: str = "asice"
