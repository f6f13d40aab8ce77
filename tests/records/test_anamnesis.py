"""Anamnesis: versioned (each save a new signed version, a stale form refused), and the
raccordo anamnestico linked to the encounter in progress; pages, API, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.models import AnamnesisNote, AnamnesisVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.records import admit, signed_in

pytestmark = pytest.mark.django_db


def test_each_save_is_a_new_version_and_a_stale_form_is_refused(
    physician: User, patient: Patient
) -> None:
    first = services.anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.Sections(family="Padre: carcinoma del colon a 60 anni."),
        expected_version=0,
    )
    second = services.anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.Sections(
            family="Padre: carcinoma del colon a 60 anni.", physiological="Ex fumatore."
        ),
        expected_version=1,
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(StaleVersion):
        services.anamnesis_sign(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=services.Sections(family="x"),
            expected_version=1,
        )
    first.refresh_from_db()
    assert first.physiological == ""  # the old version is kept as it was
    view = selectors.anamnesis_view(user=physician, patient_id=patient.pk)
    assert view.current == second and [v.number for v in view.versions] == [2, 1]
    assert AuditEvent.objects.filter(event_type="records.anamnesis_signed").count() == 2


@pytest.mark.parametrize(
    ("sections", "code"),
    [
        (services.Sections(), "anamnesis_empty"),
        (services.Sections(family="a\x00b"), "invalid_characters"),
        (services.Sections(remote_pathological="x" * 20_001), "text_too_long"),
    ],
)
def test_bad_anamnesis_refused_nothing_saved(
    physician: User, patient: Patient, sections: services.Sections, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.anamnesis_sign(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=sections,
            expected_version=0,
        )
    assert refused.value.code == code
    assert AnamnesisVersion.objects.count() == 0


def test_raccordo_needs_an_encounter_and_is_linked_to_it(
    make_user: MakeUser, physician: User, nurse: User, patient: Patient
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.anamnesis_note_sign(
            actor=physician, workstation=None, patient_id=patient.pk, text="Nulla di nuovo."
        )
    assert refused.value.code == "no_active_encounter"
    encounter_id = admit(make_user, patient)
    note = services.anamnesis_note_sign(
        actor=physician, workstation=None, patient_id=patient.pk, text="Dal ciclo precedente: G1."
    )
    assert (note.encounter_id, note.noted_on) == (encounter_id, timezone.localdate())
    with pytest.raises(ValidationFailed) as future:
        services.anamnesis_note_sign(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            text="x",
            noted_on=timezone.localdate() + timedelta(days=1),
        )
    assert future.value.code == "in_future"
    with pytest.raises(PermissionRefused):
        services.anamnesis_note_sign(actor=nurse, workstation=None, patient_id=patient.pk, text="x")
    assert AnamnesisNote.objects.count() == 1
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    assert any(e.title.startswith("Raccordo anamnestico") for e in chart.timeline)


def test_page_saves_a_version_and_answers_409_to_a_stale_form(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/records/patients/{patient.pk}/anamnesis/"
    assert 'data-testid="anamnesis-form"' in client.get(url).content.decode()
    saved = client.post(url, {"version": "0", "family": "Madre: diabete."}, follow=True)
    assert saved.status_code == 200 and "Madre: diabete." in saved.content.decode()
    stale = client.post(url, {"version": "0", "family": "altro"})
    assert stale.status_code == 409
    assert "ricarica la pagina" in stale.content.decode()
    empty = client.post(url, {"version": "1"})
    assert empty.status_code == 422 and "almeno una sezione" in empty.content.decode()
    assert AnamnesisVersion.objects.count() == 1
    reader = signed_in(pharmacist)
    page = reader.get(url).content.decode()
    assert "Madre: diabete." in page and 'data-testid="anamnesis-form"' not in page
    assert reader.post(url, {"version": "1", "family": "x"}).status_code == 403
    admit(make_user, patient)
    note = client.post(f"{url}note/", {"text": "Raccordo: stabile.", "noted_on": ""}, follow=True)
    assert "Raccordo: stabile." in note.content.decode()


def test_api_anamnesis_and_notes(make_user: MakeUser, physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/anamnesis"
    created = client.post(
        url, {"version": 0, "remote_pathological": "Appendicectomia (1990)."}, "application/json"
    )
    assert (created.status_code, created.json()["version"]) == (201, 1)
    stale = client.post(url, {"version": 0, "family": "x"}, "application/json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    no_encounter = client.post(
        f"/api/v1/patients/{patient.pk}/anamnesis-notes", {"text": "x"}, "application/json"
    )
    assert (no_encounter.status_code, no_encounter.json()["code"]) == (422, "no_active_encounter")
    admit(make_user, patient)
    note = client.post(
        f"/api/v1/patients/{patient.pk}/anamnesis-notes", {"text": "Stabile."}, "application/json"
    )
    assert note.status_code == 201
    read = signed_in(make_user(Role.NURSE)).get(url).json()
    assert read["current"]["remote_pathological"] == "Appendicectomia (1990)."
    assert [n["text"] for n in read["notes"]] == ["Stabile."]
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
