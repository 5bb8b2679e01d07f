"""Running a campaign: the seed of every replication, the tasks still missing from the
store, and the loop that writes each finished replication at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iads.campaign.backends import Backend, LocalBackend, Task
from iads.campaign.spec import Campaign
from iads.campaign.store import Store

__all__ = ["RunStats", "run_campaign", "task_seed", "tasks"]


def task_seed(campaign_seed: int, point: int, rep: int) -> int:
    """The seed of replication ``rep`` of sweep point ``point``: a 63-bit integer drawn
    from ``SeedSequence(campaign_seed, spawn_key=(point, rep))``, the same child that
    ``SeedSequence(campaign_seed).spawn(...)[point].spawn(...)[rep]`` gives. It depends
    on nothing else (not the number of points, replications or workers), so a campaign
    can grow by replications and still reproduce the ones it has."""
    ss = np.random.SeedSequence(campaign_seed, spawn_key=(point, rep))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def tasks(campaign: Campaign, done: set[tuple[int, int]] = frozenset()) -> list[Task]:
    """The replications of ``campaign`` not in ``done``, replication-major (every point's
    replication 0, then every point's replication 1, ...) so that a partial campaign
    covers its sweep points evenly. With ``campaign.common_seeds`` every point's
    replication r has the seed of point 0's."""
    return [
        (p.index, r, task_seed(campaign.seed, 0 if campaign.common_seeds else p.index, r))
        for r in range(campaign.replications)
        for p in campaign.points
        if (p.index, r) not in done
    ]


@dataclass(frozen=True)
class RunStats:
    """What a call of :func:`run_campaign` did: ``n_total`` replications in the campaign,
    ``n_before`` already stored, ``n_run`` run now; ``wall_s`` elapsed."""

    store: Store
    n_total: int
    n_before: int
    n_run: int
    wall_s: float


def run_campaign(
    campaign: Campaign,
    out_dir: str | Path,
    *,
    backend: Backend | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RunStats:
    """Run every replication of ``campaign`` missing from the store in ``out_dir`` and
    write each as soon as it finishes. ``resume`` continues a campaign already stored
    there (else the folder must not hold one). ``progress(done, total)`` is called at
    the start and after each stored replication. The default backend is a local process
    pool over every core."""
    backend = backend or LocalBackend()
    store = Store.create(out_dir, campaign, resume=resume)
    t0 = time.perf_counter()
    with store.lock():
        done = store.done()
        # Replications beyond a lowered replication count stay stored but are not counted.
        before = sum(1 for p, r in done if r < campaign.replications)
        todo = tasks(campaign, done)
        total = campaign.n_tasks
        if progress:
            progress(before, total)
        points = {p.index: p.loaded for p in campaign.points}
        n = 0
        for row, events in backend.run(points, todo, campaign.store_events):
            store.write(row, events)
            n += 1
            if progress:
                progress(before + n, total)
    return RunStats(store, total, before, n, time.perf_counter() - t0)
