"""The clinical diary: signed on save, read-only by any path, a correction supersedes;
bad input refused in Italian with nothing saved; pages, API and permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import (
    ConflictError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.domain.timeline import EventKind
from corsia.records.models import DiaryEntry
from corsia.testing.accounts import MakeUser
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db


def _sign(
    physician: User, patient: Patient, text: str = "Paziente vigile, apiretico."
) -> DiaryEntry:
    return services.diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.DiaryInput(kind="ward_round", text=text),
    )


def test_sign_writes_the_entry_and_its_audit_event(physician: User, patient: Patient) -> None:
    entry = _sign(physician, patient)
    assert (entry.kind, entry.author, entry.text) == (
        "ward_round",
        physician,
        "Paziente vigile, apiretico.",
    )
    event = AuditEvent.objects.get(event_type="records.diary_entry_signed")
    assert (event.patient_id, event.target_id) == (patient.pk, str(entry.pk))


def test_a_signed_entry_cannot_be_changed_or_deleted_by_any_path(
    physician: User, patient: Patient
) -> None:
    entry = _sign(physician, patient)
    with pytest.raises(DatabaseError), transaction.atomic():
        DiaryEntry.objects.filter(pk=entry.pk).update(text="cambiato")
    with pytest.raises(DatabaseError), transaction.atomic():
        DiaryEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.text == "Paziente vigile, apiretico."


def test_a_correction_supersedes_and_only_the_newest_may_be_corrected(
    physician: User, patient: Patient
) -> None:
    old = _sign(physician, patient)
    new = services.diary_entry_correct(
        actor=physician,
        workstation=None,
        entry_id=old.pk,
        data=services.DiaryInput(kind="ward_round", text="Paziente vigile, febbrile (38.2)."),
        reason="temperatura trascritta male",
    )
    assert (new.supersedes_id, new.correction_reason) == (old.pk, "temperatura trascritta male")
    with pytest.raises(ConflictError) as refused:
        services.diary_entry_correct(
            actor=physician,
            workstation=None,
            entry_id=old.pk,
            data=services.DiaryInput(kind="note", text="altro"),
            reason="ancora",
        )
    assert refused.value.code == "diary_entry_superseded"
    current = selectors.patient_diary(user=physician, patient_id=patient.pk)
    every = selectors.patient_diary(user=physician, patient_id=patient.pk, include_history=True)
    assert [e.pk for e in current] == [new.pk]
    assert {e.pk for e in every} == {old.pk, new.pk}
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    diary_events = [e for e in chart.timeline if e.kind is EventKind.DIARY]
    assert len(diary_events) == 1 and "febbrile" in diary_events[0].detail
    assert "temperatura trascritta male" in diary_events[0].detail


def test_correction_needs_a_reason(physician: User, patient: Patient) -> None:
    old = _sign(physician, patient)
    with pytest.raises(ValidationFailed) as refused:
        services.diary_entry_correct(
            actor=physician,
            workstation=None,
            entry_id=old.pk,
            data=services.DiaryInput(kind="note", text="x"),
            reason="  ",
        )
    assert refused.value.code == "required"
    assert DiaryEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "text", "shift", "code"),
    [
        ("ward_round", "", timedelta(0), "required"),
        ("ward_round", "a\x00b", timedelta(0), "invalid_characters"),
        ("ward_round", "x" * 20_001, timedelta(0), "text_too_long"),
        ("ward_round", "ok", timedelta(days=1), "in_future"),
        ("gossip", "ok", timedelta(0), "entry_kind_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    physician: User, patient: Patient, kind: str, text: str, shift: timedelta, *, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.diary_entry_sign(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=services.DiaryInput(kind=kind, text=text, written_at=timezone.now() + shift),
        )
    assert refused.value.code == code
    assert DiaryEntry.objects.count() == 0


def test_unknown_patient_and_roles_without_the_permission(
    physician: User, nurse: User, pharmacist: User, patient: Patient
) -> None:
    with pytest.raises(NotFound):
        services.diary_entry_sign(
            actor=physician,
            workstation=None,
            patient_id=999999,
            data=services.DiaryInput(kind="note", text="x"),
        )
    for user in (nurse, pharmacist):
        with pytest.raises(PermissionRefused):
            _sign(user, patient)
    assert DiaryEntry.objects.count() == 0


def test_page_signs_an_entry_and_shows_it_in_the_timeline(
    physician: User, patient: Patient
) -> None:
    client = signed_in(physician)
    page = client.get(f"/records/patients/{patient.pk}/")
    assert 'data-testid="diary-form"' in page.content.decode()
    response = client.post(
        f"/records/patients/{patient.pk}/diary/",
        {"kind": "visit", "text": "Addome trattabile.", "written_at": ""},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Addome trattabile." in html and "Annotazione firmata" in html


def test_page_refuses_a_future_entry_in_italian_and_saves_nothing(
    physician: User, patient: Patient
) -> None:
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(physician).post(
        f"/records/patients/{patient.pk}/diary/",
        {"kind": "visit", "text": "x", "written_at": future},
    )
    assert response.status_code == 422
    assert "non possono essere nel futuro" in response.content.decode()
    assert DiaryEntry.objects.count() == 0


def test_page_correction_and_stale_second_correction(physician: User, patient: Patient) -> None:
    old = _sign(physician, patient)
    client = signed_in(physician)
    assert client.get(f"/records/diary/{old.pk}/correct/").status_code == 200
    data = {"kind": "ward_round", "text": "Corretto.", "written_at": "", "reason": "refuso"}
    first = client.post(f"/records/diary/{old.pk}/correct/", data)
    assert first.status_code == 302
    second = client.post(f"/records/diary/{old.pk}/correct/", data)
    assert second.status_code == 409
    assert "già stata corretta" in second.content.decode()
    assert DiaryEntry.objects.count() == 2


def test_page_permissions(make_user: MakeUser, patient: Patient) -> None:
    for role in (Role.NURSE, Role.PHARMACIST, Role.IT_STAFF):
        response = signed_in(make_user(role)).post(
            f"/records/patients/{patient.pk}/diary/", {"kind": "note", "text": "x"}
        )
        assert response.status_code == 403, role
    assert DiaryEntry.objects.count() == 0


def test_api_sign_list_correct_and_problems(
    physician: User, pharmacist: User, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/diary"
    created = client.post(
        url,
        {"kind": "consult", "text": "Consulenza cardiologica."},
        content_type="application/json",
    )
    assert created.status_code == 201
    entry_id = created.json()["id"]
    corrected = client.post(
        f"{url}/{entry_id}/corrections",
        {"kind": "consult", "text": "Consulenza cardiologica: FE 60%.", "reason": "completata"},
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["supersedes_id"] == entry_id
    again = client.post(
        f"{url}/{entry_id}/corrections",
        {"kind": "consult", "text": "x", "reason": "y"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "diary_entry_superseded")
    listed = signed_in(pharmacist).get(url)
    assert [e["text"] for e in listed.json()["items"]] == ["Consulenza cardiologica: FE 60%."]
    future = (timezone.now() + timedelta(days=3)).isoformat()
    bad = client.post(
        url, {"kind": "note", "text": "x", "written_at": future}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "in_future")
    denied = signed_in(pharmacist).post(
        url, {"kind": "note", "text": "x"}, content_type="application/json"
    )
    assert denied.status_code == 403
    missing = client.post(
        "/api/v1/patients/999999/diary",
        {"kind": "note", "text": "x"},
        content_type="application/json",
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "patient_not_found")
    assert DiaryEntry.objects.count() == 2
