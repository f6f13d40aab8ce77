"""The demo UFA: two hoods, today's session at the first one, and scannable demo packs
(fictitious AIC codes, see ``demo_data``) for the FOLFOX drugs. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.compounding.demo_data import ensure_demo_packs
from corsia.compounding.models import Hood, HoodKind, WorkSession
from corsia.core.actors import User

HOODS = (
    ("C1", "Cappa 1 — BSC classe II", HoodKind.BSC),
    ("ISO1", "Isolatore 1", HoodKind.ISOLATOR),
)


@transaction.atomic
def ensure_demo_ufa(*, pharmacist: User, technician: User) -> str:
    for code, name, kind in HOODS:
        Hood.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    today = timezone.localdate()
    hood = Hood.objects.get(code="C1")
    _, opened = WorkSession.objects.get_or_create(
        date=today, hood=hood, defaults={"technician": technician, "pharmacist": pharmacist}
    )
    packs = ensure_demo_packs()
    return f"demo UFA: {len(HOODS)} hoods, session today {'opened' if opened else 'kept'}, {len(packs)} demo packs"
