"""/api/v1/regimens (and /api/v1/trials, from ``api_trials``): thin wrappers over selectors
and services.

No ``from __future__ import annotations`` here: ninja resolves payload schemas from the
annotations of the (decorated) operation, so they must be real objects.
"""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.web import acting
from corsia.regimens import selectors, services
from corsia.regimens.api_trials import trials_router
from corsia.regimens.domain.spec_codec import spec_from_dict, spec_to_dict
from corsia.regimens.models import RegimenApproval, RegimenVersion

__all__ = ["router", "trials_router"]

router = Router(tags=["regimens"])

FHIR_JSON = "application/fhir+json"


class RegimenRow(Schema):
    code: str
    name: str
    version: int
    status: str
    therapy_type: str
    intent: str
    cycle_length_days: int
    max_cycles: int | None
    paediatric: bool
    is_active: bool
    approvals: int


class VersionRow(Schema):
    number: int
    status: str
    author: str | None
    approvals: list[str]
    validated_at: str | None


class RegimenDetail(Schema):
    code: str
    is_active: bool
    current_validated_version: int | None
    latest: dict[str, Any]
    latest_version: int
    latest_status: str
    versions: list[VersionRow]


class ApproveIn(Schema):
    comment: str = ""


class ApproveOut(Schema):
    code: str
    version: int
    status: str
    approvals: int


class ImportOut(Schema):
    code: str
    version: int
    status: str


class SaveIn(Schema):
    """A regimen as the editor's JSON document (``spec_codec``: decimals as text), saved as
    a new version "in test". Each component may carry its own weight for an obese patient's
    per-kg dose: ``obese_weight_basis`` (``actual`` | ``ideal`` | ``adjusted``; null: the
    regimen's / hospital's rule) and ``adjusted_weight_factor`` (text, 0 < f < 1, only with
    ``adjusted``; null: 0.4), e.g. busulfan ``"adjusted"``, ``"0.25"`` (Busilvex SmPC 4.2)."""

    document: dict[str, Any]
    # the regimen's optimistic version the document was built from; null: a new regimen
    expected_version: int | None = None
    change_note: str = ""

    model_config = {
        "json_schema_extra": {
            "example": {
                "document": {
                    "code": "FLU-BU4",
                    "name": "Fludarabina-busulfano",
                    "therapy_type": "conditioning",
                    "intent": "curative",
                    "cycle_length_days": 6,
                    "max_cycles": 1,
                    "bibliography": [
                        {
                            "authors": "Rambaldi A",
                            "title": "...",
                            "journal": "Lancet Oncol",
                            "year": 2015,
                        }
                    ],
                    "components": [
                        {
                            "sequence": 1,
                            "ingredient": "fludarabine",
                            "days": [1, 2, 3, 4],
                            "dose": "40",
                            "dose_unit": "mg/m2",
                            "calculation": "bsa",
                            "infusion_type": "infusion",
                            "duration_minutes": 60,
                        },
                        {
                            "sequence": 2,
                            "ingredient": "busulfan",
                            "days": [2, 3, 4, 5],
                            "dose": "3.2",
                            "dose_unit": "mg/kg",
                            "calculation": "weight",
                            "infusion_type": "infusion",
                            "duration_minutes": 180,
                            "obese_weight_basis": "adjusted",
                            "adjusted_weight_factor": "0.25",
                        },
                    ],
                },
                "expected_version": None,
                "change_note": "Busulfano sul peso corretto 0,25 (RCP 4.2)",
            }
        }
    }


def _version(code: str, number: int) -> RegimenVersion:
    version = (
        RegimenVersion.objects.select_related("regimen")
        .filter(regimen__code=code, number=number)
        .first()
    )
    if version is None:
        raise NotFound(f"Versione {number} dello schema {code} inesistente.")
    return version


# the list's columns as the query reads them → the answer's fields (RegimenRow)
_ROW_COLUMNS = {
    "regimen__code": "code",
    "name": "name",
    "number": "version",
    "status": "status",
    "therapy_type": "therapy_type",
    "intent": "intent",
    "cycle_length_days": "cycle_length_days",
    "max_cycles": "max_cycles",
    "paediatric": "paediatric",
    "regimen__is_active": "is_active",
    "approval_count": "approvals",  # annotated by the selector
}


