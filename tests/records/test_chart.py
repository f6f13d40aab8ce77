"""The chart: header (age, body size, current regimen and cycle, last toxicity), timeline
of encounters, orders and toxicities newest first, the access log, the permission matrix."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.core.domain.errors import NotFound, PermissionRefused
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.prescribing import services as prescribing
from corsia.records import selectors, services
from corsia.records.domain.moments import age_in_years
from corsia.records.domain.timeline import EventKind
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version
from corsia.testing.records import admit, signed_in
from corsia.testing.toxicity import NAUSEA, term
from corsia.toxicity import services as toxicity

pytestmark = pytest.mark.django_db


def test_age_in_years_counts_completed_years() -> None:
    assert age_in_years(date(1961, 5, 4), date(2026, 5, 3)) == 64
    assert age_in_years(date(1961, 5, 4), date(2026, 5, 4)) == 65
    assert age_in_years(date(2020, 2, 29), date(2021, 2, 28)) == 0


def test_chart_header_and_timeline_newest_first(
    make_user: MakeUser, physician: User, patient: Patient, ctcae_reference: None
) -> None:
    # given an admission, a FOLFOX-4 order and a nausea G2
    admit(make_user, patient)
    folfox = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=timezone.localdate() + timedelta(days=1),
    )
    toxicity.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=toxicity.ToxicityInput(
            term_id=term(NAUSEA).pk,
            grade=2,
            attribution="probable",
            onset_date=timezone.localdate(),
        ),
    )
    logged = AccessLogEntry.objects.filter(patient_id=patient.pk, what="cartella clinica")
    assert logged.count() == 0
    # when the physician opens the chart
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    # then the header holds the body size, the regimen and cycle, the last toxicity
    h = chart.header
    assert (h.weight_kg, h.height_cm, h.bsa_m2) == (Decimal("80"), Decimal("180"), Decimal("2.00"))
    assert h.age_years == age_in_years(date(1961, 5, 4), timezone.localdate())
    assert (h.regimen.startswith("FOLFOX"), h.cycle) == (True, 1)
    assert h.last_toxicity.startswith("Nausea G2")
    # and the timeline lists the events newest first
    kinds = [e.kind for e in chart.timeline]
    assert kinds == [EventKind.TOXICITY, EventKind.ORDER, EventKind.ADMISSION]
    assert [e.at for e in chart.timeline] == sorted((e.at for e in chart.timeline), reverse=True)
    # and the read is in the access log
    assert logged.count() == 1


def test_transfer_and_discharge_are_in_the_timeline(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    first = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    second = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=first.pk, admitted_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    encounter = patient_services.encounter_transfer(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=encounter.version, ward_id=second.pk,
    )  # fmt: skip
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=encounter.version,
    )  # fmt: skip
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    kinds = [e.kind for e in chart.timeline]
    assert kinds == [EventKind.DISCHARGE, EventKind.TRANSFER, EventKind.ADMISSION]
    assert chart.timeline[1].title == "Trasferimento in Ematologia"


def test_chart_refuses_unknown_patient_and_it_staff(
    physician: User, it_staff: User, patient: Patient
) -> None:
    with pytest.raises(NotFound):
        selectors.chart_view(user=physician, patient_id=999999, workstation=None)
    with pytest.raises(PermissionRefused):
        selectors.chart_view(user=it_staff, patient_id=patient.pk, workstation=None)
    assert AccessLogEntry.objects.filter(what="cartella clinica").count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PHYSICIAN, 200),
        (Role.NURSE, 200),
        (Role.PHARMACIST, 200),
        (Role.COORDINATOR, 200),
        (Role.IT_STAFF, 403),
        (Role.TECHNICIAN, 403),
    ],
)
def test_chart_page_and_api_by_role(
    make_user: MakeUser, patient: Patient, role: Role, status: int
) -> None:
    client = signed_in(make_user(role))
    page = client.get(f"/records/patients/{patient.pk}/")
    api = client.get(f"/api/v1/patients/{patient.pk}/chart")
    assert (page.status_code, api.status_code) == (status, status)
    if status == 200:
        assert 'data-testid="chart-header"' in page.content.decode()
        assert api.json()["header"]["bsa_m2"] == "2.00"
    else:
        assert api.json()["code"] == "permission_denied"
        assert not AccessLogEntry.objects.filter(patient_id=patient.pk).exists()


def test_chart_of_unknown_patient_is_404_on_page_and_api(physician: User) -> None:
    client = signed_in(physician)
    assert client.get("/records/patients/999999/").status_code == 404
    response = client.get("/api/v1/patients/999999/chart")
    assert (response.status_code, response.json()["code"]) == (404, "patient_not_found")
    huge = client.get(f"/api/v1/patients/{10**30}/chart")
    assert huge.status_code in (404, 422)
    assert client.get(f"/records/patients/{10**30}/").status_code in (400, 404)


def test_search_leads_to_the_chart(make_user: MakeUser, physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    assert client.get("/records/").status_code == 200
    found = client.get("/records/", {"q": patient.codice_fiscale})
    assert found.status_code == 302 and found["Location"] == f"/records/patients/{patient.pk}/"
    none = client.get("/records/", {"q": "Inesistente Nessuno"})
    assert "Nessun paziente trovato." in none.content.decode()
    assert 'href="/records/"' in client.get("/records/").content.decode()  # in the menu
    assert signed_in(make_user(Role.IT_STAFF)).get("/records/").status_code == 403


def test_the_chart_reads_a_fixed_number_of_queries_however_long_the_record(
    make_user: MakeUser, physician: User, nurse: User, patient: Patient
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            services.ward_round_record(
                actor=physician, workstation=None, patient_id=patient.pk, text=f"Giro {i}.",
                vital_signs=services.VitalsInput(heart_rate="80", temperature_c="37"),
            )  # fmt: skip
            services.lab_result_record(
                actor=nurse, workstation=None, patient_id=patient.pk,
                data=services.LabInput(analyte="CEA", value=str(i + 1), collected_at=timezone.now()),
            )  # fmt: skip

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
        return len(queries)

    admit(make_user, patient)
    add(1)
    few = count()
    add(5)
    assert count() == few
