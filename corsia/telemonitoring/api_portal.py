"""The patient's telemonitoring API: ``/api/v1/portal/me/telemonitoring/...``, with a portal
token (``corsia.portal.access.PortalBearerAuth``) like the rest of the patient's API; the
same services as the portal pages (``views_portal``): only the patient's own rows, every
act in the portal's activity log, an implausible value waiting for the patient's
confirmation, another patient's measurement 404. No ``from __future__ import annotations``
(ninja)."""

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from corsia.core.access import public
from corsia.portal.access import PortalBearerAuth, api_patient
from corsia.telemonitoring import selectors, services
from corsia.telemonitoring.services.diaries import DiaryOutcome
from corsia.telemonitoring.services.readings import ReadingOutcome

router = Router(tags=["portal (patient)"], auth=PortalBearerAuth())


class ReadingOut(Schema):
    measurement: uuid.UUID
    parameter: str
    value: str
    source: str
    measured_at: datetime
    state: str


class HomeOut(Schema):
    readings: list[ReadingOut]
    to_confirm: list[uuid.UUID]
    diary_due: bool
    instructions: list[str]


class ManualIn(Schema):
    values: dict[str, str] = Field(description="parameter → value as typed, e.g. '37,9'")
    measured_at: datetime | None = None


class DoubtOut(Schema):
    parameter: str
    code: str
    message: str


class ReadingOutcomeOut(Schema):
    measurement: uuid.UUID
    to_confirm: bool
    doubts: list[DoubtOut]
    alerts: int
    instructions: list[str]


class DecisionIn(Schema):
    confirm: bool


class DiaryIn(Schema):
    answers: dict[str, str]


class DiaryOutcomeOut(Schema):
    response_id: int
    alerts: int
    instructions: list[str]


def _reading(r: object) -> ReadingOut:
    return ReadingOut(
        measurement=r.measurement,  # type: ignore[attr-defined]
        parameter=r.parameter,  # type: ignore[attr-defined]
        value=format(r.value.normalize(), "f"),  # type: ignore[attr-defined]
        source=r.source,  # type: ignore[attr-defined]
        measured_at=r.measured_at,  # type: ignore[attr-defined]
        state=r.state,  # type: ignore[attr-defined]
    )


def _outcome(outcome: ReadingOutcome) -> ReadingOutcomeOut:
    return ReadingOutcomeOut(
        measurement=outcome.measurement,
        to_confirm=bool(outcome.doubts),
        doubts=[
            DoubtOut(parameter=str(d.parameter.value), code=d.code, message=d.message)
            for d in outcome.doubts
        ],
        alerts=len(outcome.alerts),
        instructions=list(dict.fromkeys(a.instruction for a in outcome.alerts if a.instruction)),
    )


@router.get("/me/telemonitoring", response=HomeOut)
@public
def my_telemonitoring(request: HttpRequest) -> HomeOut:
    """The latest readings, the measurements awaiting confirmation, whether today's diary
    is due, the instructions of today's urgent alerts."""
    home = selectors.own_home(patient=api_patient(request))
    return HomeOut(
        readings=[_reading(r) for r in home.readings],
        to_confirm=[measurement for measurement, _ in home.to_confirm],
        diary_due=home.diary_due,
        instructions=home.instructions,
    )


@router.post("/me/telemonitoring/readings", response={201: ReadingOutcomeOut})
@public
def my_reading_record(request: HttpRequest, payload: ManualIn) -> Status[ReadingOutcomeOut]:
    """Values typed by the patient. An implausible one is stored waiting for confirmation
    (``to_confirm`` true, the ``doubts`` say why), never dropped."""
    outcome = services.reading_record_manual(
        patient=api_patient(request),
        values={k[:20]: v[:20] for k, v in payload.values.items()},
        measured_at=payload.measured_at,
    )
    return Status(201, _outcome(outcome))


@router.post("/me/telemonitoring/readings/{measurement}/decision", response=ReadingOutcomeOut)
@public
def my_reading_decide(
    request: HttpRequest, measurement: uuid.UUID, payload: DecisionIn
) -> ReadingOutcomeOut:
    """Confirm (it then counts, alerts included) or reject an implausible measurement.
    Another patient's: ``reading_not_found`` 404."""
    outcome = services.reading_decide(
        patient=api_patient(request), measurement=measurement, confirm=payload.confirm
    )
    return _outcome(outcome)


@router.post("/me/telemonitoring/diary", response={201: DiaryOutcomeOut})
@public
def my_diary_submit(request: HttpRequest, payload: DiaryIn) -> Status[DiaryOutcomeOut]:
    """Today's symptom diary (the questionnaire's ``linkId`` → answer); the rules raise
    the team's alerts and the patient's instructions."""
    outcome: DiaryOutcome = services.diary_submit(
        patient=api_patient(request),
        answers={k[:60]: v[:20] for k, v in payload.answers.items()},
    )
    return Status(
        201,
        DiaryOutcomeOut(
            response_id=outcome.response.pk,
            alerts=len(outcome.alerts),
            instructions=list(outcome.instructions),
        ),
    )