@router.get("/", response=list[RegimenRow])
@api_perm("regimens.view_regimen")
def regimen_list(
    request: HttpRequest,
    disease: str = "",
    therapy_type: str = "",
    status: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    """Every regimen's latest version. Read as the columns the answer shows (issue 27: the
    whole library's versions — their dosing JSON, their regimens — built as model
    instances, then as schemas validated twice, cost ~45 ms of CPU per call): plain rows,
    validated once by the response schema."""
    rows = selectors.regimens_browse(
        disease=disease, therapy_type=therapy_type, status=status, text=q
    ).values_list(*_ROW_COLUMNS)
    fields = tuple(_ROW_COLUMNS.values())
    return [dict(zip(fields, row, strict=True)) for row in rows]


@router.post("/", response={201: ImportOut})
@api_perm("regimens.manage_regimen")
def regimen_save(request: HttpRequest, payload: SaveIn) -> Status[ImportOut]:
    """Create a regimen or a new version of it, as the editor page does: a malformed or
    implausible document (e.g. an adjusted weight factor of 0, 1 or 1e308) is a 422
    problem+json and nothing is saved."""
    version = services.regimen_save(
        **acting(request),
        spec=spec_from_dict(payload.document),
        expected_version=payload.expected_version,
        change_note=payload.change_note,
        source="api",
    )
    return Status(
        201, ImportOut(code=version.regimen.code, version=version.number, status=version.status)
    )


@router.post("/import", response={201: ImportOut})
@api_perm("regimens.manage_regimen")
def regimen_import(request: HttpRequest, code: str = "") -> Status[ImportOut]:
    version = services.regimen_import_plan_definition(
        **acting(request),
        document=request.body,
        code=code or None,
    )
    return Status(
        201, ImportOut(code=version.regimen.code, version=version.number, status=version.status)
    )


@router.get("/{code}", response=RegimenDetail)
@api_perm("regimens.view_regimen")
def regimen_get(request: HttpRequest, code: str) -> RegimenDetail:
    regimen = selectors.regimen_detail(code)
    if regimen is None:
        raise NotFound(f"Lo schema {code} non esiste.")
    # every version with its author and approvals in two queries (not one per version);
    # the latest is the first of them
    listed = list(
        regimen.versions.select_related("author")
        .prefetch_related(
            Prefetch("approvals", queryset=RegimenApproval.objects.select_related("approver"))
        )
        .order_by("-number")
    )
    latest = listed[0]
    current = selectors.current_version(regimen)
    versions = [
        VersionRow(
            number=v.number,
            status=v.status,
            author=v.author.username if v.author else None,
            approvals=[a.approver.username for a in v.approvals.all()],
            validated_at=v.validated_at.isoformat() if v.validated_at else None,
        )
        for v in listed
    ]
    return RegimenDetail(
        code=regimen.code,
        is_active=regimen.is_active,
        current_validated_version=current.number if current else None,
        latest=spec_to_dict(selectors.version_spec(latest)),
        latest_version=latest.number,
        latest_status=latest.status,
        versions=versions,
    )


@router.get("/{code}/versions/{number}/plandefinition")
@api_perm("regimens.view_regimen")
def regimen_export(request: HttpRequest, code: str, number: int) -> HttpResponse:
    plan = selectors.version_plan_definition(_version(code, number))
    return HttpResponse(plan, content_type=FHIR_JSON)


@router.post("/{code}/versions/{number}/approve", response=ApproveOut)
@api_perm("regimens.validate_regimen")
def regimen_approve(request: HttpRequest, code: str, number: int, payload: ApproveIn) -> ApproveOut:
    version = _version(code, number)
    version = services.regimen_approve(
        **acting(request),
        version_id=version.pk,
        comment=payload.comment,
    )
    return ApproveOut(
        code=code,
        version=version.number,
        status=version.status,
        approvals=version.approvals.count(),
    )
