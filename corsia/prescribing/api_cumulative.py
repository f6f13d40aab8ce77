"""Lifetime cumulative dose API: ``/api/v1/cumulative``.

Thin: reads through ``cumulative.patient_cumulative_view`` (access log), writes through
``cumulative.prior_dose_record`` (permission, validation, audit). Refusals are
problem+json from the one handler. No ``from __future__ import annotations`` (ninja).
"""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import Amount, IsoDate, IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading
from corsia.prescribing import cumulative
from corsia.prescribing.domain.cumulative import BASIS_DISPLAY, Source, Tally
from corsia.prescribing.models import PriorDose

router = Router(tags=["orders"])


class TallyOut(Schema):
    limit_key: str
    label: str
    basis: str
    limit: Decimal
    total: Decimal
    administered: Decimal
    committed: Decimal
    elsewhere: Decimal
    pct_of_limit: Decimal
    exceeded: bool
    near_limit: bool
    description: str


class PriorDoseOut(Schema):
    id: int
    ingredient: str
    amount: Decimal
    unit: str
    bsa_m2: Decimal | None
    hospital: str
    given_from: IsoDate
    given_to: IsoDate | None
    document_ref: str
    reason: str
    corrects_id: int | None
    recorded_by: str
    recorded_at: IsoDatetime


class CumulativeOut(Schema):
    patient_id: int
    tallies: list[TallyOut]
    prior_doses: list[PriorDoseOut]


class PriorDoseIn(Schema):
    ingredient_id: RecordId
    amount: Amount
    # bounded as their columns: an over-long one is a 422 naming the field (issue 26)
    unit: str = Field(max_length=8)
    hospital: str = Field(max_length=200)
    given_from: IsoDate
    given_to: IsoDate | None = None
    document_ref: str = Field(max_length=200)
    reason: Reason
    bsa_m2: Amount | None = None
    corrects_id: RecordId | None = None


def _tally(t: Tally) -> TallyOut:
    zero = Decimal(0)
    return TallyOut(
        limit_key=t.limit.key,
        label=t.limit.label,
        basis=BASIS_DISPLAY[t.limit.basis],
        limit=t.limit.limit,
        total=t.total,
        administered=t.by_source.get(Source.ADMINISTERED, zero),
        committed=t.by_source.get(Source.COMMITTED, zero),
        elsewhere=t.by_source.get(Source.ELSEWHERE, zero),
        pct_of_limit=t.pct_of_limit.quantize(Decimal("0.1")),
        exceeded=t.exceeded,
        near_limit=t.near_limit,
        description=t.describe(),
    )


def _prior(row: PriorDose) -> PriorDoseOut:
    return PriorDoseOut(
        id=row.pk,
        ingredient=row.ingredient.code,
        amount=row.amount,
        unit=row.unit,
        bsa_m2=row.bsa_m2,
        hospital=row.hospital,
        given_from=row.given_from,
        given_to=row.given_to,
        document_ref=row.document_ref,
        reason=row.reason,
        corrects_id=row.corrects_id,
        recorded_by=str(row.recorded_by),
        recorded_at=row.recorded_at,
    )


@router.get("/patients/{patient_id}", response=CumulativeOut)
@api_perm(cumulative.VIEW)
def patient_cumulative(request: HttpRequest, patient_id: int) -> CumulativeOut:
    """The patient's lifetime totals (administered, committed, elsewhere) per limit."""
    view = cumulative.patient_cumulative_view(**reading(request), patient_id=patient_id)
    return CumulativeOut(
        patient_id=patient_id,
        tallies=[_tally(t) for t in view.tallies],
        prior_doses=[_prior(p) for p in view.prior_doses],
    )


@router.post("/patients/{patient_id}/prior-doses", response={201: PriorDoseOut})
@api_perm(cumulative.PRESCRIBE)
def prior_dose_create(
    request: HttpRequest, patient_id: int, payload: PriorDoseIn
) -> Status[PriorDoseOut]:
    """Record a dose given elsewhere, or correct a record (``corrects_id``; amount 0
    withdraws it). Records are never changed or deleted."""
    row = cumulative.prior_dose_record(
        **acting(request),
        patient_id=patient_id,
        ingredient_id=payload.ingredient_id,
        amount=payload.amount,
        unit=payload.unit,
        hospital=payload.hospital,
        given_from=payload.given_from,
        given_to=payload.given_to,
        document_ref=payload.document_ref,
        reason=payload.reason,
        bsa_m2=payload.bsa_m2,
        corrects_id=payload.corrects_id,
    )
    return Status(201, _prior(row))
