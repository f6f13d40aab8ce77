"""The transfusion prints through the editable templates of ``corsia.documents`` (issue 23
§22-23, fields in ``documents/schemas_transfusion.py``), archived unsigned with their
template version at every print and linked to the patient; the PDF answered is the
archived copy.

- ``transfusion_request``: the request with the patient's group on record, its units
  (ISBT 128 DIN and product code, group, expiry, attested treatments) with every
  crossmatch, the bedside checks with their two operators, the transfusions and the
  reactions. The read is the request page's (``selectors.request_detail``: masked stays,
  the patient's scope, the access log).
- ``haemovigilance_notification``: the SISTRA data set of one reaction
  (``selectors.haemovigilance_notification``), for the SIMT to enter in SISTRA.

Who prints holds ``transfusion.view_transfusion`` (physician, nurse, coordinator) and
archives with ``documents.create_document`` or ``documents.archive_print``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from corsia.core.actors import User, Workstation
from corsia.documents.services import document_print
from corsia.transfusion import selectors
from corsia.transfusion.domain.groups import GroupOnRecord, GroupStatus
from corsia.transfusion.domain.haemovigilance import FORM, Notification
from corsia.transfusion.domain.products import Treatment
from corsia.transfusion.models import IssuedBag, Transfusion, TransfusionReaction
from corsia.transfusion.services._common import product_table

if TYPE_CHECKING:
    from corsia.documents.models import Document

REQUEST_CODE = "transfusion_request"
NOTIFICATION_CODE = "haemovigilance_notification"
GROUP_STATUS_IT = {
    GroupStatus.NONE: "nessuna determinazione",
    GroupStatus.PROVISIONAL: "provvisorio: una sola determinazione",
    GroupStatus.CONFIRMED: "confermato: due determinazioni concordi su due prelievi",
    GroupStatus.DISCREPANT: "determinazioni discordanti",
}


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment is not None else ""


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


def _treatments(values: list[str], typed: frozenset[str] = frozenset()) -> str:
    names = []
    for treatment in Treatment:
        if treatment.value in values:
            typed_mark = " (digitato)" if treatment.value in typed else ""
            names.append(f"{treatment.label_it}{typed_mark}")
    return ", ".join(names)


def _group(group: GroupOnRecord) -> dict[str, Any]:
    if group.group is not None:
        text = group.group.label_it()
    elif group.status is GroupStatus.DISCREPANT:
        text = "non assegnabile (determinazioni discordanti)"
    else:
        text = "non determinato"
    return {"text": text, "status": GROUP_STATUS_IT[group.status], "confirmed": group.confirmed}


def _bag(line: selectors.BagLine) -> dict[str, Any]:
    bag: IssuedBag = line.bag
    entry = product_table().get(bag.product_code[:5])
    attested = {t.value for t in entry.treatments} if entry is not None else set()
    attested |= set(bag.treatments)
    tests = sorted(bag.crossmatches.all(), key=lambda c: (c.recorded_at, c.pk))
    return {
        "din": bag.din,
        "product_code": bag.product_code,
        "group": bag.group.short(),
        "expires_at": _when(bag.expires_at),
        "treatments": _treatments(sorted(attested), frozenset(bag.treatments_typed)),
        "emergency": bag.emergency,
        "pending": line.pending,
        "issued_by": _person(bag.issued_by),
        "issued_at": _when(bag.issued_at),
        "crossmatches": [
            {
                "result": str(x.get_result_display()),
                "method": str(x.get_method_display()),
                "sample": x.sample,
                "sample_collected_at": _when(x.sample_collected_at),
                "valid_until": _when(x.valid_until),
                "recorded_by": _person(x.recorded_by),
            }
            for x in tests
        ],
    }


def _transfusion(t: Transfusion) -> dict[str, Any]:
    return {
        "din": t.bag.din,
        "product_code": t.bag.product_code,
        "checked_at": _when(t.checked_at),
        "first_operator": _person(t.first_operator),
        "second_operator": _person(t.second_operator),
        "warnings": [str(w) for w in t.warnings],
        "state": str(t.get_state_display()),
        "stop_reason": t.stop_reason,
        "started_at": _when(t.started_at),
        "ended_at": _when(t.ended_at),
        "volume_ml": str(t.volume_ml) if t.volume_ml is not None else "",
    }


def _reaction(r: TransfusionReaction, din: str) -> dict[str, Any]:
    return {
        "din": din,
        "onset_at": _when(r.onset_at),
        "category": str(r.get_category_display()),
        "severity": str(r.get_severity_display()),
        "imputability": str(r.get_imputability_display()),
        "description": r.description,
        "recorded_by": f"{_person(r.recorded_by)}, {_when(r.recorded_at)}",
    }


def request_context(detail: selectors.RequestDetail, *, printed_by: str) -> dict[str, Any]:
    """The ``request``, ``group``, ``bags``, ``transfusions`` and ``reactions`` of the print
    (the archive adds the patient)."""
    req = detail.request
    emergency = detail.emergency
    emergency_detail = ""
    if emergency is not None:
        emergency_detail = (
            f"{emergency.get_rhd_policy_display()}. {emergency.reason} "
            f"({_person(emergency.declared_by)}, {_when(emergency.declared_at)})"
        )
    transfusions = sorted(req.transfusions.all(), key=lambda t: (t.checked_at, t.pk))
    reactions = sorted(
        ((r, t.bag.din) for t in transfusions for r in t.reactions.all()),
        key=lambda pair: (pair[0].onset_at, pair[0].pk),
    )
    return {
        "request": {
            "number": str(req.pk),
            "component": str(req.get_component_display()),
            "units": str(req.units),
            "treatments": _treatments(list(req.treatments)) or "nessuno",
            "indication": req.indication,
            "premedication": req.premedication,
            "planned_at": _when(req.planned_at),
            "state": str(req.get_state_display()),
            "cancel_reason": req.cancel_reason,
            "requested_by": _person(req.requested_by),
            "requested_at": _when(req.created_at),
            "emergency": emergency is not None,
            "emergency_detail": emergency_detail,
            "printed_by": printed_by,
        },
        "group": _group(detail.group),
        "bags": [_bag(line) for line in detail.bags],
        "transfusions": [_transfusion(t) for t in transfusions],
        "reactions": [_reaction(r, din) for r, din in reactions],
    }


def request_print(
    *, actor: User, workstation: Workstation, request_id: int, channel: str = "web"
) -> Document:
    """Print a request of blood components and archive it with the patient
    (``transfusion.view_transfusion``, a logged read; an unknown one or one the user may
    not read: ``request_not_found``)."""
    detail = selectors.request_detail(
        user=actor, request_id=request_id, workstation=workstation, channel=channel
    )
    with translation.override("it"):
        context = request_context(detail, printed_by=_person(actor))
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=REQUEST_CODE,
        title=f"Richiesta di emocomponenti n. {detail.request.pk}",
        patient=detail.request.patient,
        context=context,
        source=("transfusion", "request", detail.request.pk),
    )


def notification_context(n: Notification) -> dict[str, Any]:
    """The ``notification`` of the print: the data set of ``domain/haemovigilance.py``."""
    return {
        "form": FORM,
        "reaction_id": str(n.reaction_id),
        "report_at_once": n.report_at_once,
        "patient_initials": n.patient_initials,
        "patient_sex": n.patient_sex,
        "patient_birth_date": _day(n.patient_birth_date),
        "patient_mrn": n.patient_mrn,
        "indication": n.indication,
        "category": n.category,
        "category_label": n.category_label,
        "severity_label": n.severity_label,
        "imputability_label": n.imputability_label,
        "onset_at": _when(n.onset_at),
        "description": n.description,
        "recorded_by": n.recorded_by,
        "recorded_at": _when(n.recorded_at),
        "units": [
            {
                "din": u.din,
                "product_code": u.product_code,
                "component": u.component,
                "group": u.group,
                "emergency": u.released_in_emergency,
                "started_at": _when(u.started_at),
                "ended_at": _when(u.ended_at),
                "volume_ml": str(u.volume_ml) if u.volume_ml is not None else "",
            }
            for u in n.units
        ],
    }


def haemovigilance_print(
    *, actor: User, workstation: Workstation, reaction_id: int, channel: str = "web"
) -> Document:
    """Print the haemovigilance notification of a reaction and archive it with the patient
    (``transfusion.view_transfusion``, read through the request's logged read; an unknown
    reaction or one the user may not read: ``reaction_not_found`` / ``request_not_found``)."""
    notification = selectors.haemovigilance_notification(
        user=actor, reaction_id=reaction_id, workstation=workstation, channel=channel
    )
    reaction = TransfusionReaction.objects.select_related("patient").get(pk=reaction_id)
    with translation.override("it"):
        context = {"notification": notification_context(notification)}
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=NOTIFICATION_CODE,
        title=f"Notifica di emovigilanza, reazione n. {reaction_id}",
        patient=reaction.patient,
        context=context,
        source=("transfusion", "reaction", reaction_id),
    )
