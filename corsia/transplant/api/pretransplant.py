"""The pre-transplant path's API: /api/v1/transplant/cases/{id}/path (read) and one call
per act of the case page, with the same services and permissions.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, request_actor, request_workstation
from corsia.transplant import selectors, services
from corsia.transplant.api.case import case_read
from corsia.transplant.permissions import DECIDE, RECORD, VIEW
from corsia.transplant.schemas.case import CaseOut
from corsia.transplant.schemas.pretransplant import (
    CollectionIn,
    ConditioningIn,
    CountIn,
    CustodyIn,
    DecisionIn,
    DonorIn,
    DonorUpdateIn,
    InfusionIn,
    PathOut,
    TypingIn,
    donor_input,
    hla_pairs,
    path_out,
)

router = Router()


def _path(request: HttpRequest, transplant_id: int) -> PathOut:
    case = selectors.transplant_get(
        user=request_actor(request), transplant_id=transplant_id,
        workstation=request_workstation(request), channel="api",
    )  # fmt: skip
    return path_out(selectors.case_path(case))


@router.get("/cases/{transplant_id}/path", response=PathOut)
@api_perm(VIEW)
def case_path(request: HttpRequest, transplant_id: int) -> PathOut:
    """Donors with their computed match and eligibility, products with their chain of
    custody, infusions, counts and the computed engraftment days."""
    return _path(request, transplant_id)


@router.post("/cases/{transplant_id}/typing", response=CaseOut)
@api_perm(RECORD)
def recipient_typing(request: HttpRequest, transplant_id: int, payload: TypingIn) -> CaseOut:
    services.recipient_typing_record(
        **acting(request), transplant_id=transplant_id, expected_version=payload.expected_version,
        hla_typing=hla_pairs(payload.hla), abo=payload.abo, cmv=payload.cmv,
    )  # fmt: skip
    return case_read(request, transplant_id)


@router.post("/cases/{transplant_id}/donors", response={201: PathOut})
@api_perm(RECORD)
def donor_add(request: HttpRequest, transplant_id: int, payload: DonorIn) -> Status[PathOut]:
    """Refusals: ``hla_allele_invalid``, ``hla_locus_incomplete``, ``hla_null_allele``,
    ``registry_id_required``, ``autologous_no_donor``, ``donor_kind_not_cord``, ..."""
    services.donor_add(**acting(request), transplant_id=transplant_id, data=donor_input(payload))
    return Status(201, _path(request, transplant_id))


@router.put("/donors/{donor_id}", response=PathOut)
@api_perm(RECORD)
def donor_update(request: HttpRequest, donor_id: int, payload: DonorUpdateIn) -> PathOut:
    donor = services.donor_update(
        **acting(request), donor_id=donor_id, expected_version=payload.expected_version,
        data=donor_input(payload),
    )  # fmt: skip
    return _path(request, donor.transplant_id)


@router.post("/donors/{donor_id}/choose", response=PathOut)
@api_perm(DECIDE)
def donor_choose(request: HttpRequest, donor_id: int, payload: DecisionIn) -> PathOut:
    """Refusals: ``donor_not_typed``, ``donor_not_eligible``, ``donor_already_chosen``."""
    donor = services.donor_choose(
        **acting(request), donor_id=donor_id, expected_version=payload.expected_version,
        reason=payload.reason,
    )  # fmt: skip
    return _path(request, donor.transplant_id)


@router.post("/donors/{donor_id}/exclude", response=PathOut)
@api_perm(DECIDE)
def donor_exclude(request: HttpRequest, donor_id: int, payload: DecisionIn) -> PathOut:
    donor = services.donor_exclude(
        **acting(request), donor_id=donor_id, expected_version=payload.expected_version,
        reason=payload.reason,
    )  # fmt: skip
    return _path(request, donor.transplant_id)


@router.post("/cases/{transplant_id}/products", response={201: PathOut})
@api_perm(RECORD)
def collect(request: HttpRequest, transplant_id: int, payload: CollectionIn) -> Status[PathOut]:
    """Refusals: ``weight_required``, ``recipient_weight_kg_out_of_range``, ``din_malformed``,
    ``din_check_failed``, ``din_already_used``, ``donor_not_chosen``, ``method_not_source``."""
    services.product_collect(
        **acting(request), transplant_id=transplant_id,
        data=services.CollectionInput(
            method=payload.method, collected_on=payload.collected_on, din=payload.din,
            volume_ml=payload.volume_ml, recipient_weight_kg=payload.recipient_weight_kg,
            cd34_per_ul=payload.cd34_per_ul, cd34_total=payload.cd34_total,
            expires_at=payload.expires_at, note=payload.note,
        ),
    )  # fmt: skip
    return Status(201, _path(request, transplant_id))


@router.post("/products/{product_id}/custody", response=PathOut)
@api_perm(RECORD)
def custody(request: HttpRequest, product_id: int, payload: CustodyIn) -> PathOut:
    """Refusals: ``custody_out_of_order``, ``custody_before_previous``."""
    event = services.custody_record(
        **acting(request), product_id=product_id, expected_version=payload.expected_version,
        kind=payload.kind, occurred_at=payload.occurred_at, note=payload.note,
    )  # fmt: skip
    return _path(request, event.product.transplant_id)


@router.post("/cases/{transplant_id}/conditioning", response=CaseOut)
@api_perm(DECIDE)
def conditioning(request: HttpRequest, transplant_id: int, payload: ConditioningIn) -> CaseOut:
    services.conditioning_set(
        **acting(request), transplant_id=transplant_id, expected_version=payload.expected_version,
        regimen_version_id=payload.regimen_version_id, intensity=payload.intensity,
        start=payload.start, day_zero=payload.day_zero,
    )  # fmt: skip
    return case_read(request, transplant_id)


@router.post("/cases/{transplant_id}/infusions", response={201: PathOut})
@api_perm(RECORD)
def infusion(request: HttpRequest, transplant_id: int, payload: InfusionIn) -> Status[PathOut]:
    """Refusals: ``wristband_mismatch``, ``product_unknown``, ``product_other_patient``,
    ``product_not_issued``, ``product_expired``, ``infusion_not_day_zero``."""
    services.infusion_record(
        **acting(request), transplant_id=transplant_id,
        data=services.InfusionInput(
            din_scan=payload.din_scan, wristband_scan=payload.wristband,
            volume_ml=payload.volume_ml, started_at=payload.started_at,
            reactions=payload.reactions,
        ),
    )  # fmt: skip
    return Status(201, _path(request, transplant_id))


@router.post("/cases/{transplant_id}/counts", response={201: PathOut})
@api_perm(RECORD)
def count(request: HttpRequest, transplant_id: int, payload: CountIn) -> Status[PathOut]:
    """Refusals: ``on_before_day_zero``, ``count_already_recorded``, ``not_infused``."""
    services.count_record(
        **acting(request), transplant_id=transplant_id,
        data=services.CountInput(
            on=payload.on, anc=payload.anc, platelets=payload.platelets,
            platelet_transfusion=payload.platelet_transfusion,
        ),
    )  # fmt: skip
    return Status(201, _path(request, transplant_id))
