"""The interface's own account: the actor of every change a message makes (the sending
application is the workstation)."""

from __future__ import annotations

from corsia.accounts.selectors import user_still_active
from corsia.accounts.services import roles_sync, system_account_ensure
from corsia.core.actors import User

INTERFACE_USERNAME = "hl7-interface"
# What the messages do: register and correct patients, admit/transfer/discharge, merge
# duplicates (A40) and undo a merge (A37), record laboratory results (ORU), book the
# CUP's appointments in the agenda (SIU).
INTERFACE_PERMISSIONS = (
    "patients.view_patient",
    "patients.change_patient",
    "patients.manage_encounter",
    "patients.merge_patient",
    "patients.unmerge_patient",
    "records.record_lab",
    "agenda.view_agenda",
    "agenda.book",
)
VIEW = "interop.view_messages"
REPLAY = "interop.replay_message"
MANAGE_SUBSCRIBERS = "interop.manage_subscribers"


# The account this process ensured (its permissions are declared here, so they cannot
# change while the process runs): later messages check it still exists with one query
# instead of ensuring it again (nine queries and its permissions read afresh).
_ensured: list[User] = []


def interface_account() -> User:
    """The account, created on first use; on a database where the declared permissions
    were never synchronised (no ``corsia_setup`` yet) they are synchronised first."""
    if _ensured and user_still_active(user_id=_ensured[0].pk, username=INTERFACE_USERNAME):
        return _ensured[0]
    try:
        account = _ensure()
    except LookupError:
        roles_sync()
        account = _ensure()
    _ensured[:] = [account]
    return account


def _ensure() -> User:
    return system_account_ensure(
        username=INTERFACE_USERNAME,
        first_name="Interfaccia",
        last_name="HL7",
        permissions=INTERFACE_PERMISSIONS,
    )
