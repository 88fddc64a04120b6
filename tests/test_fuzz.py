"""Corrupted inputs through the whole ingest: loaded, or a clean error with the
warehouse unchanged — never a traceback, never a half-written warehouse."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, run_cli

DOCX = (SAMPLES / "annex-2025.docx").read_bytes()
PDF = (SAMPLES / "annex-2025.pdf").read_bytes()

mutations = st.lists(
    st.tuples(st.sampled_from(["flip", "cut", "insert", "zero"]), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    min_size=1,
    max_size=4,
)


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
    return bytes(b)


def _check(tmp_path_factory, original: bytes, suffix: str, ops):
    d = tmp_path_factory.mktemp("fuzz")
    db = d / "w.duckdb"
    assert run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "-q").exit_code == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    f = d / f"mutant{suffix}"
    f.write_bytes(mutate(original, ops))
    result = run_cli(str(f), "--db", str(db), "-q", "--timeout", "60")
    assert result.exit_code in (0, 1, 3), result.output  # never 70: no internal errors
    assert "Traceback" not in result.output
    if result.exit_code == 3:
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        assert str(f) in result.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=mutations)
def test_fuzz_docx(tmp_path_factory, ops):
    _check(tmp_path_factory, DOCX, ".docx", ops)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=mutations)
def test_fuzz_pdf(tmp_path_factory, ops):
    _check(tmp_path_factory, PDF, ".pdf", ops)


ASICE = (SAMPLES / "annex-2025.asice").read_bytes()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=mutations)
def test_fuzz_asice(tmp_path_factory, ops):
    _check(tmp_path_factory, ASICE, ".asice", ops)
