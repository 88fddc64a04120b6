"""The report opened in a real browser: headless Chromium (the Debian package
`chromium`, driven by playwright; no browser is ever downloaded).

With the sample and its amendment loaded, the page must draw both charts, log no
console error, fetch nothing, show the amended KOV totals and the changes as
samples/transcription and samples/amendment.json give them, and print on A4 with
every collapsed part open.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_cli

ORIGINAL = SAMPLES / "annex-2025.docx"
AMENDED = SAMPLES / "annex-2025-amended.docx"
AMENDED_TRANSCRIPTION = json.loads((SAMPLES / "transcription" / "annex-2025-amended.json").read_text("utf-8"))
EDITS = json.loads((SAMPLES / "amendment.json").read_text("utf-8"))

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
HOW_TO_INSTALL = "install the Debian package `chromium` (apt-get install chromium) or set CHROMIUM=/path/to/chromium"


def _need(message: str):
    # In CI a missing browser is a failure, never a silent skip.
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.access(path, os.X_OK):
        _need(f"the report's browser tests need Chromium: {HOW_TO_INSTALL}")
    return path


def _eur(amount, signed: bool = False) -> str:
    """The Estonian form the report must show, written out here independently."""
    d = Decimal(str(amount))
    sign = "\u2212" if d < 0 else "+" if d > 0 and signed else ""
    return sign + f"{abs(d):,.2f}".replace(",", " ").replace(".", ",") + " €"


def _text(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def _kov_totals_from_transcription() -> dict[str, Decimal]:
    """Each partner table's top row (the shortest code) is the KOV's planned total."""
    out = {}
    for t in AMENDED_TRANSCRIPTION["tables"].values():
        if t["kind"] == "schedule" and t["kov"]:
            top = min((r["norm"] for r in t["rows"] if r["norm"]["code"]), key=lambda n: n["code"].count("."))
            out[t["kov"]] = Decimal(top["amount_eur"])
    return out


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("report")
    db = d / "w.duckdb"
    for f in (ORIGINAL, AMENDED):
        assert run_cli(str(f), "--db", str(db), "-q").exit_code == 0
    out = d / "report.html"
    result = run_cli("report", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the report's browser tests need playwright: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS[1:], headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, report_file):
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # a fresh profile
    page = context.new_page()
    problems: list[str] = []
    fetched: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def route(r):
        if r.request.url == report_file.as_uri():
            r.continue_()
        else:
            fetched.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(report_file.as_uri(), wait_until="load")
    page.problems, page.fetched = problems, fetched
    yield page
    context.close()


def test_charts_are_drawn(page):
    for chart in ("#kov-chart", "#change-chart"):
        svg = page.locator(f"{chart} svg")
        assert svg.count() == 1, f"{chart}: no SVG in the DOM"
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150, f"{chart}: not laid out ({box})"
        # The bars themselves: filled shapes with a real size on screen.
        bars = page.evaluate(
            f"""() => [...document.querySelectorAll('{chart} svg [id*="patch"] path')]
                  .map(p => p.getBoundingClientRect()).filter(r => r.width > 2 && r.height > 5).length"""
        )
        assert bars >= 5, f"{chart}: only {bars} bars drawn"
    kov_chart = _text(page.locator("#kov-chart").inner_text())
    for kov in _kov_totals_from_transcription():
        assert kov in kov_chart


def test_no_console_errors_and_nothing_fetched(page):
    assert page.problems == []
    assert page.fetched == []


def test_amended_kov_totals_are_visible(page):
    expected = _kov_totals_from_transcription()
    # The sample amendment's own record of the Tartu change agrees with the transcription.
    tartu = next(e for e in EDITS["edits"] if e["table_no"] == 9 and e["code"] == "3.5.2.1")
    assert expected["Tartu linn"] == Decimal(tartu["new"])
    for kov, total in expected.items():
        row = page.locator(f'#kov-table tr[data-kov="{kov}"]')
        assert row.is_visible(), kov
        assert _eur(total) in _text(row.inner_text()), f"{kov}: {row.inner_text()!r}, expected {_eur(total)}"
    tartu_row = _text(page.locator('#kov-table tr[data-kov="Tartu linn"]').inner_text())
    assert tartu_row.startswith("Tartu linn") and "94 488,53 €" in tartu_row


def test_changes_match_the_amendment(page):
    # Per-KOV deltas: the amendment's edits of each partner table's top row.
    for e in EDITS["edits"]:
        if e["kind"] == "amount" and e["code"] == "3.5.2.1":
            kov = AMENDED_TRANSCRIPTION["tables"][str(e["table_no"])]["kov"]
            row = _text(page.locator(f'#delta-table tr[data-kov="{kov}"]').inner_text())
            delta = Decimal(e["new"]) - Decimal(e["old"])
            assert _eur(e["old"]) in row and _eur(e["new"]) in row and _eur(delta, signed=True) in row, row
    changed = _text(page.locator("#changed-rows").inner_text())
    added = _text(page.locator("#added-rows").inner_text())
    removed = _text(page.locator("#removed-rows").inner_text())
    for e in EDITS["edits"]:
        where = {"added": added, "removed": removed}.get(e["kind"], changed)
        assert e["label"].rstrip(".") in where, e["label"]


def test_prints_on_a4_with_everything_open(page, tmp_path):
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 3
    for p in reader.pages:  # A4 is 595 x 842 points
        assert abs(float(p.mediabox.width) - 595.3) < 2 and abs(float(p.mediabox.height) - 841.9) < 2
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    # Rows of a table that is collapsed on screen (Tabel 13) are printed: labels found
    # nowhere else in the annex nor in the amendment, so only its tree can print them.
    labels = [r["norm"]["label"] for t in AMENDED_TRANSCRIPTION["tables"].values() for r in t["rows"]
              if t["kind"] == "schedule"]
    edited = {e["label"] for e in EDITS["edits"]}
    unique = [r["norm"]["label"] for r in AMENDED_TRANSCRIPTION["tables"]["13"]["rows"]
              if labels.count(r["norm"]["label"]) == 1 and r["norm"]["label"] not in edited]
    assert len(unique) >= 5
    missing = [label for label in unique if re.sub(r"\s+", "", label) not in text]
    assert missing == [], f"not printed: {missing}"
    assert page.locator("#table-13").get_attribute("open") is None  # still collapsed on screen


def test_tables_are_collapsible(page):
    table = page.locator("#table-11")
    assert table.get_attribute("open") is None
    leaf = table.locator(".row").last
    assert not leaf.is_visible()  # collapsed: its rows are hidden
    page.locator('#findings-warning a[href="#table-11"]').first.click()  # a finding's link opens its table
    assert table.get_attribute("open") is not None and leaf.is_visible()
    table.locator("summary").first.click()  # and its caption closes it again
    assert table.get_attribute("open") is None
