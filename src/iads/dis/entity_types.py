"""DIS entity types (kind, domain, country, category, subcategory, specific, extra) of
the catalog's threats, interceptors and defense systems, and the other enumerations iads
writes, from the public SISO-REF-010 (Enumerations for Simulation Interoperability).

Every kind, platform domain, country and platform category below is checked in the tests
against the value tables of Wireshark's DIS dissector (``tshark -G values``), an
implementation nobody here wrote. Subcategory/specific/extra are given only where
SISO-REF-010 lists the type (checked against the SISO-REF-010 v29 entity-type tables as
published with Open-DIS, ``open-dis/opendis7-java``); elsewhere they are 0 ("other"),
so the type names the class of the object (e.g. "Russian guided battlefield-support
munition") rather than a guessed model.

Country is the country the design is attributed to (SISO-REF-010 "Country"), not the
operator: an S-400 at a Turkish base is a Russian design.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "COUNTRY",
    "DEFENSE_TYPES",
    "DETONATION_RESULT",
    "DR_FVW",
    "DR_STATIC",
    "EntityType",
    "FORCE_FRIENDLY",
    "FORCE_NEUTRAL",
    "FORCE_OPPOSING",
    "INTERCEPTOR_TYPES",
    "THREAT_CLASS_TYPES",
    "THREAT_TYPES",
    "defense_type",
    "interceptor_type",
    "threat_type",
]


class EntityType(NamedTuple):
    """A SISO-REF-010 entity type record (IEEE 1278.1-2012 §6.2.30)."""

    kind: int
    domain: int
    country: int
    category: int
    subcategory: int = 0
    specific: int = 0
    extra: int = 0


# Entity kinds (SISO-REF-010 UID 7).
KIND_OTHER, KIND_PLATFORM, KIND_MUNITION = 0, 1, 2
# Platform domains (UID 8).
DOMAIN_LAND, DOMAIN_AIR = 1, 2
# Munition domains (UID 14).
MUNITION_ANTI_AIR, MUNITION_BATTLEFIELD_SUPPORT = 1, 9
# Platform categories: air (UID 10), land (UID 9); munition category (UID 15).
AIR_FIGHTER, AIR_ATTACK, AIR_UNMANNED = 1, 2, 50
LAND_AIR_DEFENSE = 28  # "Air Defense / Missile Defense Unit Equipment"
MUNITION_GUIDED = 1

#: Country codes (SISO-REF-010 UID 29) used here.
COUNTRY = {
    "other": 0,
    "France": 71,
    "Iran": 101,
    "Norway": 163,
    "Turkey": 218,
    "Russia": 222,
    "United Kingdom": 224,
    "United States": 225,
}
_C = COUNTRY

# Force ID (UID 6).
FORCE_FRIENDLY, FORCE_OPPOSING, FORCE_NEUTRAL = 1, 2, 3
# Dead-reckoning algorithms (UID 44): 1 static, 5 DRM(F, V, W): fixed orientation,
# position from velocity and acceleration, world coordinates.
DR_STATIC, DR_FVW = 1, 5

#: Detonation results (UID 62) used for each way a flight ends.
DETONATION_RESULT = {
    "intercept": 2,  # Entity proximate detonation
    "pk draw": 32,  # Miss due to end-game failure (target in the basket, not killed)
    "no target in basket": 5,  # Detonation (self-destruct at the aim point)
    "out of energy": 5,  # Detonation (self-destruct at the end of the flight time)
    "impact": 3,  # Ground impact
    "false track": 5,  # Detonation (self-destruct: it reached a track no object made)
    "false track; out of energy": 5,  # Detonation (self-destruct at the end of the flight)
}


def _air(country: str, category: int, subcategory: int = 0) -> EntityType:
    return EntityType(KIND_PLATFORM, DOMAIN_AIR, _C[country], category, subcategory)


def _ssm(country: str, subcategory: int = 0, specific: int = 0) -> EntityType:
    """A guided surface-attack missile: munition, battlefield support, guided."""
    return EntityType(
        KIND_MUNITION,
        MUNITION_BATTLEFIELD_SUPPORT,
        _C[country],
        MUNITION_GUIDED,
        subcategory,
        specific,
    )


def _sam(country: str, subcategory: int = 0, specific: int = 0, extra: int = 0) -> EntityType:
    """A guided anti-air missile."""
    return EntityType(
        KIND_MUNITION,
        MUNITION_ANTI_AIR,
        _C[country],
        MUNITION_GUIDED,
        subcategory,
        specific,
        extra,
    )


#: Built-in catalog threat type -> entity type.
THREAT_TYPES: dict[str, EntityType] = {
    "f16": _air("United States", AIR_FIGHTER),
    "f35": _air("United States", AIR_FIGHTER),
    "su24": _air("Russia", AIR_ATTACK),
    "su35": _air("Russia", AIR_FIGHTER),
    "kalibr": _ssm("Russia"),
    # Tomahawk subcategory 19, specific 5: TACTOM BGM-109E (SISO-REF-010 uid 19944).
    "tomahawk": _ssm("United States", 19, 5),
    "storm_shadow": _ssm("United Kingdom"),
    "iskander": _ssm("Russia"),
    "atacms": _ssm("United States"),
    "scud_b": _ssm("Russia"),
    "shahed136": _air("Iran", AIR_UNMANNED),
}

#: Threat class (catalog ``threat_class``) -> entity type, country "other", for threat
#: types of user catalogs.
THREAT_CLASS_TYPES: dict[str, EntityType] = {
    "aircraft": _air("other", AIR_FIGHTER),
    "stealth_aircraft": _air("other", AIR_FIGHTER),
    "cruise_missile": _ssm("other"),
    "ballistic_missile": _ssm("other"),
    "drone": _air("other", AIR_UNMANNED),
}

#: Built-in catalog missile (interceptor) key -> entity type.
INTERCEPTOR_TYPES: dict[str, EntityType] = {
    # SA-21 Growler subcategory 44: 48N6E3/48N6DM specific 3 (uid 25369), 40N6 specific 4
    # (uid 25370).
    "48N6E3": _sam("Russia", 44, 3),
    "40N6E": _sam("Russia", 44, 4),
    "48N6E2": _sam("Russia"),
    "9M96E2": _sam("Russia"),
    # MIM-104 Patriot subcategory 16: PAC-2 specific 1 (uid 19461); the MSE is not listed
    # apart from PAC-3 (ERINT), so only the Patriot subcategory is given.
    "PAC-2-GEM-T": _sam("United States", 16, 1),
    "PAC-3-MSE": _sam("United States", 16),
    "Aster-30-B1": _sam("France"),
    # AIM-120 AMRAAM subcategory 2 (uid 19419).
    "AIM-120": _sam("United States", 2),
}

#: Built-in catalog system key -> entity type of its fire unit (platform, land, air
#: defense / missile defense unit equipment).
DEFENSE_TYPES: dict[str, EntityType] = {
    "S-400": EntityType(KIND_PLATFORM, DOMAIN_LAND, _C["Russia"], LAND_AIR_DEFENSE),
    "Patriot": EntityType(KIND_PLATFORM, DOMAIN_LAND, _C["United States"], LAND_AIR_DEFENSE),
    "SAMP/T": EntityType(KIND_PLATFORM, DOMAIN_LAND, _C["France"], LAND_AIR_DEFENSE),
    "NASAMS": EntityType(KIND_PLATFORM, DOMAIN_LAND, _C["Norway"], LAND_AIR_DEFENSE),
}

_OTHER = EntityType(KIND_OTHER, 0, 0, 0)


def threat_type(type_key: str, threat_class: str | None = None) -> EntityType:
    """Entity type of a threat type key; by its class for types not listed; else
    all zeros ("other")."""
    if type_key in THREAT_TYPES:
        return THREAT_TYPES[type_key]
    return THREAT_CLASS_TYPES.get(threat_class or "", _OTHER)


def interceptor_type(missile_key: str) -> EntityType:
    """Entity type of an interceptor; an unlisted missile is a guided anti-air munition
    of country "other"."""
    return INTERCEPTOR_TYPES.get(missile_key, _sam("other"))


def defense_type(system_key: str) -> EntityType:
    """Entity type of a fire unit; an unlisted system is land air-defense equipment of
    country "other"."""
    return DEFENSE_TYPES.get(
        system_key, EntityType(KIND_PLATFORM, DOMAIN_LAND, 0, LAND_AIR_DEFENSE)
    )
