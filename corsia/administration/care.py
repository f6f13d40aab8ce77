"""The care-scope reader (``corsia.patients.scope``) of the bedside: the patients a user
gave a drug to, or co-signed the administration of. Registered from
``AdministrationConfig.ready``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from corsia.administration.models import Administration


def administration_care_patient_ids(*, user_id: int, since: datetime) -> list[int]:
    """The patients the user administered to (or co-signed for) since ``since``."""
    return list(
        Administration.objects.filter(Q(nurse_id=user_id) | Q(cosigned_by_id=user_id))
        .filter(started_at__gte=since)
        .values_list("patient_id", flat=True)
        .distinct()
    )
