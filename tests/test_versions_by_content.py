"""Versions by what the document says (issue 12): one annex in any wrapper is one
version, the original is version 1 and the newest amendment is latest, whatever
order and wrapper the files arrive in.

Expectations are independent of the code: samples/amendment.json (the documented
edits and the amending directive), the sample files' own names and formats, and
the README's crontab line. Each distinct file is extracted once per session
(tests/warehouses.py: cached_process_file); the CLI, the loader and the warehouse
run for real every time.
"""

from __future__ import annotations

import glob
import hashlib
import json
import random
import re
import shlex
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLES, query, run_cli
from tests.test_versions import EDITS, _expected_changes, _norm
from tests.warehouses import cached, logical_content  # noqa: F401 - fixtures

ORIGINALS = {
    "pdf": SAMPLES / "annex-2025.pdf",
    "docx": SAMPLES / "annex-2025.docx",
    "signed-pdf": SAMPLES / "annex-2025-signed.pdf",
    "asice": SAMPLES / "annex-2025.asice",
}
AMENDMENTS = {"pdf": SAMPLES / "annex-2025-amended.pdf", "docx": SAMPLES / "annex-2025-amended.docx"}
AMENDED_BY = (EDITS["amended_by"]["directive_no"], EDITS["amended_by"]["directive_date"])
TALLINN = next(e for e in EDITS["edits"] if e["table_no"] == 10 and e["code"] == "3.5.2.1")


