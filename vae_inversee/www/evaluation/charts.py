"""Server-rendered SVG charts: this module computes every coordinate, the templates only draw them.

Pure Python, no chart library and no JavaScript. A builder returns a `Chart` that
`templates/evaluation/_bar_chart.html` turns into an inline `<svg role="img">`; the page always puts
a table with the same figures under it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

# Colours of the French State design system (DSFR).
BLUE_FRANCE = "#000091"
BLUE_LIGHT = "#6a6af4"
RED = "#e1000f"
GREEN = "#18753c"
ORANGE = "#b34000"
GREY = "#666666"

NARROW_NBSP = "\u202f"
FONT_SIZE = 14
# Average width of a Marianne glyph in em, to reserve room for the labels without measuring text.
GLYPH_WIDTH = 0.56


def format_number(value, places: int = 2) -> str:
    """1234 → "1 234", 7.5 → "7,5", 40.0 → "40" (French format, trailing zeros dropped)."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):.{places}f}" if places else f"{round(value)}"
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NARROW_NBSP.join(groups) + (f",{decimals}" if decimals else "")


def format_percent(value) -> str:
    """40.0 → "40 %", 0.12 → "0,12 %"."""
    return f"{format_number(value)}{NARROW_NBSP}%"


def share(value, total) -> float:
    """`value` as a percentage of `total`, between 0 and 100 (for progress bars)."""
    if not total:
        return 0.0
    return round(min(100.0, max(0.0, 100 * float(value) / float(total))), 2)


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * size * GLYPH_WIDTH


@dataclass
class Bar:
    value: object
    text: str
    x: float
    y: float
    width: float
    height: float
    colour: str
    text_x: float
    text_y: float
    series: str = ""


@dataclass
class Row:
    label: str
    label_x: float
    label_y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class LegendItem:
    label: str
    colour: str
    x: float
    y: float
    text_x: float
    text_y: float


@dataclass
class Chart:
    width: int
    height: int
    rows: list[Row]
    legend: list[LegendItem]
    # Vertical baseline (x, top, bottom) for left-aligned bars; None for a centred funnel.
    baseline: tuple[float, float, float] | None
    # Trapezoids joining the bars of a funnel, as SVG `points`.
    connectors: list[str]
    empty: bool

    @property
    def bars(self):
        return [bar for row in self.rows for bar in row.bars]

    @property
    def summary(self) -> str:
        """The figures in words, for the chart's `<desc>`."""
        parts = []
        for row in self.rows:
            values = ", ".join(f"{bar.series} {bar.text}" if bar.series else bar.text for bar in row.bars)
            parts.append(f"{row.label} : {values}")
        return " ; ".join(parts) + "."


def bar_chart(
    rows,
    *,
    series=(("", BLUE_FRANCE),),
    colours=None,
    formatter=format_number,
    centred=False,
    joined=None,
    width=720,
    bar_height=28,
    bar_gap=4,
    row_gap=14,
) -> Chart:
    """Horizontal bars: one row per (label, [value per series]).

    `colours` gives one colour per row (single series: jury outcomes); `centred` draws a funnel, its
    first `joined` rows linked by trapezoids. Bar lengths are proportional to the values, the longest
    filling the plot area.
    """
    rows = [(label, list(values)) for label, values in rows]
    values = [value or 0 for _, row_values in rows for value in row_values]
    maximum = max(values, default=0)
    legend_height = 30 if len(series) > 1 else 0
    texts = [[formatter(value) for value in row_values] for _, row_values in rows]
    label_width = min(300, max((_text_width(label) for label, _ in rows), default=0) + 16)
    value_width = max((_text_width(text, 13) for row_texts in texts for text in row_texts), default=0) + 12
    plot_x = label_width
    plot_width = max(60.0, width - label_width - value_width - 4)
    row_height = len(series) * bar_height + (len(series) - 1) * bar_gap
    scale = plot_width / float(maximum) if maximum else 0.0

    chart_rows, top = [], legend_height + 6
    for index, ((label, row_values), row_texts) in enumerate(zip(rows, texts, strict=True)):
        row = Row(label=label, label_x=round(plot_x - 10, 2), label_y=round(top + row_height / 2, 2))
        for position, (value, text) in enumerate(zip(row_values, row_texts, strict=True)):
            length = round(float(value or 0) * scale, 2)
            y = top + position * (bar_height + bar_gap)
            x = plot_x + (plot_width - length) / 2 if centred else plot_x
            colour = colours[index] if colours else series[position][1]
            text_x = plot_x + plot_width + 8 if centred else x + length + 6
            row.bars.append(
                Bar(value=value, text=text, x=round(x, 2), y=round(y, 2), width=length, height=bar_height,
                    colour=colour, text_x=round(text_x, 2), text_y=round(y + bar_height / 2, 2),
                    series=series[position][0])
            )  # fmt: skip
        chart_rows.append(row)
        top += row_height + row_gap
    height = max(int(top - row_gap + 6), legend_height + 12)

    connectors = []
    if centred:
        linked = chart_rows[: joined if joined is not None else len(chart_rows)]
        for upper, lower in zip(linked, linked[1:], strict=False):
            a, b = upper.bars[0], lower.bars[0]
            points = [(a.x, a.y + a.height), (a.x + a.width, a.y + a.height), (b.x + b.width, b.y), (b.x, b.y)]
            connectors.append(" ".join(f"{round(px, 2)},{round(py, 2)}" for px, py in points))
    legend, x = [], plot_x
    if len(series) > 1:
        for name, colour in series:
            legend.append(LegendItem(label=name, colour=colour, x=round(x, 2), y=6, text_x=round(x + 22, 2), text_y=14))
            x += 16 + 6 + _text_width(name, 13) + 24
    return Chart(
        width=width,
        height=height,
        rows=chart_rows,
        legend=legend,
        baseline=None if centred else (plot_x, legend_height, height),
        connectors=connectors,
        empty=maximum == 0,
    )
