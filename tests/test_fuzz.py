"""Corrupted inputs through the whole ingest: a clean refusal with the warehouse
unchanged, or a load whose rows keep their promises (typed values as written,
parents that add up or are flagged) — never a traceback, never a half-written
warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, query, run_cli

DOCX = (SAMPLES / "annex-2025.docx").read_bytes()
PDF = (SAMPLES / "annex-2025.pdf").read_bytes()

def _ops(kinds: list[str]):
    return st.lists(st.tuples(st.sampled_from(kinds), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
                    min_size=1, max_size=4)


# Where the damage lands: in the file's bytes (mostly refused: zip checksums, broken
# PDF objects), or inside the document a zip container carries (word/document.xml,
# zipped again), mostly as damage that still parses - a digit or some text changed
# in a cell - so that the normalizer and the loader see it. For a PDF both layers
# are its bytes.
mutations = st.one_of(
    st.tuples(st.just("file"), _ops(["flip", "cut", "insert", "zero", "digit"])),
    st.tuples(st.just("inside"), _ops(["digit", "text", "digit", "text", "flip", "insert"])),
)

# An element's text that is a number, an amount or a date (range): what gets a type.
_TYPED_TEXT = re.compile(rb">(\d[\d .,-]*)<")


def _in_text(b: bytearray, k: int) -> bool:
    """Byte k stands in an element's text (XML), not in a tag's name or attributes."""
    return b.rfind(b">", 0, k) > b.rfind(b"<", 0, k)


def mutate(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op, where, junk in ops:
        i = int(where * (len(b) - 1)) if b else 0
        if op == "flip" and b:
            b[i] ^= 0xFF
        elif op == "cut":
            del b[i:]
        elif op == "insert":
            b[i:i] = junk
        elif op == "zero":
            b[i:i + len(junk)] = bytes(len(junk))
        elif op == "digit":  # a damage that parses: the first digit of text (after a >) from i on changed
            j = next((k for k in range(i, len(b)) if 0x30 <= b[k] <= 0x39 and _in_text(b, k)), None)
            if j is not None:
                b[j] = 0x30 + (b[j] - 0x30 + 1 + junk[0] % 9) % 10
        elif op == "text":  # printable junk in the first typed cell's text from i on (an amount, a date)
            m = _TYPED_TEXT.search(b, i)
            if m is not None:
                j = m.start(1) + junk[0] % len(m[1])
                b[j:j] = bytes(0x20 + c % 0x5F for c in junk).replace(b"<", b" ").replace(b"&", b" ")
    return bytes(b)


def mutate_inside(data: bytes, ops) -> bytes:
    """The ops applied to word/document.xml of a DOCX, or of the DOCX an ASiC-E holds."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            member = src.read(item)
            if item.filename == "word/document.xml":
                member = mutate(member, ops)
            elif item.filename.endswith(".docx"):
                member = mutate_inside(member, ops)
            zf.writestr(item, member)
    return out.getvalue()


@pytest.fixture
def baseline(sample_warehouse) -> Path:
    """The sample DOCX loaded once per test run (conftest); each example works on a copy."""
    return sample_warehouse


_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _amount_as_written(raw: str) -> Decimal:
    """The cell read by hand: spaces are thousands separators, the last , or . with
    one or two digits after it the decimal point (a currency word dropped)."""
    s = re.sub(r"(?i)\s*(€|eur\w*)\.?$", "", raw)
    s = re.sub(r"\s", "", s).replace("\u2212", "-")
    s = re.sub(r"[.,](\d{1,2})$", r"#\1", s)
    return Decimal(s.replace("#", ".")).quantize(Decimal("0.01"))


def _dates_as_written(raw: str) -> list[dt.date]:
    return [dt.date(int(y), int(m), int(d)) for d, m, y in _DATE.findall(raw or "")]


