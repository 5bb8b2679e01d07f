"""What the local pool's fork server does once, before it forks the workers (it imports
this module: ``LocalBackend`` names it in ``set_forkserver_preload``): import the engine
and run a short cut of the default scenario, so that numba's kernels are loaded (or, with
a cold on-disk cache, compiled) and the process-wide set-up caches filled once per
campaign; every worker forked afterwards starts with them in memory instead of paying
that set-up itself. A failure here is ignored: the workers then do the set-up themselves
and report any real error with its replication."""

from __future__ import annotations

import signal

# Ctrl-C is the campaign process's business (it ends the workers); the fork server ignores
# it too, but only after its preload, and the workers inherit this until their initializer.
signal.signal(signal.SIGINT, signal.SIG_IGN)

#: Simulated seconds of the warm-up run (the default scenario's first detections and
#: tracks come within this, so the tracking kernels run too).
WARMUP_S = 900.0


def warm_up(duration_s: float = WARMUP_S) -> None:
    """Run the default scenario cut to ``duration_s`` once (its result is discarded)."""
    from iads.engine import simulate
    from iads.scenario import LoadedScenario, load_scenario

    loaded = load_scenario()
    sc = loaded.scenario
    settings = sc.settings.model_copy(update={"duration_s": duration_s})
    cut = LoadedScenario(sc.model_copy(update={"settings": settings}), loaded.catalog,
                         loaded.source, loaded.text)  # fmt: skip
    simulate(cut, seed=0)


try:
    warm_up()
except Exception:  # noqa: BLE001 - see the module docstring
    pass
