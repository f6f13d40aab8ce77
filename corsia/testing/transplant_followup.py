"""A transplant case in follow-up for the tests: the allogeneic case of
``corsia.testing.transplant`` with its day 0 set (``days_ago`` days before today). Until the
day-0 service records the infusion, the date is written on the row directly (test data
only)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from corsia.core.actors import User
from corsia.testing.transplant import case_opened
from corsia.transplant.models import Transplant


def case_in_follow_up(physician: User, patient_id: int, *, days_ago: int = 30) -> Transplant:
    """An allogeneic case whose day 0 was ``days_ago`` days ago."""
    case = case_opened(physician, patient_id)
    day_zero = timezone.localdate() - timedelta(days=days_ago)
    Transplant.objects.filter(pk=case.pk).update(day_zero=day_zero, state="follow_up")
    case.refresh_from_db()
    return case


def day(case: Transplant, n: int) -> date:
    """The date of day ``n`` of the case."""
    assert case.day_zero is not None
    return case.day_zero + timedelta(days=n)
