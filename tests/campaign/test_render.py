"""Campaign terminal tables at 80 columns (a pipe's default width): long point names are
never cut (the table falls back to one block per point), and friendly and neutral losses,
fratricide engagements and double engagements are reported metrics (friendly and neutral
ones only where such aircraft fly)."""

from __future__ import annotations

import io

from rich.console import Console

from iads.campaign.analysis import Difference, MetricStat, reported
from iads.campaign.render import differences_table, stats_tables

LONG = {
    0: "S-400 not integrated (own picture, no allied IFF)",
    1: "S-400 IFF-interoperable (own picture, allied IFF)",
    2: "S-400 integrated (shared picture, allied IFF)",
}


def _stat(point: int, metric: str, est: float, kind: str = "mean") -> MetricStat:
    return MetricStat(point, metric, metric, kind, 4, est, 0.5, max(0.0, est - 1), est + 1,
                      "t", 0.95)  # fmt: skip


def _stats(friendlies: float = 8.0) -> list[MetricStat]:
    out = []
    for p in LONG:
        out += [
            _stat(p, "no_leaker", 1.0, "proportion"),
            _stat(p, "totals.leaked", 0.0),
            _stat(p, "friendlies.aircraft", friendlies),
            _stat(p, "friendlies.engagements", 3.0 - p),
            _stat(p, "friendlies.lost", 2.0 - p),
            _stat(p, "neutrals.aircraft", 0.0),
            _stat(p, "neutrals.lost", 0.0),
            _stat(p, "battle_management.double_engagements", 0.0),
        ]
    return out


def _render(renderable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), markup=False, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_fratricide_losses_and_double_engagements_are_reported_where_friendlies_fly():
    cols = [c for c, _, _ in reported(_stats())]
    assert {"friendlies.engagements", "friendlies.lost",
            "battle_management.double_engagements"} <= set(cols)  # fmt: skip
    assert not any(c.startswith("neutrals.") for c in cols)  # no neutral flies
    assert not any(c.startswith("friendlies.") for c in (c for c, _, _ in reported(_stats(0.0))))
    labels = dict((c, lab) for c, lab, _ in reported(_stats()))
    assert labels["friendlies.engagements"] == "fratricide engagements"
    assert labels["friendlies.lost"] == "friendly aircraft lost"


def test_long_names_are_never_cut_at_80_columns():
    text = _render(stats_tables(_stats(), LONG, title="fratricide", width=80), 80)
    assert "…" not in text
    for name in LONG.values():
        assert name in text  # whole, on one line
    assert "fratricide engagements" in text and "3.00 [2.00, 4.00]" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    wide = _render(stats_tables(_stats(), LONG, title="fratricide", width=240), 240)
    assert "┃" in wide and all(name in wide for name in LONG.values())  # side by side


def test_differences_fall_back_to_one_line_each_at_80_columns():
    diffs = [Difference("friendlies.lost", "friendly aircraft lost", 0, 2, -2.0, 1e-4, 3e-4,
                        True, "Welch t", 0.05)]  # fmt: skip
    for width in (80, 40):  # wrapped at word boundaries, or one line per difference
        text = _render(differences_table(diffs, LONG, width=width), width)
        assert "…" not in text
        words = text.split()
        assert all(w in text for name in (LONG[0], LONG[2]) for w in name.split())
        assert "1 of 1 differences significant" in " ".join(words)
    assert f"({LONG[2]} − {LONG[0]})" in " ".join(text.split())
