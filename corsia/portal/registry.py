"""What other modules add to the portal without the portal importing them.

- **Menu entries** of the patient's portal (``portal/base.html`` shows them in order):
  ``menu_entry_register(MenuEntry(key="televisit", label="Televisite",
  url_name="televisit:portal_list", order=40))``.
- **Worklist providers** of the team's side: a function ``(*, user) -> list[WorklistItem]``
  the team's worklist page calls; ``worklist_provider_register("telemonitoring.alerts", f)``.

Register once, in the module's ``AppConfig.ready()``; a second registration of a key is
refused (a typo would otherwise hide a module's items). Labels are Italian (translated
when shown: wrap them in ``gettext_lazy``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corsia.accounts.models import User


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Any  # str or a lazy translation
    url_name: str
    order: int = 50


@dataclass(frozen=True)
class WorklistItem:
    """One thing the team should look at for one patient."""

    patient_id: int
    kind: str  # the provider's key, e.g. "portal.messages"
    label: str  # Italian: "2 messaggi non letti", "Febbre dopo chemioterapia"
    url: str  # where the team acts on it
    at: datetime  # when it arose (the oldest unread, the alert's time)
    urgent: bool = False


WorklistProvider = Callable[..., list[WorklistItem]]

_MENU: dict[str, MenuEntry] = {}
_PROVIDERS: dict[str, WorklistProvider] = {}


def menu_entry_register(entry: MenuEntry) -> None:
    if entry.key in _MENU:
        raise ValueError(f"portal menu entry {entry.key!r} registered twice")
    _MENU[entry.key] = entry


def menu_entries() -> list[MenuEntry]:
    return sorted(_MENU.values(), key=lambda entry: (entry.order, entry.key))


def worklist_provider_register(key: str, provider: WorklistProvider) -> None:
    if key in _PROVIDERS:
        raise ValueError(f"portal worklist provider {key!r} registered twice")
    _PROVIDERS[key] = provider


def worklist_items(*, user: User) -> list[WorklistItem]:
    """Every provider's items for this staff user (each provider scopes them to the user's
    permissions and care scope), urgent first, then the oldest first."""
    items: list[WorklistItem] = []
    for key in sorted(_PROVIDERS):
        items.extend(_PROVIDERS[key](user=user))
    return sorted(items, key=lambda item: (not item.urgent, item.at, item.patient_id))
