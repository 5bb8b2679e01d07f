"""Running the ``iads`` command line in-process for the fuzz suite: the real entry point
(:func:`iads.cli.main`), its exit status and what it printed. Any exception other than
``SystemExit`` escapes, so a traceback fails the test that caused it."""

from __future__ import annotations

import contextlib
import io
import os
import resource
from dataclasses import dataclass
from pathlib import Path

from iads.cli import main

#: Growth of the process's peak memory one command may cause [bytes].
MEMORY_BOUND_BYTES = 1_500 * 1024**2


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout[-2000:]}\n--- stderr\n{self.stderr}"


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def iads(*args: str, cwd: Path | None = None) -> Outcome:
    """Run ``iads ARGS`` in this process (in ``cwd``); return its exit status and output."""
    out, err = io.StringIO(), io.StringIO()
    before = _peak_rss_bytes()
    old = Path.cwd()
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(old)
    grown = _peak_rss_bytes() - before
    assert grown < MEMORY_BOUND_BYTES, f"iads {args} grew the peak memory by {grown / 1e6:.0f} MB"
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_clean(res: Outcome, *, file: str | None = None) -> None:
    """Exit 0, or exit 2 with an ``error:`` line (naming ``file`` when given); never a
    traceback or another status."""
    assert res.code in (0, 2), str(res)
    assert "Traceback" not in res.stderr, str(res)
    if res.code == 2:
        assert "error" in res.stderr.lower(), str(res)
        if file is not None and "usage:" not in res.stderr.lower():
            assert file in res.stderr, str(res)
