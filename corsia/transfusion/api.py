"""JSON API of the transfusion module (``/api/v1/transfusion/...``): the same services and
permissions as the pages; refusals as problem+json with stable codes (``bag_expired``,
``bag_already_transfused``, ``same_operator``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.schemas import CSV_ANSWER, RecordId
from corsia.core.web import acting, reading
from corsia.records.services import VitalsInput
from corsia.transfusion import prints, selectors, services
from corsia.transfusion.domain.haemovigilance import Notification, as_csv, as_json
from corsia.transfusion.models import Transfusion, TransfusionRequest
from corsia.transfusion.schemas import (
    BagOut,
    CancelIn,
    CheckIn,
    CrossmatchIn,
    CrossmatchOut,
    DeterminationIn,
    DeterminationOut,
    EmergencyIn,
    EmergencyOut,
    EndIn,
    IssueIn,
    PatientOut,
    ReactionIn,
    RequestIn,
    RequestOut,
    StopIn,
    TransfusionOut,
    VersionIn,
    VitalsIn,
    bag_out,
    crossmatch_out,
    determination_out,
    emergency_out,
    request_out,
    transfusion_out,
)

if TYPE_CHECKING:
    from corsia.documents.models import Document

router = Router(tags=["transfusion"])


def _request(row: TransfusionRequest) -> RequestOut:
    detail = selectors.request_extras(row)
    return request_out(row, detail.emergency, [b.pk for b in detail.pending])


@router.get("/patients/{patient_id}", response=PatientOut)
@api_perm(services.VIEW)
def patient(request: HttpRequest, patient_id: RecordId) -> PatientOut:
    """The patient's blood group on record and every request with its bags and transfusions."""
    view = selectors.patient_transfusions(**reading(request), patient_id=patient_id)
    return PatientOut(
        patient_id=view.patient.pk,
        group_status=view.group.status.value,
        group=view.group.group.short() if view.group.group else None,
        determinations=[determination_out(d) for d in view.determinations],
        requests=[_request(r) for r in view.requests],
    )


@router.get("/requests", response=list[RequestOut])
@api_perm(services.VIEW)
def worklist(request: HttpRequest) -> list[RequestOut]:
    """Open requests planned from yesterday to tomorrow (masked stays left out)."""
    rows = selectors.open_requests(**reading(request))
    return [_request(r) for r in rows]


@router.get("/requests/{request_id}", response=RequestOut)
@api_perm(services.VIEW)
def request_get(request: HttpRequest, request_id: RecordId) -> RequestOut:
    detail = selectors.request_detail(**reading(request), request_id=request_id)
    return _request(detail.request)


@router.post("/determinations", response={201: DeterminationOut})
@api_perm(services.RECORD_GROUP)
def determination(request: HttpRequest, payload: DeterminationIn) -> Status[DeterminationOut]:
    row = services.blood_group_record(
        **acting(request),
        patient_id=payload.patient_id,
        abo=payload.abo,
        rhd=payload.rhd,
        sample=payload.sample,
        collected_at=payload.collected_at,
    )
    return Status(201, determination_out(row))


@router.post("/requests", response={201: RequestOut})
@api_perm(services.REQUEST)
def request_create(request: HttpRequest, payload: RequestIn) -> Status[RequestOut]:
    row = services.transfusion_request_create(
        **acting(request),
        patient_id=payload.patient_id,
        data=services.RequestInput(
            component=payload.component,
            units=payload.units,
            indication=payload.indication,
            planned_at=payload.planned_at,
            treatments=tuple(payload.treatments),
            premedication=payload.premedication,
        ),
    )
    return Status(201, _request(row))


@router.post("/requests/{request_id}/cancel", response=RequestOut)
@api_perm(services.REQUEST)
def request_cancel(request: HttpRequest, request_id: RecordId, payload: CancelIn) -> RequestOut:
    row = services.transfusion_request_cancel(
        **acting(request),
        request_id=request_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )
    return _request(row)


