"""Measure the track classifier's confusion on the catalog's threats through the whole
sensing and tracking chain (benchmarks/scenarios/classification.yaml, batteries on hold
fire) and print it as the Markdown table docs/c2.md shows.

    PYTHONPATH=src python benchmarks/classification_confusion.py [--seeds 4] [--min-updates 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from iads.c2.classify import HYPOTHESES
from iads.report.classification import classification_confusion, confusion_markdown
from iads.scenario import load_scenario

HERE = Path(__file__).parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=4, help="replications (seeds 1..N)")
    ap.add_argument("--min-updates", type=int, default=1,
                    help="count a track's declarations from its N-th update on")
    args = ap.parse_args()
    loaded = load_scenario(HERE / "scenarios" / "classification.yaml")
    for k in sorted({1, args.min_updates}):  # all updates, then mature tracks
        conf = classification_confusion(loaded, range(1, args.seeds + 1), min_updates=k)
        print(f"\nDeclared class, % of (confirmed track, update) pairs, from update {k} on "
              f"({args.seeds} seeds):\n")
        print("(catalog profiles: the slow Kalibr group, flown off its catalog profile, is "
              "left out of the class rows)\n")
        print(confusion_markdown(conf.without(["slow Kalibr"])))
        print("\nBy threat group (% declared):\n")
        print("| group | " + " | ".join(HYPOTHESES) + " | updates |")
        print("|---" * (len(HYPOTHESES) + 2) + "|")
        for key, row in sorted(conf.by_group.items()):
            n = int(row.sum())
            print(f"| {key} | " + " | ".join(f"{100 * v / n:.1f}" for v in row) + f" | {n} |")


if __name__ == "__main__":
    main()
