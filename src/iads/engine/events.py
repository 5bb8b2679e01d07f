"""The event log's kinds, schema and accumulator, re-exported from their home
``iads.state.events`` (below every stage, so that stages need not import the engine)."""

from iads.state.events import EVENT_KINDS, EVENT_SCHEMA, EventLog

__all__ = ["EVENT_KINDS", "EVENT_SCHEMA", "EventLog"]