def _ingest(db: Path, *files, extra=()) -> dict:
    result = run_cli(*map(str, files), "--db", str(db), "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _versions(db: Path) -> list[tuple]:
    return query(db, "SELECT version, amended_by_no, amended_by_date::VARCHAR FROM documents ORDER BY version")


def _one(db: Path, sql: str, params=()):
    return query(db, sql, list(params))


def _assert_diff_is_the_amendment(data: dict) -> None:
    exp_changed, exp_added, exp_removed = _expected_changes()
    assert {(i["table_no"], i["code"], i["label"]) for i in data["added"]} == exp_added
    assert {(i["table_no"], i["code"], i["label"]) for i in data["removed"]} == exp_removed
    got = {
        (i["table_no"], i["code"], i["label"]): {c: (_norm(v["old"]), _norm(v["new"])) for c, v in i["columns"].items()}
        for i in data["changed"]
    }
    assert got == {k: {c: (_norm(o), _norm(n)) for c, (o, n) in v.items()} for k, v in exp_changed.items()}
    assert data["old"]["version"] == 1 and data["new"]["version"] == 2


@pytest.mark.parametrize("amended_as", sorted(AMENDMENTS))
@pytest.mark.parametrize("original_as", sorted(ORIGINALS))
@pytest.mark.parametrize("amendment_first", [False, True], ids=["original-first", "amendment-first"])
def test_original_and_amendment_in_any_order_and_wrapper(tmp_path, cached, original_as, amended_as, amendment_first):
    db = tmp_path / "w.duckdb"
    files = [ORIGINALS[original_as], AMENDMENTS[amended_as]]
    _ingest(db, *(reversed(files) if amendment_first else files))  # loaded in this order
    assert _versions(db) == [(1, None, None), (2, *AMENDED_BY)]
    latest = _one(db, "SELECT file_name, amended_by_no FROM latest_documents")
    assert latest == [(AMENDMENTS[amended_as].name, AMENDED_BY[0])]
    assert _one(db, "SELECT total_eur FROM latest_kov_totals WHERE kov = 'Tallinn'") == [(Decimal(TALLINN["new"]),)]
    diff = run_cli("diff", "--db", str(db), "--json")
    assert diff.exit_code == 0, diff.output
    _assert_diff_is_the_amendment(json.loads(diff.output))


def test_every_copy_is_a_file_of_its_version(tmp_path, cached):
    """The issue's inbox: the original in four wrappers around the amendment, the
    unsigned original arriving last; a signed copy after the amendment."""
    db = tmp_path / "w.duckdb"
    _ingest(db, ORIGINALS["pdf"], AMENDMENTS["docx"], ORIGINALS["docx"], AMENDMENTS["pdf"])
    _ingest(db, ORIGINALS["signed-pdf"])
    summary = _ingest(db, ORIGINALS["asice"])
    assert summary["files"][0]["version"] == 1 and summary["files"][0]["new_version"] is False
    assert _versions(db) == [(1, None, None), (2, *AMENDED_BY)]
    files = _one(db, """SELECT d.version, f.file_name, f.source_format, f.container, f.member
                        FROM document_files f JOIN documents d USING (document_id) ORDER BY 1, 2""")
    assert files == [
        (1, "annex-2025-signed.pdf", "pdf", None, None),
        (1, "annex-2025.asice", "docx", "asice", "annex-2025.docx"),
        (1, "annex-2025.docx", "docx", None, None),
        (1, "annex-2025.pdf", "pdf", None, None),
        (2, "annex-2025-amended.docx", "docx", None, None),
        (2, "annex-2025-amended.pdf", "pdf", None, None),
    ]
    # Each file keeps its own sha256 and signatures.
    shas = dict(_one(db, "SELECT file_name, sha256 FROM document_files"))
    assert shas == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*ORIGINALS.values(), *AMENDMENTS.values()]}
    sigs = _one(db, """SELECT f.file_name, s.container, s.signer IS NOT NULL, s.intact
                       FROM signatures s JOIN document_files f USING (sha256) ORDER BY 1""")
    assert ("annex-2025-signed.pdf", "pdf", True, True) in sigs
    assert ("annex-2025.asice", "asice", True, None) in sigs
    # One version's rows once, latest is the amendment, and the default diff is not "0 changes".
    assert _one(db, "SELECT count(*) FROM activities") == [(2 * 134,)]
    assert _one(db, "SELECT DISTINCT amended_by_no FROM latest_activities JOIN documents USING (document_id)") == [(190,)]
    data = json.loads(run_cli("diff", "--db", str(db), "--json").output)
    _assert_diff_is_the_amendment(data)
    # `extract versions` lists annex, version, amending directive, files with signer, row counts.
    listed = json.loads(run_cli("versions", "--db", str(db), "--json").output)
    assert [(v["version"], v["amended_by_no"], v["activities"], v["indicators"], v["is_latest"]) for v in listed] == [
        (1, None, 134, 7, False), (2, 190, 134, 7, True)]
    v1_files = {f["file_name"]: f for f in listed[0]["files"]}
    assert v1_files["annex-2025.asice"]["container"] == "asice"
    # The signer's name; the personal identification code is kept apart (not listed).
    assert v1_files["annex-2025.asice"]["signers"] == ["MAASIKAS,MARI"]
    assert v1_files["annex-2025.docx"]["signers"] == []
    assert "nr 190 of 2025-09-15" in run_cli("versions", "--db", str(db)).output
    csv_text = run_cli("versions", "--db", str(db), "--csv").output
    assert "annex-2025.asice (docx in asice, signed by MAASIKAS,MARI)" in csv_text
    assert "48001019909" not in csv_text


def test_a_changed_signed_copy_keeps_its_error_with_its_file(tmp_path, cached):
    db = tmp_path / "w.duckdb"
    _ingest(db, ORIGINALS["docx"], SAMPLES / "annex-2025-signed-modified.pdf", AMENDMENTS["docx"])
    assert _versions(db) == [(1, None, None), (2, *AMENDED_BY)]
    errors = _one(db, """SELECT f.file_name, v.rule FROM latest_findings v RIGHT JOIN document_files f USING (sha256)
                         WHERE v.severity = 'error'""")
    assert errors == []  # the latest version is the amendment
    errors = _one(db, """SELECT f.file_name, v.rule, d.version FROM validation_issues v
                         JOIN document_files f USING (sha256) JOIN documents d ON d.document_id = v.document_id
                         WHERE v.severity = 'error'""")
    assert errors == [("annex-2025-signed-modified.pdf", "signature_modified", 1)]


