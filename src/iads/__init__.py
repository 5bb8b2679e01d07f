"""iads: operational analysis of integrated air and missile defense by simulation."""

__version__ = "0.1.0"