@router.post("/requests/{request_id}/bags", response={201: BagOut})
@api_perm(services.ISSUE)
def bag_issue(request: HttpRequest, request_id: RecordId, payload: IssueIn) -> Status[BagOut]:
    row = services.bag_issue(
        **acting(request),
        request_id=request_id,
        scans=payload.scans,
        typed_treatments=tuple(payload.typed_treatments),
    )
    return Status(201, bag_out(row))


@router.post("/requests/{request_id}/emergency", response={201: EmergencyOut})
@api_perm(services.REQUEST)
def emergency(
    request: HttpRequest, request_id: RecordId, payload: EmergencyIn
) -> Status[EmergencyOut]:
    """The physician declares the urgency: components released before the group is
    confirmed (O RhD-negative red cells, O RhD-positive where declared and allowed, AB
    plasma), crossmatch to follow."""
    row = services.emergency_declare(
        **acting(request),
        request_id=request_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
        rhd_policy=payload.rhd_policy,
    )
    return Status(201, emergency_out(row))


@router.post("/bags/{bag_id}/crossmatch", response={201: CrossmatchOut})
@api_perm(services.ISSUE)
def crossmatch(
    request: HttpRequest, bag_id: RecordId, payload: CrossmatchIn
) -> Status[CrossmatchOut]:
    """The SIMT's compatibility test of one red-cell unit (valid 72 h from the sample)."""
    row = services.crossmatch_record(
        **acting(request),
        bag_id=bag_id,
        result=payload.result,
        method=payload.method,
        sample=payload.sample,
        sample_collected_at=payload.sample_collected_at,
    )
    return Status(201, crossmatch_out(row))


def second_operator(request: HttpRequest, username: str, password: str) -> object:
    """The second operator, re-authenticated through Django's backends (django-axes counts
    the failures towards that account's lockout); None when the credentials fail."""
    if not username or not password:
        return None
    return authenticate(request, username=username, password=password)


@router.post("/requests/{request_id}/check", response={201: TransfusionOut})
@api_perm(services.TRANSFUSE)
def check(request: HttpRequest, request_id: RecordId, payload: CheckIn) -> Status[TransfusionOut]:
    """The pre-transfusion check by two operators: the second one's credentials, the
    patient's wristband and the bag's four ISBT 128 barcodes (any order)."""
    second = second_operator(request, payload.second_username, payload.second_password)
    row = services.transfusion_check(
        **acting(request),
        request_id=request_id,
        second_operator=second,  # type: ignore[arg-type]  # authenticate() answers our User
        wristband=payload.wristband,
        scans=payload.scans,
    )
    return Status(201, transfusion_out(row))


def _transition(
    request: HttpRequest,
    transfusion_id: int,
    payload: VersionIn,
    service: Callable[..., Transfusion],
    **extra: object,
) -> TransfusionOut:
    row = service(
        **acting(request),
        transfusion_id=transfusion_id,
        expected_version=payload.expected_version,
        **extra,
    )
    return transfusion_out(row)


