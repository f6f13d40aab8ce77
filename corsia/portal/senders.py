"""Where a sign-in code goes: a pluggable sender named by ``settings.CORSIA_PORTAL_CODE_SENDER``
(a dotted path to a class with ``send(message)``).

- :class:`ConsoleSender` — writes the code to the log (the demo);
- :class:`EmailSender` — Django's mail (``EMAIL_*`` settings) to the account's address;
- an SMS gateway: a class of the hospital's own with the same ``send``.
Tests use ``corsia.testing.portal.OutboxSender`` (keeps what was sent in memory).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("corsia.portal.codes")


@dataclass(frozen=True)
class CodeMessage:
    account_id: int
    email: str
    phone: str
    code: str
    text: str


class SendFailed(Exception):
    """The code was not handed over (no address, the gateway refused)."""


class Sender(Protocol):
    def send(self, message: CodeMessage) -> None: ...


class ConsoleSender:
    """The demo: the code in the server's log (``corsia.portal.codes``)."""

    def send(self, message: CodeMessage) -> None:
        logger.warning(
            "Codice di accesso al portale per l'account %s: %s", message.account_id, message.code
        )


class EmailSender:
    def send(self, message: CodeMessage) -> None:
        if not message.email:
            raise SendFailed("L'account non ha un indirizzo email.")
        try:
            send_mail("Codice di accesso", message.text, None, [message.email])
        except OSError as error:
            raise SendFailed(str(error)) from error


def code_sender() -> Sender:
    sender: Sender = import_string(settings.CORSIA_PORTAL_CODE_SENDER)()
    return sender
