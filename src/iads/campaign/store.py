"""The campaign store: one folder per campaign, one Parquet summary row (and optionally
one event log) per finished replication, written at once and atomically.

    DIR/campaign.json                      manifest: iads version, seed, points, replications
    DIR/campaign.yaml                      the campaign file as given (if any)
    DIR/scenarios/point-0003.yaml          resolved scenario of each sweep point
    DIR/runs/point-0003/rep-0000017.summary.parquet   one row: point, rep, seed, metrics
    DIR/runs/point-0003/rep-0000017.events.parquet    that replication's event log

Each file is written under a temporary name, flushed to disk and renamed
(``os.replace`` is atomic on POSIX and Windows), the event log before the summary row:
a replication is done exactly when its summary file exists, so a campaign killed at any
instant loses only the replications in flight, and a resumed campaign never stores a
replication twice (the file name is the replication's identity).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import iads
from iads.campaign.spec import Campaign
from iads.errors import InputError

__all__ = ["MANIFEST", "Store"]

MANIFEST = "campaign.json"
_FORMAT = 1
_DONE = re.compile(r"rep-(\d+)\.summary\.parquet$")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now_utc() -> str:
    """The current UTC time, or SOURCE_DATE_EPOCH when set (the reproducible-builds.org
    convention: a fixed time, so that two runs of one campaign write identical files)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).isoformat(timespec="seconds")
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(campaign: Campaign) -> dict[str, Any]:
    """What a campaign folder records to reproduce its results."""
    return {
        "format": _FORMAT,
        "name": campaign.name,
        "description": campaign.description,
        "kind": campaign.kind,
        "iads_version": iads.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "created_utc": _now_utc(),
        "seed": campaign.seed,
        "seeding": "replication (point p, rep r) runs with seed "
        "SeedSequence(seed, spawn_key=(p, r)).generate_state(1, uint64)[0] >> 1"
        + (" with p = 0 for every point (common random numbers)"
           if campaign.common_seeds else ""),
        "replications": campaign.replications,
        "mode": campaign.mode,
        "parameters": list(campaign.parameters),
        "store_events": campaign.store_events,
        "campaign_file": campaign.source,
        "points": [
            {
                "index": p.index,
                "label": p.label,
                "params": p.params,
                "scenario_source": p.loaded.source,
                "scenario_file": f"scenarios/point-{p.index:04d}.yaml",
                "scenario_sha256": _sha(p.text),
            }
            for p in campaign.points
        ],
    }


class Store:
    """A campaign folder (see the module docstring)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- creating and opening -----------------------------------------------------------
    @classmethod
    def create(cls, root: str | Path, campaign: Campaign, *, resume: bool = False) -> Store:
        """Prepare ``root`` for ``campaign``. Without ``resume`` the folder must not hold
        a campaign already; with it, a folder holding one must hold this same campaign
        (same seed, parameters and resolved scenarios; the number of replications may
        grow or shrink)."""
        store = cls(root)
        man = json.loads(json.dumps(manifest(campaign), default=str))
        if store.manifest_path.exists():
            if not resume:
                raise InputError(
                    f"{store.root} already holds a campaign; use --resume to finish it, or "
                    "another --out folder"
                )
            old = store.manifest()
            for key in ("seed", "parameters", "kind"):
                if old.get(key) != man[key]:
                    raise InputError(
                        f"cannot resume: {store.root} holds a campaign with {key} "
                        f"{old.get(key)!r}, this one has {man[key]!r}"
                    )
            olds = [(p["params"], p["scenario_sha256"]) for p in old["points"]]
            news = [(p["params"], p["scenario_sha256"]) for p in man["points"]]
            if olds != news:
                raise InputError(
                    f"cannot resume: the sweep points or their scenarios differ from the "
                    f"campaign stored in {store.root}"
                )
            man["created_utc"] = old.get("created_utc", man["created_utc"])
            man["resumed_utc"] = _now_utc()
        store.root.mkdir(parents=True, exist_ok=True)
        (store.root / "scenarios").mkdir(exist_ok=True)
        for p in campaign.points:
            _atomic_text(store.root / f"scenarios/point-{p.index:04d}.yaml", p.text)
        if campaign.text is not None:
            _atomic_text(store.root / "campaign.yaml", campaign.text)
        _atomic_text(store.manifest_path, json.dumps(man, indent=2, ensure_ascii=False))
        store.clean_partial()
        return store

    @classmethod
    def open(cls, root: str | Path) -> Store:
        """An existing campaign folder (an input error if ``root`` holds none)."""
        store = cls(root)
        if not store.manifest_path.exists():
            raise InputError(f"{store.root} is not a campaign folder (no {MANIFEST})")
        return store

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def manifest(self) -> dict[str, Any]:
        """The folder's manifest (campaign.json)."""
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    # -- replications -------------------------------------------------------------------
    def _base(self, point: int, rep: int) -> Path:
        return self.root / "runs" / f"point-{point:04d}" / f"rep-{rep:07d}"

    def done(self) -> set[tuple[int, int]]:
        """(point, rep) of every stored replication."""
        out: set[tuple[int, int]] = set()
        runs = self.root / "runs"
        if not runs.is_dir():
            return out
        for folder in runs.iterdir():
            if not folder.name.startswith("point-"):
                continue
            point = int(folder.name[6:])
            for f in folder.iterdir():
                m = _DONE.match(f.name)
                if m:
                    out.add((point, int(m.group(1))))
        return out

    def write(self, row: pa.Table, events: pa.Table | None) -> None:
        """Store one finished replication: its event log (if given), then its summary
        row, each atomically. ``row`` is the one-row table of
        :func:`iads.campaign.metrics.row_table`."""
        point, rep = row.column("point")[0].as_py(), row.column("rep")[0].as_py()
        base = self._base(point, rep)
        base.parent.mkdir(parents=True, exist_ok=True)
        if events is not None:
            _atomic_parquet(base.with_name(base.name + ".events.parquet"), events)
        _atomic_parquet(base.with_name(base.name + ".summary.parquet"), row)

    def summary_glob(self) -> str:
        """The glob of every summary file (for DuckDB's ``read_parquet``)."""
        return str(self.root / "runs" / "point-*" / "rep-*.summary.parquet")

    def events_path(self, point: int, rep: int) -> Path:
        """Where the event log of replication (point, rep) is stored."""
        base = self._base(point, rep)
        return base.with_name(base.name + ".events.parquet")

    def clean_partial(self) -> int:
        """Remove temporary files left by a killed campaign; returns how many."""
        n = 0
        runs = self.root / "runs"
        if runs.is_dir():
            for f in runs.glob("point-*/*.tmp-*"):
                f.unlink(missing_ok=True)
                n += 1
        return n

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder while running (released by the OS if the
        process dies), so that two processes never run the same campaign at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                import fcntl
            except ImportError:  # not POSIX: no lock
                yield
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(f"{self.root} is in use by another running campaign") from None
            yield
        finally:
            os.close(fd)


def _tmp(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}")


def _atomic_parquet(path: Path, table: pa.Table) -> None:
    tmp = _tmp(path)
    with open(tmp, "wb") as f:
        pq.write_table(table, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _atomic_text(path: Path, text: str) -> None:
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
