"""Test factories: active ingredients (the drugs module owns them) and small regimens."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.test import Client

from corsia.audit.models import AuditEvent
from corsia.drugs.models import ActiveIngredient
from corsia.regimens.domain.spec import (
    Calculation,
    Component,
    ComponentRole,
    DiseaseLink,
    DiseaseSystem,
    InfusionType,
    Intent,
    Reference,
    RegimenSpec,
    Route,
    TherapyType,
)
from corsia.regimens.domain.spec_codec import spec_to_dict
from corsia.regimens.models import Regimen, RegimenVersion


def make_ingredients(codes: Iterable[str]) -> None:
    for code in codes:
        ActiveIngredient.objects.get_or_create(
            code=code,
            defaults={"name_en": code.replace("_", " "), "name_it": code.replace("_", " ")},
        )


def abvd_spec(code: str = "ABVD-T", *, doxorubicin: str = "25") -> RegimenSpec:
    def iv(seq: int, ingredient: str, dose: str, unit: str = "mg/m2") -> Component:
        return Component(
            sequence=seq,
            ingredient=ingredient,
            days=(1, 15),
            dose=Decimal(dose),
            dose_unit=unit,
            calculation=Calculation.BSA,
            route=Route.IV,
            infusion_type=InfusionType.BOLUS,
        )

    return RegimenSpec(
        code=code,
        name="ABVD di prova",
        therapy_type=TherapyType.CHEMOTHERAPY,
        intent=Intent.CURATIVE,
        cycle_length_days=28,
        max_cycles=6,
        components=(
            iv(1, "doxorubicin", doxorubicin),
            iv(2, "bleomycin", "10", "U/m2"),
            iv(3, "vinblastine", "6"),
            Component(
                sequence=4,
                ingredient="dacarbazine",
                days=(1, 15),
                dose=Decimal("375"),
                dose_unit="mg/m2",
                calculation=Calculation.BSA,
                infusion_type=InfusionType.INFUSION,
                duration_minutes=60,
                preparation="sodio cloruro 0,9% 500 mL",
                infusion_conditions="proteggere dalla luce",
            ),
            Component(
                sequence=5,
                ingredient="ondansetron",
                days=(1, 15),
                dose=Decimal("8"),
                dose_unit="mg",
                calculation=Calculation.FLAT,
                role=ComponentRole.PREMEDICATION,
            ),
        ),
        bibliography=(
            Reference(
                "Bonadonna G, et al.",
                "Combination chemotherapy of Hodgkin's disease",
                "Cancer",
                1975,
            ),
        ),
        diseases=(DiseaseLink(DiseaseSystem.ICDO3_MORPHOLOGY, "9650/3", "Hodgkin"),),
    )


ABVD_INGREDIENTS = ("doxorubicin", "bleomycin", "vinblastine", "dacarbazine", "ondansetron")


FLU_BU_INGREDIENTS = ("fludarabine", "busulfan")


def flu_bu_spec(
    code: str = "FLU-BU-T",
    *,
    busulfan_basis: str | None = "adjusted",
    busulfan_factor: str | None = "0.25",
) -> RegimenSpec:
    """Fludarabine 40 mg/m² days 1-4 and busulfan 3.2 mg/kg days 2-5 (a 6-day cycle), the
    busulfan line with its own obese weight basis (default: SmPC 4.2, adjusted 0.25)."""
    return RegimenSpec(
        code=code,
        name="Fludarabina-busulfano di prova",
        therapy_type=TherapyType.CONDITIONING,
        intent=Intent.CURATIVE,
        cycle_length_days=6,
        max_cycles=1,
        components=(
            Component(
                sequence=1,
                ingredient="fludarabine",
                days=(1, 2, 3, 4),
                dose=Decimal(40),
                dose_unit="mg/m2",
                calculation=Calculation.BSA,
                infusion_type=InfusionType.INFUSION,
                duration_minutes=60,
            ),
            Component(
                sequence=2,
                ingredient="busulfan",
                days=(2, 3, 4, 5),
                dose=Decimal("3.2"),
                dose_unit="mg/kg",
                calculation=Calculation.WEIGHT,
                infusion_type=InfusionType.INFUSION,
                duration_minutes=180,
                obese_weight_basis=busulfan_basis,
                adjusted_weight_factor=(
                    None if busulfan_factor is None else Decimal(busulfan_factor)
                ),
            ),
        ),
        bibliography=(
            Reference("Rambaldi A, et al.", "Busulfan plus fludarabine", "Lancet Oncol", 2015),
        ),
    )


def flu_bu_document(line: int = 1, **changes: Any) -> dict[str, Any]:
    """``flu_bu_spec()`` as the editor's / API's JSON document, with ``changes`` on its line
    ``line`` (0: fludarabine 40 mg/m², 1: busulfan 3.2 mg/kg)."""
    document: dict[str, Any] = json.loads(json.dumps(spec_to_dict(flu_bu_spec())))
    document["components"][line].update(changes)
    return document


def regimen_save_refused(client: Client, document: dict[str, Any]) -> dict[str, Any]:
    """POST ``document`` to ``/api/v1/regimens/``: it must be a 422 problem+json, whose
    body is returned."""
    refused = client.post(
        "/api/v1/regimens/", {"document": document}, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    assert refused["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = refused.json()
    return body


def no_regimen_written(audits: int) -> None:
    """No regimen, no version, and ``audits`` audit rows still (counted after signing in)."""
    assert not Regimen.objects.exists()
    assert not RegimenVersion.objects.exists()
    assert AuditEvent.objects.count() == audits
