"""Where a reminder goes: a pluggable sender named by ``settings.CORSIA_REMINDER_SENDER``
(a dotted path to a class with ``channel`` and ``send``).

- :class:`ConsoleSender` — writes the message to the log (demo and tests);
- :class:`EmailSender` — Django's mail (``EMAIL_*`` settings) to the patient's address;
- :class:`SmsSender` — the interface an SMS gateway implements (not configured: refuses).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("corsia.agenda.reminders")


@dataclass(frozen=True)
class ReminderMessage:
    subject: str
    text: str
    email: str
    phone: str


class SendFailed(Exception):
    """The message was not handed over (no address, the gateway refused): kept as failed."""


class Sender(Protocol):
    channel: str

    def send(self, message: ReminderMessage) -> None: ...


class ConsoleSender:
    channel = "console"

    def send(self, message: ReminderMessage) -> None:
        logger.info("Promemoria a %s: %s", message.email or message.phone or "—", message.text)


class EmailSender:
    channel = "email"

    def send(self, message: ReminderMessage) -> None:
        if not message.email:
            raise SendFailed("Il paziente non ha un indirizzo email.")
        try:
            send_mail(message.subject, message.text, None, [message.email])
        except OSError as error:  # SMTP down, refused: kept as failed, tried by hand
            raise SendFailed(f"Invio email non riuscito: {error}") from error


class SmsSender:
    """Subclass and implement :meth:`deliver` for the hospital's SMS gateway."""

    channel = "sms"

    def send(self, message: ReminderMessage) -> None:
        if not message.phone:
            raise SendFailed("Il paziente non ha un numero di telefono.")
        self.deliver(message.phone, message.text)

    def deliver(self, phone: str, text: str) -> None:
        raise SendFailed("Nessun gateway SMS configurato.")


def reminder_sender() -> Sender:
    path = getattr(settings, "CORSIA_REMINDER_SENDER", "corsia.agenda.senders.ConsoleSender")
    sender: Sender = import_string(path)()
    return sender
