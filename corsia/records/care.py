"""The care-scope reader (``corsia.patients.scope``) of the medical record: the patients
whose diary the user signed. Registered from ``RecordsConfig.ready``."""

from __future__ import annotations

from datetime import datetime

from corsia.records.models import DiaryEntry


def diary_care_patient_ids(*, user_id: int, since: datetime) -> list[int]:
    """The patients in whose diary the user signed an entry since ``since``."""
    return list(
        DiaryEntry.objects.filter(author_id=user_id, signed_at__gte=since)
        .values_list("patient_id", flat=True)
        .distinct()
    )
