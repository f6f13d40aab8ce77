"""SMART-style scopes on an API token, for read-only integrations (SMART App Launch v1
syntax): ``patient/*.read``, ``user/*.read``, ``user/Observation.read`` …, space-separated.

A token without scopes acts as its user (every permission of the user's roles, writes
included), as before scopes existed. A token with scopes reads only the FHIR resources its
scopes name, never more than its user may, and never writes anywhere in the API: only
``.read`` is accepted when the token is issued (``.write`` and ``.*`` are refused, not
narrowed). ``patient/`` scopes reach the resources of the patient compartment only (a
patient's data); the others (Practitioner, Medication, PlanDefinition, AuditEvent) need a
``user/`` scope. No launch context binds a token to one patient: the user's own patient
scope (a trial monitor's patients) is what narrows a ``patient/`` scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 500
_SCOPE = re.compile(
    r"^(?P<context>patient|user)/(?P<resource>\*|[A-Z][A-Za-z]{1,63})\.(?P<access>[a-z*]+)$"
)


class InvalidScope(ValueError):
    """A scope the server does not grant (bad syntax, or anything but read)."""


@dataclass(frozen=True)
class Scope:
    context: str  # patient, user
    resource: str  # a FHIR resource type, or *

    def __str__(self) -> str:
        return f"{self.context}/{self.resource}.read"


def parse_scopes(text: str) -> frozenset[Scope]:
    """The scopes of ``text`` (space-separated); empty: none (an unscoped token)."""
    if len(text) > MAX_LENGTH:
        raise InvalidScope(f"At most {MAX_LENGTH} characters of scopes")
    found = set()
    for word in text.split():
        match = _SCOPE.match(word)
        if match is None:
            raise InvalidScope(f"Not a scope: {word[:80]!r} (e.g. user/*.read)")
        if match["access"] != "read":
            raise InvalidScope(f"Only read scopes are granted: {word[:80]!r}")
        found.add(Scope(context=match["context"], resource=match["resource"]))
    return frozenset(found)


def scopes_text(scopes: frozenset[Scope]) -> str:
    return " ".join(sorted(str(s) for s in scopes))


def scopes_allow(scopes: frozenset[Scope], resource_type: str, *, patient_data: bool) -> bool:
    """Whether the scopes let a token read ``resource_type`` (``patient_data``: a resource
    of the patient compartment, which a ``patient/`` scope reaches)."""
    return any(
        s.resource in ("*", resource_type) and (s.context == "user" or patient_data) for s in scopes
    )
