"""A print that is no one patient's document (the day's call-in list, the UFA's
requirements, a report) keeps the ids of the patients it names (issue 23 §23, privacy):
reopening it from the archive — its page, its PDF, the API's detail — writes one
access-log row per named patient, with who, when and from which workstation; the
archive's list, which shows only its title, names nobody; a patient merge moves the named
patient to the survivor and its undoing moves it back."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.documents import selectors, services
from corsia.documents.domain.search import DocumentFilters
from corsia.documents.models import Document, DocumentNamedPatient
from corsia.documents.schemas_lists import call_in_sample
from corsia.patients import services as patients
from corsia.patients.models import Patient, PatientMerge
from corsia.testing.accounts import MakeUser
from corsia.testing.documents import MakeDocument
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.django_db
TITLE = "Convocazioni Day hospital del 07/12/2026"


def _call_in_list(actor: User, named: list[int]) -> Document:
    return services.document_print(
        actor=actor,
        workstation="DH-PC01",
        template_code="call_in_list",
        title=TITLE,
        patient=None,
        context={"call_in": call_in_sample()["call_in"]},
        source=("agenda", "agenda", "1:2026-12-07"),
        named_patients=named,
    )


def _named(document: Document) -> list[int]:
    return sorted(document.named_patients.values_list("patient_id", flat=True))


def test_a_print_stores_each_patient_it_names_once(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    document = _call_in_list(physician, [other.pk, patient.pk, other.pk])
    assert _named(document) == sorted([patient.pk, other.pk])
    created = AuditEvent.objects.get(
        event_type="documents.document_created", target_id=str(document.pk)
    )
    assert (created.patient_id, (created.after or {})["named_patients"]) == (None, 2)


def test_a_patients_own_document_does_not_name_its_patient_again(
    make_document: MakeDocument, patient: Patient, make_user: MakeUser
) -> None:
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    document = make_document(named_patients=[patient.pk, other.pk])
    assert _named(document) == [other.pk]


def test_reopening_a_list_logs_a_read_of_each_patient_it_names(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # given a list naming two patients, archived by the physician
    coordinator = make_user(Role.COORDINATOR)
    other = patient_registered(coordinator, **ANNA_BIANCHI)
    document = _call_in_list(physician, [other.pk, patient.pk])
    start = timezone.now()
    # the archive's list shows its title only: no patient is named there, nobody logged
    found = selectors.document_search(
        user=coordinator,
        filters=DocumentFilters(template_code="call_in_list"),
        page=1,
        workstation="ACC-PC03",
    )
    assert [d.pk for d in found.documents] == [document.pk]
    assert not AccessLogEntry.objects.filter(user=coordinator).exists()
    # when the coordinator opens its page, then downloads its PDF from the API
    selectors.document_view(user=coordinator, document_id=document.pk, workstation="ACC-PC03")
    selectors.document_content(
        user=coordinator, document_id=document.pk, workstation="ACC-PC04", channel="api"
    )
    # then each reopening is one row per named patient: who, which, what, where, how
    first, second = sorted([patient.pk, other.pk])
    sheet = f"documento (scheda): {TITLE} v1 (#{document.pk})"
    pdf = f"documento (PDF scaricato): {TITLE} v1 (#{document.pk})"
    rows = list(AccessLogEntry.objects.filter(user=coordinator).order_by("id"))
    assert [(r.username, r.patient_id, r.what, r.workstation, r.channel) for r in rows] == [
        (coordinator.username, first, sheet, "ACC-PC03", "web"),
        (coordinator.username, second, sheet, "ACC-PC03", "web"),
        (coordinator.username, first, pdf, "ACC-PC04", "api"),
        (coordinator.username, second, pdf, "ACC-PC04", "api"),
    ]
    assert all(start <= r.accessed_at <= timezone.now() for r in rows)


def test_a_merge_moves_the_named_patient_and_its_undoing_moves_it_back(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    duplicate = patient_registered(coordinator, **ANNA_BIANCHI)
    document = _call_in_list(physician, [duplicate.pk])
    patients.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=patient.pk,
        duplicate_id=duplicate.pk,
        reason="Stessa persona registrata due volte",
    )
    assert _named(document) == [patient.pk]
    selectors.document_view(user=coordinator, document_id=document.pk, workstation="ACC-PC03")
    assert list(
        AccessLogEntry.objects.filter(user=coordinator).values_list("patient_id", flat=True)
    ) == [patient.pk]
    merge = PatientMerge.objects.get(duplicate=duplicate, state="merged")
    patients.patient_unmerge(
        actor=coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )
    assert _named(document) == [duplicate.pk]


def test_a_named_patient_row_is_neither_changed_nor_deleted(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    document = _call_in_list(physician, [patient.pk])
    rows = DocumentNamedPatient.objects.filter(document=document)
    for change in (lambda: rows.update(patient_id=other.pk), rows.delete):
        with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic():
            change()
    assert _named(document) == [patient.pk]
