"""The measured confusion of the track classifier (``iads.c2.classify``) through the whole
chain: threat flight, radar sensing, tracking and classification, as a run makes them.

``classification_confusion`` runs a scenario (usually with its batteries on hold fire)
and records, at every measurement update of every confirmed track, the class the decision
picture declares (``decided_class``), against the class of the object the track follows
(scoring truth; "false track" when it follows none). It observes the engine's
classification step from outside (wrapping ``iads.c2.stage.classify_tracks`` for the run)
and changes nothing in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.c2.classify import HYPOTHESES, decided_class
from iads.catalog.schema import THREAT_CLASSES

__all__ = ["Confusion", "classification_confusion", "confusion_markdown"]

#: Rows of the confusion matrix: the true classes, then tracks no real object made.
TRUE_ROWS: tuple[str, ...] = (*THREAT_CLASSES, "false track")


@dataclass
class Confusion:
    """Counts (rows ``TRUE_ROWS``, columns ``HYPOTHESES``) of declared classes per true
    class, over every (confirmed track, measurement update) with at least
    ``min_updates`` classification updates; ``by_group`` the same per threat group (the
    threat's name without its ``.k`` index)."""

    counts: NDArray[np.int64]
    by_group: dict[str, NDArray[np.int64]]
    min_updates: int
    group_row: dict[str, int]  # the true row (index into TRUE_ROWS) of each group

    def without(self, groups: Iterable[str]) -> Confusion:
        """The same counts with the declarations on ``groups`` left out."""
        counts = self.counts.copy()
        for g in groups:
            if g in self.by_group:
                counts[self.group_row[g]] -= self.by_group[g]
        keep = {k: v for k, v in self.by_group.items() if k not in set(groups)}
        return Confusion(counts, keep, self.min_updates,
                         {k: v for k, v in self.group_row.items() if k in keep})

    def rates(self) -> NDArray[np.float64]:
        """Row-normalized rates (NaN for empty rows)."""
        n = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.counts / n


@contextmanager
def _recording(records: list[tuple[int, int, int, int]]) -> Iterator[None]:
    """Record (true row, threat index or -1, declared hypothesis, update count) of every
    confirmed track classified while the block runs."""
    import iads.c2.stage as stage

    original = stage.classify_tracks
    updates: dict[tuple[int, int], int] = {}

    def observed(rs, pic) -> None:  # type: ignore[no-untyped-def]
        ids = pic.tracks.ids
        before = pic.class_t_s[ids].copy() if ids.size else np.empty(0)
        original(rs, pic)
        if ids.size == 0:
            return
        after = pic.class_t_s[ids]
        new = ~(before == after) & np.isfinite(after) & pic.tracks.confirmed
        if not new.any():
            return
        tids = ids[new]
        declared = decided_class(np.exp(pic.class_logp[tids]), rs.built.threat_library.decide_p)
        truth = pic.truth[tids]
        klass = rs.built.threats.klass[np.maximum(truth, 0)]
        rows = np.where(truth >= 0, klass, len(THREAT_CLASSES))
        for tid, r, j, d in zip(tids, rows, truth, declared, strict=True):
            key = (id(pic), int(tid))
            updates[key] = updates.get(key, 0) + 1
            records.append((int(r), int(j), int(d), updates[key]))

    stage.classify_tracks = observed
    try:
        yield
    finally:
        stage.classify_tracks = original


def classification_confusion(
    loaded, seeds: Iterable[int], min_updates: int = 1
) -> Confusion:
    """Run ``loaded`` (a ``LoadedScenario``) once per seed and count the classifier's
    declarations against the truth (updates of a track from its ``min_updates``-th on)."""
    from iads.engine.build import build
    from iads.engine.loop import simulate_built

    n_rows, n_cols = len(TRUE_ROWS), len(HYPOTHESES)
    counts = np.zeros((n_rows, n_cols), np.int64)
    by_group: dict[str, NDArray[np.int64]] = {}
    group_row: dict[str, int] = {}
    for seed in seeds:
        b = build(loaded, seed=seed)
        records: list[tuple[int, int, int, int]] = []
        with _recording(records):
            simulate_built(b)
        for r, j, d, k in records:
            if k < min_updates:
                continue
            counts[r, d] += 1
            key = b.threats.names[j].rsplit(".", 1)[0] if j >= 0 else "false track"
            by_group.setdefault(key, np.zeros(n_cols, np.int64))[d] += 1
            group_row[key] = r
    return Confusion(counts, by_group, min_updates, group_row)


def confusion_markdown(conf: Confusion) -> str:
    """The confusion as a Markdown table of row percentages (and counts per row)."""
    rates = conf.rates()
    head = "| true \\ declared | " + " | ".join(HYPOTHESES) + " | updates |"
    lines = [head, "|---" * (len(HYPOTHESES) + 2) + "|"]
    for i, name in enumerate(TRUE_ROWS):
        n = int(conf.counts[i].sum())
        if n == 0:
            continue
        cells = " | ".join(f"{100 * r:.1f}" for r in rates[i])
        lines.append(f"| {name} | {cells} | {n} |")
    return "\n".join(lines)
