"""``POST /api/v1/nutrition/preview``: a parenteral nutrition bag computed without saving
(a stable contract for integrators, see the module README); refusals are problem+json 422
with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from corsia.core.access import api_perm
from corsia.core.web import request_actor
from corsia.nutrition import selectors
from corsia.nutrition.domain.sheet import compounder_csv, compounding_sequence
from corsia.nutrition.permissions import PREVIEW
from corsia.nutrition.schemas import PreviewIn, PreviewOut, items_of, patient_of, preview_out

router = Router(tags=["nutrition"])


@router.post("/preview", response=PreviewOut)
@api_perm(PREVIEW)
def preview(request: HttpRequest, payload: PreviewIn) -> PreviewOut:
    """Compute a bag for the patient's measures; nothing is saved.

    The patient: ``weight_kg``, ``age_days`` or ``age_years``, ``route`` (``central`` |
    ``peripheral``), optionally ``preterm`` and ``weight_measured_on``. Each component: a
    ``code`` of the pharmacy's catalogue and an ``amount`` in ``unit`` (``mL``, ``g``,
    ``mmol``, ``mEq``, ``unit`` for vials and bags, or per kg: ``mL/kg``, ``g/kg``,
    ``mmol/kg``, ``mEq/kg``). The answer: volume (mL), kcal, non-protein kcal, glucose
    infusion rate (mg/kg/min), osmolarity (mOsm/L), the calcium-phosphate verdict and every
    finding with its stable ``code`` and ``severity`` (``warn`` | ``block``).

    Refusals (422): ``weight_missing``, ``weight_stale``, ``weight_out_of_range``,
    ``age_missing``, ``age_ambiguous``, ``age_out_of_range``, ``component_unknown``,
    ``unit_not_applicable``, ``amount_not_positive``, ``amount_out_of_range``,
    ``infusion_hours_out_of_range``, ``components_required``, ``volume_out_of_range``,
    ``validation_failed`` (a malformed body)."""
    assessment = selectors.nutrition_preview(
        user=request_actor(request),
        patient=patient_of(payload.patient),
        items=items_of(payload.components),
        infusion_hours=payload.infusion_hours,
    )
    return preview_out(assessment)


@router.post("/preview/compounder.csv", response={200: str})
@api_perm(PREVIEW)
def preview_compounder_csv(
    request: HttpRequest, payload: PreviewIn, bag_id: str = "NPT"
) -> HttpResponse:
    """The same body as ``/preview``: the additions in compounding order as the CSV an
    automated compounder's software imports (columns in the module README). A bag with a
    blocking check is refused (422 ``bag_blocked``)."""
    assessment = selectors.nutrition_preview(
        user=request_actor(request),
        patient=patient_of(payload.patient),
        items=items_of(payload.components),
        infusion_hours=payload.infusion_hours,
    )
    text = compounder_csv(
        bag_id=_bag_id(bag_id),
        steps=compounding_sequence(assessment.composition.parts),
        blocked=assessment.blocked,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="npt-compounder.csv"'
    return response


def _bag_id(raw: str) -> str:
    """A bag identifier of letters, digits and dashes (at most 40), so the CSV's first column
    is never a formula or a separator."""
    cleaned = "".join(ch for ch in raw if ch.isascii() and (ch.isalnum() or ch == "-"))[:40]
    return cleaned or "NPT"
