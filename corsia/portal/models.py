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
    # Suspended (``active`` false): when, by whom, why; by a patient merge when the
    # survivor already had an account (``corsia/portal/merge.py``): that merge's id.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    suspended_reason = models.CharField(max_length=300, blank=True)
    suspended_merge_id = models.BigIntegerField(null=True, blank=True)

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


class Thread(models.Model):
    """A conversation between a patient and the care team."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(name="portal_thread_patient", fields=["patient", "-last_message_at"])
        ]

    def __str__(self) -> str:
        return f"thread {self.pk} of patient {self.patient_id}"


class Message(models.Model):
    """One message, written once: by the patient (``author_user`` empty) or by a member of
    the team. Read receipts: ``read_at`` when the other side first opened it."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    from_patient = models.BooleanField()
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    out_of_hours = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        default_permissions = ()
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="portal_message_author",
                condition=models.Q(from_patient=True, author_user__isnull=True)
                | models.Q(from_patient=False, author_user__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in thread {self.thread_id}"


class Attachment(models.Model):
    """A file sent with a message; its type read from its content (domain/attachments)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=100)
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return self.filename


class DocumentRelease(models.Model):
    """A document of the record (``corsia.documents``) made visible to its patient by a
    member of the staff; withdrawn with a reason, never deleted."""

    document_id = models.BigIntegerField(unique=True)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"document {self.document_id} released to patient {self.patient_id}"


class PortalToken(models.Model):
    """A short-lived bearer token of a portal account, for the patient's API
    (``/api/v1/portal/me/...``): granted to a signed-in portal session
    (``services.tokens.portal_token_grant``), stored as its SHA-256 only; void when it
    expires, when revoked, or when the account is suspended."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"portal token {self.pk} of account {self.account_id}"
