"""The SVG chart builder: pure Python, no database."""

from decimal import Decimal

import pytest

from vae_inversee.lib.money import format_euros
from vae_inversee.www.evaluation import charts

NNBSP = "\u202f"


def test_bar_lengths_are_proportional_to_the_values():
    chart = charts.bar_chart([("Accompagnement", [10]), ("Recevabilité", [5]), ("Terminé", [0])])
    first, second, third = chart.bars
    assert second.width == pytest.approx(first.width / 2)
    assert third.width == 0
    # Left-aligned bars share their origin; the longest fills the plot area up to the value column.
    assert first.x == second.x == third.x == chart.baseline[0]
    assert first.x + first.width < chart.width
    assert [bar.text for bar in chart.bars] == ["10", "5", "0"]
    assert not chart.empty and chart.connectors == []


def test_rows_are_laid_out_top_to_bottom_inside_the_view_box():
    chart = charts.bar_chart([(f"Phase {n}", [n + 1]) for n in range(7)])
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops) and len(set(tops)) == 7
    assert chart.bars[-1].y + chart.bars[-1].height <= chart.height
    # Labels end left of the bars, vertically centred on their row.
    for row in chart.rows:
        assert row.label_x < row.bars[0].x
        assert row.label_y == pytest.approx(row.bars[0].y + row.bars[0].height / 2)


def test_a_funnel_centres_its_bars_and_joins_the_working_phases():
    chart = charts.bar_chart(
        [("A", [8]), ("B", [4]), ("C", [2]), ("Abandonné", [1])],
        colours=["#000091"] * 3 + ["#e1000f"],
        centred=True,
        joined=3,
    )
    centres = {round(bar.x + bar.width / 2, 1) for bar in chart.bars}
    assert len(centres) == 1
    assert [bar.colour for bar in chart.bars] == ["#000091", "#000091", "#000091", "#e1000f"]
    assert len(chart.connectors) == 2  # A→B and B→C; drop-outs stand apart
    assert chart.baseline is None
    # Values sit in one column to the right of the widest bar.
    assert len({bar.text_x for bar in chart.bars}) == 1


def test_zero_data_gives_an_empty_chart():
    assert charts.bar_chart([("Validation totale", [0]), ("Candidat absent", [0])]).empty
    empty = charts.bar_chart([])
    assert empty.empty and empty.rows == [] and empty.height > 0


def test_grouped_bars_with_a_legend_and_euros():
    chart = charts.bar_chart(
        [
            ("Frais pédagogiques", [Decimal("6000.00"), Decimal("4500.00")]),
            ("Conception", [Decimal("0.00"), Decimal("0.00")]),
        ],
        series=(("Demandé", charts.BLUE_LIGHT), ("Accordé", charts.BLUE_FRANCE)),
        formatter=format_euros,
    )
    assert [item.label for item in chart.legend] == ["Demandé", "Accordé"]
    requested, approved = chart.rows[0].bars
    assert (requested.colour, approved.colour) == (charts.BLUE_LIGHT, charts.BLUE_FRANCE)
    assert approved.width == pytest.approx(requested.width * 0.75)
    assert approved.y > requested.y
    assert requested.text == f"6{NNBSP}000,00 €"
    assert chart.rows[1].bars[0].text == "0,00 €" and chart.rows[1].bars[0].width == 0
    assert chart.summary.startswith(f"Frais pédagogiques : Demandé 6{NNBSP}000,00 €, Accordé 4{NNBSP}500,00 €")


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (5000, f"5{NNBSP}000"), (1234567, f"1{NNBSP}234{NNBSP}567"), (7.5, "7,5"), (40.0, "40"),
     (339.1, "339,1"), (0.02, "0,02"), (None, "—"), (-1200, f"-1{NNBSP}200")],
)  # fmt: skip
def test_numbers_are_formatted_the_french_way(value, text):
    assert charts.format_number(value) == text


def test_percentages_and_shares():
    assert charts.format_percent(0.1) == f"0,1{NNBSP}%"
    assert charts.format_percent(72.7) == f"72,7{NNBSP}%"
    assert charts.share(1, 4) == 25.0
    assert charts.share(5, 0) == 0.0
    assert charts.share(12, 10) == 100.0  # a gauge never overflows
