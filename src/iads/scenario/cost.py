"""The pre-run cost estimate: memory and time a run will take, from the scenario alone
(before anything is built), so that a run far past the machine's means is refused in a
second with a message naming the setting to change, instead of taking the machine down.

The estimate is an order of magnitude, from what the engine stores (``iads.engine.loop``):

- threat truth: ``n_t = duration_s / min(1 s, time_step_s) + 1`` samples of position and
  velocity (6 float64) for every flying entity, about three times over while it is computed;
- the truth file (``--truth-rate``): ``duration_s * rate + 1`` rows per entity, about
  120 bytes a row with its name, built in memory before it is written;
- detections: at most one event per radar scan per entity (each radar scans every
  ``revisit_s``), about 200 bytes an event;
- time: about 2 ms per time step plus 0.5 µs per step, radar and entity (measured on the
  default scenario, one core; steps without work are skipped, so this is an upper bound).

``--force`` on the command line runs a scenario past the budgets anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from iads.catalog.schema import Catalog
from iads.scenario.schema import Scenario

__all__ = ["MEMORY_BUDGET_BYTES", "TIME_BUDGET_S", "RunCost", "check_cost", "estimate_cost"]

#: Memory a run may take before it is refused without ``--force`` [bytes].
MEMORY_BUDGET_BYTES = 4 * 1024**3
#: Time a run may take before it is refused without ``--force`` [s].
TIME_BUDGET_S = 3600.0

_TRUTH_BYTES = 6 * 8 * 3  # pos + vel float64, about 3 copies while flying
_TRUTH_ROW_BYTES = 120
_EVENT_BYTES = 200
_STEP_S = 2e-3
_PAIR_STEP_S = 5e-7


@dataclass(frozen=True)
class RunCost:
    """The estimated cost of one run and what it comes from."""

    n_entities: int
    n_radars: int
    n_steps: int
    n_truth_samples: int
    n_truth_rows: int
    n_detections_max: int
    memory_bytes: float
    time_s: float

    def problems(
        self, memory_budget: float | None = None, time_budget_s: float | None = None
    ) -> list[str]:
        """One sentence per budget exceeded (default: the module's budgets), each naming
        the settings to change."""
        memory_budget = MEMORY_BUDGET_BYTES if memory_budget is None else memory_budget
        time_budget_s = TIME_BUDGET_S if time_budget_s is None else time_budget_s
        out = []
        if self.memory_bytes > memory_budget:
            parts = {
                "threat truth": self.n_truth_samples * self.n_entities * _TRUTH_BYTES,
                "truth.parquet (--truth-rate)": self.n_truth_rows * _TRUTH_ROW_BYTES,
                "detection events": self.n_detections_max * _EVENT_BYTES,
            }
            big = max(parts, key=lambda k: parts[k])
            fix = {
                "threat truth": "shorten settings.duration_s, raise settings.time_step_s "
                "(truth is sampled every min(1 s, time_step_s)) or fly fewer threats (count)",
                "truth.parquet (--truth-rate)": "lower --truth-rate (0: do not write it)",
                "detection events": "shorten settings.duration_s or fly fewer threats (count)",
            }[big]
            out.append(
                f"the run would need about {_gb(self.memory_bytes)} of memory, over the "
                f"budget of {_gb(memory_budget)}, {_gb(parts[big])} of it for {big} "
                f"({self.n_entities:,} entities, {self.n_truth_samples:,} truth samples, "
                f"{self.n_steps:,} steps); {fix}"
            )
        if self.time_s > time_budget_s:
            out.append(
                f"the run would take about {self.time_s / 3600:.1f} h, over the budget of "
                f"{time_budget_s / 3600:.1f} h ({self.n_steps:,} steps x {self.n_radars} "
                f"radars x {self.n_entities:,} entities); raise settings.time_step_s, "
                "shorten settings.duration_s or fly fewer threats (count)"
            )
        return out


def _gb(n: float) -> str:
    return f"{n / 1024**3:,.1f} GiB" if n >= 1024**3 / 10 else f"{n / 1024**2:,.0f} MiB"


def estimate_cost(sc: Scenario, catalog: Catalog, truth_rate_hz: float = 0.0) -> RunCost:
    """The cost of running ``sc`` (validated against ``catalog``) and writing its truth at
    ``truth_rate_hz`` [Hz] (0: not written). Pure arithmetic: nothing is built."""
    from iads.scenario.schema import entity_count

    n_threats, n_friendly = entity_count(sc)
    n = n_threats + n_friendly
    duration, dt = sc.settings.duration_s, sc.settings.time_step_s
    n_steps = int(duration / dt) + 1
    n_truth = int(duration / min(1.0, dt)) + 1
    n_rows = (int(duration * truth_rate_hz) + 1) * n if truth_rate_hz > 0 else 0
    n_radars, scans = 0, 0.0
    for d in sc.defenders:
        if not d.enabled or d.system not in catalog.systems:
            continue
        for rk in (*catalog.systems[d.system].radars, *d.extra_radars):
            n_radars += 1
            revisit = float(catalog.radars[rk].revisit_s.value) if rk in catalog.radars else 1.0
            scans += duration / max(revisit, dt, 1e-3)
    n_det = int(scans * n)
    memory = n_truth * n * _TRUTH_BYTES + n_rows * _TRUTH_ROW_BYTES + n_det * _EVENT_BYTES
    time_s = n_steps * _STEP_S + float(n_steps) * n_radars * n * _PAIR_STEP_S
    return RunCost(n, n_radars, n_steps, n_truth, n_rows, n_det, float(memory), time_s)


def check_cost(
    sc: Scenario, catalog: Catalog, truth_rate_hz: float = 0.0, *, source: str | None = None
) -> RunCost:
    """:func:`estimate_cost`, raising an :class:`~iads.errors.InputError` that names the
    settings to change (and ``--force``) when a budget is exceeded."""
    from iads.errors import InputError

    cost = estimate_cost(sc, catalog, truth_rate_hz)
    problems = cost.problems()
    if problems:
        where = f"{source}: " if source else ""
        raise InputError(
            where + "; and ".join(problems) + ". Use --force to run it anyway."
        )
    return cost
