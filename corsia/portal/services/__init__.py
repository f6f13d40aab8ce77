"""The portal's state changes, one module per act, re-exported here."""

from corsia.portal.services.accounts import (
    activity_record,
    portal_account_open,
    portal_account_suspend,
)
from corsia.portal.services.signin import (
    sign_in_code_request,
    sign_in_code_verify,
    sign_in_oidc,
)

__all__ = [
    "activity_record",
    "portal_account_open",
    "portal_account_suspend",
    "sign_in_code_request",
    "sign_in_code_verify",
    "sign_in_oidc",
]
