"""The nursing process by phases (services): a ward template applied and individualised,
goals with dates not before the plan, interventions recorded done or not done (reason),
evaluation closing a problem, the template versions frozen, the scales' suggestions, the
nursing discharge; bad input refused with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.nursing import selectors_care, services
from corsia.nursing.domain import care_plans
from corsia.nursing.models import (
    Assessment,
    CareGoal,
    CareProblem,
    CareTemplate,
    InterventionRecord,
    NursingDischarge,
    Scale,
)
from corsia.patients.models import Patient, PatientMerge, PatientMergeMove
from corsia.patients.services import patient_merge, patient_unmerge
from corsia.testing.accounts import MakeUser
from corsia.testing.nursing import BRADEN_11
from corsia.testing.patients import patient_registered

WS = "tablet-3"


@pytest.fixture
def templates(db: None) -> None:
    services.care_templates_reference_load()


def _apply(nurse: User, patient: Patient, code: str) -> CareProblem:
    template = CareTemplate.objects.get(code=code, active=True)
    return services.care_problem_open(
        actor=nurse,
        workstation=WS,
        patient_id=patient.pk,
        data=services.ProblemInput(template_id=template.pk),
    )


def _braden_11(nurse: User, patient: Patient) -> None:
    services.assessment_record(
        actor=nurse,
        workstation=WS,
        patient_id=patient.pk,
        data=services.AssessmentInput(scale_code="braden", answers=BRADEN_11),
    )


# --- pure rules -----------------------------------------------------------------------------


def test_shipped_templates_are_our_own_and_valid() -> None:
    shipped = services.shipped_templates()
    codes = {t.code for t in shipped}
    assert {"infezione_neutropenia", "mucosite_orale", "rischio_lesioni_pressione"} <= codes
    for t in shipped:
        text = str(t.as_dict()).lower()
        assert "nanda" not in text and "nic " not in text and "noc " not in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("08:00, 20:00", ("08:00", "20:00")),
        (["20:00", "08:00", "08:00"], ("08:00", "20:00")),
        ("", ()),
    ],
)
def test_times_of_day(raw: object, expected: tuple[str, ...]) -> None:
    assert care_plans.times_of_day(raw) == expected


@pytest.mark.parametrize("raw", ["8", "24:00", "08:60", "08:00\x00", ["x"] * 30, 8])
def test_times_refused(raw: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        care_plans.times_of_day(raw)
    assert refused.value.code == "times_invalid"


def test_a_template_definition_with_a_nul_is_refused() -> None:
    raw = services.shipped_templates()[0].as_dict() | {"problem": "Rischio\x00"}
    with pytest.raises(ValidationFailed) as refused:
        care_plans.template_from_dict(raw)
    assert refused.value.code == "invalid_characters"


def test_braden_band_suggests_pressure_template() -> None:
    pressure = next(
        t for t in services.shipped_templates() if t.code == "rischio_lesioni_pressione"
    )
    # Braden 11 is "Rischio alto", level 3; the template asks for level 1 (mild) or worse
    assert care_plans.suggests(pressure, {"braden": 3})
    assert not care_plans.suggests(pressure, {"braden": 0})
    assert not care_plans.suggests(pressure, {"nrs": 3})


# --- the phases -----------------------------------------------------------------------------


def test_apply_template_record_evaluate_close(
    templates: None, nurse: User, patient: Patient
) -> None:
    problem = _apply(nurse, patient, "mucosite_orale")
    goals = list(problem.goals.all())
    assert [g.target_date - problem.plan_start for g in goals] == [
        timedelta(days=3),
        timedelta(days=5),
    ]
    hygiene = problem.interventions.get(text__startswith="Igiene orale")
    assert hygiene.times == ["08:00", "13:00", "20:00"]
    # implementation: one slot done, one not done with the reason
    day = timezone.localdate()
    slot = care_plans.slots_of_day(hygiene.times, day, timezone.get_current_timezone())[0]
    services.care_intervention_record(
        actor=nurse, workstation=WS, intervention_id=hygiene.pk, done=True, due_at=slot
    )
    with pytest.raises(ValidationFailed) as refused:
        services.care_intervention_record(
            actor=nurse, workstation=WS, intervention_id=hygiene.pk, done=False
        )
    assert refused.value.code == "required"
    services.care_intervention_record(
        actor=nurse,
        workstation=WS,
        intervention_id=hygiene.pk,
        done=False,
        reason_not_done="Paziente in radiologia",
    )
    assert InterventionRecord.objects.filter(intervention=hygiene).count() == 2
    plan = selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk)
    view = next(i for i in plan.open[0].interventions if i.intervention.pk == hygiene.pk)
    assert view.slots[0].record is not None and view.slots[0].record.done
    assert [r.reason_not_done for r in view.others] == ["Paziente in radiologia"]
    assert AccessLogEntry.objects.filter(user=nurse, patient_id=patient.pk).exists()
    # evaluation: met and resolved closes the problem and stops the interventions
    first = goals[0]
    services.care_goal_evaluate(
        actor=nurse,
        workstation=WS,
        goal_id=first.pk,
        outcome="met",
        decision="resolve",
        note="Cavo orale integro, NRS 1",
        expected_version=first.version,
    )
    problem.refresh_from_db()
    assert (problem.status, problem.status_reason) == ("resolved", "Cavo orale integro, NRS 1")
    assert not problem.interventions.filter(active=True).exists()
    # a closed problem is not evaluated again
    second = goals[1]
    with pytest.raises(ConflictError) as closed:
        services.care_goal_evaluate(
            actor=nurse,
            workstation=WS,
            goal_id=second.pk,
            outcome="met",
            decision="continue",
            expected_version=second.version,
        )
    assert closed.value.code == "problem_closed"
    assert AuditEvent.objects.filter(event_type="nursing.care_goal_evaluated").count() == 1


def test_individualised_goal_before_the_plan_refused(
    templates: None, nurse: User, patient: Patient
) -> None:
    template = CareTemplate.objects.get(code="rischio_cadute")
    start = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        services.care_problem_open(
            actor=nurse,
            workstation=WS,
            patient_id=patient.pk,
            data=services.ProblemInput(
                template_id=template.pk,
                goals=[services.GoalInput("Nessuna caduta", start - timedelta(days=1))],
            ),
        )
    assert refused.value.code == "goal_before_plan"
    assert not CareProblem.objects.exists()


def test_stale_version_and_entered_in_error(templates: None, nurse: User, patient: Patient) -> None:
    problem = _apply(nurse, patient, "nausea_vomito")
    goal = problem.goals.first()
    assert goal is not None
    revise = partial(
        services.care_goal_revise,
        actor=nurse,
        workstation=WS,
        goal_id=goal.pk,
        target_date=goal.target_date,
        expected_version=1,
    )
    revise(text="Nessun vomito nelle 24 ore e nausea NRS 3 o meno", reason="Adattato")
    with pytest.raises(ConflictError) as stale:
        revise(text="altro", reason="x")
    assert stale.value.code == "version_conflict"
    end = partial(
        services.care_problem_set_status,
        actor=nurse,
        workstation=WS,
        problem_id=problem.pk,
        status="error",
        expected_version=problem.version,
    )
    with pytest.raises(ValidationFailed):
        end(reason="  ")
    end(reason="Paziente sbagliato")
    problem.refresh_from_db()
    assert problem.status == "error"
    assert CareGoal.objects.get(pk=goal.pk).status == "withdrawn"
    with pytest.raises(DatabaseError), transaction.atomic():
        CareProblem.objects.filter(pk=problem.pk).delete()


def test_template_versions_frozen_and_a_changed_one_refused(
    templates: None, nurse: User, coordinator: User, patient: Patient
) -> None:
    old = CareTemplate.objects.get(code="affaticamento")
    _apply(nurse, patient, "affaticamento")
    raw = old.definition | {"version": "2", "problem": "Stanchezza che limita le attività"}
    new = services.care_template_define(actor=coordinator, workstation=WS, definition=raw)
    old.refresh_from_db()
    assert (old.active, new.active) == (False, True)
    with pytest.raises(DatabaseError), transaction.atomic():
        CareTemplate.objects.filter(pk=old.pk).update(problem="cambiato")
    with pytest.raises(ConflictError) as changed:
        services.care_problem_open(
            actor=nurse,
            workstation=WS,
            patient_id=patient.pk,
            data=services.ProblemInput(template_id=old.pk),
        )
    assert changed.value.code == "template_version_changed"
    with pytest.raises(ConflictError):
        services.care_template_define(actor=coordinator, workstation=WS, definition=raw)
    assert CareProblem.objects.get().template_id == old.pk


def test_scales_suggest_never_apply(
    scales: None, templates: None, nurse: User, patient: Patient
) -> None:
    _braden_11(nurse, patient)
    plan = selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk)
    assert [t.code for t, _ in plan.suggestions] == ["rischio_lesioni_pressione"]
    assert "Rischio alto" in plan.suggestions[0][1]
    assert not CareProblem.objects.exists()


def test_discharge_hands_on_open_problems(
    scales: None, templates: None, nurse: User, patient: Patient
) -> None:
    _braden_11(nurse, patient)
    problem = _apply(nurse, patient, "rischio_lesioni_pressione")
    with pytest.raises(ValidationFailed):
        services.nursing_discharge_write(
            actor=nurse, workstation=WS, patient_id=patient.pk, destination="x" * 301
        )
    row = services.nursing_discharge_write(
        actor=nurse,
        workstation=WS,
        patient_id=patient.pk,
        destination="Domicilio con ADI",
        devices="PICC braccio destro, medicazione il 05/12",
    )
    assert [p["wording"] for p in row.summary["problems"]] == ["Rischio di lesioni da pressione"]
    assert row.summary["scales"][0]["total"] == 11
    problem.refresh_from_db()
    assert problem.status == "closed"
    with pytest.raises(DatabaseError), transaction.atomic():
        NursingDischarge.objects.filter(pk=row.pk).update(destination="altro")


def test_pharmacist_may_not_plan(templates: None, make_user: MakeUser, patient: Patient) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    template = CareTemplate.objects.get(code="rischio_cadute")
    with pytest.raises(PermissionRefused):
        services.care_problem_open(
            actor=pharmacist,
            workstation=WS,
            patient_id=patient.pk,
            data=services.ProblemInput(template_id=template.pk),
        )
    with pytest.raises(NotFound):
        services.care_intervention_record(
            actor=make_user(Role.NURSE), workstation=WS, intervention_id=999999, done=True
        )


def test_a_merge_moves_the_care_plan_and_its_undoing_brings_it_back(
    templates: None, nurse: User, coordinator: User, patient: Patient
) -> None:
    problem = _apply(nurse, patient, "rischio_cadute")
    bell = problem.interventions.get(text__startswith="Campanello")
    record = services.care_intervention_record(
        actor=nurse, workstation=WS, intervention_id=bell.pk, done=True
    )
    survivor = patient_registered(
        coordinator,
        surname="Rossi",
        given_names="Mario Secondo",
        date_of_birth=date(1950, 1, 1),
        codice_fiscale="",
        stp_eni_code="STP1200001234567",
    )
    patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor.pk,
        duplicate_id=patient.pk,
        reason="Stessa persona registrata due volte",
    )
    problem.refresh_from_db()
    record.refresh_from_db()
    assert (problem.patient_id, record.patient_id) == (survivor.pk, survivor.pk)
    merge = PatientMerge.objects.get(duplicate=patient, state="merged")
    moved = {m.model for m in PatientMergeMove.objects.filter(merge=merge, module="nursing")}
    assert {"nursing.CareProblem", "nursing.InterventionRecord"} <= moved
    patient_unmerge(
        actor=coordinator, workstation="ANAG-PC02", merge_id=merge.pk, reason="Due persone"
    )
    problem.refresh_from_db()
    assert problem.patient_id == patient.pk


def test_a_scale_assessed_before_a_long_history_still_suggests(
    scales: None, templates: None, nurse: User, patient: Patient
) -> None:
    """Issue 27: the latest level of each scale is read whatever the history (before, only
    the latest 500 assessments: the Braden below, followed by 501 pain scores, dropped out
    and the plan stopped suggesting the pressure-injury template)."""
    _braden_11(nurse, patient)
    braden = Assessment.objects.get()
    nrs = Scale.objects.get(code="nrs", active=True)
    later = braden.assessed_at + timedelta(minutes=1)
    Assessment.objects.bulk_create(
        Assessment(
            patient=patient,
            scale=nrs,
            answers={"intensity": 2},
            items=[],
            total=2,
            band_label="Dolore lieve",
            band_level=1,
            assessed_at=later + timedelta(minutes=i),
            recorded_by=nurse,
        )
        for i in range(501)
    )
    plan = selectors_care.patient_care_plan(user=nurse, patient_id=patient.pk)
    assert [t.code for t, _ in plan.suggestions] == ["rischio_lesioni_pressione"]
    assert "Braden: 11, Rischio alto" in plan.suggestions[0][1]
