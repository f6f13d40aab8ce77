"""What telemonitoring adds to the portal's team worklist and patient menu (registered in
``TelemonitoringConfig.ready()``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from corsia.core.actors import User
from corsia.portal.registry import MenuEntry, WorklistItem
from corsia.telemonitoring import selectors
from corsia.telemonitoring.permissions import VIEW

MENU = MenuEntry(
    key="telemonitoring",
    label=_("I miei parametri"),
    url_name="telemonitoring:portal_home",
    order=30,
)


def worklist_items(*, user: User) -> list[WorklistItem]:
    """The open alerts of the patients within the user's reach (none without the
    permission)."""
    if not user.has_perm(VIEW):
        return []
    return [
        WorklistItem(
            patient_id=alert.patient_id,
            kind="telemonitoring.alerts",
            label=alert.message,
            url=reverse("telemonitoring:patient", args=[alert.patient_id]),
            at=alert.raised_at,
            urgent=alert.urgent,
        )
        for alert in selectors.open_alert_summaries(user=user)
    ]
