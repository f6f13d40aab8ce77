"""The clinical statistics as registered reports: the API's JSON, the page with the
Kaplan–Meier chart, the access log of every run and the pseudonymised extract, over the
generated centre (corsia/testing/reports_clinical.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.reports.domain.registry import definitions
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.reports_clinical import Centre, centre

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"
HALF = "period_from=2026-01-01&period_to=2026-06-30"

CLINICAL = {
    "clinical_new_patients_histotype",
    "clinical_new_patients_stage",
    "clinical_new_patients_site",
    "clinical_new_patients_seen_access_type",
    "clinical_new_patients_seen_agenda",
    "clinical_treated_demographics",
    "clinical_admissions",
    "clinical_activity",
    "clinical_toxicity_grade",
    "clinical_toxicity_regimen",
    "clinical_toxicity_drug",
    "clinical_dose_intensity",
    "clinical_survival_os",
    "clinical_survival_pfs",
    "clinical_best_response",
}


@pytest.fixture
def data(make_user: MakeUser) -> Centre:
    return centre(make_user)


def test_every_clinical_statistic_is_registered_with_its_permission() -> None:
    mine = {d.code: d for d in definitions() if d.code.startswith("clinical_")}
    assert set(mine) == CLINICAL
    assert {d.permission for d in mine.values()} == {"reports.view_clinical_statistics"}
    assert all(d.holds_patient_data for d in mine.values())


def test_the_api_gives_the_toxicities_and_logs_each_patient(
    data: Centre, make_user: MakeUser
) -> None:
    client = api_client(make_user(Role.PHYSICIAN))
    before = AccessLogEntry.objects.count()
    body = client.get(f"{API}/clinical_toxicity_grade?{HALF}").json()
    # label, records, patients, G1..G5, serious
    assert [r[:3] for r in body["rows"]] == [["G1", 1, 1], ["G2", 2, 2], ["G3", 1, 1]]
    logged = AccessLogEntry.objects.order_by("-pk")[: AccessLogEntry.objects.count() - before]
    assert {e.patient_id for e in logged} == {data.p1.pk, data.p2.pk, data.p3.pk}
    # a regimen id that names no regimen keeps nothing (not everything)
    none = client.get(f"{API}/clinical_toxicity_grade?{HALF}&regimen=999999").json()
    assert none["rows"] == []
    # a pharmacist has no clinical statistics
    pharmacist = api_client(make_user(Role.PHARMACIST))
    assert pharmacist.get(f"{API}/clinical_toxicity_grade?{HALF}").status_code == 403


def test_dose_intensity_through_the_api_and_pseudonymised(
    data: Centre, make_user: MakeUser
) -> None:
    client = api_client(make_user(Role.PHYSICIAN))
    body = client.get(f"{API}/clinical_dose_intensity?{HALF}").json()
    keys = [c["key"] for c in body["columns"]]
    rows = [dict(zip(keys, r, strict=True)) for r in body["rows"]]
    oxa = next(r for r in rows if r["patient"] == data.p1.mrn and r["regimen"] == "FOLFOX-4"
               and r["drug"] == data.p1_orders[0].items.get(ingredient__code="oxaliplatin").ingredient.name_it)  # fmt: skip
    assert (oxa["cycles"], oxa["planned_days"], oxa["actual_days"]) == (4, 56, 63)
    assert Decimal(oxa["rdi"]) == Decimal("84.44")
    assert Decimal(oxa["regimen_rdi"]) == Decimal("87.41")
    pseudo = client.get(f"{API}/clinical_dose_intensity?{HALF}&pseudonymised=1").json()
    patients = {r[0] for r in pseudo["rows"]}
    assert all(p.startswith("P-") for p in patients) and len(patients) == 2


def test_the_survival_page_draws_the_step_curve_with_its_band(
    data: Centre, make_user: MakeUser
) -> None:
    client = logged_in(make_user(Role.PHYSICIAN))
    page = client.get(f"/reports/clinical_survival_os/?run=1&{HALF}").content.decode()
    assert 'role="img"' in page and 'fill="#cfe2f7"' in page  # the band
    assert "Numeri a rischio — 0 mesi: 3 · 3 mesi: 1 · 6 mesi: 0." in page
    assert "3 pazienti, 2 eventi, 1 censurati; mediana 4,8 mesi (IC 95% 0,9–4,8)" in page
    body = api_client(make_user(Role.PHYSICIAN)).get(f"{API}/clinical_survival_os?{HALF}").json()
    # life table: 0, P3's death (0.92), P2 censored (2.66), P1's death (4.76)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in body["rows"]] == [
        ("0", 3, 0, 0, "100"),
        ("0.92", 3, 1, 0, "66.7"),
        ("2.66", 2, 0, 1, "66.7"),
        ("4.76", 1, 1, 0, "0.0"),
    ]
