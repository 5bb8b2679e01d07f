"""iads.report.replay: the 3D replay of a run: the CZML document written from the run
directory's tables (``czml``), the reader of those tables (``runfiles``) and the offline
replay page with its local server (``server``, ``static/``)."""

from iads.report.replay.czml import REPLAY_EPOCH, build_document, write_czml
from iads.report.replay.runfiles import RunFiles, load_run

__all__ = ["REPLAY_EPOCH", "RunFiles", "build_document", "load_run", "write_czml"]
