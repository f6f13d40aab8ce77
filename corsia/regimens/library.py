"""Loading the preloaded library (reference data) and its demo validation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from corsia.core.actors import User
from corsia.regimens import data, services
from corsia.regimens.domain.approval import VersionStatus
from corsia.regimens.models import RegimenVersion


def load_preloaded() -> str:
    """Idempotent: regimens already present (by code) are left as the hospital has them."""
    created, present = services.regimen_library_load(specs=data.specs())
    return f"regimen library: {created} loaded, {present} already present"


@transaction.atomic
def validate_for_demo(*, validators: Iterable[str]) -> str:
    """The demo hospital adopts the whole library: two demo physicians approve each regimen.

    Each approval is a real, audited approval by that user (visible in the validation
    history); versions they already approved are skipped, so this is idempotent.
    """
    users = [User.objects.get(username=name) for name in validators]
    done = 0
    pending = RegimenVersion.objects.filter(
        status=VersionStatus.IN_TEST.value, source="library"
    ).order_by("id")
    for version in pending:
        approved = set(version.approvals.values_list("approver_id", flat=True))
        for user in users:
            if user.pk in approved or user.pk == version.author_id:
                continue
            services.regimen_approve(
                actor=user,
                version_id=version.pk,
                comment="Adozione della libreria nell'ospedale dimostrativo",
            )
            done += 1
    return f"regimen library: {done} demo approvals recorded"
