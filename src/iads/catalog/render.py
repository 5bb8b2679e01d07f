"""Rendering the catalog for people: the table of every entry (``iads catalog``) and the view
of one entry with each figure, its unit, and where it comes from (``iads catalog show KEY``).

Figures are stored in SI (angles in degrees); units are derived here from the field-name
suffix (``_m``, ``_mps``, ``_m2``, ``_s``, ``_deg``, ``_usd``...), and long distances are shown
in km. This module only formats: it never changes a value.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from iads.catalog.loader import _figures, lookup
from iads.catalog.schema import (
    Catalog,
    Figure,
    LauncherEntry,
    MissileEntry,
    RadarEntry,
    SystemEntry,
    ThreatEntry,
)
from iads.units import KM

__all__ = ["ENTRY_SECTIONS", "catalog_table", "entry_view", "format_value"]

# The sections that hold entries (``sources`` is their bibliography, listed inside the views).
ENTRY_SECTIONS = ("systems", "radars", "missiles", "launchers", "threats")

_KM_FROM_M = 10_000.0  # distances at or above 10 km are shown in km


def _num(x: float) -> str:
    """A compact number: integers without decimals, others with up to 4 significant digits."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}".replace(",", " ")
    return f"{x:.4g}"


def format_value(field: str, value: float) -> str:
    """``value`` of the catalog field ``field`` with the unit its name carries.

    ``format_value("max_range_m", 250000)`` -> ``"250 km"``;
    ``format_value("rcs_front_m2", 0.003)`` -> ``"0.003 m²"``;
    ``format_value("unit_cost_usd", 4e6)`` -> ``"USD 4 M"``.
    """
    if field.endswith("_m2"):
        return f"{_num(value)} m²"
    if field.endswith("_mps"):
        return f"{_num(value)} m/s"
    if field.endswith("_m"):
        if abs(value) >= _KM_FROM_M:
            return f"{_num(value / KM)} km"
        return f"{_num(value)} m"
    if field.endswith("_deg"):
        return f"{_num(value)}°"
    if field.endswith("_s"):
        return f"{_num(value)} s"
    if field.endswith("_usd"):
        if abs(value) >= 1e9:
            return f"USD {_num(value / 1e9)} bn"
        if abs(value) >= 1e6:
            return f"USD {_num(value / 1e6)} M"
        return f"USD {_num(value)}"
    if field.endswith("_w"):
        return f"{_num(value)} W"
    if field.endswith("_hz"):
        return f"{_num(value / 1e9)} GHz" if abs(value) >= 1e9 else f"{_num(value)} Hz"
    if field.endswith("_db"):
        return f"{_num(value)} dB"
    if field == "max_load_factor":
        return f"{_num(value)} g"
    return _num(value)


