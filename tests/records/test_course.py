"""The treatment course: lines → cycles → orders, a closed line read-only, surgery and
radiotherapy, home therapy and appointments; RECIST 1.1 re-evaluations through the API
against a hand-computed example; bad input refused with nothing saved; permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing import services as prescribing
from corsia.records import selectors, selectors_course, services
from corsia.records.domain.timeline import EventKind
from corsia.records.models import (
    Appointment,
    HomeTherapy,
    ResponseEvaluation,
    TreatmentLine,
    TreatmentLineOrder,
)
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def folfox(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )


def _line(physician: User, patient: Patient, folfox: RegimenVersion, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "number": 1,
        "intent": "palliative",
        "started_on": TODAY() - timedelta(days=120),
        "regimen_version_id": folfox.pk,
        "planned_cycles": 12,
    }
    values.update(changes)
    return services.treatment_line_start(
        actor=physician, workstation=None, patient_id=patient.pk, data=services.LineInput(**values)
    )


def _order(physician: User, patient: Patient, folfox: RegimenVersion, days_ago: int, cycle: int):  # type: ignore[no-untyped-def]  # test shorthand
    return prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=TODAY() - timedelta(days=days_ago),
        cycle_number=cycle,
    )


# --- lines → cycles → orders --------------------------------------------------------------------


def test_line_links_orders_and_shows_current_cycle(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # given a FOLFOX-4 line and three orders of it (cycle 3 cancelled)
    line = _line(physician, patient, folfox)
    first = _order(physician, patient, folfox, 28, 1)
    second = _order(physician, patient, folfox, 14, 2)
    third = _order(physician, patient, folfox, 0, 3)
    prescribing.order_transition(
        actor=physician, workstation=None, order_id=third.pk, event="cancel", reason="neutropenia"
    )
    # when the physician links the first two
    services.treatment_line_orders_link(
        actor=physician,
        workstation=None,
        line_id=line.pk,
        order_ids=[first.pk, second.pk],
        expected_version=1,
    )
    # then the course shows line 1 → cycles 1, 2 → their orders, cycle 2 current
    view = selectors_course.course_view(user=physician, patient_id=patient.pk)
    found = view.lines[0]
    assert [(c.number, [o.order_id for o in c.orders]) for c in found.cycles] == [
        (1, [first.pk]),
        (2, [second.pk]),
    ]
    assert found.cycles[0].orders[0].state_label == "Bozza"
    assert view.current is not None and view.current.current_cycle is not None
    assert (view.current.line.pk, view.current.current_cycle.number) == (line.pk, 2)
    assert found.linkable == []  # the cancelled order is not offered
    # and the cancelled one, or one linked already, is refused, nothing written
    for order_id, code in ((third.pk, "order_cancelled"), (first.pk, "order_already_linked")):
        with pytest.raises((ValidationFailed, ConflictError)) as refused:
            services.treatment_line_orders_link(
                actor=physician,
                workstation=None,
                line_id=line.pk,
                order_ids=[order_id],
                expected_version=2,
            )
        assert refused.value.code == code
    assert TreatmentLineOrder.objects.count() == 2
    assert AccessLogEntry.objects.filter(patient_id=patient.pk, what="percorso di cura").exists()


def test_order_of_another_regimen_or_before_the_line_refused(
    make_user: MakeUser, physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    line = _line(physician, patient, folfox, started_on=TODAY() - timedelta(days=10))
    early = _order(physician, patient, folfox, 20, 1)
    with pytest.raises(ValidationFailed) as refused:
        services.treatment_line_orders_link(
            actor=physician, workstation=None, line_id=line.pk, order_ids=[early.pk],
            expected_version=1,
        )  # fmt: skip
    assert refused.value.code == "order_before_line"
    other = library_version(
        "FOLFIRI", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    foreign = _order(physician, patient, other, 0, 1)
    with pytest.raises(ValidationFailed) as refused:
        services.treatment_line_orders_link(
            actor=physician, workstation=None, line_id=line.pk, order_ids=[foreign.pk],
            expected_version=1,
        )  # fmt: skip
    assert refused.value.code == "order_regimen_mismatch"
    assert TreatmentLineOrder.objects.count() == 0


def test_closed_line_is_read_only(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    line = _line(physician, patient, folfox)
    with pytest.raises(ValidationFailed) as refused:  # "other" needs a note
        services.treatment_line_close(
            actor=physician, workstation=None, line_id=line.pk, ended_on=TODAY(),
            reason="other", expected_version=1,
        )  # fmt: skip
    assert refused.value.code == "required"
    services.treatment_line_close(
        actor=physician, workstation=None, line_id=line.pk, ended_on=TODAY(),
        reason="progression", expected_version=1,
    )  # fmt: skip
    closed = TreatmentLine.objects.get()
    assert (closed.end_reason, closed.version) == ("progression", 2)
    event = AuditEvent.objects.get(event_type="records.treatment_line_closed")
    assert event.reason == "Progressione di malattia"
    # no service changes it any more …
    with pytest.raises(ConflictError) as again:
        services.treatment_line_close(
            actor=physician, workstation=None, line_id=line.pk, ended_on=TODAY(),
            reason="completed", expected_version=2,
        )  # fmt: skip
    assert again.value.code == "treatment_line_closed"
    # … nor any other path: the database refuses UPDATE and DELETE
    for write in (
        lambda: TreatmentLine.objects.filter(pk=line.pk).update(planned_cycles=6),
        lambda: TreatmentLine.objects.filter(pk=line.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    assert TreatmentLine.objects.get().planned_cycles == 12


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"number": 0}, "out_of_range"),
        ({"number": 10**9}, "out_of_range"),
        ({"intent": "cure\x00"}, "code_unknown"),
        ({"planned_cycles": 0}, "out_of_range"),
        ({"started_on": None}, "required"),
        ({"regimen_version_id": None}, "required"),
        ({"regimen_version_id": 999_999}, "regimen_not_found"),
        ({"external_regimen": "FOLFOX altrove"}, "regimen_ambiguous"),
        ({"regimen_version_id": None, "external_regimen": "ABVD\x00"}, "invalid_characters"),
    ],
)
def test_bad_line_refused_nothing_saved(
    physician: User, patient: Patient, folfox: RegimenVersion, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _line(physician, patient, folfox, **changes)
    assert refused.value.code == code
    assert TreatmentLine.objects.count() == 0


def test_course_on_the_chart_timeline(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    line = _line(physician, patient, folfox)
    services.treatment_plan_item_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.PlanItemInput(
            kind="radiotherapy", performed_on=TODAY(), description="RT palliativa D12, 8 Gy x 1",
            line_id=line.pk,
        ),
    )  # fmt: skip
    services.home_therapy_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.HomeTherapyInput(
            drug="Desametasone", dose="4 mg", frequency="ogni 12 ore", started_on=TODAY()
        ),
    )  # fmt: skip
    services.appointment_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        scheduled_on=TODAY() + timedelta(days=14), kind="reevaluation", note="TC torace-addome",
    )  # fmt: skip
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    titles = {(e.kind, e.title) for e in chart.timeline}
    when = (TODAY() + timedelta(days=14)).strftime("%d/%m/%Y")
    assert (EventKind.TREATMENT, f"Linea 1 · {folfox.name}") in titles
    assert (EventKind.TREATMENT, f"Radioterapia del {TODAY():%d/%m/%Y}") in titles
    assert (EventKind.TREATMENT, "Terapia domiciliare: Desametasone 4 mg, ogni 12 ore") in titles
    assert (EventKind.APPOINTMENT, f"Rivalutazione il {when}") in titles


def test_home_therapy_and_appointments(physician: User, patient: Patient) -> None:
    row = services.home_therapy_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.HomeTherapyInput(
            drug="Ondansetron", dose="8 mg", frequency="al bisogno", started_on=TODAY()
        ),
    )  # fmt: skip
    with pytest.raises(ConflictError):  # a stale form
        services.home_therapy_stop(
            actor=physician, workstation=None, therapy_id=row.pk, stopped_on=None,
            expected_version=7,
        )  # fmt: skip
    services.home_therapy_stop(
        actor=physician, workstation=None, therapy_id=row.pk, stopped_on=None, expected_version=1
    )
    assert HomeTherapy.objects.get().stopped_on == TODAY()
    for day, code in ((TODAY() - timedelta(days=1), "in_past"), (None, "required")):
        with pytest.raises(ValidationFailed) as refused:
            services.appointment_record(
                actor=physician, workstation=None, patient_id=patient.pk, scheduled_on=day,
                kind="visit",
            )  # fmt: skip
        assert refused.value.code == code
    appt = services.appointment_record(
        actor=physician, workstation=None, patient_id=patient.pk, scheduled_on=TODAY(),
        kind="therapy",
    )  # fmt: skip
    services.appointment_cancel(
        actor=physician, workstation=None, appointment_id=appt.pk, reason="ricoverato",
        expected_version=1,
    )  # fmt: skip
    view = selectors_course.course_view(user=physician, patient_id=patient.pk)
    assert (view.upcoming, [a.cancel_reason for a in view.past_appointments]) == (
        [],
        ["ricoverato"],
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Appointment.objects.filter(pk=appt.pk).update(note="x")


# --- RECIST 1.1 through the API, against a hand calculation ----------------------------------------


def _post(client: Client, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    answer = client.post(url, body, content_type="application/json")
    return answer.status_code, answer.json()


def test_recist_response_history_through_the_api(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    client = signed_in(physician)
    base = f"/api/v1/patients/{patient.pk}"
    status, line = _post(
        client, f"{base}/treatment-lines",
        {"number": 1, "intent": "palliative", "regimen_version_id": folfox.pk,
         "started_on": str(TODAY() - timedelta(days=90)), "planned_cycles": 12},
    )  # fmt: skip
    assert status == 201, line

    def evaluation(days_ago: int, **body: Any) -> tuple[int, Any]:
        payload = {"line_id": line["id"], "method": "ct", "criteria": "recist_1_1",
                   "evaluated_on": str(TODAY() - timedelta(days=days_ago)), **body}  # fmt: skip
        return _post(client, f"{base}/evaluations", payload)

    # Baseline: liver 30 mm + liver 20 mm + a node of 20 mm short axis = 70 mm;
    # non-target: peritoneum.
    status, baseline = evaluation(
        95, baseline=True, non_target_sites=["peritoneo"],
        target_lesions=[
            {"lesion_id": "T1", "organ": "fegato", "mm": 30},
            {"lesion_id": "T2", "organ": "fegato", "mm": 20},
            {"lesion_id": "T3", "organ": "linfonodo ilare", "lymph_node": True, "mm": 20},
        ],
    )  # fmt: skip
    assert (status, baseline["sum_mm"], baseline["response"]) == (201, "70.0", ""), baseline

    def follow_up(days_ago: int, t1: Any, t2: Any, t3: Any, **body: Any) -> Any:
        lesions = [{"lesion_id": i, "mm": mm} for i, mm in (("T1", t1), ("T2", t2), ("T3", t3))]
        body.setdefault("non_target_response", "non_cr_non_pd")
        status, found = evaluation(days_ago, target_lesions=lesions, **body)
        assert status == 201, found
        return found

    # Week 8: 18 + 12 + 12 = 42 mm; (42 - 70) / 70 = -40.0 % ≤ -30 % → PR (nadir = baseline 70).
    first = follow_up(40, 18, 12, 12)
    assert (first["sum_mm"], first["change_from_baseline_pct"], first["nadir_sum_mm"]) == (
        "42.0", "-40.0", "70.0",
    )  # fmt: skip
    assert (first["target_response"], first["response"]) == ("pr", "pr")
    # Week 16: 15 + 10 + 9 = 34 mm; -51.4 % from baseline; nadir now 42:
    # (34 - 42) / 42 = -19.0 % → still PR (the 9 mm node is normal, the liver is not → no CR).
    second = follow_up(20, "15", "10", "9")
    assert (second["sum_mm"], second["change_from_baseline_pct"]) == ("34.0", "-51.4")
    assert (second["nadir_sum_mm"], second["change_from_nadir_pct"]) == ("42.0", "-19.0")
    assert second["response"] == "pr"
    # Week 24: 22 + 14 + 10 = 46 mm; nadir 34: +12 mm (≥ 5) and +35.3 % (≥ 20 %) → PD,
    # although still 34.3 % below baseline.
    third = follow_up(1, 22, 14, 10)
    assert (third["sum_mm"], third["nadir_sum_mm"], third["change_from_nadir_pct"]) == (
        "46.0", "34.0", "35.3",
    )  # fmt: skip
    assert (third["change_from_baseline_pct"], third["response"]) == ("-34.3", "pd")
    assert third["response_label"] == "Progressione di malattia (PD)"
    # the response history, newest first, with who signed
    history = client.get(f"{base}/evaluations").json()
    assert [(e["response"], e["recorded_by"]) for e in history] == [
        ("pd", "dr_verdi"), ("pr", "dr_verdi"), ("pr", "dr_verdi"), ("", "dr_verdi"),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(event_type="records.response_evaluation_signed").count() == 4


@pytest.mark.parametrize(
    "case",
    [
        (-5, {}, "clinical_input_out_of_range", "fuori dall'intervallo"),
        (1e308, {}, "clinical_input_out_of_range", "fuori dall'intervallo"),
        ("12.55", {}, "too_precise", "un decimale"),
        (12, {"extra": {"lesion_id": "T9", "mm": 10}}, "recist_target_lesions_invalid", "T9"),
        (12, {"non_target_response": ""}, "required", "non target"),
        (12, {"new_lesions": ["fegato\x00"]}, "bad_input", ""),
        (12, {"note": "nota\x00"}, "bad_input", ""),
        (12, {"evaluated_on": "1800-01-01"}, "date_invalid", ""),
        (12, {"deauville": 4}, "clinical_inputs_inconsistent", "Lugano"),
    ],
)
def test_bad_evaluation_refused_nothing_saved(
    physician: User, patient: Patient, folfox: RegimenVersion,
    case: tuple[Any, dict[str, Any], str, str],
) -> None:  # fmt: skip
    t1, body, code, words = case[0], dict(case[1]), case[2], case[3]
    line = _line(physician, patient, folfox)
    services.response_evaluation_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.EvaluationInput(
            line_id=line.pk, evaluated_on=TODAY() - timedelta(days=60), method="ct",
            criteria="recist_1_1", baseline=True, non_target_sites=("ossa",),
            target_lesions=(services.LesionInput("T1", 25, "polmone"),),
        ),
    )  # fmt: skip
    lesions = [{"lesion_id": "T1", "mm": t1}]
    if "extra" in body:
        lesions.append(body.pop("extra"))
    payload = {"line_id": line.pk, "method": "ct", "criteria": "recist_1_1",
               "evaluated_on": str(TODAY()), "target_lesions": lesions,
               "non_target_response": "non_cr_non_pd", **body}  # fmt: skip
    status, problem = _post(
        signed_in(physician), f"/api/v1/patients/{patient.pk}/evaluations", payload
    )
    assert status in (400, 422), problem
    if code != "bad_input":
        assert problem["code"] == code, problem
        assert words in problem["detail"], problem
    assert ResponseEvaluation.objects.count() == 1  # the baseline only


def test_follow_up_needs_baseline_and_order(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    line = _line(physician, patient, folfox)

    def record(days_ago: int, *, baseline: bool = False) -> None:
        services.response_evaluation_record(
            actor=physician, workstation=None, patient_id=patient.pk,
            data=services.EvaluationInput(
                line_id=line.pk, evaluated_on=TODAY() - timedelta(days=days_ago), method="pet_ct",
                criteria="lugano_2014", baseline=baseline, deauville=None if baseline else 2,
                marrow="" if baseline else "no_fdg_avid_disease",
            ),
        )  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        record(10)
    assert refused.value.code == "baseline_missing"
    record(60, baseline=True)
    with pytest.raises(ConflictError):
        record(50, baseline=True)
    record(20)
    with pytest.raises(ValidationFailed) as refused:
        record(30)
    assert refused.value.code == "evaluation_out_of_order"
    latest = ResponseEvaluation.objects.filter(baseline=False).get()
    assert (latest.response, latest.response_label) == ("cmr", "Risposta metabolica completa")


def test_who_writes_and_reads(
    make_user: MakeUser, nurse: User, it_staff: User, patient: Patient, folfox: RegimenVersion
) -> None:
    with pytest.raises(PermissionRefused):
        _line(nurse, patient, folfox)
    api = f"/api/v1/patients/{patient.pk}"
    reader = signed_in(nurse)
    for path in ("treatment-lines", "evaluations", "home-therapy", "appointments"):
        assert reader.get(f"{api}/{path}").status_code == 200
        assert reader.post(f"{api}/{path}", {}, content_type="application/json").status_code == 403
        assert signed_in(it_staff).get(f"{api}/{path}").status_code == 403
    assert signed_in(it_staff).get(f"/records/patients/{patient.pk}/course/").status_code == 403
    assert TreatmentLine.objects.count() == 0


# --- pages --------------------------------------------------------------------------------------


def test_course_and_evaluation_pages(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    client = signed_in(physician)
    course = f"/records/patients/{patient.pk}/course/"
    started = (TODAY() - timedelta(days=60)).isoformat()
    bad = client.post(
        f"{course}lines/", {"number": "1", "intent": "palliative", "started_on": started}
    )
    assert bad.status_code == 422
    assert "Scegli lo schema dal prontuario" in bad.content.decode()
    saved = client.post(
        f"{course}lines/",
        {"number": "1", "intent": "palliative", "started_on": started,
         "regimen_version_id": str(folfox.pk), "planned_cycles": "6"},
        follow=True,
    )  # fmt: skip
    assert saved.status_code == 200
    line = TreatmentLine.objects.get()
    page = f"{course}lines/{line.pk}/evaluation/"
    form = client.get(f"{page}?criteria=recist_1_1").content.decode()
    assert "Valutazione basale" in form and 'name="organ_0"' in form
    client.post(
        page,
        {"criteria": "recist_1_1", "method": "ct", "evaluated_on": started, "id_0": "T1",
         "organ_0": "fegato", "mm_0": "40", "id_1": "T2", "organ_1": "polmone", "mm_1": "20"},
    )  # fmt: skip
    assert ResponseEvaluation.objects.get().sum_mm == Decimal("60.0")
    # a re-evaluation: 40 → 12, 20 → 10: 22 mm, (22 - 60) / 60 = -63.3 % → PR
    negative = client.post(
        page,
        {"criteria": "recist_1_1", "method": "ct", "evaluated_on": str(TODAY()),
         "mm_T1": "-1", "mm_T2": "10"},
    )  # fmt: skip
    assert negative.status_code == 422
    assert "è fuori dall&#x27;intervallo ammesso" in negative.content.decode()
    done = client.post(
        page,
        {"criteria": "recist_1_1", "method": "ct", "evaluated_on": str(TODAY()),
         "mm_T1": "12", "mm_T2": "10,0"},
        follow=True,
    )  # fmt: skip
    html = done.content.decode()
    assert "Risposta parziale (PR)" in html and "-63,3%" in html, html[html.find("<main") :][:3000]
    chart = client.get(f"/records/patients/{patient.pk}/").content.decode()
    section = chart[chart.index('data-testid="chart-course"') :]
    assert "Risposta parziale (PR)" in section[:3000]