@router.post("/transfusions/{transfusion_id}/start", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def start(request: HttpRequest, transfusion_id: RecordId, payload: VersionIn) -> TransfusionOut:
    return _transition(request, transfusion_id, payload, services.transfusion_start)


@router.post("/transfusions/{transfusion_id}/end", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def end(request: HttpRequest, transfusion_id: RecordId, payload: EndIn) -> TransfusionOut:
    return _transition(
        request, transfusion_id, payload, services.transfusion_end, volume_ml=payload.volume_ml
    )


@router.post("/transfusions/{transfusion_id}/stop", response=TransfusionOut)
@api_perm(services.TRANSFUSE)
def stop(request: HttpRequest, transfusion_id: RecordId, payload: StopIn) -> TransfusionOut:
    return _transition(
        request,
        transfusion_id,
        payload,
        services.transfusion_stop,
        reason=payload.reason,
        volume_ml=payload.volume_ml,
    )


@router.post("/transfusions/{transfusion_id}/vitals", response={201: dict[str, object]})
@api_perm(services.TRANSFUSE)
def vitals(
    request: HttpRequest, transfusion_id: RecordId, payload: VitalsIn
) -> Status[dict[str, object]]:
    link = services.transfusion_vitals_record(
        **acting(request),
        transfusion_id=transfusion_id,
        phase=payload.phase,
        data=VitalsInput(
            systolic_bp=payload.systolic_bp,
            diastolic_bp=payload.diastolic_bp,
            heart_rate=payload.heart_rate,
            temperature_c=payload.temperature_c,
            respiratory_rate=payload.respiratory_rate,
            spo2=payload.spo2,
        ),
    )
    return Status(201, {"id": link.pk, "phase": link.phase, "vital_signs_id": link.vital_signs_id})


@router.post("/transfusions/{transfusion_id}/reactions", response={201: dict[str, object]})
@api_perm(services.TRANSFUSE)
def reaction(
    request: HttpRequest, transfusion_id: RecordId, payload: ReactionIn
) -> Status[dict[str, object]]:
    row = services.transfusion_reaction_record(
        **acting(request),
        transfusion_id=transfusion_id,
        data=services.ReactionInput(
            category=payload.category,
            severity=payload.severity,
            imputability=payload.imputability,
            onset_at=payload.onset_at,
            description=payload.description,
        ),
    )
    return Status(201, {"id": row.pk, "category": row.category, "severity": row.severity})


@router.get("/reactions/{reaction_id}/haemovigilance", response=dict[str, object])
@api_perm(services.VIEW)
def haemovigilance(request: HttpRequest, reaction_id: RecordId) -> dict[str, object]:
    """The SISTRA notification data set of one reaction, for the SIMT to enter in SISTRA
    (which has no public API)."""
    return as_json(_notification(request, reaction_id))


@router.get("/reactions/{reaction_id}/haemovigilance.csv", openapi_extra=CSV_ANSWER)
@api_perm(services.VIEW)
def haemovigilance_csv(request: HttpRequest, reaction_id: RecordId) -> HttpResponse:
    """The same data set as CSV, one row per unit involved."""
    return csv_download(_notification(request, reaction_id))


def csv_download(notification: Notification) -> HttpResponse:
    """The notification's CSV as a download (the API's and the page's)."""
    response = HttpResponse(as_csv(notification), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="emovigilanza-reazione-{notification.reaction_id}.csv"'
    )
    return response


def _notification(request: HttpRequest, reaction_id: int) -> Notification:
    return selectors.haemovigilance_notification(**reading(request), reaction_id=reaction_id)


# --- the archived prints (issue 23 §22-23: editable templates, ``prints.py``) --------------------

PDF_ANSWER = {
    "responses": {200: {"description": "The print, archived.", "content": {"application/pdf": {}}}}
}


def pdf_answer(document: Document, filename: str) -> HttpResponse:
    """The archived print as the answer, its id in ``X-Corsia-Document`` (the API's and
    the pages')."""
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Corsia-Document"] = str(document.pk)
    return response


@router.get("/requests/{request_id}/print.pdf", openapi_extra=PDF_ANSWER)
@api_perm(services.VIEW)
def request_pdf(request: HttpRequest, request_id: RecordId) -> HttpResponse:
    """The request as PDF (patient and group, component, treatments, indication, each
    unit's DIN, product code, group, expiry and crossmatches, the bedside checks with their
    two operators, the reactions) through the editable template ``transfusion_request``,
    archived unsigned with the patient and the template version. 404 ``request_not_found``."""
    document = prints.request_print(**acting(request), request_id=request_id, channel="api")
    return pdf_answer(document, f"richiesta-emocomponenti-{request_id}.pdf")


@router.get("/reactions/{reaction_id}/haemovigilance.pdf", openapi_extra=PDF_ANSWER)
@api_perm(services.VIEW)
def haemovigilance_pdf(request: HttpRequest, reaction_id: RecordId) -> HttpResponse:
    """The haemovigilance notification of a reaction as PDF (the SISTRA data set) through
    the editable template ``haemovigilance_notification``, archived unsigned with the
    patient. 404 ``reaction_not_found``."""
    document = prints.haemovigilance_print(
        **acting(request), reaction_id=reaction_id, channel="api"
    )
    return pdf_answer(document, f"emovigilanza-reazione-{reaction_id}.pdf")
