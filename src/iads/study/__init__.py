"""iads.study: studies, a YAML file of chapters each answering one question (comparison,
exposure, fratricide, coverage, sensitivity), run under one progress bar into one report.

chapter    the contract between the runner and the chapter kinds (ChapterContext,
           ChapterResult, Figure, register/KINDS)
kinds      one module per chapter kind, each registering itself
"""
