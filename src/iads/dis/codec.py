"""The byte layout of the DIS version 7 PDUs iads writes (IEEE 1278.1-2012), as numpy
structured dtypes, with their encoder and decoder.

Three PDUs: Entity State (type 1, 144 bytes without variable parameters), Fire (type 2,
96 bytes) and Detonation (type 3, 104 bytes without variable parameters). Every field is
big-endian (network byte order, IEEE 1278.1-2012 §6.1.2 / 5.1.4) and the records are
packed, so ``array.tobytes()`` of a dtype below is the PDUs back to back and
``np.frombuffer`` reads them back exactly. Field order and sizes: IEEE 1278.1-2012
§7.2.2 (Entity State), §7.3.2 (Fire), §7.3.3 (Detonation) and the records of §6.2.

Timestamps (§6.2.88): the 31 high bits count units of 3600 s / 2**31 (about 1.68 µs)
past the hour; the low bit is 1 for an absolute timestamp (clock synchronised to UTC).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DETONATION",
    "DIS_VERSION",
    "ENTITY_STATE",
    "FIRE",
    "PDU_DTYPES",
    "PDU_TYPE_DETONATION",
    "PDU_TYPE_ENTITY_STATE",
    "PDU_TYPE_FIRE",
    "decode",
    "encode",
    "from_timestamp",
    "header",
    "to_timestamp",
]

DIS_VERSION = 7  # IEEE 1278.1-2012
PDU_TYPE_ENTITY_STATE = 1
PDU_TYPE_FIRE = 2
PDU_TYPE_DETONATION = 3
FAMILY_ENTITY_INFORMATION = 1
FAMILY_WARFARE = 2

#: Units of the DIS timestamp per second: 2**31 per hour.
TIMESTAMP_UNITS_PER_S = 2.0**31 / 3600.0

HEADER = np.dtype(
    [
        ("protocol_version", "u1"),
        ("exercise_id", "u1"),
        ("pdu_type", "u1"),
        ("protocol_family", "u1"),
        ("timestamp", ">u4"),
        ("length", ">u2"),
        ("pdu_status", "u1"),
        ("padding", "u1"),
    ]
)
ENTITY_ID = np.dtype([("site", ">u2"), ("application", ">u2"), ("entity", ">u2")])
EVENT_ID = np.dtype([("site", ">u2"), ("application", ">u2"), ("event", ">u2")])
ENTITY_TYPE = np.dtype(
    [
        ("kind", "u1"),
        ("domain", "u1"),
        ("country", ">u2"),
        ("category", "u1"),
        ("subcategory", "u1"),
        ("specific", "u1"),
        ("extra", "u1"),
    ]
)
MUNITION_DESCRIPTOR = np.dtype(
    [
        ("entity_type", ENTITY_TYPE),
        ("warhead", ">u2"),
        ("fuse", ">u2"),
        ("quantity", ">u2"),
        ("rate", ">u2"),
    ]
)

ENTITY_STATE = np.dtype(
    [
        ("header", HEADER),
        ("entity_id", ENTITY_ID),
        ("force_id", "u1"),
        ("n_variable_parameters", "u1"),
        ("entity_type", ENTITY_TYPE),
        ("alternative_entity_type", ENTITY_TYPE),
        ("velocity_mps", ">f4", (3,)),  # linear velocity, world (ECEF) frame
        ("location_m", ">f8", (3,)),  # world (geocentric, ECEF) coordinates
        ("orientation_rad", ">f4", (3,)),  # psi, theta, phi
        ("appearance", ">u4"),
        ("dr_algorithm", "u1"),
        ("dr_other", "u1", (15,)),
        ("dr_acceleration_mps2", ">f4", (3,)),
        ("dr_angular_velocity_radps", ">f4", (3,)),
        ("marking_charset", "u1"),
        ("marking", "S11"),
        ("capabilities", ">u4"),
    ]
)

FIRE = np.dtype(
    [
        ("header", HEADER),
        ("firing_id", ENTITY_ID),
        ("target_id", ENTITY_ID),
        ("munition_id", ENTITY_ID),
        ("event_id", EVENT_ID),
        ("fire_mission_index", ">u4"),
        ("location_m", ">f8", (3,)),
        ("descriptor", MUNITION_DESCRIPTOR),
        ("velocity_mps", ">f4", (3,)),
        ("range_m", ">f4"),
    ]
)

DETONATION = np.dtype(
    [
        ("header", HEADER),
        ("firing_id", ENTITY_ID),
        ("target_id", ENTITY_ID),
        ("munition_id", ENTITY_ID),
        ("event_id", EVENT_ID),
        ("velocity_mps", ">f4", (3,)),
        ("location_m", ">f8", (3,)),
        ("descriptor", MUNITION_DESCRIPTOR),
        ("location_in_entity_m", ">f4", (3,)),
        ("result", "u1"),
        ("n_variable_parameters", "u1"),
        ("padding", ">u2"),
    ]
)

#: PDU type -> its dtype.
PDU_DTYPES = {
    PDU_TYPE_ENTITY_STATE: ENTITY_STATE,
    PDU_TYPE_FIRE: FIRE,
    PDU_TYPE_DETONATION: DETONATION,
}
_FAMILY = {
    PDU_TYPE_ENTITY_STATE: FAMILY_ENTITY_INFORMATION,
    PDU_TYPE_FIRE: FAMILY_WARFARE,
    PDU_TYPE_DETONATION: FAMILY_WARFARE,
}

assert ENTITY_STATE.itemsize == 144 and FIRE.itemsize == 96 and DETONATION.itemsize == 104


def to_timestamp(t_s: NDArray[np.float64] | float, absolute: bool = True) -> NDArray[np.uint32]:
    """DIS timestamps of times ``t_s`` [s] counted from the top of an hour (any shape):
    the time past the hour in units of 3600/2**31 s in the 31 high bits, the low bit set
    for an absolute (UTC-synchronised) timestamp. Rounded to the nearest unit."""
    past_hour = np.mod(np.asarray(t_s, dtype=float), 3600.0)
    units = np.rint(past_hour * TIMESTAMP_UNITS_PER_S).astype(np.int64) % (1 << 31)
    return ((units << 1) | int(absolute)).astype(np.uint32)


def from_timestamp(ts: NDArray[np.uint32] | int) -> NDArray[np.float64]:
    """Seconds past the hour of DIS timestamps (the inverse of ``to_timestamp``)."""
    return (np.asarray(ts, dtype=np.uint64) >> 1).astype(float) / TIMESTAMP_UNITS_PER_S


def header(
    records: np.ndarray, pdu_type: int, t_s: NDArray[np.float64], exercise_id: int, status: int
) -> None:
    """Fill the PDU headers of ``records`` (a structured array of ``pdu_type``'s dtype)."""
    h = records["header"]
    h["protocol_version"] = DIS_VERSION
    h["exercise_id"] = exercise_id
    h["pdu_type"] = pdu_type
    h["protocol_family"] = _FAMILY[pdu_type]
    h["timestamp"] = to_timestamp(t_s)
    h["length"] = records.dtype.itemsize
    h["pdu_status"] = status
    h["padding"] = 0


def encode(records: np.ndarray) -> list[bytes]:
    """One bytes object per PDU of a structured array of one of ``PDU_DTYPES``."""
    raw = records.tobytes()
    size = records.dtype.itemsize
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def decode(pdu: bytes) -> np.ndarray:
    """A PDU's bytes as a 0-d structured array of its type's dtype; raises ``ValueError``
    for a PDU that is not a DIS 7 Entity State, Fire or Detonation PDU of the right size."""
    if len(pdu) < HEADER.itemsize:
        raise ValueError(f"a DIS PDU is at least {HEADER.itemsize} bytes; got {len(pdu)}")
    h = np.frombuffer(pdu, HEADER, count=1)[0]
    if int(h["protocol_version"]) != DIS_VERSION:
        raise ValueError(f"not a DIS version 7 PDU (version {int(h['protocol_version'])})")
    dt = PDU_DTYPES.get(int(h["pdu_type"]))
    if dt is None:
        raise ValueError(f"PDU type {int(h['pdu_type'])} is not one iads writes (1, 2, 3)")
    if len(pdu) != dt.itemsize or int(h["length"]) != dt.itemsize:
        raise ValueError(
            f"PDU type {int(h['pdu_type'])} has {dt.itemsize} bytes; got {len(pdu)} "
            f"(length field {int(h['length'])})"
        )
    return np.frombuffer(pdu, dt, count=1)[0]
