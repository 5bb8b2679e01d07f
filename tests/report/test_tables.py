"""Terminal tables: units stay visible, censored ranges are marked, 80 columns suffice."""

from __future__ import annotations

import io

from rich.console import Console

from iads.report.tables import exposure_table, summary_tables


def _render(renderable) -> str:
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def _summary() -> dict:
    counts = {"threats": 2, "detected": 2, "engaged": 1, "killed": 1, "leaked": 0,
              "survived": 1, "flying": 0}  # fmt: skip
    radar = {"radar": "92N6E", "unit": "S-400", "first_time_s": 10.0, "first_range_km": 235.5,
             "detections": 3, "dwells": 4}  # fmt: skip
    return {
        "scenario": "s", "seed": 1,
        "totals": {**counts, "launched": 2, "not_launched": 0},
        "by_threat_type": {"storm_shadow": counts},
        "units": [], "interceptors_fired": {}, "asset_hits": {},
        "cost": {"interceptors_usd": None, "threats_killed_usd": 1.4e6, "exchange_ratio": None,
                 "missing_unit_costs": {"interceptors": ["48N6E3"], "threats_killed": []}},
        "assumed_figures": [],
        "exposure": [
            {"threat_id": 0, "name": "F-16 north-west.0",
             "radars": [{**radar, "seen_at_launch": True}]},
            {"threat_id": 1, "name": "Kalibr", "radars": [{**radar, "first_range_km": 49.5,
                                                            "seen_at_launch": False}]},
        ],
    }  # fmt: skip


def test_exposure_table_shows_units_and_marks_censored_ranges() -> None:
    """Regression: rich read '[s]' and '[km]' in the headers as markup and dropped them."""
    text = _render(exposure_table(_summary()))
    assert "[s]" in text and "[km]" in text
    assert "≥235.5" in text and "≥49.5" not in text and "49.5" in text
    assert "seen when it appeared" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_summary_table_fits_80_columns_with_every_outcome() -> None:
    text = _render(summary_tables(_summary()))
    assert "survived" in text and "storm_shadow" in text
    assert "unknown" in text  # the interceptor cost is not public: not 0
    assert max(len(line) for line in text.splitlines()) <= 80


def test_total_row_is_bold_text_not_markup_on_the_cli_console() -> None:
    """The CLI prints with markup off (names may hold "[...]"): the total row must not
    show literal "[b]" tags, and it must fit 80 columns."""
    console = Console(width=80, file=io.StringIO(), color_system=None, markup=False)
    console.print(summary_tables(_summary()))
    text = console.file.getvalue()
    assert "[b]" not in text and "total" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_unit_headers_show_plainly_on_the_cli_console() -> None:
    """On the CLI's markup-off console the units in brackets show without a backslash."""
    console = Console(width=120, file=io.StringIO(), color_system=None, markup=False)
    console.print(exposure_table(_summary()))
    text = console.file.getvalue()
    assert "[km]" in text and "\\[" not in text


def test_summary_prices_leakers_and_friendly_losses() -> None:
    """Issue 14: the leakers and the friendly aircraft lost are priced in the run's
    summary lines, and the defense's full exchange shown (n/a when undefined)."""
    s = _summary()
    s["cost"].update({"leakers": 3, "leakers_usd": 19.5e6, "friendly_aircraft_lost": 1,
                      "friendly_aircraft_lost_usd": 40e6, "defense_cost_usd": None,
                      "defense_exchange_ratio": None})  # fmt: skip
    text = " ".join(_render(summary_tables(s)).split())
    assert "Leakers: 3 (19,500,000 USD)" in text
    assert "friendly aircraft lost: 1 (40,000,000 USD)" in text
    assert "/ killed: n/a" in text
