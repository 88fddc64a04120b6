"""Conservation of text: every word of a table's source is loaded, or dropped for a
recorded reason, or reported.

The extract stage hands over, per table, the words of the source inside the table's
region (`RawTable.source_words`: PDF, the words inside the ruled grid on every page;
DOCX, every cell's text) and what it left out on purpose (`RawTable.dropped`: a header
repeated on a continuation page, …). Here they are balanced against the words that
reach the warehouse: the header, the typed columns' raw text, labels and codes (the
activity cell as written), the extra columns.

Words are compared as whitespace-separated tokens. Reading a table joins some source
words into one (a line ending in a hyphen: "Kohtla-" + "Järve"; two font runs with no
space between them) and an engine may read a space where the geometry has none; so a
loaded word that is several source words run together accounts for each of them, and
a source word that was loaded as several pieces counts as loaded. Nothing else is
forgiven: a source word that matches nothing is dropped, and unless a recorded reason
covers it, it is reported (`text_dropped`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from extract.model import DroppedText
from extract.text import clean_text
from normalize.model import Activity, Indicator, TableRecord, TextBalance

# How many lost words the finding and the warehouse quote.
SAMPLE_WORDS = 12
# A loaded word is taken apart into at most this many source words (a long run of
# words with no space between them is no join of lines).
MAX_PARTS = 8


def words(text: str | None) -> list[str]:
    return clean_text(text).split()


def loaded_texts(
    table: TableRecord, activities: Iterable[Activity], indicators: Iterable[Indicator], group_header: str | None
) -> list[str]:
    """The texts of one table as they stand in the warehouse. An indicator table's
    group label is written once per group in the source (a merged cell, or the header
    when the group cell spans it): it counts where it changes."""
    texts = list(table.header)
    for a in activities:
        texts += [a.activity_raw, a.frame_raw, a.period_raw, a.amount_raw, a.responsible]
        texts += list((a.extra or {}).values())
    group = group_header
    for i in indicators:
        if i.group_label != group:
            texts.append(i.group_label)
            group = i.group_label
        texts += [i.indicator, i.unit, i.target_plan_year_raw, i.target_2029_raw, i.explanation]
        texts += list((i.extra or {}).values())
    return [t for t in texts if t]


def _take(counter: Counter, token: str) -> bool:
    if counter.get(token, 0) > 0:
        counter[token] -= 1
        return True
    return False


def split_into(token: str, pool: Counter, depth: int = 1) -> list[str] | None:
    """`token` as two or more tokens of `pool` run together, taken from the pool; None
    (pool untouched) when it is not. Longest prefix first."""
    if depth >= MAX_PARTS:
        return None
    for k in range(len(token) - 1, 0, -1):
        head, rest = token[:k], token[k:]
        if not _take(pool, head):
            continue
        if _take(pool, rest):
            return [head, rest]
        tail = split_into(rest, pool, depth + 1)
        if tail is not None:
            return [head, *tail]
        pool[head] += 1
    return None


def balance(
    table_no: int, source: list[str] | None, dropped: list[DroppedText], loaded: list[str]
) -> TextBalance:
    """The balance of one table (see the module's docstring)."""
    loaded_tokens = [t for text in loaded for t in words(text)]
    if source is None:
        return TextBalance(table_no, None, len(loaded_tokens), 0, 0, None)
    avail = Counter(source)
    dropped_tokens = [(t, d.reason) for d in dropped for t in words(d.text)]
    loaded_n = 0
    reasons: Counter[str] = Counter()
    # Whole words first, so that a join never takes a word that stands on its own.
    rest_loaded = [t for t in loaded_tokens if not _take(avail, t)]
    loaded_n = len(loaded_tokens) - len(rest_loaded)
    rest_dropped = []
    for t, reason in dropped_tokens:
        if _take(avail, t):
            reasons[reason] += 1
        else:
            rest_dropped.append((t, reason))
    # Words joined when the cell's lines were joined.
    unmatched_loaded: Counter[str] = Counter()
    for t in rest_loaded:
        parts = split_into(t, avail)
        if parts:
            loaded_n += len(parts)
        else:
            unmatched_loaded[t] += 1
    unmatched_dropped: dict[str, Counter[str]] = {}
    for t, reason in rest_dropped:
        parts = split_into(t, avail)
        if parts:
            reasons[reason] += len(parts)
        else:
            unmatched_dropped.setdefault(reason, Counter())[t] += 1
    # A source word that an engine read as several pieces.
    for token in list(avail.elements()):
        if split_into(token, unmatched_loaded) is not None:
            avail[token] -= 1
            loaded_n += 1
            continue
        for reason, pool in unmatched_dropped.items():
            if split_into(token, pool) is not None:
                avail[token] -= 1
                reasons[reason] += 1
                break
    lost = []
    left = Counter({t: n for t, n in avail.items() if n > 0})
    for t in source:  # in the source's order, for a readable sample
        if left.get(t, 0) > 0:
            lost.append(t)
            left[t] -= 1
    return TextBalance(
        table_no=table_no,
        source_words=len(source),
        loaded_words=loaded_n,
        explained_words=sum(reasons.values()),
        unexplained_words=len(lost),
        dropped_sample=" ".join(lost[:SAMPLE_WORDS]) + (" …" if len(lost) > SAMPLE_WORDS else "") if lost else None,
        reasons=dict(reasons),
    )