def _field_name(path: tuple) -> str:
    """The last named part of a figure's path (``("launchers", 0, "count")`` -> ``count``)."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _path_text(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _fmt(entry: Any, field: str) -> str:
    fig = getattr(entry, field, None)
    return format_value(field, fig.value) if isinstance(fig, Figure) else "?"


def _headline(cat: Catalog, entry: Any) -> str:
    """The two or three figures that characterise an entry, in one line."""
    if isinstance(entry, RadarEntry):
        return (
            f"{_fmt(entry, 'ref_range_m')} @ {_fmt(entry, 'ref_rcs_m2')}, "
            f"revisit {_fmt(entry, 'revisit_s')}"
        )
    if isinstance(entry, MissileEntry):
        return (
            f"{_fmt(entry, 'min_range_m')}–{_fmt(entry, 'max_range_m')}, "
            f"alt {_fmt(entry, 'min_altitude_m')}–{_fmt(entry, 'max_altitude_m')}, "
            f"{_fmt(entry, 'mean_speed_mps')}"
        )
    if isinstance(entry, LauncherEntry):
        return f"{_num(entry.missiles_per_launcher.value)} × {entry.missile}"
    if isinstance(entry, SystemEntry):
        loads = []
        for group in entry.launchers:
            ln = cat.launchers.get(group.launcher)
            if ln is not None:
                n = group.count.value * ln.missiles_per_launcher.value
                loads.append(f"{_num(n)} {ln.missile}")
        return (
            f"{'+'.join(entry.radars)}; {', '.join(loads)}; "
            f"{_num(entry.fire_channels.value)} channels"
        )
    if isinstance(entry, ThreatEntry):
        return (
            f"RCS {_fmt(entry, 'rcs_front_m2')}, {_fmt(entry, 'cruise_speed_mps')} "
            f"at {_fmt(entry, 'cruise_altitude_m')}"
        )
    return ""


def _kind(entry: Any) -> str:
    if isinstance(entry, RadarEntry):
        return entry.role
    if isinstance(entry, MissileEntry):
        return "interceptor"
    if isinstance(entry, LauncherEntry):
        return "launcher"
    if isinstance(entry, SystemEntry):
        return entry.country or "system"
    if isinstance(entry, ThreatEntry):
        return entry.threat_class
    return ""


def _provenance_counts(entry: Any) -> tuple[int, int]:
    """(number of distinct sources cited, number of assumed figures) of an entry."""
    sources: set[str] = set()
    n_assumed = 0
    for _, fig in _figures(entry):
        sources.update(fig.source)
        n_assumed += fig.assumed
    return len(sources), n_assumed


def catalog_table(catalog: Catalog) -> Table:
    """One row per catalog entry: section, key, name, class or role, headline figures,
    number of distinct sources cited and number of assumed figures."""
    table = Table(
        title="iads catalog",
        caption=f"{len(catalog.sources)} sources; every figure has a source or a stated assumption",
    )
    for col in ("Section", "Key", "Name", "Class / role", "Headline", "Sources", "Assumed"):
        justify = "right" if col in ("Sources", "Assumed") else "left"
        table.add_column(col, justify=justify)
    for section in ENTRY_SECTIONS:
        for key, entry in getattr(catalog, section).items():
            n_src, n_ass = _provenance_counts(entry)
            table.add_row(
                section, key, entry.name, _kind(entry), _headline(catalog, entry),
                str(n_src), str(n_ass),
            )
    return table


def _figure_table(catalog: Catalog, entry: Any) -> Table:
    table = Table(show_lines=True, expand=False)
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    table.add_column("Provenance", overflow="fold")  # long URLs wrap, never elided
    for path, fig in _figures(entry):
        prov = Text()
        for src in fig.source:
            s = catalog.sources.get(src)
            prov.append(f"[{src}] ", style="bold")
            if s is not None:
                prov.append(s.description)
                if s.url:
                    prov.append(f"\n  {s.url}", style="dim")
            else:
                prov.append("(source not defined)", style="red")
            prov.append("\n")
        if fig.assumed:
            prov.append("ASSUMED: ", style="bold yellow")
            prov.append(f"{fig.rationale}\n")
        if fig.published:
            prov.append("published: ", style="italic")
            prov.append(f"{fig.published}\n")
        if fig.range is not None:
            name = _field_name(path)
            lo, hi = (format_value(name, v) for v in fig.range)
            prov.append("range: ", style="italic")
            prov.append(f"{lo} to {hi}\n")
        prov.rstrip()
        table.add_row(_path_text(path), format_value(_field_name(path), fig.value), prov)
    return table


def _header(section: str, key: str, entry: Any) -> Text:
    head = Text()
    head.append(f"{entry.name}\n", style="bold")
    head.append(f"{section}.{key}", style="cyan")
    extras = {
        "role": getattr(entry, "role", None),
        "band": getattr(entry, "band", None),
        "class": getattr(entry, "threat_class", None),
        "swerling": getattr(entry, "swerling", None),
        "missile": getattr(entry, "missile", None),
        "country": getattr(entry, "country", None),
        "radars": ", ".join(entry.radars) if isinstance(entry, SystemEntry) else None,
        "optional radars (a unit's extra_radars)": (
            ", ".join(entry.optional_radars)
            if isinstance(entry, SystemEntry) and entry.optional_radars else None
        ),
        "command post": entry.command_post.name if isinstance(entry, SystemEntry) else None,
        "launchers": (
            ", ".join(g.launcher for g in entry.launchers)
            if isinstance(entry, SystemEntry) else None
        ),
    }
    for label, val in extras.items():
        if val is not None:
            head.append(f"\n{label}: {val}")
    if getattr(entry, "notes", None):
        head.append(f"\nnotes: {entry.notes}", style="italic")
    return head


def entry_view(catalog: Catalog, key: str) -> RenderableType:
    """Every figure of the entry ``key`` (searched in all sections), with its value and unit,
    its sources (id, description, url) or its assumption and rationale.

    Raises :class:`iads.errors.CatalogError` with a "did you mean" if ``key`` is unknown.
    """
    found = [(s, getattr(catalog, s)[key]) for s in ENTRY_SECTIONS if key in getattr(catalog, s)]
    if not found:
        every = {k: None for s in ENTRY_SECTIONS for k in getattr(catalog, s)}
        lookup(SimpleNamespace(keys=every), "keys", key)  # raises CatalogError
    parts: list[RenderableType] = []
    for section, entry in found:
        parts += [_header(section, key, entry), _figure_table(catalog, entry)]
    return Group(*parts)


def paths_table(catalog: Catalog, pattern: str = "*") -> Table:
    """Every figure settable by path (``iads.catalog.overrides.figures``) whose path
    matches the glob ``pattern``: path, value, provenance and allowed range."""
    import fnmatch

    from iads.catalog.overrides import figures

    rows = [f for f in figures(catalog) if fnmatch.fnmatchcase(f.path, pattern)]
    from rich import box

    t = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=f"Figures settable by path ({len(rows)})",
        caption="set in a scenario's 'overrides:' or a sweep 'overrides.<path>' "
        "(docs/scenario.md); from: source, assumed or both ('iads catalog show KEY')",
    )
    t.add_column("path", overflow="fold")
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("from", no_wrap=True, min_width=7)
    t.add_column("allowed", no_wrap=True, min_width=13)
    for f in rows:
        prov = "both" if f.assumed and f.source else (
            "assumed" if f.assumed else "source" if f.source else "")
        if f.lo == -float("inf") and f.hi == float("inf"):
            allowed = "any"
        elif f.hi == float("inf"):
            allowed = f"{'>' if f.lo_exclusive else '>='}{f.lo:g}"
        else:
            allowed = f"{'(' if f.lo_exclusive else '['}{f.lo:g},{f.hi:g}]"
        t.add_row(f.path, f"{f.value:g}", prov, allowed + (" int" if f.integer else ""))
    return t
