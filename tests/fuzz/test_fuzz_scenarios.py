"""Fuzzing scenario files: hypothesis mutates the short scenario ``base.yaml`` (types,
magnitudes, missing and unknown keys, YAML tricks, unicode) and checks that ``iads
validate`` exits 0 or 2 with a located message, never a traceback, and that whatever
``validate`` accepts also runs (exit 0). Derandomized, so CI sees the same examples on
every run; the hypothesis deadline is a hang guard, not a performance claim."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from fuzzkit import assert_clean, iads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE_FILE = Path(__file__).with_name("base.yaml")
BASE: dict = yaml.safe_load(BASE_FILE.read_text(encoding="utf-8"))

PathKey = tuple[Any, ...]


def _paths(node: Any, prefix: PathKey = ()) -> list[PathKey]:
    """Every path to a value inside the document (mappings and lists), the root excluded."""
    out: list[PathKey] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for k, v in items:
        out.append(prefix + (k,))
        out += _paths(v, prefix + (k,))
    return out


PATHS = _paths(BASE)

NASTY_VALUES = st.one_of(
    st.sampled_from([
        True, False, None, 0, -1, 1, 2**70, -(2**70), 1e308, -1e308, 5e-324, float("inf"),
        float("-inf"), float("nan"), "", "1", "1e3", "true", "[/x]", "[bold]x", "\u202e",
        "a\x00b", "\ud800", "🚀" * 50, [], {}, [1, 2], {"a": 1}, 86400 * 8, 1e-9, 100_000,
    ]),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)


@st.composite
def mutated_documents(draw) -> dict:
    """The base document with one to three mutations: a value replaced, a key removed, an
    unknown key added, a list emptied or repeated."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "unknown",
                                       "repeat"]))
        if action == "replace":
            parent[key] = draw(NASTY_VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["valeu", "lat_deg", "Name", "x" * 300, "\u00e9"]))] = 1
        elif action == "repeat" and isinstance(parent[key], list):
            parent[key] = parent[key] * draw(st.integers(0, 3))
    return doc


@st.composite
def rescaled_documents(draw) -> dict:
    """The base document with one to three numbers rescaled (by 0, tiny, huge or negative
    factors) or set to a boundary: mostly valid, so that many of them run."""
    doc = copy.deepcopy(BASE)
    numeric = [p for p in _paths(doc) if _is_number(_get(doc, p))]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(numeric))
        parent = _get(doc, path[:-1])
        v = parent[path[-1]]
        factor = draw(st.sampled_from([0, 1e-6, 0.01, 0.5, 2, 10, 100, 1e4, -1]))
        new = v * factor
        parent[path[-1]] = int(new) if isinstance(v, int) and abs(new) < 2**62 else new
    return doc


def _get(doc: Any, path: PathKey) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: YAML-level tricks applied to the dumped text (aliases, tags, merge keys, documents,
#: tabs, a byte-order mark, duplicated keys, flow nesting, binary and dates).
TEXT_TRICKS = [
    lambda t: t.replace("name: City", "name: &c City", 1).replace("target: City",
                                                                   "target: *c", 1),
    lambda t: "x: &a [1, *a]\n" + t,
    lambda t: t + "extra: !!python/object:os.system {}\n",
    lambda t: t + "<<: {name: merged}\n",
    lambda t: t + "---\nname: second document\n",
    lambda t: "\ufeff" + t,
    lambda t: t.replace("  ", "\t", 1),
    lambda t: t + "name: again\n",
    lambda t: t + "deep: " + "[" * 200 + "]" * 200 + "\n",
    lambda t: t + "blob: !!binary aGVsbG8=\n",
    lambda t: t + "when: 2020-13-45\n",
    lambda t: t + "? [a, b]\n: 1\n",
    lambda t: t.replace("seed: 7", "seed: 0x7f"),
    lambda t: t.replace("duration_s: 120", "duration_s: 1_2_0"),
    lambda t: t[: len(t) // 2],
    lambda t: t.replace(":", "\\u0000:", 1),
    lambda t: "%YAML 1.1\n---\n" + t,
    lambda t: t.replace("\n", "\r\n"),
    lambda t: "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + t,
]


def _dump(doc: dict) -> str | None:
    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return None


def _check(text: str, tmp: Path, run: bool) -> None:
    f = tmp / "mutant.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    res = iads("validate", str(f), cwd=tmp)
    assert_clean(res, file=str(f))
    if res.code == 0 and run and _quick(f):
        ran = iads("run", str(f), "--out", str(tmp / "out"), "--no-plot", "--truth-rate", "0.2",
                   cwd=tmp)
        assert ran.code == 0, f"validate accepted it but run did not:\n{ran}\n{text}"


def _quick(f: Path) -> bool:
    """Whether the pre-run estimate says the scenario runs in seconds (the suite runs only
    those; a longer run is the cost estimate's business, tested on its own)."""
    from iads.scenario import load_scenario
    from iads.scenario.cost import estimate_cost

    loaded = load_scenario(f)
    return estimate_cost(loaded.scenario, loaded.catalog, 0.2).time_s < 2.0


_SETTINGS = dict(
    derandomize=True,
    deadline=60_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@settings(max_examples=100, **_SETTINGS)
@given(doc=mutated_documents())
def test_mutated_scenarios_validate_cleanly(doc: dict, tmp_path: Path) -> None:
    text = _dump(doc)
    if text is not None:
        _check(text, tmp_path, run=False)


@settings(max_examples=12, **_SETTINGS)
@given(doc=rescaled_documents())
def test_what_validate_accepts_runs(doc: dict, tmp_path: Path) -> None:
    text = _dump(doc)
    if text is not None:
        _check(text, tmp_path, run=True)


@settings(max_examples=50, **_SETTINGS)
@given(doc=mutated_documents(), tricks=st.lists(st.sampled_from(TEXT_TRICKS), min_size=1,
                                                max_size=2))
def test_yaml_tricks_validate_cleanly(doc: dict, tricks, tmp_path: Path) -> None:
    text = _dump(doc) or BASE_FILE.read_text(encoding="utf-8")
    for trick in tricks:
        text = trick(text)
    _check(text, tmp_path, run=False)


def test_the_base_scenario_runs(tmp_path: Path) -> None:
    _check(BASE_FILE.read_text(encoding="utf-8"), tmp_path, run=True)
