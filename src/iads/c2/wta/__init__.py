"""Static weapon-target assignment (WTA): exact, heuristic and reference MILP solvers.

Targets j have values V_j, weapons i kill probabilities p_ij; each shot fires at one target
at most; minimise the expected surviving value sum_j V_j prod_{shots on j} (1 - p_ij).
See docs/wta.md for the algorithms and their measured performance.
"""

from ._problem import WTAResult, surviving_value
from ._solve import DEFAULT_TIME_LIMIT_S, METHODS, solve

__all__ = ["DEFAULT_TIME_LIMIT_S", "METHODS", "WTAResult", "solve", "surviving_value"]
