"""iads.weapons: engagement envelopes, predicted intercept points and interceptor flyout."""

from iads.weapons.envelope import MissileArrays, in_envelope, intercept_time
from iads.weapons.flyout import SEEKER_BASKET_M, Interceptors

__all__ = ["SEEKER_BASKET_M", "Interceptors", "MissileArrays", "in_envelope", "intercept_time"]
