"""JSON API of the toxicity module: /api/v1/toxicities and /api/v1/ctcae/terms."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, IsoDatetime
from corsia.core.web import acting, reading, request_actor
from corsia.toxicity import selectors, services
from corsia.toxicity.models import CtcaeTerm, ToxicityRecord

router = Router(tags=["toxicity"])
ctcae_router = Router(tags=["toxicity"])
VIEW = "toxicity.view_toxicity"
RECORD = "toxicity.record_toxicity"


class TermOut(Schema):
    id: int
    meddra_code: str
    soc: str  # NCI's English
    term: str  # NCI's English
    soc_it: str  # the Corsia Italian translation (empty where none is loaded)
    term_it: str
    grades: dict[int, str]  # only the grades the term defines (NCI's English)


class ToxicityIn(Schema):
    patient_id: int
    term_id: int
    grade: int
    attribution: str
    onset_date: IsoDate
    resolution_date: IsoDate | None = None
    serious: bool = False
    notes: str = ""
    suspected_ingredient_ids: list[int] = []
    order_id: int | None = None
    cycle_number: int | None = None


class ToxicityOut(Schema):
    id: int
    patient_id: int
    term_id: int
    meddra_code: str
    term: str
    term_it: str
    grade: int
    attribution: str
    onset_date: IsoDate
    resolution_date: IsoDate | None
    serious: bool
    notes: str
    suspected_ingredients: list[str]
    order_id: int | None
    cycle_number: int | None
    recorded_by: str
    recorded_at: IsoDatetime
    supersedes_id: int | None
    is_current: bool
    entered_in_error: bool


def _term_out(term: CtcaeTerm) -> TermOut:
    return TermOut(
        id=term.pk,
        meddra_code=term.meddra_code,
        soc=term.soc,
        term=term.term,
        soc_it=term.soc_it,
        term_it=term.term_it,
        grades={g: text for g, text in term.grade_texts().items() if text},
    )


def _out(record: ToxicityRecord) -> ToxicityOut:
    return ToxicityOut(
        id=record.pk,
        patient_id=record.patient_id,
        term_id=record.term_id,
        meddra_code=record.term.meddra_code,
        term=record.term.term,
        term_it=record.term.term_it,
        grade=record.grade,
        attribution=record.attribution,
        onset_date=record.onset_date,
        resolution_date=record.resolution_date,
        serious=record.serious,
        notes=record.notes,
        suspected_ingredients=[i.code for i in record.suspected_ingredients.all()],
        order_id=record.order_id,
        cycle_number=record.cycle_number,
        recorded_by=record.recorded_by.username,
        recorded_at=record.recorded_at,
        supersedes_id=record.supersedes_id,
        is_current=record.is_current,
        entered_in_error=record.entered_in_error,
    )


@ctcae_router.get("/terms", response=list[TermOut])
@api_perm(VIEW)
def terms(request: HttpRequest, q: str = "") -> list[TermOut]:
    """CTCAE v5.0 terms matching ``q`` (words of the Italian or the English term, any
    order, or a MedDRA code)."""
    return [_term_out(t) for t in selectors.ctcae_term_search(user=request_actor(request), text=q)]


@router.get("", response=list[ToxicityOut])
@api_perm(VIEW)
def toxicities(
    request: HttpRequest, patient_id: int, since: date | None = None, history: bool = False
) -> list[ToxicityOut]:
    """A patient's toxicities (current versions; ``history=true`` adds superseded ones)."""
    records = selectors.patient_toxicities(
        **reading(request),
        patient_id=patient_id,
        since=since,
        include_history=history,
    )
    return [_out(r) for r in records]


@router.post("", response={201: ToxicityOut})
@api_perm(RECORD)
def record(request: HttpRequest, payload: ToxicityIn) -> Status[ToxicityOut]:
    created = services.toxicity_record(
        **acting(request),
        patient_id=payload.patient_id,
        data=services.ToxicityInput(
            term_id=payload.term_id,
            grade=payload.grade,
            attribution=payload.attribution,
            onset_date=payload.onset_date,
            resolution_date=payload.resolution_date,
            serious=payload.serious,
            notes=payload.notes,
            suspected_ingredient_ids=tuple(payload.suspected_ingredient_ids),
            order_id=payload.order_id,
            cycle_number=payload.cycle_number,
        ),
    )
    return Status(201, _out(created))
