"""Pharmacogenomic results: the DPYD activity score against the phenotype (CPIC 2017),
recorded once, superseded by a newer report, entered in error with a reason (never
deleted), moved by a merge; permissions, bad input, API and the patient's page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.patients import services
from corsia.patients.domain.pgx import Gene, Phenotype, dpyd_phenotype, pgx_choice
from corsia.patients.models_pgx import PgxResult
from corsia.patients.selectors_pgx import pgx_current
from corsia.testing.accounts import MakeUser, api_client, assert_permission_refused, logged_in
from corsia.testing.patients import MakePatient, pgx_recorded

# --- pure ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "phenotype"),
    [
        ("2", Phenotype.NORMAL),
        ("1.5", Phenotype.INTERMEDIATE),
        ("1", Phenotype.INTERMEDIATE),
        ("0.5", Phenotype.POOR),
        ("0", Phenotype.POOR),
        ("2.0", Phenotype.NORMAL),
    ],
)
def test_the_dpyd_activity_score_decides_the_phenotype(score: str, phenotype: Phenotype) -> None:
    assert dpyd_phenotype(Decimal(score)) is phenotype


def _choice(**fields: object) -> object:
    data: dict[str, object] = {
        "gene": "DPYD",
        "phenotype": "intermediate_metabolizer",
        "activity_score": Decimal("1.5"),
        "report_date": timezone.localdate(),
        "today": timezone.localdate(),
        **fields,
    }
    return pgx_choice(**data)  # type: ignore[arg-type]  # test data


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"gene": "CYP9Z9"}, "gene_invalid"),
        ({"phenotype": "fast"}, "phenotype_invalid"),
        ({"activity_score": Decimal("0.7")}, "activity_score_invalid"),
        ({"activity_score": Decimal(10**400)}, "activity_score_invalid"),
        ({"activity_score": "NaN"}, "activity_score_invalid"),
        ({"activity_score": Decimal("2")}, "activity_score_phenotype_mismatch"),
        (
            {"phenotype": "poor_metabolizer", "activity_score": Decimal("1")},
            "activity_score_phenotype_mismatch",
        ),
        ({"gene": "TPMT", "phenotype": "poor_metabolizer"}, "activity_score_not_applicable"),
        ({"phenotype": "possible_intermediate_metabolizer"}, "phenotype_invalid"),
        ({"report_date": timezone.localdate() + timedelta(days=1)}, "report_date_in_future"),
        ({"report_date": None}, "report_date_required"),
        ({"diplotype": "*1/\x00*3"}, "invalid_characters"),
        ({"diplotype": "x" * 121}, "text_too_long"),
    ],
)
def test_bad_results_are_refused_with_a_stable_code(fields: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _choice(**fields)
    assert refused.value.code == code


def test_tpmt_may_be_possible_intermediate_without_a_score() -> None:
    choice = _choice(
        gene="TPMT", phenotype="possible_intermediate_metabolizer", activity_score=None
    )
    assert (choice.gene, choice.phenotype, choice.activity_score) == (  # type: ignore[attr-defined]
        Gene.TPMT,
        Phenotype.POSSIBLE_INTERMEDIATE,
        None,
    )


# --- services ------------------------------------------------------------------------------------


def test_a_result_is_recorded_audited_and_is_the_current_one(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    result = pgx_recorded(physician, patient.pk)
    assert (result.gene, result.phenotype, result.activity_score) == (
        "DPYD",
        "intermediate_metabolizer",
        Decimal("1.5"),
    )
    assert result.recorded_by == physician
    event = AuditEvent.objects.get(event_type="patients.pgx_result_recorded")
    assert event.patient_id == patient.pk
    assert (event.after or {}).get("activity_score") == "1.5"
    (current,) = pgx_current(patient_id=patient.pk)
    assert current.id == result.pk
    assert current.label == (
        "DPYD: metabolizzatore intermedio (punteggio di attività 1,5), referto del 02/11/2026"
    )


def test_a_newer_report_supersedes_and_one_entered_in_error_counts_for_nothing(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    first = pgx_recorded(physician, patient.pk)
    newer = pgx_recorded(
        physician,
        patient.pk,
        phenotype="normal_metabolizer",
        activity_score=Decimal("2"),
        report_date=first.report_date + timedelta(days=10),
    )
    tpmt = pgx_recorded(
        physician, patient.pk, gene="TPMT", phenotype="normal_metabolizer", activity_score=None
    )
    assert [(f.gene, f.id) for f in pgx_current(patient_id=patient.pk)] == [
        (Gene.DPYD, newer.pk),
        (Gene.TPMT, tpmt.pk),
    ]
    services.pgx_result_enter_in_error(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        result_id=newer.pk,
        reason="Referto di un altro paziente",
    )
    newer.refresh_from_db()
    assert (newer.status, newer.status_reason) == (
        "entered_in_error",
        "Referto di un altro paziente",
    )
    assert [f.id for f in pgx_current(patient_id=patient.pk)] == [first.pk, tpmt.pk]
    with pytest.raises(ValidationFailed) as again:
        services.pgx_result_enter_in_error(
            actor=physician, workstation=None, patient_id=patient.pk, result_id=newer.pk, reason="x"
        )
    assert again.value.code == "pgx_result_already_in_error"
    with pytest.raises(ValidationFailed) as no_reason:
        services.pgx_result_enter_in_error(
            actor=physician, workstation=None, patient_id=patient.pk, result_id=first.pk, reason=" "
        )
    assert no_reason.value.code == "reason_required"


def test_the_reported_content_is_frozen_and_never_deleted(
    make_patient: MakePatient, physician: User
) -> None:
    result = pgx_recorded(physician, make_patient().pk)
    for change in (
        lambda: PgxResult.objects.filter(pk=result.pk).update(phenotype="normal_metabolizer"),
        lambda: PgxResult.objects.filter(pk=result.pk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
            change()
    result.refresh_from_db()
    assert result.phenotype == "intermediate_metabolizer"


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHARMACIST, Role.COORDINATOR])
def test_roles_without_the_permission_record_nothing(
    make_patient: MakePatient, make_user: MakeUser, role: Role
) -> None:
    patient = make_patient()
    with pytest.raises(PermissionRefused):
        pgx_recorded(make_user(role), patient.pk)
    assert not PgxResult.objects.exists()


def test_a_merge_moves_the_results_to_the_survivor(
    make_patient: MakePatient, physician: User, make_user: MakeUser
) -> None:
    survivor = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="STP1200000000001")
    result = pgx_recorded(physician, duplicate.pk)
    services.patient_merge(
        actor=make_user(Role.COORDINATOR),
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="stessa persona",
    )
    result.refresh_from_db()
    assert result.patient_id == survivor.pk
    assert [f.id for f in pgx_current(patient_id=survivor.pk)] == [result.pk]


# --- API --------------------------------------------------------------------------------------


def test_the_api_records_lists_and_marks_in_error_with_problem_codes(
    make_patient: MakePatient, physician: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    api = api_client(physician)
    url = f"/api/v1/patients/{patient.pk}/pgx-results"
    body = {
        "gene": "DPYD",
        "phenotype": "intermediate_metabolizer",
        "activity_score": 1.5,
        "diplotype": "c.1236G>A/wt",
        "report_date": "2026-11-02",
    }
    for bad, code in (
        ({"gene": "ABC1"}, "gene_invalid"),
        ({"activity_score": 0.7}, "activity_score_invalid"),
        ({"activity_score": 2}, "activity_score_phenotype_mismatch"),
        ({"activity_score": 10**400}, "activity_score_invalid"),
        ({"report_date": (timezone.localdate() + timedelta(days=3)).isoformat()}, None),
    ):
        refused = api.post(url, {**body, **bad}, content_type="application/json")
        assert refused.status_code == 422, refused.content
        assert refused["Content-Type"].startswith("application/problem+json")
        if code:
            assert refused.json()["code"] == code
    nul = api.post(
        url,
        '{"gene": "DPYD", "phenotype": "intermediate_metabolizer", "report_date": "2026-11-02",'
        ' "diplotype": "*1\\u0000"}',
        content_type="application/json",
    )
    assert nul.status_code in (400, 422) and nul.json()["code"] == "invalid_characters"
    assert not PgxResult.objects.exists()

    created = api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["phenotype_label"], data["activity_score"], data["current"]) == (
        "Metabolizzatore intermedio",
        "1.5",
        True,
    )
    listed = api.get(url).json()
    assert [r["id"] for r in listed["results"]] == [data["id"]]
    assert AccessLogEntry.objects.filter(
        patient_id=patient.pk, what="risultati farmacogenomici"
    ).exists()
    assert_permission_refused(
        api_client(make_user(Role.NURSE)).post(url, body, content_type="application/json")
    )
    assert api_client(make_user(Role.NURSE)).get(url).status_code == 200
    marked = api.post(
        f"{url}/{data['id']}/entered-in-error",
        {"reason": "Paziente sbagliato"},
        content_type="application/json",
    )
    assert marked.status_code == 200, marked.content
    assert (marked.json()["status"], marked.json()["current"]) == ("entered_in_error", False)


# --- the patient's page -------------------------------------------------------------------------


def test_the_patient_page_lists_records_and_marks_in_error(
    make_patient: MakePatient, physician: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    client = logged_in(physician)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Nessun risultato farmacogenomico registrato." in page
    assert 'data-testid="pgx-form"' in page
    added = client.post(
        f"/patients/{patient.pk}/pgx-results/",
        {
            "gene": "DPYD",
            "phenotype": "intermediate_metabolizer",
            "activity_score": "1,5",
            "diplotype": "c.1236G>A/wt",
            "report_date": "2026-11-02",
        },
    )
    assert added.status_code == 302
    result = PgxResult.objects.get(patient=patient)
    assert result.activity_score == Decimal("1.5")
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert (
        "DPYD: metabolizzatore intermedio (punteggio di attività 1,5), referto del 02/11/2026"
        in page
    )
    refused = client.post(
        f"/patients/{patient.pk}/pgx-results/",
        {
            "gene": "DPYD",
            "phenotype": "normal_metabolizer",
            "activity_score": "1",
            "report_date": "2026-11-03",
        },
        follow=True,
    ).content.decode()
    assert "corrisponde a «Metabolizzatore intermedio»" in refused
    assert PgxResult.objects.count() == 1
    client.post(
        f"/patients/{patient.pk}/pgx-results/{result.pk}/entered-in-error/",
        {"reason": "Paziente sbagliato"},
    )
    result.refresh_from_db()
    assert result.status == "entered_in_error"
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Paziente sbagliato" in page and "Nessun risultato farmacogenomico registrato." in page
    # a nurse reads, records nothing, and is offered no form
    nurse = logged_in(make_user(Role.NURSE))
    assert 'data-testid="pgx-form"' not in nurse.get(f"/patients/{patient.pk}/").content.decode()
    assert nurse.post(f"/patients/{patient.pk}/pgx-results/", {}).status_code == 403
