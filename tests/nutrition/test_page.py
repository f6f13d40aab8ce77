"""The calculator page: the same selector and permission as the API, the values shown with
their formulas, blocks and refusals on the page, nothing written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client

from corsia.accounts.domain.roles import Role

ClientFor = Callable[[Role], Client]
URL = "/nutrition/"

# The adult bag of test_composition: 1895 mL, 1834.97 kcal, GIR 2.48, 1506 mOsm/L
ADULT = {
    "weight_kg": "70", "age": "50", "age_unit": "years", "route": "central",
    "infusion_hours": "24",
    "code": ["AA_AMINOVEN_10", "GLU_50", "LIP_SMOFLIPID_20", "NA_CL_2", "K_CL_2",
             "P_GLYCOPHOS", "CA_GLUC_10", "MG_SO4_10", "TE_ADDAVEN", "VIT_SOLUVIT_N", ""],
    "amount": ["1000", "500", "250", "80", "60", "15", "4,5", "20", "1", "1", ""],
    "unit": ["mL", "mL", "mL", "mmol", "mEq", "mmol", "mmol", "mL", "unit", "unit", "mL"],
}  # fmt: skip


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_the_empty_form(client_for: ClientFor) -> None:
    page = client_for(Role.PHARMACIST).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Aminoven 10%" in text and "Kabiven centrale 1026 mL" in text


def test_the_adult_bag_with_its_formulas(client_for: ClientFor) -> None:
    client = client_for(Role.PHYSICIAN)
    before = _rows()
    page = client.post(URL, ADULT)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1895,0 mL" in text
    assert "1835,0 kcal" in text
    assert "2,48 mg/kg/min" in text
    assert "1506 mOsm/L" in text
    assert "somma (mL x osmolarità dichiarata mOsm/L) / volume totale mL" in text
    assert "osmolarity_not_labelled" in text
    assert 'data-testid="blocked"' not in text
    assert _rows() == before


def test_peripheral_blocks_on_the_page(client_for: ClientFor) -> None:
    page = client_for(Role.PHYSICIAN).post(URL, {**ADULT, "route": "peripheral"})
    text = page.content.decode()
    assert 'data-testid="blocked"' in text
    assert 'data-testid="finding-peripheral_osmolarity_exceeded"' in text


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"weight_kg": ""}, "weight_missing"),
        ({"weight_kg": "0"}, "weight_out_of_range"),
        ({"weight_kg": "abc"}, "number_invalid"),
        ({"age": ""}, "age_missing"),
        ({"route": "x"}, "route_unknown"),
        ({"weight_measured_on": "2000-01-01"}, "weight_stale"),
        ({"code": ["NOPE"], "amount": ["1"], "unit": ["mL"]}, "component_unknown"),
        ({"code": ["GLU_10"], "amount": [""], "unit": ["mL"]}, "amount_not_positive"),
    ],
)
def test_refusals_re_render_the_form_with_the_message(
    client_for: ClientFor, change: dict[str, object], code: str
) -> None:
    page = client_for(Role.PHYSICIAN).post(URL, {**ADULT, **change})
    assert page.status_code == 422
    assert f"({code})" in page.content.decode()


@pytest.mark.parametrize("role", [Role.NURSE, Role.COORDINATOR, Role.IT_STAFF])
def test_roles_without_the_permission_get_403(client_for: ClientFor, role: Role) -> None:
    assert client_for(role).get(URL).status_code == 403
    assert client_for(role).post(URL, ADULT).status_code == 403


def test_the_compounding_sheet_and_its_csv(client_for: ClientFor) -> None:
    client = client_for(Role.PHARMACIST)
    text = client.post(URL, ADULT).content.decode()
    assert 'data-testid="sequence"' in text and "Fosfato, prima del calcio" in text
    download = client.post("/nutrition/compounder.csv", ADULT)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    lines = download.content.decode().splitlines()
    assert lines[0] == "bag_id,sequence,component_code,component_name,volume_ml,kind"
    assert lines[1] == "NPT,1,AA_AMINOVEN_10,Aminoven 10%,1000.000,amino_acids"
    assert lines[-1] == "NPT,10,LIP_SMOFLIPID_20,SMOFlipid 20%,250.000,lipid"


def test_a_blocked_bag_is_not_exported_from_the_page(client_for: ClientFor) -> None:
    page = client_for(Role.PHARMACIST).post(
        "/nutrition/compounder.csv", {**ADULT, "route": "peripheral"}
    )
    assert page.status_code == 422
    assert "(bag_blocked)" in page.content.decode()
