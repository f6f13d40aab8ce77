"""Audit event types of accounts, declared once."""

from __future__ import annotations

from corsia.audit.domain.events import register

LOGIN_SUCCEEDED = register("accounts.login_succeeded", "Accesso riuscito")
LOGIN_FAILED = register("accounts.login_failed", "Accesso non riuscito")
LOGGED_OUT = register("accounts.logged_out", "Uscita")
TOKEN_ISSUED = register("accounts.token_issued", "Token API emesso")
TOKEN_REVOKED = register("accounts.token_revoked", "Token API revocato")
USER_CREATED = register("accounts.user_created", "Utente creato")
USER_ROLES_CHANGED = register("accounts.user_roles_changed", "Ruoli dell'utente modificati")
USER_DEACTIVATED = register("accounts.user_deactivated", "Utente disattivato", reason_required=True)
ROLES_REQUESTED = register(
    "accounts.roles_requested", "Ruoli chiesti per l'utente (in attesa)", reason_required=True
)
ROLES_REQUEST_APPROVED = register(
    "accounts.roles_request_approved", "Richiesta di ruoli approvata", reason_required=True
)
ROLES_REQUEST_REJECTED = register(
    "accounts.roles_request_rejected", "Richiesta di ruoli respinta", reason_required=True
)
PASSWORD_CHANGED = register("accounts.password_changed", "Password cambiata")
DIRECTORY_SYNCED = register(
    "accounts.directory_synced", "Ruoli aggiornati dai gruppi di Active Directory"
)
