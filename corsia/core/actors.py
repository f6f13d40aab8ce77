"""Who acts and where: the typed actor and workstation every service takes, and the one
permission check services and selectors make.

``User`` is the project's user model (``settings.AUTH_USER_MODEL``). Type checkers see
``corsia.accounts.models.User`` (an import made only while type checking, which
import-linter is told to ignore: core stays below every module at run time); at run time
the name resolves through ``get_user_model()`` once the app registry is ready.

``Workstation`` is whatever ``request.workstation`` holds (the accounts middleware's
``WorkstationInfo``, which has ``label()``), a plain name (scripts, the demo, tests), or
``None`` when unknown; :func:`workstation_label` is how it is written into audit rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from corsia.core.domain.errors import PermissionRefused

if TYPE_CHECKING:
    from corsia.accounts.models import User

__all__ = [
    "PERMISSION_REFUSED",
    "LabelledWorkstation",
    "User",
    "Workstation",
    "require_permission",
    "workstation_label",
]

PERMISSION_REFUSED = "Non hai il permesso per questa operazione."


class LabelledWorkstation(Protocol):
    def label(self) -> str: ...


Workstation: TypeAlias = "LabelledWorkstation | str | None"


def workstation_label(workstation: object) -> str:
    """The workstation's name as stored in audit rows (empty when unknown)."""
    if workstation is None:
        return ""
    label = getattr(workstation, "label", None)
    return str(label() if callable(label) else workstation)


def require_permission(
    actor: User | None, permission: str, message: str = PERMISSION_REFUSED
) -> User:
    """Refuse (``PermissionRefused``, 403, Italian ``message``) unless ``actor`` is a
    signed-in user holding ``permission``. Nobody (``None``) and anonymous users hold none.

    Returns the actor, known from here on to be a signed-in user.
    """
    if (
        actor is None
        or not getattr(actor, "is_authenticated", True)
        or not actor.has_perm(permission)
    ):
        raise PermissionRefused(message, details={"permission": permission})
    return actor


def __getattr__(name: str) -> Any:
    if name == "User":
        from django.contrib.auth import get_user_model

        return get_user_model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
