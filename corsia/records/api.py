"""JSON API of the medical record, beside the patients' own: /api/v1/patients/{id}/chart."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.web import request_actor
from corsia.core.web import request_workstation as _ws
from corsia.records import selectors
from corsia.records.domain.timeline import TimelineEvent

router = Router(tags=["records"])
VIEW = "records.view_chart"


class HeaderOut(Schema):
    patient_id: int
    mrn: str
    surname: str
    given_names: str
    sex: str
    age_years: int
    weight_kg: Decimal | None
    height_cm: Decimal | None
    bsa_m2: Decimal | None
    diagnosis: str
    stage: str
    ecog: int | None
    regimen: str
    cycle: int | None
    cycle_start: date | None
    last_toxicity: str
    last_toxicity_grade: int | None


class EventOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    author: str


class ChartOut(Schema):
    header: HeaderOut
    timeline: list[EventOut]


def _event(e: TimelineEvent) -> EventOut:
    return EventOut(at=e.at, kind=e.kind.value, title=e.title, detail=e.detail, author=e.author)


@router.get("/{patient_id}/chart", response=ChartOut)
@api_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> ChartOut:
    """The patient's chart: header and timeline (newest first). Written to the access log."""
    found = selectors.chart_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request), channel="api"
    )
    h = found.header
    return ChartOut(
        header=HeaderOut(
            patient_id=h.patient.pk,
            mrn=h.patient.mrn,
            surname=h.patient.surname,
            given_names=h.patient.given_names,
            sex=h.patient.sex,
            age_years=h.age_years,
            weight_kg=h.weight_kg,
            height_cm=h.height_cm,
            bsa_m2=h.bsa_m2,
            diagnosis=h.diagnosis,
            stage=h.stage,
            ecog=h.ecog,
            regimen=h.regimen,
            cycle=h.cycle,
            cycle_start=h.cycle_start,
            last_toxicity=h.last_toxicity,
            last_toxicity_grade=h.last_toxicity_grade,
        ),
        timeline=[_event(e) for e in found.timeline],
    )
