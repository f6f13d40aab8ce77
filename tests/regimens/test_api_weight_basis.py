"""A regimen line's own obese weight basis through the API and the FHIR round trip: the
fields are read and written; bad input is a 422 problem+json and nothing is saved."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.regimens import selectors, services
from corsia.regimens.domain.fhir import spec_to_plan_definition
from corsia.regimens.fhir_io import plan_definition_json
from corsia.regimens.models import Regimen, RegimenComponent
from corsia.testing.regimens import (
    FLU_BU_INGREDIENTS,
    flu_bu_document,
    flu_bu_spec,
    make_ingredients,
    no_regimen_written,
    regimen_save_refused,
)


def test_api_saves_and_reads_the_line_weight_basis(client_for) -> None:  # type: ignore[no-untyped-def]
    make_ingredients(FLU_BU_INGREDIENTS)
    pharmacist = client_for(Role.PHARMACIST)
    saved = pharmacist.post(
        "/api/v1/regimens/",
        {"document": flu_bu_document(), "change_note": "busulfano RCP 4.2"},
        content_type="application/json",
    )
    assert saved.status_code == 201, saved.content
    assert saved.json() == {"code": "FLU-BU-T", "version": 1, "status": "in_test"}
    row = RegimenComponent.objects.get(version__regimen__code="FLU-BU-T", sequence=2)
    assert (row.obese_weight_basis, row.adjusted_weight_factor) == ("adjusted", Decimal("0.25"))
    detail = pharmacist.get("/api/v1/regimens/FLU-BU-T").json()
    busulfan = detail["latest"]["components"][1]
    assert (busulfan["obese_weight_basis"], busulfan["adjusted_weight_factor"]) == (
        "adjusted",
        "0.25",
    )
    assert detail["latest"]["components"][0]["obese_weight_basis"] is None
    page = pharmacist.get("/regimens/FLU-BU-T/")
    assert page.status_code == 200
    assert "peso corretto (fattore 0,25)" in page.content.decode()
    # a new version changing only the factor: saved, and the diff of the page shows it
    regimen = Regimen.objects.get(code="FLU-BU-T")
    again = pharmacist.post(
        "/api/v1/regimens/",
        {
            "document": flu_bu_document(adjusted_weight_factor="0.4"),
            "expected_version": regimen.version,
            "change_note": "protocollo del centro",
        },
        content_type="application/json",
    )
    assert again.status_code == 201, again.content
    assert again.json()["version"] == 2
    page = pharmacist.get("/regimens/FLU-BU-T/diff/", {"a": 1, "b": 2})
    assert page.status_code == 200
    assert b"components[2].adjusted_weight_factor" in page.content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"adjusted_weight_factor": "0"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": "1"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": "-0.25"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": "1e308"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": "NaN"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": "un quarto"}, "components[1].adjusted_weight_factor"),
        ({"adjusted_weight_factor": 0.25}, "components[1].adjusted_weight_factor"),
        ({"obese_weight_basis": "obeso"}, "components[1].obese_weight_basis"),
        (
            {"obese_weight_basis": "ideal"},
            "components[1].adjusted_weight_factor",
        ),  # a factor without the adjusted basis
    ],
)
def test_api_bad_weight_basis_input_is_422_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    client_for, changes: dict[str, Any], field: str
) -> None:
    make_ingredients(FLU_BU_INGREDIENTS)
    pharmacist = client_for(Role.PHARMACIST)
    audits = AuditEvent.objects.count()  # after signing in
    refused = regimen_save_refused(pharmacist, flu_bu_document(**changes))
    assert refused["field"] == field
    no_regimen_written(audits)


def test_api_save_needs_the_manage_permission(client_for) -> None:  # type: ignore[no-untyped-def]
    make_ingredients(FLU_BU_INGREDIENTS)
    nurse = client_for(Role.NURSE)
    refused = nurse.post(
        "/api/v1/regimens/", {"document": flu_bu_document()}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Regimen.objects.exists()


def test_plan_definition_round_trip_keeps_the_line_weight_basis(make_user) -> None:  # type: ignore[no-untyped-def]
    make_ingredients(FLU_BU_INGREDIENTS)
    admin = make_user(Role.PHARMACIST, username="pharma.author")
    original = services.regimen_save(actor=admin, spec=flu_bu_spec(), expected_version=None)
    spec = selectors.version_spec(original)
    assert spec.components[1].adjusted_weight_factor == Decimal("0.25")
    plan = spec_to_plan_definition(spec, version=1, status="in_test")
    busulfan = next(c for c in plan["contained"] if c["id"] == "c2")
    factor = next(e for e in busulfan["extension"] if e["url"].endswith("adjusted_weight_factor"))
    assert factor["valueDecimal"] == Decimal("0.25")
    imported = services.regimen_import_plan_definition(
        actor=admin, document=plan_definition_json(plan), code="FLU-BU-COPY"
    )
    assert selectors.version_spec(imported) == dataclasses.replace(spec, code="FLU-BU-COPY")
