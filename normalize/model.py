"""The hand-off from normalize to load: typed records and findings, one document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from extract.model import Container, SignatureInfo

Severity = Literal["info", "warning", "error"]


@dataclass
class Identity:
    """What the annex says it is (normalize/identity.py reads it): the directive
    that approved it, its plan period, the amending directive, its title."""

    directive_no: int | None = None
    directive_date: dt.date | None = None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    amended_by_no: int | None = None
    amended_by_date: dt.date | None = None
    title: str | None = None


@dataclass(kw_only=True)
class DocumentRecord(Identity):
    """One file's document: its identity (declared once, in Identity) and the file's facts."""

    file_name: str
    sha256: str
    source_format: str
    engine: str
    page_count: int | None
    # sha256 over identity and normalized rows (normalize/fingerprint.py): files
    # with the same fingerprint are one version.
    fingerprint: str | None = None

    def missing_identity(self) -> list[str]:
        """The parts of the annex's identity that could not be read."""
        parts = [
            ("directive number", self.directive_no), ("directive date", self.directive_date),
            ("plan period start", self.plan_start), ("plan period end", self.plan_end),
        ]
        return [name for name, value in parts if value is None]

    @property
    def annex_key(self) -> str:
        """What the annex *is*: directive and plan period. Versions share it.
        Where a part cannot be read, the key is the file's own (the parts read,
        then '#' and the content fingerprint), never a placeholder shared by
        unrelated annexes."""
        key = (
            f"{self.directive_no or '?'}/{self.directive_date or '?'}"
            f"/{self.plan_start or '?'}..{self.plan_end or '?'}"
        )
        if self.missing_identity():
            key += f"#{(self.fingerprint or self.sha256)[:16]}"
        return key


@dataclass
class TableRecord:
    table_no: int
    caption: str
    kind: Literal["schedule", "indicator", "unknown"]
    kov: str | None
    header: list[str]
    page_from: int | None
    page_to: int | None
    row_count: int
    unmapped_headers: list[str] = field(default_factory=list)  # kept in the rows' `extra`


@dataclass
class Activity:
    table_no: int
    row_no: int
    kov: str | None
    code: str | None
    label: str
    level: int | None
    parent_row_no: int | None
    parent_code: str | None
    frame_start: dt.date | None
    frame_end: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    amount_eur: Decimal | None
    responsible: str | None
    activity_raw: str
    frame_raw: str | None
    period_raw: str | None
    amount_raw: str | None
    page_from: int | None
    page_to: int | None
    extra: dict[str, str | None] | None = None  # cells of columns that name no warehouse column
    # Place in the table's tree (normalize/tree.py), from the repaired parent links.
    depth: int | None = None
    is_leaf: bool | None = None
    path: str | None = None


@dataclass
class Indicator:
    table_no: int
    row_no: int
    group_label: str | None
    indicator: str
    unit: str | None
    target_plan_year: Decimal | None
    target_2029: Decimal | None
    explanation: str | None
    target_plan_year_raw: str | None
    target_2029_raw: str | None
    page_from: int | None
    page_to: int | None
    extra: dict[str, str | None] | None = None  # cells of columns that name no warehouse column


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    table_no: int | None = None
    row_no: int | None = None
    raw_text: str | None = None


@dataclass
class Party:
    table_no: int
    row_no: int
    party: str
    kov: str | None
    party_kind: Literal["implementer", "municipality", "other"]


@dataclass
class Reconciliation:
    table_no: int
    row_no: int
    code: str | None
    amount_eur: Decimal | None
    children_sum: Decimal
    children: int
    difference: Decimal | None
    status: Literal["ok", "mismatch", "no_amount"]


@dataclass
class TextBalance:
    """One table's words: those of the source inside its region against those that
    reach the warehouse. source_words = loaded_words + explained_words +
    unexplained_words; `explained` were left out for a recorded reason (`reasons`:
    reason -> words), `unexplained` are lost."""

    table_no: int
    source_words: int | None  # None: the engine could not count them
    loaded_words: int
    explained_words: int
    unexplained_words: int
    dropped_sample: str | None
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class NormalizedDocument:
    document: DocumentRecord
    tables: list[TableRecord] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    reconciliation: list[Reconciliation] = field(default_factory=list)
    text_balance: list[TextBalance] = field(default_factory=list)
    # About the file, not the content: its container and signatures, and the findings
    # on them (also in `findings`; load keeps them with the file, load/versions.py).
    container: Container | None = None
    signatures: list[SignatureInfo] = field(default_factory=list)
    file_findings: list[Finding] = field(default_factory=list)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