def test_force_keeps_what_a_number_means(tmp_path, cached):
    db = tmp_path / "w.duckdb"
    _ingest(db, ORIGINALS["docx"], AMENDMENTS["docx"], ORIGINALS["pdf"])
    before = _one(db, "SELECT document_id, version, file_name FROM documents ORDER BY 1")
    by_id = json.loads(run_cli("diff", "1", "2", "--db", str(db), "--json").output)
    by_version = json.loads(run_cli("diff", "v1", "v2", "--db", str(db), "--json").output)
    summary = _ingest(db, ORIGINALS["docx"], AMENDMENTS["docx"], ORIGINALS["pdf"], extra=["--force"])
    assert summary["loaded"] == 3
    assert _one(db, "SELECT document_id, version, file_name FROM documents ORDER BY 1") == before
    assert _one(db, "SELECT count(*) FROM document_files") == [(3,)]
    assert json.loads(run_cli("diff", "1", "2", "--db", str(db), "--json").output)["changed"] == by_id["changed"]
    assert by_version["changed"] == by_id["changed"]
    _assert_diff_is_the_amendment(by_version)


# ------------------------------------------------------------------ identity

def _docx_with(src: Path, dst: Path, edit) -> Path:
    """A copy of a sample DOCX with its document.xml text edited."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = edit(data.decode("utf-8"))
                assert text != data.decode("utf-8")
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return dst


def _year_on(xml: str) -> str:
    """Another year's annex: every date a year on, approved by another directive."""
    xml = re.sub(r"\b(\d{1,2}\.\d{1,2}\.)(20\d\d)\b", lambda m: f"{m[1]}{int(m[2]) + 1}", xml)
    return xml.replace("käskkirjaga nr 68", "käskkirjaga nr 71")


def test_an_annex_of_another_year_is_another_annex(tmp_path, cached):
    db = tmp_path / "w.duckdb"
    next_year = _docx_with(ORIGINALS["docx"], tmp_path / "annex-2026.docx", _year_on)
    _ingest(db, ORIGINALS["docx"], AMENDMENTS["docx"], next_year)
    docs = _one(db, """SELECT directive_no, directive_date::VARCHAR, plan_start::VARCHAR, version, annex_key
                       FROM latest_documents ORDER BY plan_start""")
    assert [d[:4] for d in docs] == [(68, "2025-03-25", "2025-01-01", 2), (71, "2026-03-25", "2026-01-01", 1)]
    assert docs[0][4] != docs[1][4]
    # The default diff compares the versions of the annex that has two, only.
    data = json.loads(run_cli("diff", "--db", str(db), "--json").output)
    _assert_diff_is_the_amendment(data)
    assert run_cli("diff", "v1", "v2", "--db", str(db)).exit_code == 1  # which annex? --annex says
    by_annex = json.loads(run_cli("diff", "v1", "v2", "--annex", docs[0][4], "--db", str(db), "--json").output)
    assert by_annex["changed"] == data["changed"]


def test_unreadable_identity_is_never_shared(tmp_path, cached):
    """Two different annexes whose approval line cannot be read: each gets a key of
    its own and a warning naming what is missing; neither becomes a version of the
    other or of the readable annex."""
    db = tmp_path / "w.duckdb"
    no_line = lambda xml: xml.replace("käskkirjaga nr 68", "käskkirjaga")  # noqa: E731
    a = _docx_with(ORIGINALS["docx"], tmp_path / "a.docx", no_line)
    b = _docx_with(AMENDMENTS["docx"], tmp_path / "b.docx", no_line)
    _ingest(db, a, b, ORIGINALS["docx"])
    docs = _one(db, "SELECT file_name, annex_key, version FROM documents ORDER BY file_name")
    keys = [d[1] for d in docs]
    assert len(set(keys)) == 3 and all(d[2] == 1 for d in docs)
    assert not any(k.startswith("?/?/?..?") and "#" not in k for k in keys)
    findings = _one(db, """SELECT d.file_name, v.message FROM validation_issues v JOIN documents d USING (document_id)
                           WHERE v.rule = 'identity_unknown' AND v.severity = 'warning' ORDER BY 1""")
    assert [f[0] for f in findings] == ["a.docx", "b.docx"]
    assert all("directive number" in f[1] and "directive date" in f[1] for f in findings)


