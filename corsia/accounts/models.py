from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who works in Corsia. Never deleted: deactivated (``is_active``)."""

    badge_code = models.CharField(
        _("codice badge"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Codice del badge personale, letto al letto del paziente."),
    )
    tax_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Set when somebody else chose the password (an account created or a password reset by
    # IT staff): the user must change it at the next sign-in, and gets no API token before.
    must_change_password = models.BooleanField(default=False, db_default=False)
    directory_dn = models.CharField(
        max_length=512, blank=True, help_text="DN in Active Directory / LDAP"
    )
    # Bumped by database triggers whenever the user's groups or direct permissions, or the
    # permissions of one of the user's groups, change (migration 0004; ADR 0011): the key
    # of the user's cached permission set (``corsia.accounts.backends``).
    permissions_version = models.BigIntegerField(default=0, db_default=0, editable=False)

    _stored_password: str | None = None  # the hash as loaded, to notice a new one on save

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> User:
        instance = super().from_db(db, field_names, values)
        instance._stored_password = instance.__dict__.get("password")
        return instance

    def _password_is_new(self, update_fields: Any) -> bool:
        if update_fields is not None and "password" not in update_fields:
            return False
        current = self.__dict__.get("password")
        if not current or not self.has_usable_password():
            return False
        return self._state.adding or current != getattr(self, "_stored_password", None)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Whenever a new password is saved (create_user, set_password, any other path),
        stamp the change date and append the hash to the password history."""
        password_is_new = self._password_is_new(kwargs.get("update_fields"))
        if password_is_new:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if password_is_new:
            PasswordHistory.objects.create(
                user=self, password_hash=self.password, created_at=self.password_changed_at
            )
        self._stored_password = self.__dict__.get("password")


class Workstation(models.Model):
    """A named workstation (PC, hood terminal, bedside tablet) known by its address."""

    name = models.CharField(_("nome"), max_length=100, unique=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), unique=True, null=True, blank=True)
    location = models.CharField(_("ubicazione"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("postazione")
        verbose_name_plural = _("postazioni")

    def __str__(self) -> str:
        return self.name


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="password_history")
    password_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"password of user {self.user_id} set {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # SMART-style read scopes, space-separated (``domain/scopes.py``); empty: unscoped
    scopes = models.CharField(max_length=500, blank=True, default="", db_default="")

    def __str__(self) -> str:
        return f"token {self.prefix}… of user {self.user_id}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_valid_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > moment


class RoleRequestState(models.TextChoices):
    PENDING = "pending", _("in attesa di approvazione")
    APPROVED = "approved", _("approvata")
    REJECTED = "rejected", _("respinta")


class RoleRequest(models.Model):
    """A change of a user's roles that grants a role: it takes effect only when a second
    user manager (not the one who asked, not the user) approves it. Never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests")
    roles_before = models.JSONField(default=list)  # the user's roles when asked (sorted codes)
    roles_after = models.JSONField(default=list)  # the roles asked for (sorted codes)
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        max_length=10,
        choices=RoleRequestState.choices,
        default=RoleRequestState.PENDING,
        db_default=RoleRequestState.PENDING.value,
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="role_request_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"role request {self.pk} for user {self.user_id} ({self.state})"
