"""Reads of the portal's records (no side effects)."""

from __future__ import annotations

from django.db.models import QuerySet

from corsia.patients.selectors import patients_by_identifiers
from corsia.portal.models import PortalAccount, PortalActivity


def account_by_fiscal_code(fiscal_code: str) -> PortalAccount | None:
    """The active portal account of the patient holding this fiscal code (a merged
    duplicate's survivor), ``None`` when there is none or the code names several patients."""
    patients = patients_by_identifiers(codice_fiscale=fiscal_code.strip().upper(), external={})
    if len(patients) != 1:
        return None
    return PortalAccount.objects.filter(patient_id=patients[0].pk, active=True).first()


def account_active(account_id: int) -> PortalAccount | None:
    return PortalAccount.objects.filter(pk=account_id, active=True).first()


def account_of_patient(patient_id: int) -> PortalAccount | None:
    return PortalAccount.objects.filter(patient_id=patient_id).first()


def activity_of_account(account_id: int) -> QuerySet[PortalActivity]:
    return PortalActivity.objects.filter(account_id=account_id).order_by("-id")
