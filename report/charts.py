"""Charts as inline SVG drawn by matplotlib.

Why SVG from matplotlib: the file needs no JavaScript to show a chart (nothing to
fail to load, nothing to block printing), a chart is about 12 KB instead of the
megabyte or more of an inlined Vega or plotly.js runtime, it prints as sharp vectors, and the output
is deterministic (fixed hash salt, no date): the same data gives the same
chart. Text stays text (`svg.fonttype: none`): searchable, selectable, tiny.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from report.fmt import eur, number

INK = "#1d2939"
MUTED = "#667085"
GRID = "#e4e7ec"
PARTNER = "#2e6db4"
IMPLEMENTER = "#7a5af8"
UP = "#079455"
DOWN = "#d92d20"

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "annex-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.edgecolor": GRID,
    "axes.labelcolor": MUTED,
    "xtick.color": MUTED,
    "ytick.color": INK,
}


def _figure(n_bars: int, width: float = 7.6):
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    fig = Figure(figsize=(width, 0.42 * n_bars + 0.75))
    ax = fig.add_subplot()
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_formatter(lambda x, _pos: number(float(x), 0 if float(x).is_integer() else 2))
    return fig, ax


def _svg(fig, prefix: str, label: str) -> str:
    """The figure as an <svg> element: responsive, ids prefixed so that two charts
    on one page never share an id."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight", pad_inches=0.08)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)
    # Scale with the page; the viewBox keeps the proportions.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1', svg, count=1)
    svg = svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{label}"', 1)
    return svg


def budget_chart(items: list[tuple[str, Decimal, str]], label: str) -> str:
    """Horizontal bars, largest first: [(name, amount, 'partner'|'implementer')]."""
    from matplotlib import rc_context

    items = sorted(items, key=lambda i: i[1], reverse=True)
    with rc_context(_RC):
        fig, ax = _figure(len(items))
        names = [i[0] for i in items][::-1]
        values = [float(i[1]) for i in items][::-1]
        colors = [IMPLEMENTER if i[2] == "implementer" else PARTNER for i in items][::-1]
        bars = ax.barh(names, values, color=colors, height=0.62)
        top = max(values, default=0) or 1
        ax.set_xlim(0, top * 1.2)
        for bar, item in zip(bars, items[::-1]):
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, eur(item[1]),
                    va="center", ha="left", color=INK, fontsize=9)
        return _svg(fig, "budget", label)


def delta_chart(items: list[tuple[str, Decimal]], label: str) -> str:
    """Diverging bars of a change per party: [(name, difference)], in the given order."""
    from matplotlib import rc_context

    with rc_context(_RC):
        fig, ax = _figure(len(items))
        names = [i[0] for i in items][::-1]
        values = [float(i[1]) for i in items][::-1]
        colors = [UP if v > 0 else DOWN if v < 0 else MUTED for v in values]
        bars = ax.barh(names, values, color=colors, height=0.62)
        span = max((abs(v) for v in values), default=0) or 1
        ax.set_xlim(-span * 1.45, span * 1.45)
        ax.axvline(0, color=MUTED, linewidth=0.8)
        for bar, v, item in zip(bars, values, items[::-1]):
            text = eur(item[1], signed=True) if v else "no change"
            x = v + (span * 0.02 if v >= 0 else -span * 0.02)
            ax.text(x, bar.get_y() + bar.get_height() / 2, text, va="center",
                    ha="left" if v >= 0 else "right", color=INK if v else MUTED, fontsize=9)
        return _svg(fig, "delta", label)
