"""The hand-off from normalize to load: typed records and findings, one document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Severity = Literal["info", "warning", "error"]


@dataclass
class DocumentRecord:
    file_name: str
    sha256: str
    source_format: str
    engine: str
    page_count: int | None
    title: str | None = None
    directive_no: int | None = None
    directive_date: dt.date | None = None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    amended_by_no: int | None = None
    amended_by_date: dt.date | None = None

    @property
    def annex_key(self) -> str:
        """What the annex *is*: directive and plan period. Versions share it."""
        return (
            f"{self.directive_no or '?'}/{self.directive_date or '?'}"
            f"/{self.plan_start or '?'}..{self.plan_end or '?'}"
        )


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
class NormalizedDocument:
    document: DocumentRecord
    tables: list[TableRecord] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    reconciliation: list[Reconciliation] = field(default_factory=list)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