def test_same_identity_different_content_is_ordered_by_arrival_with_a_note(tmp_path, cached):
    db = tmp_path / "w.duckdb"
    # The amendment without its "muudetud … käskkirjaga nr 190" line: a second original.
    second = _docx_with(AMENDMENTS["docx"], tmp_path / "second-original.docx",
                        lambda xml: re.sub(r"muudetud kultuuriministri [\d.]+ käskkirjaga nr \d+", "", xml))
    _ingest(db, second)
    _ingest(db, ORIGINALS["docx"])
    assert _one(db, "SELECT file_name, version FROM documents ORDER BY version") == [
        ("second-original.docx", 1), ("annex-2025.docx", 2)]
    notes = _one(db, """SELECT d.version, v.severity, v.message FROM validation_issues v JOIN documents d USING (document_id)
                        WHERE v.rule = 'version_order_by_arrival'""")
    assert len(notes) == 1 and notes[0][:2] == (2, "warning") and "arrival" in notes[0][2]
    # A real amendment still comes after both, and is latest.
    _ingest(db, AMENDMENTS["pdf"])
    assert _one(db, "SELECT version, amended_by_no FROM latest_documents") == [(3, 190)]


# ------------------------------------------------------------------ the nightly job

def _crontab_args() -> list[str]:
    """The README's crontab line: the extract command's arguments."""
    readme = (ROOT / "README.md").read_text("utf-8")
    line = next(l for l in readme.splitlines() if re.match(r"^\S+ \S+ \* \* \*", l) and "extract" in l)
    command = line.split("&&", 1)[1].split(">>", 1)[0]
    args = shlex.split(command)
    assert args[0].endswith("extract")
    return args[1:]


def _run_nightly(workdir: Path, order) -> Path:
    """Run the crontab line in `workdir`, the shell having listed each glob in `order`."""
    args = []
    for a in _crontab_args():
        if any(ch in a for ch in "*?["):
            args.extend(str(Path(p).relative_to(workdir)) for p in order(sorted(glob.glob(str(workdir / a)))))
        else:
            args.append(a)
    assert run_cli(*args).exit_code == 0
    return workdir / "annex.duckdb"


def test_the_crontab_line_gives_the_same_warehouse_in_any_order(tmp_path, cached, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in SAMPLES.iterdir():
        if p.suffix in (".pdf", ".docx", ".asice"):
            shutil.copy(p, inbox / p.name)
    rng = random.Random(12)
    orders = [
        lambda xs: xs,
        lambda xs: list(reversed(xs)),
        lambda xs: rng.sample(xs, len(xs)),
    ]
    contents = []
    for i, order in enumerate(orders):
        work = tmp_path / f"run{i}"
        work.mkdir()
        (work / "inbox").symlink_to(inbox)
        monkeypatch.chdir(work)
        db = _run_nightly(work, order)
        contents.append(logical_content(db))
        # a second night over the same inbox changes nothing
        before = db.read_bytes()
        _run_nightly(work, order)
        assert db.read_bytes() == before
    assert contents[0] == contents[1] == contents[2]
    # Several samples read differently from the original while claiming to be it: the
    # scan (OCR, two cells differ) and the short renderings of a few tables. Whatever
    # the order of arrival they line up the same way: the OCR reading first, then the
    # partial ones by size, the whole text-layer original last among the originals,
    # and the amendment latest. The 2026 annex is an annex of its own.
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            """SELECT annex_key, version, engine LIKE '%ocr%', amended_by_no,
                      (SELECT count(*) FROM annex_tables t WHERE t.document_id = d.document_id)
               FROM documents d ORDER BY annex_key, version""").fetchall()
    by_key: dict[str, list[tuple]] = {}
    for key, version, ocr, amended, tables in rows:
        by_key.setdefault(key, []).append((version, ocr, amended, tables))
    v2025 = next(v for k, v in by_key.items() if k.startswith("68/2025-03-25/"))
    assert [v[0] for v in v2025] == list(range(1, len(v2025) + 1))
    assert v2025[0][1] is True and not any(v[1] for v in v2025[1:])  # the OCR reading first
    originals = [v for v in v2025 if v[2] is None]
    assert [v[3] for v in originals[1:]] == sorted(v[3] for v in originals[1:])  # partial before whole
    assert originals[-1][3] == 17 and v2025[-1][2] == 190  # the amendment is latest
    assert any(k.startswith("3/2026-01-16/") for k in by_key)
    assert len(contents[0]["document_files"]) == len(list(inbox.iterdir()))


