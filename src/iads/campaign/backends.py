"""Execution backends: where the replications of a campaign run.

A backend takes the campaign's scenarios (by point index) and an iterable of tasks
``(point, rep, seed)`` and yields each finished replication as soon as it is done, in
completion order. A replication depends only on its scenario and its seed, so the results
do not depend on the backend or the number of workers; only their order does.

- :class:`LocalBackend`: a pool of local processes (all cores by default; one worker runs
  in this process, which is the simplest to debug).
- :class:`DaskBackend`: a ``dask.distributed`` client, connected to a running scheduler
  or to a :class:`~dask.distributed.LocalCluster` it starts.

Both keep only a few tasks in flight per worker (not the whole campaign), so that an
interrupted campaign loses only those, and memory stays bounded.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol

import pyarrow as pa

from iads.errors import InputError, ParameterError
from iads.scenario import LoadedScenario

__all__ = ["Backend", "DaskBackend", "LocalBackend", "Replication", "Task", "replicate"]

Task = tuple[int, int, int]  # (point, rep, seed)
Replication = tuple[pa.Table, pa.Table | None]  # (summary row, event log or None)
_IN_FLIGHT_PER_WORKER = 2
#: Seconds to wait for a remote dask scheduler before saying it cannot be reached.
_CONNECT_TIMEOUT_S = 10


def replicate(loaded: LoadedScenario, point: int, rep: int, seed: int, events: bool) -> Replication:
    """Run one replication; return its summary row and (if ``events``) its event log with
    the name columns of ``events.parquet`` (docs/results.md)."""
    from iads.campaign.metrics import row_table
    from iads.engine import simulate

    result = simulate(loaded, seed)
    row = row_table(point, rep, seed, result.summary())
    return row, (result.events_with_names() if events else None)


def _annotate(exc: BaseException, task: Task) -> None:
    exc.add_note(f"in campaign replication point={task[0]} rep={task[1]} seed={task[2]}")


class Backend(Protocol):
    """Runs tasks and yields finished replications in completion order."""

    def run(
        self, points: dict[int, LoadedScenario], tasks: Iterable[Task], events: bool
    ) -> Iterator[Replication]: ...


# -- local processes ---------------------------------------------------------------------
_WORKER_POINTS: dict[int, LoadedScenario] = {}


def _init_worker(points: dict[int, LoadedScenario], parent_pid: int) -> None:
    # Ctrl-C is the parent's business: it stops submitting and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_POINTS.clear()
    _WORKER_POINTS.update(points)
    threading.Thread(target=_exit_with, args=(parent_pid,), daemon=True).start()


def _exit_with(parent_pid: int, period_s: float = 1.0) -> None:
    """End this worker once the campaign's process is gone (killed with -9, say): a pool
    worker waits on a queue whose write end it holds itself, so it would never see EOF."""
    while True:
        time.sleep(period_s)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # a process of another user now has that id
            os._exit(1)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """End an interrupted pool's workers now instead of awaiting their replications.

    Interrupted (Ctrl-C, an error), a worker may be in the middle of a long replication or
    of its first numba compilation; the store already holds every finished replication,
    so the workers are terminated. (``ProcessPoolExecutor`` has no public way to do this
    before Python 3.14.) A worker terminated while it sends its result leaves a torn
    message in the result pipe, and the pool's manager thread, reading it, would wait for
    the rest for ever: this process holds a write end of that pipe too, so the read never
    sees end-of-file, and interpreter exit joins that thread. That hung a fresh clone's
    Ctrl-C (with a cold numba cache both workers finish their first, compiling
    replication together, so one is still sending its event log when the other's is
    stored and Ctrl-C comes). Closing this process's write end once the workers are
    terminated turns the torn read into end-of-file, which the manager thread handles as
    a broken pool: it fails the pending futures and ends."""
    workers = list((pool._processes or {}).values())
    results = pool._result_queue  # shutdown() drops the reference
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        proc.terminate()
    if results is not None:
        results._writer.close()


def _worker_task(point: int, rep: int, seed: int, events: bool) -> Replication:
    return replicate(_WORKER_POINTS[point], point, rep, seed, events)


class LocalBackend:
    """A pool of ``workers`` local processes (default: every core)."""

    def __init__(self, workers: int | None = None):
        if workers is not None and workers < 1:
            raise ParameterError("workers", workers, "a positive number of processes")
        self.workers = workers or os.cpu_count() or 1

    def run(
        self, points: dict[int, LoadedScenario], tasks: Iterable[Task], events: bool
    ) -> Iterator[Replication]:
        if self.workers == 1:
            for task in tasks:
                try:
                    out = replicate(points[task[0]], *task, events)
                except Exception as exc:
                    _annotate(exc, task)
                    raise
                yield out
            return
        methods = mp.get_all_start_methods()
        # Not fork: the parent runs threads (progress bar), which fork would copy mid-state.
        # (As with any spawn/forkserver pool, a script using this needs the
        # ``if __name__ == "__main__":`` guard.)
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            # the server imports the engine and loads its compiled kernels once; each
            # worker forks from it ready to run (iads.campaign._preload)
            ctx.set_forkserver_preload(["iads.campaign.backends", "iads.campaign._preload"])
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(points, os.getpid()),
        )
        pending: dict[Future, Task] = {}
        todo = iter(tasks)
        finished = False
        try:
            self._fill(pool, pending, todo, events)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = pending.pop(fut)
                    try:
                        rep = fut.result()
                    except Exception as exc:
                        _annotate(exc, task)
                        raise
                    yield rep
                self._fill(pool, pending, todo, events)
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:
                _end_workers(pool)

    def _fill(self, pool, pending: dict[Future, Task], todo: Iterator[Task], events: bool):
        while len(pending) < _IN_FLIGHT_PER_WORKER * self.workers:
            task = next(todo, None)
            if task is None:
                return
            pending[pool.submit(_worker_task, *task, events)] = task


# -- dask --------------------------------------------------------------------------------
class DaskBackend:
    """A ``dask.distributed`` client: ``address`` of a running scheduler
    (``tcp://host:8786``), or ``"local"`` to start a LocalCluster of ``workers``
    single-threaded workers (processes, or threads of this process if ``processes`` is
    False). Results travel back to this process, which alone writes the store, so the
    workers need no shared file system."""

    def __init__(self, address: str = "local", workers: int | None = None, processes=True):
        if workers is not None and workers < 1:
            raise ParameterError("workers", workers, "a positive number of workers")
        self.address, self.workers, self.processes = address, workers, processes

    def run(
        self, points: dict[int, LoadedScenario], tasks: Iterable[Task], events: bool
    ) -> Iterator[Replication]:
        import logging

        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if self.address == "local":
            cluster = LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            try:
                client = Client(self.address, timeout=_CONNECT_TIMEOUT_S)
            except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
                raise InputError(
                    f"--dask {self.address}: cannot connect to a dask scheduler there "
                    f"({type(exc).__name__}: {exc}); give a scheduler address such as "
                    "tcp://host:8786, or 'local'"
                ) from None
        try:
            n_slots = sum(client.nthreads().values()) or 1
            scattered = {i: client.scatter(ld, broadcast=True) for i, ld in points.items()}
            todo = iter(tasks)
            pending: dict = {}
            flow = as_completed()

            def submit() -> bool:
                task = next(todo, None)
                if task is None:
                    return False
                fut = client.submit(replicate, scattered[task[0]], *task, events, pure=False)
                pending[fut.key] = task
                flow.add(fut)
                return True

            for _ in range(_IN_FLIGHT_PER_WORKER * n_slots):
                if not submit():
                    break
            for fut in flow:
                task = pending.pop(fut.key)
                try:
                    rep = fut.result()
                except Exception as exc:
                    _annotate(exc, task)
                    raise
                yield rep
                submit()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
