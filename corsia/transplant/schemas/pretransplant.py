"""The JSON shapes of the pre-transplant path's API.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, AwareDatetime, BoundedInt, IsoDate, Reason, RecordId
from corsia.transplant import services
from corsia.transplant.selectors import CasePath

Allele = str
HlaIn = dict[str, list[Allele]]


def hla_pairs(raw: HlaIn) -> dict[str, tuple[str, str]]:
    pairs: dict[str, tuple[str, str]] = {}
    for locus, alleles in list(raw.items())[:10]:
        values = [str(a)[:40] for a in alleles[:2]] + ["", ""]
        pairs[str(locus)[:10].upper()] = (values[0], values[1])
    return pairs


class TypingIn(Schema):
    expected_version: BoundedInt
    hla: HlaIn = Field(max_length=10)
    abo: str = Field(default="", max_length=3)
    cmv: str = Field(default="unknown", max_length=10)


class DonorIn(Schema):
    kind: str = Field(max_length=20)
    name: str = Field(max_length=120)
    hla: HlaIn = Field(default={}, max_length=10)
    registry_id: str = Field(default="", max_length=40)
    relation: str = Field(default="", max_length=60)
    sex: str = Field(default="", max_length=1)
    born_on: IsoDate | None = None
    abo: str = Field(default="", max_length=3)
    rh_positive: bool | None = None
    cmv: str = Field(default="unknown", max_length=10)
    markers: dict[str, str] = Field(default={}, max_length=10)
    consent: bool = False
    consent_on: IsoDate | None = None
    exception_reason: Reason = ""


class DonorUpdateIn(DonorIn):
    expected_version: BoundedInt


class DecisionIn(Schema):
    expected_version: BoundedInt
    reason: Reason


class CollectionIn(Schema):
    method: str = Field(max_length=20)
    collected_on: IsoDate
    din: str = Field(max_length=40)
    volume_ml: Amount
    recipient_weight_kg: Amount | None = None
    cd34_per_ul: Amount | None = None
    cd34_total: Amount | None = None
    expires_at: AwareDatetime | None = None
    note: Reason = ""


class CustodyIn(Schema):
    expected_version: BoundedInt
    kind: str = Field(max_length=20)
    occurred_at: AwareDatetime | None = None
    note: Reason = ""


class ConditioningIn(Schema):
    expected_version: BoundedInt
    regimen_version_id: RecordId
    intensity: str = Field(max_length=3)
    start: IsoDate
    day_zero: IsoDate


class InfusionIn(Schema):
    din_scan: str = Field(max_length=40)
    wristband: str = Field(max_length=40)
    volume_ml: Amount
    started_at: AwareDatetime | None = None
    reactions: Reason = ""


class CountIn(Schema):
    on: IsoDate
    anc: Amount | None = None
    platelets: Amount | None = None
    platelet_transfusion: bool = False


class DonorOut(Schema):
    id: int
    kind: str
    state: str
    name: str
    registry_id: str
    hla: dict[str, Any]
    match: dict[str, Any]
    abo: str
    cmv: str
    eligible: bool
    eligibility_reasons: list[str]
    choice_reason: str
    version: int


class ProductOut(Schema):
    id: int
    din: str
    method: str
    collected_on: date
    volume_ml: Decimal
    cd34_total: Decimal
    cd34_dose: Decimal
    recipient_weight_kg: Decimal
    custody: str
    custody_events: list[dict[str, Any]]
    version: int


class InfusionOut(Schema):
    id: int
    product_din: str
    started_at: datetime
    volume_ml: Decimal
    reactions: str


class CountOut(Schema):
    on: date
    anc: Decimal | None
    platelets: Decimal | None
    platelet_transfusion: bool


class PathOut(Schema):
    donors: list[DonorOut]
    products: list[ProductOut]
    infusions: list[InfusionOut]
    counts: list[CountOut]
    neutrophil_engraftment_day: int | None
    neutrophil_engraftment_date: date | None
    platelet_engraftment_day: int | None
    platelet_engraftment_date: date | None


def donor_input(payload: DonorIn) -> services.DonorInput:
    return services.DonorInput(
        kind=payload.kind,
        name=payload.name,
        hla_typing=hla_pairs(payload.hla),
        registry_id=payload.registry_id,
        relation=payload.relation,
        sex=payload.sex,
        born_on=payload.born_on,
        abo=payload.abo,
        rh_positive=payload.rh_positive,
        cmv=payload.cmv,
        markers={str(k)[:20]: str(v)[:10] for k, v in payload.markers.items()},
        consent=payload.consent,
        consent_on=payload.consent_on,
        exception_reason=payload.exception_reason,
    )


def path_out(path: CasePath) -> PathOut:
    return PathOut(
        donors=[
            DonorOut(
                id=d.pk,
                kind=d.kind,
                state=d.state,
                name=d.name,
                registry_id=d.registry_id,
                hla=d.hla,
                match=d.match,
                abo=d.abo,
                cmv=d.cmv,
                eligible=d.eligible,
                eligibility_reasons=d.eligibility_reasons,
                choice_reason=d.choice_reason,
                version=d.version,
            )
            for d in path.donors
        ],
        products=[
            ProductOut(
                id=p.pk,
                din=p.din,
                method=p.method,
                collected_on=p.collected_on,
                volume_ml=p.volume_ml,
                cd34_total=p.cd34_total,
                cd34_dose=p.cd34_dose,
                recipient_weight_kg=p.recipient_weight_kg,
                custody=p.custody,
                custody_events=[
                    {"kind": e.kind, "occurred_at": e.occurred_at.isoformat()}
                    for e in p.custody_events.all()
                ],
                version=p.version,
            )
            for p in path.products
        ],
        infusions=[
            InfusionOut(
                id=i.pk,
                product_din=i.product.din,
                started_at=i.started_at,
                volume_ml=i.volume_ml,
                reactions=i.reactions,
            )
            for i in path.infusions
        ],
        counts=[
            CountOut(
                on=c.on,
                anc=c.anc,
                platelets=c.platelets,
                platelet_transfusion=c.platelet_transfusion,
            )
            for c in path.counts
        ],
        neutrophil_engraftment_day=path.engraftment.neutrophil_day,
        neutrophil_engraftment_date=path.engraftment.neutrophil_date,
        platelet_engraftment_day=path.engraftment.platelet_day,
        platelet_engraftment_date=path.engraftment.platelet_date,
    )
