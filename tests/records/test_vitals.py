"""Vital signs and the ward round through services, pages and API: limits refused with
nothing saved, flags shown, the SVG chart and its table, the permission matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.domain.timeline import EventKind
from corsia.records.models import DiaryEntry, VitalSigns
from corsia.testing.accounts import MakeUser
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db


def _vitals(**values: object) -> services.VitalsInput:
    return services.VitalsInput(**values)  # type: ignore[arg-type]  # test shorthand


def test_nurse_records_vitals_with_audit_and_flags(nurse: User, patient: Patient) -> None:
    signs = services.vital_signs_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=_vitals(systolic_bp="118", diastolic_bp="76", temperature_c="38,6", spo2="94"),
    )
    assert (signs.systolic_bp, signs.diastolic_bp, signs.spo2) == (118, 76, 94)
    assert str(signs.temperature_c) == "38.6"
    event = AuditEvent.objects.get(event_type="records.vital_signs_recorded")
    assert event.after is not None
    assert event.after["flags"] == {"temperature_c": "high", "spo2": "low"}
    view = selectors.patient_vitals(user=nurse, patient_id=patient.pk)
    assert [c.flag_label for c in view.rows[0].cells if c.flag] == ["alto", "basso"]
    assert AccessLogEntry.objects.filter(what="parametri vitali").count() == 1


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"temperature_c": "375"}, "vital_out_of_range"),
        ({"spo2": "101"}, "vital_out_of_range"),
        ({"heart_rate": "10" * 30}, "vital_out_of_range"),
        ({"systolic_bp": "80", "diastolic_bp": "90"}, "blood_pressure_inverted"),
        ({}, "vitals_empty"),
        ({"heart_rate": "80", "measured_at": "future"}, "in_future"),
    ],
)
def test_bad_vitals_refused_nothing_saved(
    nurse: User, patient: Patient, values: dict[str, object], code: str
) -> None:
    if values.get("measured_at") == "future":
        values = {**values, "measured_at": timezone.now() + timedelta(hours=2)}
    with pytest.raises(ValidationFailed) as refused:
        services.vital_signs_record(
            actor=nurse, workstation=None, patient_id=patient.pk, data=_vitals(**values)
        )
    assert refused.value.code == code
    assert VitalSigns.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="records.vital_signs_recorded").exists()


def test_permissions_and_unknown_patient(
    nurse: User, pharmacist: User, it_staff: User, patient: Patient
) -> None:
    for user in (pharmacist, it_staff):
        with pytest.raises(PermissionRefused):
            services.vital_signs_record(
                actor=user, workstation=None, patient_id=patient.pk, data=_vitals(heart_rate="80")
            )
    with pytest.raises(NotFound):
        services.vital_signs_record(
            actor=nurse, workstation=None, patient_id=999999, data=_vitals(heart_rate="80")
        )
    assert VitalSigns.objects.count() == 0


def test_ward_round_saves_entry_and_vitals_together_or_neither(
    physician: User, patient: Patient
) -> None:
    done = services.ward_round_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        text="Buone condizioni generali.",
        vital_signs=_vitals(heart_rate="72", pain_nrs="2"),
    )
    assert done.vital_signs is not None and done.vital_signs.diary_entry_id == done.entry.pk
    assert done.entry.kind == "ward_round"
    with pytest.raises(ValidationFailed):
        services.ward_round_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            text="Secondo giro.",
            vital_signs=_vitals(heart_rate="720"),
        )
    assert (DiaryEntry.objects.count(), VitalSigns.objects.count()) == (1, 1)
    only_text = services.ward_round_record(
        actor=physician, workstation=None, patient_id=patient.pk, text="Solo testo.",
        vital_signs=_vitals(),
    )  # fmt: skip
    assert only_text.vital_signs is None
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    kinds = {e.kind for e in chart.timeline}
    assert {EventKind.DIARY, EventKind.VITALS} <= kinds
    assert [p.vital.value for p in chart.vitals.panels] == ["heart_rate", "pain_nrs"]


def test_chart_page_draws_the_svg_chart_and_the_table(nurse: User, patient: Patient) -> None:
    for hours, temperature in ((8, "36.8"), (4, "38.4"), (0, "37.9")):
        services.vital_signs_record(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=_vitals(
                temperature_c=temperature, measured_at=timezone.now() - timedelta(hours=hours)
            ),
        )
    html = signed_in(nurse).get(f"/records/patients/{patient.pk}/").content.decode()
    assert 'data-vital="temperature_c"' in html and "<polyline" in html
    assert 'data-testid="vitals-table"' in html
    assert "38.4 ⚠" in html or "38,4 ⚠" in html
    assert 'data-testid="vitals-form"' in html and 'data-testid="ward-round-form"' not in html


def test_page_refuses_out_of_range_in_italian(nurse: User, patient: Patient) -> None:
    response = signed_in(nurse).post(
        f"/records/patients/{patient.pk}/vitals/", {"temperature_c": "375", "measured_at": ""}
    )
    assert response.status_code == 422
    assert "fuori dai limiti fisiologici" in response.content.decode()
    assert VitalSigns.objects.count() == 0


def test_page_ward_round_by_physician_nurse_refused(
    physician: User, nurse: User, patient: Patient
) -> None:
    data = {"text": "Stabile.", "heart_rate": "80", "systolic_bp": "120", "diastolic_bp": "70"}
    assert (
        signed_in(nurse).post(f"/records/patients/{patient.pk}/ward-round/", data).status_code
        == 403
    )
    response = signed_in(physician).post(
        f"/records/patients/{patient.pk}/ward-round/", data, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stabile." in html and "PA 120/70 mmHg" in html


@pytest.mark.parametrize(
    ("role", "read", "record"),
    [
        (Role.PHYSICIAN, 200, 201),
        (Role.NURSE, 200, 201),
        (Role.PHARMACIST, 200, 403),
        (Role.IT_STAFF, 403, 403),
    ],
)
def test_api_permission_matrix(
    make_user: MakeUser, patient: Patient, role: Role, read: int, record: int
) -> None:
    client = signed_in(make_user(role))
    url = f"/api/v1/patients/{patient.pk}/vitals"
    posted = client.post(url, {"heart_rate": 80}, content_type="application/json")
    assert posted.status_code == record
    assert client.get(url).status_code == read
    assert VitalSigns.objects.count() == (1 if record == 201 else 0)


def test_api_problems_and_ward_round(physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/vitals"
    bad = client.post(url, {"temperature_c": 375}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (422, "vital_out_of_range")
    huge = client.post(url, {"heart_rate": 10**40}, content_type="application/json")
    assert huge.status_code == 422
    nul = client.post(
        f"/api/v1/patients/{patient.pk}/ward-rounds",
        {"text": "a\u0000b"},
        content_type="application/json",
    )
    assert (nul.status_code, nul.json()["code"]) == (400, "invalid_characters")
    done = client.post(
        f"/api/v1/patients/{patient.pk}/ward-rounds",
        {"text": "Giro: stabile.", "vital_signs": {"spo2": 91}},
        content_type="application/json",
    )
    assert done.status_code == 201
    assert done.json()["vital_signs"]["flags"] == {"spo2": "low"}
    listed = client.get(url).json()["items"]
    assert [v["spo2"] for v in listed] == [91]
    assert (DiaryEntry.objects.count(), VitalSigns.objects.count()) == (1, 1)
