"""Rendering for the CLI: the table lists every entry, the entry view shows every figure with
its unit and its sources or assumption."""

from __future__ import annotations

import pytest
from rich.console import Console

from iads.catalog.loader import _figures, builtin_catalog
from iads.catalog.render import ENTRY_SECTIONS, catalog_table, entry_view, format_value
from iads.errors import CatalogError


def _text(renderable) -> str:
    console = Console(width=400, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


@pytest.fixture(scope="module")
def cat():
    return builtin_catalog()


def test_table_lists_every_entry(cat):
    text = _text(catalog_table(cat))
    for section in ENTRY_SECTIONS:
        for key in getattr(cat, section):
            assert key in text, key
    assert "600 km @ 4 m²" in text  # 91N6E headline with derived units


def test_entry_view_shows_sources_with_urls_and_assumptions(cat):
    text = _text(entry_view(cat, "91N6E"))
    assert "[S400-SPUTNIK-AR]" in text
    assert cat.sources["S400-SPUTNIK-AR"].url in text
    assert "ASSUMED:" in text
    assert "600 km" in text and "10 s" in text and "-1°" in text
    # every figure of the entry appears
    for path, _ in _figures(cat.radars["91N6E"]):
        assert path[-1] in text


def test_entry_view_of_a_system_shows_nested_figures(cat):
    text = _text(entry_view(cat, "S-400"))
    assert "launchers[0].count" in text and "command_post.reaction_time_s" in text
    assert "[S400-NOTICIA-18]" in text


def test_entry_view_unknown_key_suggests(cat):
    with pytest.raises(CatalogError, match="did you mean 'S-400'"):
        entry_view(cat, "S-401")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("max_range_m", 250_000, "250 km"),
        ("min_altitude_m", 5, "5 m"),
        ("max_altitude_m", 15_240, "15.24 km"),
        ("rcs_front_m2", 0.003, "0.003 m²"),
        ("cruise_speed_mps", 245, "245 m/s"),
        ("revisit_s", 10, "10 s"),
        ("angle_sigma_deg", 0.05, "0.05°"),
        ("unit_cost_usd", 4e6, "USD 4 M"),
        ("unit_cost_usd", 35_000, "USD 35 000"),
        ("max_load_factor", 9, "9 g"),
        ("count", 6, "6"),
    ],
)
def test_format_value_units_from_suffix(field, value, expected):
    assert format_value(field, value) == expected
