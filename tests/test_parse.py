"""Amount, date, date-range and code parsers: every form in the seed text, and
property-based round trips (every valid form parses back, every invalid input gives
a problem, never an exception)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.parse import parse_amount, parse_date, parse_date_range, parse_number, split_code

SEED_TEXT = (__import__("pathlib").Path(__file__).resolve().parent.parent
             / "samples" / "transcription" / "annex-2025-seed.txt")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("93 988,53", "93988.53"),
        ("115 817.00", "115817.00"),
        ("3300", "3300.00"),
        ("0", "0.00"),
        ("2 400", "2400.00"),
        ("1\u00a0577,15", "1577.15"),
        ("319 392,91", "319392.91"),
        ("800", "800.00"),
        ("1 000 000,5", "1000000.50"),
        ("5 000 €", "5000.00"),
    ],
)
def test_amount_forms(text, expected):
    assert parse_amount(text).value == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.500", "12,345", "1 23", "5,123", "--5", "1,2,3"])
def test_bad_or_ambiguous_amounts_give_a_problem(text):
    p = parse_amount(text)
    assert p.value is None and p.problem


def test_amount_notes_unusual_forms():
    assert "dot" in parse_amount("115 817.00").note
    assert "thousands" in parse_amount("3300").note
    assert parse_amount("93 988,53").note is None
    assert parse_amount("").value is None and parse_amount("").ok


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("01.01.2023-31.10.2029", "2023-01-01", "2029-10-31"),
        ("01.01.2025- 31.12.2025", "2025-01-01", "2025-12-31"),
        ("01.01.2025 – 31.12.2025", "2025-01-01", "2025-12-31"),
        ("01.10.2025 31.01.2026", "2025-10-01", "2026-01-31"),
        ("1.2.2025-3.4.2025", "2025-02-01", "2025-04-03"),
        ("01.12.2024 — 31.12.2026", "2024-12-01", "2026-12-31"),
    ],
)
def test_date_range_forms(text, start, end):
    p = parse_date_range(text)
    assert p.ok, p.problem
    assert (p.value.start.isoformat(), p.value.end.isoformat()) == (start, end)


def test_range_without_dash_is_read_with_a_note():
    assert "without a dash" in parse_date_range("01.10.2025 31.01.2026").note


@pytest.mark.parametrize(
    "text, word",
    [("31.02.2025-31.12.2025", "impossible"), ("31.12.2025-01.01.2025", "starts after"),
     ("2025-01-01", "not a date range"), ("01.01.2025", "not a date range"), ("01.13.2025-02.13.2025", "impossible")],
)
def test_bad_ranges(text, word):
    p = parse_date_range(text)
    assert p.value is None and word in p.problem


def test_every_amount_and_date_range_in_the_seed_text_parses():
    """Everything in the real annex's text that looks like an amount or a date range."""
    text = SEED_TEXT.read_text("utf-8")
    ranges = re.findall(r"\d{2}\.\d{2}\.\d{4}\s*[-–]\s*\d{2}\.\d{2}\.\d{4}", text)
    assert len(ranges) > 100
    for r in ranges:
        assert parse_date_range(r).ok, r
    amounts = re.findall(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?:[.,]\d{2})?(?![\d.,])", text)
    assert len(amounts) > 50
    for a in amounts:
        assert parse_amount(a).ok, a


@pytest.mark.parametrize(
    "text, code, label",
    [
        ("3.5.2.1.2.1. Nõustamisteenuse ja infohaldamise", "3.5.2.1.2.1", "Nõustamisteenuse ja infohaldamise"),
        ("3.5.2.1.1.1Lõimumisklubi.", "3.5.2.1.1.1", "Lõimumisklubi."),
        ("3.5.2.1.1.2  Osaluskogu.", "3.5.2.1.1.2", "Osaluskogu."),
        ("1. Partnerluslepingute sõlmimise ettevalmistused", "1", "Partnerluslepingute sõlmimise ettevalmistused"),
        ("Otsesed personalikulud", None, "Otsesed personalikulud"),
        ("3.5.2.1.1.2 2024. aastal alanud narratiivküsitluse", "3.5.2.1.1.2", "2024. aastal alanud narratiivküsitluse"),
        ("8 koolitust aastas", None, "8 koolitust aastas"),
        ("2024. aastal alustati", None, "2024. aastal alustati"),
        ("3.5.2.1.3.2 „Abiks tartlasele“ infokogumik", "3.5.2.1.3.2", "„Abiks tartlasele“ infokogumik"),
    ],
)
def test_split_code(text, code, label):
    cl = split_code(text)
    assert (cl.code, cl.label) == (code, label)


def test_glued_code_is_flagged():
    assert split_code("3.5.2.1.1.1Lõimumisklubi").glued
    assert not split_code("3.5.2.1.1.1 Lõimumisklubi").glued


# ------------------------------------------------------------ properties

amounts = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False, allow_infinity=False)


def _estonian(d: Decimal, sep: str, decimals: bool) -> str:
    whole, frac = f"{d:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    s = " ".join(groups)
    return s + sep + frac if decimals else s


@given(amounts, st.sampled_from([",", "."]), st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_amounts_round_trip(d, sep, space):
    written = _estonian(d, sep, True).replace(" ", space)
    assert parse_amount(written).value == d


@given(st.integers(min_value=0, max_value=10**7))
def test_whole_amounts_round_trip(n):
    assert parse_amount(_estonian(Decimal(n), ",", False)).value == Decimal(n)
    assert parse_number(str(n)).value == n


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates, dates, st.sampled_from(["-", "- ", " - ", " – ", "–", " "]), st.booleans())
def test_date_ranges_round_trip(a, b, sep, pad):
    start, end = min(a, b), max(a, b)
    fmt = "%d.%m.%Y" if pad else "%-d.%-m.%Y"
    p = parse_date_range(f"{start:{fmt}}{sep}{end:{fmt}}")
    assert p.ok and (p.value.start, p.value.end) == (start, end)


@given(dates)
def test_dates_round_trip(d):
    assert parse_date(f"{d:%d.%m.%Y}").value == d


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_parsers_never_raise_and_never_guess(s):
    for parse in (parse_amount, parse_number, parse_date, parse_date_range):
        p = parse(s)
        # Either a value, or a problem, or an empty cell: never both.
        assert not (p.value is not None and p.problem)
        if p.value is None and p.problem is None:
            assert s.strip(" \t\n\r\x0b\x0c\u00a0\u202f\u2007\u2009\u200a\x1c\x1d\x1e\x1f\x85\u2028\u2029") == "" or s.split() == []
    split_code(s)
