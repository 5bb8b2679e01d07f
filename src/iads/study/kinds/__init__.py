"""The chapter kinds of a study, one module each; importing this package registers them
all in :data:`iads.study.chapter.KINDS`."""

from iads.study.kinds import (  # noqa: F401
    comparison,
    coverage,
    exposure,
    fratricide,
    sensitivity,
)
