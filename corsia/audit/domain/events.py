"""The registry of typed audit events: each type is declared once, with its label."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    code: str
    label_it: str
    reason_required: bool = False


_REGISTRY: dict[str, EventType] = {}


def register(code: str, label_it: str, *, reason_required: bool = False) -> EventType:
    """Declare an event type; a second declaration of the same code is a programming error."""
    if code in _REGISTRY:
        raise ValueError(f"audit event type {code!r} is already registered")
    event = EventType(code, label_it, reason_required)
    _REGISTRY[code] = event
    return event


def get(code: str) -> EventType:
    return _REGISTRY[code]


def all_types() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda e: e.code)