def assert_rows_keep_their_promises(db: Path) -> None:
    """What a load may put in the warehouse, however damaged its file: every typed
    value is the one written in its raw cell, and every parent whose children do
    not add up to it carries a finding (on itself or on a child)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT document_id, table_no, row_no, parent_row_no, amount_eur, amount_raw, frame_start, frame_end, "
            "frame_raw, period_start, period_end, period_raw FROM activities"
        ).fetchall()
        issues = con.execute(
            "SELECT document_id, table_no, row_no, rule FROM validation_issues WHERE severity IN ('warning', 'error')"
        ).fetchall()
    finally:
        con.close()
    children: dict[tuple, list] = {}
    for doc, t, r, parent, amount, amount_raw, fs, fe, frame_raw, ps, pe, period_raw in rows:
        where = (doc, t, r)
        if amount is not None:
            assert amount == _amount_as_written(amount_raw), (where, amount, amount_raw)
        for start, end, raw in ((fs, fe, frame_raw), (ps, pe, period_raw)):
            if start is not None or end is not None:
                written = _dates_as_written(raw)
                assert written and (start, end) == (written[0], written[-1]), (where, start, end, raw)
        if parent is not None:
            children.setdefault((doc, t, parent), []).append((where, amount))
    flagged = {(doc, t, r) for doc, t, r, _rule in issues}
    # Not any finding: a sum that is off must be reported as such on the parent.
    off_sum = {(doc, t, r) for doc, t, r, rule in issues if rule in ("reconciliation", "sum_out_of_range")}
    amounts = {(doc, t, r): amount for doc, t, r, _p, amount, *_ in rows}
    for parent, kids in children.items():
        if amounts.get(parent) is None:
            continue
        if any(a is None for _w, a in kids):  # a child without a value: it says why
            assert parent in flagged or all(w in flagged for w, a in kids if a is None), (parent, kids)
        elif sum(a for _w, a in kids) != amounts[parent]:
            assert parent in off_sum, (parent, amounts[parent], kids)


def _documents(db: Path) -> int:
    return query(db, "SELECT count(*) FROM documents")[0][0]


def _check(tmp_path_factory, baseline: Path, original: bytes, suffix: str, layer: str, ops) -> str:
    """One mutant through the CLI; returns what became of it: refused or loaded."""
    d = tmp_path_factory.mktemp("fuzz")
    db = d / "w.duckdb"
    shutil.copyfile(baseline, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    documents = _documents(db)
    f = d / f"mutant{suffix}"
    f.write_bytes(mutate_inside(original, ops) if layer == "inside" and suffix != ".pdf" else mutate(original, ops))
    result = run_cli(str(f), "--db", str(db), "-q", "--timeout", "60")
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}")  # pytest --hypothesis-show-statistics: how many loaded
    if result.exit_code == 3:  # refused: one line naming the file, nothing written
        errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
        # the file, and the member of a container at fault: error: x.asice[annex.docx]: …
        assert len(errors) == 1 and re.match(rf"error: {re.escape(str(f))}(\[[^]]+\])?: \S", errors[0]), result.output
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        return "refused"
    # loaded (1: with findings or tables missing), or the same bytes skipped
    assert result.exit_code in (0, 1), result.output  # never 70: no internal errors
    assert_rows_keep_their_promises(db)
    return "loaded" if _documents(db) == documents + 1 else "skipped"


def _fuzz(tmp_path_factory, baseline, original: bytes, suffix: str, max_examples: int) -> None:
    """Mutants of `original`; besides each one's own checks, the run as a whole must
    have seen both a refusal and a load, or it tested one side only. The explicit
    examples make sure of both, whatever the random ones do."""
    seen: list[str] = []  # refused, loaded or skipped (the same bytes again)

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(mutation=mutations)
    @example(mutation=("file", [("cut", 0.5, b"x")]))  # half a file
    @example(mutation=("inside", [("digit", 0.45, b"\x03"), ("digit", 0.7, b"\x05")]))  # two digits changed
    @example(mutation=("inside", [("text", 0.25, b"Q"), ("text", 0.5, b"!"), ("text", 0.75, b"e")]))  # typed cells
    def one(mutation):
        layer, ops = mutation
        seen.append(_check(tmp_path_factory, baseline, original, suffix, layer, ops))

    one()
    assert "refused" in seen and "loaded" in seen, seen


def test_fuzz_docx(tmp_path_factory, baseline):
    _fuzz(tmp_path_factory, baseline, DOCX, ".docx", 25)


def test_fuzz_pdf(tmp_path_factory, baseline):
    _fuzz(tmp_path_factory, baseline, PDF, ".pdf", 12)


ASICE = (SAMPLES / "annex-2025.asice").read_bytes()


def test_fuzz_asice(tmp_path_factory, baseline):
    _fuzz(tmp_path_factory, baseline, ASICE, ".asice", 15)


def test_a_changed_amount_is_flagged_in_the_load(tmp_path, baseline):
    """The invariants on a damage that parses: one leaf amount of Tabel 11 changed by
    a cent in the DOCX (18 037,77 -> 18 037,78) loads, and its parent, 20 037,77 in
    the transcription, no longer adds up: it must be flagged, not loaded silently."""
    src = zipfile.ZipFile(SAMPLES / "annex-2025.docx")
    f = tmp_path / "changed.docx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                assert data.count("18 037,77".encode()) == 1
                data = data.replace("18 037,77".encode(), "18 037,78".encode())
            out.writestr(item, data)
    db = tmp_path / "w.duckdb"
    shutil.copyfile(baseline, db)
    result = run_cli(str(f), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    assert_rows_keep_their_promises(db)
    assert "findings: 1 errors" in result.output  # the parent's, shown in the summary
    assert query(
        db, "SELECT count(*) FROM validation_issues v JOIN activities a USING (document_id, table_no, row_no) "
        "WHERE v.document_id = 2 AND a.amount_raw = '20 037,77' AND v.severity IN ('warning', 'error')"
    )[0][0] >= 1


@pytest.mark.parametrize(
    "damage",
    [
        # a typed amount that is not the one written in its cell
        "UPDATE activities SET amount_eur = amount_eur + 0.01 WHERE table_no = 11 AND amount_raw = '18 037,77'",
        # a typed date that is not the one written
        "UPDATE activities SET period_start = period_start + INTERVAL 1 DAY WHERE table_no = 11 AND row_no = 3",
        # a leaf changed in both its value and its text, its parent left without a finding
        "UPDATE activities SET amount_eur = 1, amount_raw = '1' WHERE table_no = 11 AND amount_raw = '18 037,77'",
    ],
)
def test_the_invariants_catch_a_warehouse_that_breaks_them(tmp_path, sample_warehouse, damage):
    """The check each loaded mutant gets fails on a warehouse doctored to break a promise
    (and passes on the sample as loaded)."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, db)
    assert_rows_keep_their_promises(db)
    con = duckdb.connect(str(db))
    con.execute(damage)
    con.close()
    with pytest.raises(AssertionError):
        assert_rows_keep_their_promises(db)
