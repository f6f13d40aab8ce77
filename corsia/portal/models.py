"""The portal's records: a patient's portal account, the one-time codes sent to it, and
what the patient did in the portal (append-only)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from corsia.core.models import TimeStampedModel


class PortalAccount(TimeStampedModel):
    """A patient's sign-in to the portal. Not a staff user: no ``User`` row, no role, no
    permission; the portal session carries this account's id only (``corsia.portal.access``)."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    # Where the one-time codes go (copied from the registry when the account is opened,
    # changed only by staff): an email address or a mobile number.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"portal account {self.pk} (patient {self.patient_id})"


class SignInCode(models.Model):
    """A one-time code sent to an account: its keyed hash, never the code."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="+")
    code_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(name="portal_code_account_sent", fields=["account", "sent_at"])]

    def __str__(self) -> str:
        return f"sign-in code {self.pk} of account {self.account_id}"


class PortalActivity(models.Model):
    """What a patient did in the portal — signed in, read appointments, sent a message —
    one row per act, never changed nor deleted (the staff's reads go to the access log)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="+")
    patient_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=60)
    detail = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, default="portal")

    class Meta:
        default_permissions = ()
        ordering = ["id"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.action} by account {self.account_id} at {self.at:%Y-%m-%d %H:%M}"
