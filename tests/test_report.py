"""`extract report` without a browser: the command's contract, Estonian number
form, a self-contained file. The browser half is tests/test_report_browser.py."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from report import fmt
from tests.conftest import SAMPLES, run_cli

ORIGINAL = SAMPLES / "annex-2025.docx"
AMENDED = SAMPLES / "annex-2025-amended.docx"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def one_version(tmp_path_factory):
    db = tmp_path_factory.mktemp("r1") / "annex.duckdb"
    assert run_cli(str(ORIGINAL), "--db", str(db), "-q").exit_code == 0
    return db


def test_estonian_amounts():
    # Hand-written expectations: space-grouped thousands, decimal comma, euro sign after.
    assert fmt.eur(Decimal("93988.53")) == f"93{NBSP}988,53{NBSP}€"
    assert fmt.eur(Decimal("1270860.75")) == f"1{NBSP}270{NBSP}860,75{NBSP}€"
    assert fmt.eur(Decimal("0")) == f"0,00{NBSP}€"
    assert fmt.eur(Decimal("-500"), signed=True) == f"\u2212500,00{NBSP}€"
    assert fmt.eur(Decimal("2500"), signed=True) == f"+2{NBSP}500,00{NBSP}€"
    assert fmt.eur(Decimal("0.005")) == f"0,01{NBSP}€"  # half up, as accountants round
    assert fmt.eur(None) == ""
    assert fmt.count(Decimal("6.00")) == "6" and fmt.count(Decimal("2.5")) == "2,5"


class _Resources(HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "xlink:href") and value is not None:
                self.refs.append(value)


def test_report_of_a_single_version_is_self_contained(one_version, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("report", "--db", str(one_version), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.output
    html = out.read_text("utf-8")
    parser = _Resources()
    parser.feed(html)
    outside = [r for r in parser.refs if not (r.startswith("#") or r.startswith("data:"))]
    assert outside == [], f"the report refers to outside resources: {outside}"
    assert not re.search(r"@import|url\((?!#)", html), "CSS must not load anything"
    assert "default-src 'none'" in html  # and the browser is told not to try
    assert html.count("<svg") == 1  # the KOV chart; no change chart for a first version
    assert "first loaded version" in html
    assert "@page" in html and "size: A4" in html


def test_report_goes_beside_the_warehouse_by_default(one_version):
    result = run_cli("report", "--db", str(one_version))
    assert result.exit_code == 0, result.output
    expected = one_version.with_name("annex-report.html")
    assert expected.is_file()
    assert str(expected.resolve()) in result.output


def test_report_errors(one_version, tmp_path):
    out = tmp_path / "r.html"
    result = run_cli("report", "--db", str(one_version), "--document", "99", "--out", str(out))
    assert result.exit_code == 1 and "no document 99" in result.output
    result = run_cli("report", "--db", str(one_version), "--annex", "nope", "--out", str(out))
    assert result.exit_code == 1 and "no annex 'nope'" in result.output
    assert not out.exists()
    result = run_cli("report", "--db", str(one_version), "--annex", "x", "--document", "1", "--out", str(out))
    assert result.exit_code == 2
    result = run_cli("report", "--db", str(tmp_path / "missing.duckdb"), "--out", str(out))
    assert result.exit_code == 4 and "no warehouse here yet" in result.output
    result = run_cli("report", "--db", str(one_version), "--out", str(tmp_path / "no" / "such" / "r.html"))
    assert result.exit_code == 1 and "cannot write the report" in result.output
    assert not out.exists()


def test_an_unreadable_amount_is_shown_as_written_not_summed(tmp_path):
    """Tartu's total cell made unreadable: the report must not present a number for
    it, nor a plan total as if complete, and must show the cell as written."""
    import zipfile

    broken = tmp_path / "annex-unreadable.docx"
    with zipfile.ZipFile(ORIGINAL) as src, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert data.count("93 988,53".encode()) == 1
                data = data.replace("93 988,53".encode(), "93 98x,53".encode())
            dst.writestr(item, data)
    db = tmp_path / "w.duckdb"
    assert run_cli(str(ORIGINAL), "--db", str(db), "-q").exit_code == 0
    run_cli(str(broken), "--db", str(db), "-q")
    out = tmp_path / "r.html"
    assert run_cli("report", "--db", str(db), "--out", str(out)).exit_code == 0
    html = out.read_text("utf-8")
    row = re.search(r'<tr data-kov="Tartu linn">.*?</tr>', html, re.S).group(0)
    assert "not readable" in row and "€" not in row
    assert 'id="incomplete"' in html
    assert "93 98x,53" in html  # the cell as written, in its tree
    # No difference is made up against the unreadable total.
    delta = re.search(r'<tr data-kov="Tartu linn" class="">.*?</tr>', html, re.S).group(0)
    assert "\u2212" not in delta and "+" not in delta


def test_choosing_the_version(two_versions, tmp_path):
    import json

    edits = json.loads((SAMPLES / "amendment.json").read_text("utf-8"))
    key = json.loads(run_cli("versions", "--db", str(two_versions), "--json").output)[0]["annex_key"]
    pages = {}
    for name, args in (("default", []), ("annex", ["--annex", key]), ("v1", ["--document", "1"])):
        out = tmp_path / f"{name}.html"
        result = run_cli("report", "--db", str(two_versions), *args, "--out", str(out))
        assert result.exit_code == 0, result.output
        pages[name] = out.read_text("utf-8")
    amended_by = f"amended by nr {edits['amended_by']['directive_no']}"
    for name in ("default", "annex"):  # the newest version, compared with the one before
        assert amended_by in pages[name] and 'id="change-chart"' in pages[name]
    assert amended_by not in pages["v1"].split('id="provenance"')[0]  # masthead and summary
    assert 'id="change-chart"' not in pages["v1"] and "first loaded version" in pages["v1"]


def test_provenance_of_signed_files(tmp_path):
    """Signer and time as made by tests/signing/make_signed_samples.py (the TEST
    certificate; 10:15 +02:00 stored as UTC), not as the code reports them."""
    from tests.test_signatures import MODIFIED_PDF, PDF_SIGNED_AT, SIGNED_PDF, SIGNER_CODE, SIGNER_NAME

    db = tmp_path / "w.duckdb"
    run_cli(str(SIGNED_PDF), "--db", str(db), "-q")
    run_cli(str(MODIFIED_PDF), "--db", str(db), "-q")
    out = tmp_path / "r.html"
    assert run_cli("report", "--db", str(db), "--document", "1", "--out", str(out)).exit_code == 0
    html = out.read_text("utf-8")
    masthead = html.split("</header>")[0]
    assert "signed, intact" in masthead
    signatures = re.search(r'<table id="signatures">.*?</table>', html, re.S).group(0)
    assert SIGNER_NAME in signatures and PDF_SIGNED_AT.strftime("%d.%m.%Y %H:%M") in signatures
    assert SIGNER_CODE not in html  # personal data stays out of a report meant to be sent
    # Same content, so one version with two files: the version is read from the intact
    # one, and the file changed after signing says so on its own row.
    versions = re.search(r'<table id="versions">.*?</table>', html, re.S).group(0)
    assert SIGNED_PDF.name in versions and MODIFIED_PDF.name in versions
    modified_row = next(r for r in versions.split("<tr") if MODIFIED_PDF.name in r)
    signed_row = next(r for r in versions.split("<tr") if SIGNED_PDF.name in r and MODIFIED_PDF.name not in r)
    assert "changed after signing" in modified_row and "changed after signing" not in signed_row
    import hashlib

    for f in (SIGNED_PDF, MODIFIED_PDF):
        assert hashlib.sha256(f.read_bytes()).hexdigest() in versions
