"""The bedside started an administration with a preparation's label: the preparation keeps
its first start (``Preparation.first_administration_started_at``), read by the pharmacy's
timing report with the preparation's own instants (one query, percentiles in SQL)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from corsia.compounding.models import Preparation


def preparation_administration_started(*, label_code: str, started_at: datetime) -> int:
    """Record that an administration with the label ``label_code`` started at
    ``started_at``: the preparation keeps the earliest start (set when empty or later, never
    moved later). Called by administration's bedside service inside the transaction that
    created the administration (it checked the nurse's permission and writes the audit
    event): one conditional UPDATE, which commits or rolls back with it. Returns the
    number of preparations changed (0 or 1: the label code is unique); a label that is no
    preparation's (a ward's ready-made drug) changes nothing."""
    if not label_code:
        return 0
    return (
        Preparation.objects.filter(label_code=label_code)
        .filter(
            Q(first_administration_started_at__isnull=True)
            | Q(first_administration_started_at__gt=started_at)
        )
        .update(first_administration_started_at=started_at)
    )
