"""Colours, labels and small formatting helpers of the CZML replay (one place for the
look of the replay; the page's legend is written from these tables)."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from typing import Any

import numpy as np
from czml3 import (
    Color,
    Label,
    Material,
    PolylineMaterial,
    SolidColorMaterial,
    TimeInterval,
    TimeIntervalCollection,
)
from czml3.enums import LabelStyles

__all__ = [
    "ASSET_COLOR",
    "DENSE",
    "EVENT_LABEL_S",
    "EVENT_STYLE",
    "INTERCEPTOR_COLORS",
    "INTERCEPTOR_END_KINDS",
    "OUTCOME_COLORS",
    "RADAR_COLOR",
    "REPLAY_EPOCH",
    "TRACK_COLOR",
    "TYPE_PALETTE",
    "UNIT_COLOR",
]

#: Calendar time of the scenario's t = 0 in the replay (a run has no date of its own).
REPLAY_EPOCH = dt.datetime(2000, 1, 1, 0, 0, 0, tzinfo=dt.UTC)

RGBA = tuple[int, int, int, int]

#: Colour of a threat's outline and trail by outcome (summary.json ``threats[].outcome``).
OUTCOME_COLORS: dict[str, RGBA] = {
    "killed": (90, 220, 110, 255),
    "leaked": (255, 60, 50, 255),
    "survived": (255, 200, 40, 255),
    "not launched": (150, 150, 150, 255),
    "friendly": (70, 150, 255, 255),
}

#: Colour of an interceptor by how its flight ended.
INTERCEPTOR_COLORS: dict[str, RGBA] = {
    "intercept": (0, 235, 255, 255),
    "miss": (200, 200, 200, 255),
    "wasted_on_false_track": (200, 90, 255, 255),
    "in flight": (255, 255, 255, 255),
}

#: Event kinds shown as points: label and colour.
EVENT_STYLE: dict[str, tuple[str, RGBA]] = {
    "threat_launch": ("threat launch", (255, 140, 0, 255)),
    "launch": ("interceptor launch", (0, 170, 255, 255)),
    "intercept": ("intercept", (90, 255, 110, 255)),
    "miss": ("miss", (200, 200, 200, 255)),
    "wasted_on_false_track": ("wasted shot", (200, 90, 255, 255)),
    "leak": ("leak", (255, 60, 50, 255)),
    "impact": ("impact", (255, 0, 0, 255)),
}

#: Kinds that end an interceptor's flight.
INTERCEPTOR_END_KINDS = ("intercept", "miss", "wasted_on_false_track")

#: Colours of threat types, assigned in order of first appearance.
TYPE_PALETTE: tuple[RGBA, ...] = (
    (255, 120, 40, 255),
    (230, 60, 200, 255),
    (255, 230, 80, 255),
    (255, 90, 90, 255),
    (160, 110, 255, 255),
    (255, 170, 170, 255),
    (200, 255, 120, 255),
    (255, 150, 230, 255),
)
UNIT_COLOR: RGBA = (40, 130, 255, 255)
RADAR_COLOR: RGBA = (60, 170, 255, 255)
ASSET_COLOR: RGBA = (255, 255, 255, 255)
TRACK_COLOR: RGBA = (255, 255, 0, 255)

EVENT_LABEL_S = 60.0  # an event's label is shown for this long after it [s]


class DENSE:
    """A large raid (more than ``threats`` hostile and friendly entities) is drawn
    lighter so that a saturation raid of 1,000 threats stays readable: smaller points,
    one-pixel trails that show only their last ``trail_s`` (interceptors
    ``interceptor_trail_s``) instead of the whole flight, and event points that stay
    ``event_s`` after their time instead of until the end of the run, without labels on
    the globe (the event list names them)."""

    threats = 150
    point_px = 5
    #: Tracks drawn at most (the longest-recorded ones, when the run recorded more: a
    #: 10,000-threat raid on 20 batteries records some 360,000, a 1,000-threat one 8,000)
    #: and their estimates drawn at most (every k-th estimate of each track, its first and
    #: last always): beyond them a browser runs out of memory before it shows anything.
    track_packets = 10_000
    track_samples = 500_000
    trail_s = 900.0
    interceptor_trail_s = 120.0
    event_s = 600.0


def _iso(t_s: float) -> dt.datetime:
    return REPLAY_EPOCH + dt.timedelta(seconds=float(t_s))


def _interval(t0_s: float, t1_s: float) -> TimeInterval:
    return TimeInterval(start=_iso(t0_s), end=_iso(max(t1_s, t0_s)))


def _color(rgba: RGBA, alpha: int | None = None) -> Color:
    r, g, b, a = rgba
    return Color(rgba=[r, g, b, a if alpha is None else alpha])


def _solid(rgba: RGBA, alpha: int | None = None) -> Material:
    return Material(solidColor=SolidColorMaterial(color=_color(rgba, alpha)))


def _line(rgba: RGBA) -> PolylineMaterial:
    return PolylineMaterial(solidColor=SolidColorMaterial(color=_color(rgba)))


def _fmt_t(t_s: float) -> str:
    m, s = divmod(float(t_s), 60.0)
    return f"T+{int(m):d}:{s:04.1f}"


def _samples(cols: tuple[np.ndarray, ...], decimals: tuple[int, ...]) -> list[float]:
    """Interleave columns into CZML's flat sample list [t, a, b, c, t, ...], rounded."""
    return (
        np.column_stack([np.round(c, d) for c, d in zip(cols, decimals, strict=True)])
        .ravel()
        .tolist()
    )


def _props(iads_kind: str, **info: Any) -> dict[str, str]:
    """Custom properties of a packet: plain strings only (Cesium reads arrays and objects
    in ``properties`` as interval data)."""
    return {"iads_kind": iads_kind, "iads_info": json.dumps(info, ensure_ascii=False)}


def _table_html(rows: Iterable[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows
    )
    return f'<table class="cesium-infoBox-defaultTable"><tbody>{cells}</tbody></table>'


def _label(
    text: str,
    rgba: RGBA,
    show: TimeIntervalCollection | bool = True,
    offset_px: tuple[int, int] = (10, -10),
) -> Label:
    return Label(
        text=text,
        font="12px sans-serif",
        fillColor=_color(rgba),
        outlineColor=_color((0, 0, 0, 255)),
        outlineWidth=2.0,
        style=LabelStyles.FILL_AND_OUTLINE,
        pixelOffset={"cartesian2": list(offset_px)},
        show=show,
    )
