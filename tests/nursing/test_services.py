"""Assessments recorded and corrected through the services: scored by the domain, written
once (the database refuses UPDATE and DELETE), audited, access-logged on read; the ward's
own scales defined as data and versioned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.nursing import selectors, services
from corsia.nursing.models import Assessment, Scale
from corsia.patients.models import Patient
from corsia.testing.nursing import BRADEN_11, BRADEN_15

pytestmark = pytest.mark.django_db


def _braden(actor: User, patient: Patient, answers: dict[str, str], **kw: object) -> Assessment:
    return services.assessment_record(
        actor=actor,
        workstation="tablet-3",
        patient_id=patient.pk,
        data=services.AssessmentInput(scale_code="braden", answers=answers, **kw),  # type: ignore[arg-type]
    )


def test_the_thirteen_scales_load_once(db: None) -> None:
    assert services.scales_reference_load() == 13
    assert services.scales_reference_load() == 0
    assert Scale.objects.filter(shipped=True, active=True).count() == 13
    assert AuditEvent.objects.filter(event_type="nursing.scales_loaded").count() == 1


def test_a_nurse_records_a_braden_scored_and_audited(
    scales: None, nurse: User, patient: Patient
) -> None:
    assessment = _braden(nurse, patient, BRADEN_11, notes="Cute integra")
    assert (assessment.total, assessment.band_label, assessment.band_level) == (
        11,
        "Rischio alto",
        3,
    )
    assert assessment.items[2] == {
        "item": "activity",
        "label": "Attività",
        "answer": "1",
        "answer_label": "Sempre a letto",
        "points": 1,
    }
    event = AuditEvent.objects.get(event_type="nursing.assessment_recorded")
    assert (event.patient_id, event.actor_id, event.workstation) == (
        patient.pk,
        nurse.pk,
        "tablet-3",
    )
    assert event.after is not None and event.after["total"] == 11


def test_a_missing_item_writes_nothing(scales: None, nurse: User, patient: Patient) -> None:
    answers = {k: v for k, v in BRADEN_11.items() if k != "friction"}
    with pytest.raises(ValidationFailed) as refused:
        _braden(nurse, patient, answers)
    assert refused.value.message == "Manca la risposta a «Frizione e scivolamento»."
    assert Assessment.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="nursing.assessment_recorded").exists()


@pytest.mark.parametrize(
    ("when", "code"),
    [(timedelta(hours=1), "assessed_in_future"), (timedelta(days=-8), "assessed_too_long_ago")],
)
def test_assessment_time_is_checked(
    scales: None, nurse: User, patient: Patient, when: timedelta, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _braden(nurse, patient, BRADEN_11, assessed_at=timezone.now() + when)
    assert refused.value.code == code


def test_notes_with_a_nul_are_refused(scales: None, nurse: User, patient: Patient) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _braden(nurse, patient, BRADEN_11, notes="ok\x00")
    assert refused.value.code == "invalid_characters"


def test_a_pharmacist_cannot_assess(scales: None, make_user, patient: Patient) -> None:  # type: ignore[no-untyped-def]
    from corsia.accounts.domain.roles import Role

    with pytest.raises(PermissionRefused):
        _braden(make_user(Role.PHARMACIST), patient, BRADEN_11)
    assert Assessment.objects.count() == 0


def test_the_database_refuses_to_change_or_delete_an_assessment(
    scales: None, nurse: User, patient: Patient
) -> None:
    assessment = _braden(nurse, patient, BRADEN_11)
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(total=23)
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).delete()
    assert Assessment.objects.get(pk=assessment.pk).total == 11


def test_a_correction_supersedes_with_a_reason_and_the_trend_shows_it(
    scales: None, nurse: User, physician: User, patient: Patient
) -> None:
    old = _braden(nurse, patient, BRADEN_11)
    with pytest.raises(ValidationFailed):
        services.assessment_correct(
            actor=nurse, workstation=None, assessment_id=old.pk, answers=BRADEN_15, reason=" "
        )
    new = services.assessment_correct(
        actor=nurse,
        workstation=None,
        assessment_id=old.pk,
        answers=BRADEN_15,
        reason="Attività e mobilità valutate sul paziente sbagliato",
    )
    assert (new.total, new.band_label, new.supersedes_id) == (15, "Rischio lieve", old.pk)
    assert new.assessed_at == old.assessed_at  # the same moment, corrected
    assert Assessment.objects.get(pk=old.pk).total == 11  # the old one unchanged
    with pytest.raises(ConflictError) as again:
        services.assessment_correct(
            actor=nurse, workstation=None, assessment_id=old.pk, answers=BRADEN_11, reason="x"
        )
    assert again.value.code == "assessment_superseded"
    current = selectors.patient_assessments(user=physician, patient_id=patient.pk)
    assert [a.pk for a in current] == [new.pk]
    every = selectors.patient_assessments(
        user=physician, patient_id=patient.pk, include_history=True
    )
    assert {a.pk for a in every} == {old.pk, new.pk}
    event = AuditEvent.objects.get(event_type="nursing.assessment_corrected")
    assert event.before is not None and event.before["total"] == 11
    assert event.reason == "Attività e mobilità valutate sul paziente sbagliato"


def test_trends_per_scale_newest_first_and_reads_are_logged(
    scales: None, nurse: User, physician: User, patient: Patient
) -> None:
    now = timezone.now()
    _braden(nurse, patient, BRADEN_11, assessed_at=now - timedelta(days=2))
    _braden(nurse, patient, BRADEN_15, assessed_at=now - timedelta(days=1))
    services.assessment_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.AssessmentInput(scale_code="nrs", answers={"intensity": "6"}),
    )
    trends = selectors.patient_scale_trends(user=physician, patient_id=patient.pk)
    assert [t.code for t in trends] == ["nrs", "braden"]  # by name: "NRS …", "Scala di Braden"
    braden = trends[1]
    assert [a.total for a in braden.assessments] == [15, 11]
    assert braden.panel is not None and len(braden.panel.dots) == 2
    # the older (11) left and lower than the newer (15); y grows downwards
    older, newer = braden.panel.dots
    assert older.x < newer.x and older.y > newer.y
    assert AccessLogEntry.objects.filter(
        user=physician, patient_id=patient.pk, what="andamento delle scale (infermieristica)"
    ).exists()


def _own_scale() -> dict[str, object]:
    return {
        "code": "cavo_orale",
        "name": "Cavo orale del reparto",
        "version": "1",
        "higher_is_worse": True,
        "items": [
            {
                "code": "redness",
                "label": "Arrossamento",
                "options": [
                    {"code": "no", "label": "No", "points": 0},
                    {"code": "yes", "label": "Sì", "points": 1},
                ],
            },
            {"code": "pain", "label": "Dolore (0-3)", "min": 0, "max": 3},
        ],
        "bands": [
            {"min": 0, "max": 1, "label": "Bene", "level": 0},
            {"min": 2, "max": 4, "label": "Da rivalutare", "level": 1},
        ],
    }


def test_the_ward_defines_its_own_scale_and_a_new_version_replaces_the_old(
    scales: None, coordinator: User, nurse: User, patient: Patient
) -> None:
    with pytest.raises(PermissionRefused):
        services.scale_define(actor=nurse, workstation=None, definition=_own_scale())
    first = services.scale_define(actor=coordinator, workstation=None, definition=_own_scale())
    recorded = services.assessment_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.AssessmentInput(
            scale_code="cavo_orale", answers={"redness": "yes", "pain": 2}
        ),
    )
    assert (recorded.total, recorded.band_label) == (3, "Da rivalutare")
    with pytest.raises(ConflictError):
        services.scale_define(actor=coordinator, workstation=None, definition=_own_scale())
    second = services.scale_define(
        actor=coordinator, workstation=None, definition={**_own_scale(), "version": "2"}
    )
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    # the definition of a scale is frozen in the database
    with pytest.raises(DatabaseError), transaction.atomic():
        Scale.objects.filter(pk=first.pk).update(definition={})
    # its past assessment still reads with its version
    assert Assessment.objects.get(pk=recorded.pk).scale_id == first.pk


def test_a_scale_that_is_not_one_is_refused(scales: None, coordinator: User) -> None:
    broken = {**_own_scale(), "bands": [{"min": 0, "max": 1, "label": "Bene", "level": 0}]}
    with pytest.raises(ValidationFailed) as refused:
        services.scale_define(actor=coordinator, workstation=None, definition=broken)
    assert "manca 2" in refused.value.message
    assert not Scale.objects.filter(code="cavo_orale").exists()


def test_withdrawing_needs_a_reason_and_hides_the_scale_from_new_assessments(
    scales: None, coordinator: User, nurse: User, patient: Patient
) -> None:
    norton = Scale.objects.get(code="norton")
    with pytest.raises(ValidationFailed):
        services.scale_set_active(
            actor=coordinator, workstation=None, scale_id=norton.pk, active=False, reason=""
        )
    services.scale_set_active(
        actor=coordinator,
        workstation=None,
        scale_id=norton.pk,
        active=False,
        reason="Il reparto usa Braden",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_record(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=services.AssessmentInput(scale_code="norton", answers={}),
        )
    assert refused.value.code == "scale_not_found"


def test_integrity_correction_reason_required_by_the_database(
    scales: None, nurse: User, patient: Patient
) -> None:
    old = _braden(nurse, patient, BRADEN_11)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            patient=patient,
            scale=old.scale,
            answers={},
            items=[],
            total=1,
            band_label="x",
            band_level=0,
            assessed_at=timezone.now(),
            recorded_by=nurse,
            supersedes=old,
            correction_reason="",
        )