def _reading(extraction_cache, path: Path):
    """The cached reading of a sample, as the loader gets it."""
    import copy

    from pipeline.file import Options
    from tests.warehouses import cached_process_file

    return copy.deepcopy(cached_process_file(extraction_cache)(str(path), Options()))


def test_force_on_a_file_that_now_reads_differently_keeps_its_document_id(tmp_path, extraction_cache):
    """A better extractor tomorrow: the file's version keeps its id and number; if it
    now says what another version says, it becomes a file of that one."""
    from load import write_session
    from normalize.fingerprint import document_fingerprint

    db = tmp_path / "w.duckdb"
    original = _reading(extraction_cache, ORIGINALS["docx"])
    amended = _reading(extraction_cache, AMENDMENTS["docx"])
    with write_session(db) as s:
        first = s.load(original.doc)
        second = s.load(amended.doc)
    # The same bytes now read with one amount changed.
    reread = _reading(extraction_cache, ORIGINALS["docx"])
    row = next(a for a in reread.doc.activities if a.table_no == 9 and a.code == "3.5.2.1.3.1")
    row.amount_eur += 1
    reread.doc.document.fingerprint = document_fingerprint(reread.doc)
    with write_session(db) as s:
        res = s.load(reread.doc, force=True)
    assert (res.document_id, res.version, res.replaced) == (first.document_id, 1, True)
    assert _one(db, "SELECT amount_eur FROM activities WHERE document_id = ? AND table_no = 9 AND code = '3.5.2.1.3.1'",
                [first.document_id]) == [(row.amount_eur,)]
    assert _one(db, "SELECT fingerprint FROM documents WHERE document_id = ?", [first.document_id]) == [
        (reread.doc.document.fingerprint,)]
    # The same bytes now read as the amendment says: a second file of version 2, version 1 gone.
    as_amended = _reading(extraction_cache, AMENDMENTS["docx"])
    as_amended.doc.document.sha256 = original.doc.document.sha256
    as_amended.doc.document.file_name = original.doc.document.file_name
    with write_session(db) as s:
        res = s.load(as_amended.doc, force=True)
    assert (res.document_id, res.new_version) == (second.document_id, False)
    assert _one(db, "SELECT document_id, version FROM documents") == [(second.document_id, 1)]
    assert _one(db, "SELECT count(*) FROM activities") == [(134,)]


def test_force_on_the_file_a_shared_version_was_read_from(tmp_path, extraction_cache):
    """The version keeps its other files and names the best of them; the re-read
    file goes where its content now belongs."""
    from load import write_session
    from normalize.fingerprint import document_fingerprint

    db = tmp_path / "w.duckdb"
    pdf, docx = _reading(extraction_cache, ORIGINALS["pdf"]), _reading(extraction_cache, ORIGINALS["docx"])
    with write_session(db) as s:
        first = s.load(pdf.doc)
        s.load(docx.doc)
    assert _one(db, "SELECT file_name FROM documents") == [("annex-2025.pdf",)]  # a PDF's pages first
    reread = _reading(extraction_cache, ORIGINALS["pdf"])
    reread.doc.activities[0].amount_eur += 1
    reread.doc.document.fingerprint = document_fingerprint(reread.doc)
    with write_session(db) as s:
        res = s.load(reread.doc, force=True)
    assert res.new_version and res.document_id != first.document_id
    assert _one(db, "SELECT document_id, file_name FROM documents WHERE document_id = ?", [first.document_id]) == [
        (first.document_id, "annex-2025.docx")]
    assert _one(db, "SELECT count(*) FROM documents") == [(2,)]
