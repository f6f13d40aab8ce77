"""IT staff configure who receives Corsia's messages: name, the receiving application and
facility (MSH-5/6), host and port (MLLP), which message types, active or not. Audited;
never deleted (deactivated: its messages waiting stay waiting until it is active again)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.interop import audit_events as events
from corsia.interop.domain.outbound import OUTBOUND_TYPES
from corsia.interop.models import Subscriber
from corsia.interop.services.account import MANAGE_SUBSCRIBERS

_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,255}$")
_NAME = re.compile(r"^[^\x00-\x1f|^~\\&]{1,80}$")  # no control characters, no HL7 delimiters


@dataclass(frozen=True)
class SubscriberInput:
    name: str
    receiving_application: str
    receiving_facility: str
    host: str
    port: int | str
    message_types: Sequence[str]
    active: bool = True


def _checked(data: SubscriberInput) -> SubscriberInput:
    def text(value: str, field: str, label: str) -> str:
        value = (value or "").strip()
        if not _NAME.match(value):
            raise ValidationFailed(
                f"{label}: obbligatorio, al massimo 80 caratteri, senza caratteri di "
                "controllo né separatori HL7 (| ^ ~ \\ &).",
                code=f"{field}_invalid",
                field=field,
            )
        return value

    host = (data.host or "").strip()
    if not _HOST.match(host):
        raise ValidationFailed(
            "Indirizzo non valido: un nome di host o un indirizzo IP.",
            code="host_invalid",
            field="host",
        )
    try:
        port = int(str(data.port).strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ValidationFailed(
            "Porta non valida: un numero da 1 a 65535.", code="port_invalid", field="port"
        )
    types = list(dict.fromkeys(t.strip().upper() for t in data.message_types if t.strip()))
    unknown = [t for t in types if t not in OUTBOUND_TYPES]
    if unknown or not types:
        raise ValidationFailed(
            f"Tipi di messaggio: almeno uno fra {', '.join(OUTBOUND_TYPES)}.",
            code="message_types_invalid",
            field="message_types",
            details={"unknown": unknown},
        )
    return SubscriberInput(
        name=text(data.name, "name", "Nome"),
        receiving_application=text(
            data.receiving_application, "receiving_application", "Applicazione ricevente"
        ),
        receiving_facility=text(data.receiving_facility, "receiving_facility", "Struttura"),
        host=host,
        port=port,
        message_types=types,
        active=bool(data.active),
    )


def _snapshot(row: Subscriber) -> dict[str, object]:
    return {
        "name": row.name,
        "receiving_application": row.receiving_application,
        "receiving_facility": row.receiving_facility,
        "host": row.host,
        "port": row.port,
        "message_types": list(row.message_types),
        "active": row.active,
    }


def subscriber_save(
    *,
    actor: User,
    workstation: Workstation,
    data: SubscriberInput,
    subscriber_id: int | None = None,
    expected_version: int | None = None,
) -> Subscriber:
    """Create a subscriber (``subscriber_id`` None) or change one (``expected_version``:
    the version the editor read; another edit meanwhile is a conflict)."""
    require_permission(actor, MANAGE_SUBSCRIBERS)
    clean = _checked(data)
    with transaction.atomic():
        if subscriber_id is None:
            row = Subscriber()
            before: dict[str, object] | None = None
        else:
            found = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
            if found is None:
                raise NotFound("Destinatario non trovato.", code="subscriber_not_found")
            row = found
            if expected_version is not None:
                row.check_version(expected_version)
            before = _snapshot(row)
        row.name = clean.name
        row.receiving_application = clean.receiving_application
        row.receiving_facility = clean.receiving_facility
        row.host = clean.host
        row.port = int(clean.port)
        row.message_types = list(clean.message_types)
        row.active = clean.active
        if before is not None:
            row.bump(by=actor)
        else:
            row.updated_by = actor
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ValidationFailed(
                f"Esiste già un destinatario «{clean.name}».",
                code="subscriber_name_taken",
                field="name",
            ) from None
        audit_record(
            event=events.SUBSCRIBER_SAVED,
            actor=actor,
            workstation=workstation,
            target=row,
            before=before,
            after=_snapshot(row),
        )
    return row
