"""A regimen document with an impossible dose (1e308, 1e-308, NaN, Infinity, a negative, a
NUL byte in a text) through the API and the editor: a 422 naming the field, with a stable
code and an Italian message, and nothing written (no regimen, no version, no audit row)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.regimens.domain.spec import DOSE_CEILING, DOSE_UNITS
from corsia.regimens.domain.spec_codec import spec_from_dict
from corsia.regimens.domain.structure import validate_structure
from corsia.testing.regimens import (
    FLU_BU_INGREDIENTS,
    flu_bu_document,
    make_ingredients,
    no_regimen_written,
    regimen_save_refused,
)

# flu_bu_spec(): components[0] fludarabine 40 mg/m2, components[1] busulfan 3.2 mg/kg
FLUDARABINE, BUSULFAN = 0, 1


BUSULFAN_DOSE = "components[1].dose"
# (what changes, the refusal's code, its field, the problem's own code when the structure
# check refuses it: None for a type error of the codec)
API_CASES = [
    ({"dose": "1e308"}, "invalid_regimen_structure", BUSULFAN_DOSE, "dose_out_of_range"),
    ({"dose": "1E+400"}, "invalid_regimen_structure", BUSULFAN_DOSE, "dose_out_of_range"),
    # 2000 mg/kg is busulfan's unit's ceiling: one ten-thousandth more is refused
    ({"dose": "2000.0001"}, "invalid_regimen_structure", BUSULFAN_DOSE, "dose_out_of_range"),
    # the database keeps 4 decimals: 1e-308 would be stored as a dose of 0
    ({"dose": "1e-308"}, "invalid_regimen_structure", BUSULFAN_DOSE, "too_many_decimals"),
    ({"dose": "3.20001"}, "invalid_regimen_structure", BUSULFAN_DOSE, "too_many_decimals"),
    ({"dose": "-3.2"}, "invalid_regimen_structure", BUSULFAN_DOSE, "not_positive"),
    ({"dose": "0"}, "invalid_regimen_structure", BUSULFAN_DOSE, "not_positive"),
    ({"dose": "NaN"}, "invalid_structure", BUSULFAN_DOSE, None),
    ({"dose": "Infinity"}, "invalid_structure", BUSULFAN_DOSE, None),
    ({"dose": "-Infinity"}, "invalid_structure", BUSULFAN_DOSE, None),
    ({"dose": 1e308}, "invalid_structure", BUSULFAN_DOSE, None),  # a JSON number: a float
    ({"dose": "tre"}, "invalid_structure", BUSULFAN_DOSE, None),
    # a maximum dose is in the absolute unit (mg: ceiling 100000)
    (
        {"max_dose": "1e308"},
        "invalid_regimen_structure",
        "components[1].max_dose",
        "dose_out_of_range",
    ),
    (
        {"concentration_mg_ml": "1e308"},
        "invalid_regimen_structure",
        "components[1].concentration_mg_ml",
        "dose_out_of_range",
    ),
    (
        {"concentration_mg_ml": "0.00001"},
        "invalid_regimen_structure",
        "components[1].concentration_mg_ml",
        "too_many_decimals",
    ),
]


@pytest.mark.parametrize(("changes", "code", "field", "problem"), API_CASES)
def test_api_refuses_an_impossible_dose_with_422_and_writes_nothing(  # type: ignore[no-untyped-def]
    client_for, changes: dict[str, Any], code: str, field: str, problem: str | None
) -> None:
    make_ingredients(FLU_BU_INGREDIENTS)
    pharmacist = client_for(Role.PHARMACIST)
    audits = AuditEvent.objects.count()  # after signing in
    body = regimen_save_refused(pharmacist, flu_bu_document(**changes))
    assert (body["code"], body["field"]) == (code, field)
    assert body["detail"].startswith(("Lo schema contiene", f"{field}:"))  # Italian, names it
    if problem is not None:
        assert {"path": field, "code": problem} == {
            k: body["details"]["problems"][0][k] for k in ("path", "code")
        }
    no_regimen_written(audits)


def test_api_refuses_a_nul_byte_before_the_document_is_read(client_for) -> None:  # type: ignore[no-untyped-def]
    """A NUL byte anywhere in an API body is refused by the bad-input middleware, for every
    endpoint alike: 400 ``invalid_characters`` (corsia/core/middleware.py)."""
    make_ingredients(FLU_BU_INGREDIENTS)
    pharmacist = client_for(Role.PHARMACIST)
    audits = AuditEvent.objects.count()
    document = flu_bu_document()
    document["name"] = "Fludarabina\x00busulfano"
    refused = pharmacist.post(
        "/api/v1/regimens/", {"document": document}, content_type="application/json"
    )
    assert refused.status_code == 400, refused.content
    assert (refused.json()["code"], refused.json()["field"]) == (
        "invalid_characters",
        "document.name",
    )
    no_regimen_written(audits)


EDITOR_CASES = [
    # the editor's text is JSON: "\u0000" is six plain characters to the form's checks
    (lambda d: d.update(name="Fludarabina\u0000busulfano"), "name", "invalid_characters"),
    (
        lambda d: d["components"][BUSULFAN].update(ingredient="busul\u0000fan"),
        "components[1].ingredient",
        "invalid_characters",
    ),
    (lambda d: d["components"][BUSULFAN].update(dose="1e308"), BUSULFAN_DOSE, "dose_out_of_range"),
    (lambda d: d["components"][BUSULFAN].update(dose="1e-308"), BUSULFAN_DOSE, "too_many_decimals"),
    (
        lambda d: d["components"][FLUDARABINE].update(dose="40000"),
        "components[0].dose",
        "dose_out_of_range",
    ),
    (lambda d: d["components"][BUSULFAN].update(dose="NaN"), BUSULFAN_DOSE, "invalid_structure"),
]


@pytest.mark.parametrize(("change", "field", "code"), EDITOR_CASES)
def test_editor_refuses_an_impossible_dose_with_422_and_writes_nothing(  # type: ignore[no-untyped-def]
    client_for, change: Any, field: str, code: str
) -> None:
    make_ingredients(FLU_BU_INGREDIENTS)
    pharmacist = client_for(Role.PHARMACIST)
    audits = AuditEvent.objects.count()
    document = flu_bu_document()
    change(document)
    text = json.dumps(document)  # ensure_ascii: a NUL is written "\u0000"
    refused = pharmacist.post("/regimens/new/", {"document": text})
    assert refused.status_code == 422
    assert {"path": field, "code": code} in [
        {"path": p["path"], "code": p["code"]} for p in refused.context["problems"]
    ]
    no_regimen_written(audits)


# the ceilings, by hand, above the largest published doses of their unit
HAND_CEILINGS = {
    "mg/m2": "20000",  # treosulfan 14 g/m² a day, methotrexate 12 g/m²
    "g/m2": "20",
    "mg/kg": "2000",  # immunoglobulin 2 g/kg
    "mcg/kg": "1000",  # plerixafor 240 mcg/kg
    "UI/kg": "1000000",  # aldesleukin 720000 UI/kg
    "mg": "100000",  # 100 g flat
    "mL": "10000",  # 10 L
}


@pytest.mark.parametrize(("unit", "ceiling"), HAND_CEILINGS.items())
def test_the_ceiling_itself_is_accepted_and_above_it_refused(unit: str, ceiling: str) -> None:
    assert DOSE_CEILING[unit] == Decimal(ceiling)
    calculation = DOSE_UNITS[unit].value
    assert _problems(_busulfan_in(unit, calculation, dose=ceiling)) == []
    above = str(Decimal(ceiling) + Decimal("0.0001"))
    assert _problems(_busulfan_in(unit, calculation, dose=above)) == [
        (BUSULFAN_DOSE, "dose_out_of_range")
    ]


def test_an_age_band_dose_has_its_line_unit_ceiling() -> None:
    bands = [
        {"from_years": 0, "to_years": 1, "dose": "6"},
        {"from_years": 1, "to_years": None, "dose": "1e308"},
    ]
    assert _problems(_busulfan_in("mg", "flat", dose="12", age_bands=bands)) == [
        ("components[1].age_bands[1].dose", "dose_out_of_range")
    ]


def _busulfan_in(unit: str, calculation: str, **changes: Any) -> dict[str, Any]:
    """The busulfan line in another unit, without its own obese weight (per kg only)."""
    return flu_bu_document(
        dose_unit=unit,
        calculation=calculation,
        obese_weight_basis=None,
        adjusted_weight_factor=None,
        **changes,
    )


def _problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate_structure(spec_from_dict(document))]
