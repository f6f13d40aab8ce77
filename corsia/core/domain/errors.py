"""Errors that carry a stable machine-readable code and a message for people.

The ``code`` is English, stable, and part of the API contract; the ``message``
is Italian (the UI language) and may be translated by the interface layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CorsiaError(Exception):
    """Base for every refusal Corsia explains to a user or an integration."""

    code: str = "error"
    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.details: dict[str, Any] = dict(details or {})


class ValidationFailed(CorsiaError):
    """Input that cannot be accepted as given (out of range, malformed, inconsistent)."""

    code = "validation_failed"
    status = 422


class PermissionRefused(CorsiaError):
    code = "permission_denied"
    status = 403


class NotFound(CorsiaError):
    code = "not_found"
    status = 404


class ConflictError(CorsiaError):
    """The request conflicts with the current state (concurrent edit, wrong state)."""

    code = "conflict"
    status = 409


class InvalidTransition(ConflictError):
    code = "invalid_transition"
