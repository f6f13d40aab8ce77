"""What the request pages share: the request read (its patients logged), the lines of a
request with what is left to do on each, the posted numbers read."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from corsia.audit.services import access_log_record_many
from corsia.core.web import request_actor, request_workstation
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.models import WardRequest


def request_read(request: HttpRequest, request_id: int) -> WardRequest:
    """The request (404 when unknown or out of the user's wards); every patient it names is
    a read of the user's, logged."""
    found = wsel.ward_request_get(request_id=request_id, user=request_actor(request))
    if found is None:
        raise Http404
    patients = wsel.request_patient_ids(found)
    if patients:
        access_log_record_many(
            user=request_actor(request),
            patient_ids=patients,
            what=f"richiesta di reparto {found.number}",
            workstation=request_workstation(request),
            channel="web",
        )
    return found


def posted_units(raw: str | None) -> int | None:
    """A whole number typed in a field; blank → None; anything else unreadable → -1 (the
    service refuses it with its own message)."""
    text = (raw or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) <= 9 else -1
