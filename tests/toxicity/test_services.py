"""Services and selectors against PostgreSQL: CTCAE load, recording, refusals that change
nothing, corrections as new versions, entered in error, worst grade, extravasation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.toxicity import DIARRHEA, NAUSEA, NEUTROPENIA, term
from corsia.toxicity import selectors, services
from corsia.toxicity.models import CtcaeTerm, ExtravasationEvent, ToxicityRecord
from corsia.toxicity.services import ExtravasationInput, ToxicityInput

pytestmark = pytest.mark.django_db


def _input(code: str, grade: int, onset: date, **extra: Any) -> ToxicityInput:
    return ToxicityInput(
        term_id=term(code).pk, grade=grade, attribution="possible", onset_date=onset, **extra
    )


def _today() -> date:
    return timezone.localdate()


# --- reference data ------------------------------------------------------------------------------


def test_the_ctcae_csv_loads_837_terms_and_a_second_load_changes_nothing() -> None:
    first = services.ctcae_reference_load()
    assert (first.created, first.updated, first.unchanged) == (837, 0, 0)
    assert CtcaeTerm.objects.count() == 837
    assert CtcaeTerm.objects.values("soc").distinct().count() == 26
    nausea = CtcaeTerm.objects.get(meddra_code=NAUSEA)
    assert nausea.term == "Nausea"
    assert nausea.soc == "Gastrointestinal disorders"
    assert (nausea.grade_4, nausea.grade_5) == ("", "")
    assert nausea.grade_3.startswith("Inadequate oral caloric or fluid intake")
    second = services.ctcae_reference_load()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 837)
    assert CtcaeTerm.objects.count() == 837


def test_the_italian_labels_load_with_the_terms_for_every_term_and_organ_class() -> None:
    services.ctcae_reference_load()
    assert not CtcaeTerm.objects.filter(term_it="").exists()
    assert not CtcaeTerm.objects.filter(soc_it="").exists()
    assert CtcaeTerm.objects.values("soc_it").distinct().count() == 26
    labels = dict(CtcaeTerm.objects.values_list("meddra_code", "term_it"))
    assert labels[NAUSEA] == "Nausea"
    assert labels[NEUTROPENIA] == "Riduzione della conta dei neutrofili"
    assert labels[DIARRHEA] == "Diarrea"
    assert labels["10016288"] == "Neutropenia febbrile"
    assert labels["10011368"] == "Aumento della creatinina"
    assert labels["10028130"] == "Mucosite orale"
    anemia = CtcaeTerm.objects.get(meddra_code="10002272")
    assert (anemia.term_it, anemia.soc_it) == ("Anemia", "Patologie del sistema emolinfopoietico")
    # the grade texts are NCI's English, untouched
    assert anemia.grade_3.startswith("Hgb <8.0 g/dL")
    again = services.ctcae_reference_load()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 837)


_ONE_TERM = (
    "meddra_code,meddra_soc,term,grade_1,grade_2,grade_3,grade_4,grade_5,definition,"
    "navigational_note,v5_change\n"
    "10028813,Gastrointestinal disorders,Nausea,Loss of appetite,Oral intake decreased,"
    "Inadequate intake,-,-,A disorder.,,\n"
)


@pytest.mark.parametrize(
    "italian",
    [
        "meddra_code,term_it,soc_it\n10028813,,Patologie gastrointestinali\n",
        "meddra_code,term_it,soc_it\n99999999,Nausea,Patologie gastrointestinali\n",
        "meddra_code,term_it,soc_it\n10028813,Nausea,X\n10028813,Nausea,X\n",
        "meddra_code,term\n10028813,Nausea\n",
    ],
    ids=["empty label", "not a CTCAE term", "twice", "missing column"],
)
def test_a_malformed_italian_file_refuses_the_whole_load(italian: str) -> None:
    with pytest.raises(ValueError):
        services.ctcae_reference_load(content=_ONE_TERM, italian=italian)
    assert not CtcaeTerm.objects.exists()


def test_a_term_the_italian_file_does_not_name_keeps_its_english_label() -> None:
    services.ctcae_reference_load(content=_ONE_TERM, italian="meddra_code,term_it,soc_it\n")
    nausea = term(NAUSEA)
    assert (nausea.term_it, nausea.label) == ("", "Nausea")
    services.ctcae_reference_load(
        content=_ONE_TERM,
        italian="meddra_code,term_it,soc_it\n10028813,Nausea (IT),Patologie gastrointestinali\n",
    )
    assert term(NAUSEA).label == "Nausea (IT)"


def test_a_changed_term_is_updated_in_place_and_none_deleted(ctcae_terms: None) -> None:
    CtcaeTerm.objects.filter(meddra_code=NAUSEA).update(grade_1="old text")
    run = services.ctcae_reference_load()
    assert (run.created, run.updated, run.unchanged) == (0, 1, 836)
    assert term(NAUSEA).grade_1 == "Loss of appetite without alteration in eating habits"


def test_term_search_by_words_in_any_order_and_by_meddra_code(
    ctcae_terms: None, physician: User
) -> None:
    found = selectors.ctcae_term_search(user=physician, text="decreased neutrophil")
    assert [t.term for t in found] == ["Neutrophil count decreased"]
    assert [t.term for t in selectors.ctcae_term_search(user=physician, text=NAUSEA)] == ["Nausea"]
    assert selectors.ctcae_term_search(user=physician, text="nausea")[0].term == "Nausea"
    # a typo still finds it (trigram similarity)
    assert "Diarrhea" in [
        t.term for t in selectors.ctcae_term_search(user=physician, text="diarhea")
    ]


@pytest.mark.parametrize(
    ("text", "meddra_code"),
    [
        ("neutropenia febbrile", "10016288"),  # Italian
        ("febbrile neutropenia", "10016288"),  # Italian, any word order
        ("febrile neutropenia", "10016288"),  # English
        ("creatinina aumento", "10011368"),  # Italian: Aumento della creatinina
        ("creatinine increased", "10011368"),  # English
        ("mucosite orale", "10028130"),
        ("OBESITA", "10029883"),  # accents and case do not matter: Obesità
        ("neutropenia febbrlie", "10016288"),  # an Italian typo (trigram similarity)
    ],
)
def test_term_search_in_italian_and_in_english(
    ctcae_terms: None, physician: User, text: str, meddra_code: str
) -> None:
    found = selectors.ctcae_term_search(user=physician, text=text)
    assert found[0].meddra_code == meddra_code


# --- recording ------------------------------------------------------------------------------------


def test_physician_records_a_toxicity_with_audit_event(
    ctcae_terms: None, physician: User, patient: Patient, oxaliplatin: ActiveIngredient
) -> None:
    onset = _today() - timedelta(days=3)
    record = services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(
            NAUSEA,
            3,
            onset,
            suspected_ingredient_ids=(oxaliplatin.pk,),
            cycle_number=2,
            order_id=41,
        ),
    )
    record.refresh_from_db()
    assert (record.grade, record.onset_date, record.cycle_number, record.order_id) == (
        3, onset, 2, 41,
    )  # fmt: skip
    assert list(record.suspected_ingredients.values_list("code", flat=True)) == ["oxaliplatin"]
    assert record.is_current and not record.entered_in_error
    event = AuditEvent.objects.get(event_type="toxicity.toxicity_recorded")
    assert event.patient_id == patient.pk
    assert event.after is not None and event.after["grade"] == 3
    assert event.after["suspected_ingredients"] == ["oxaliplatin"]


@pytest.mark.parametrize(("code", "grade"), [(NAUSEA, 4), (NAUSEA, 5), (NEUTROPENIA, 5)])
def test_a_grade_the_term_does_not_define_is_refused_and_nothing_saved(
    ctcae_terms: None, physician: User, patient: Patient, code: str, grade: int
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.toxicity_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=_input(code, grade, _today()),
        )
    assert refused.value.code == "grade_not_defined"
    assert ToxicityRecord.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="toxicity.toxicity_recorded").exists()


def test_future_onset_is_refused_and_nothing_saved(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.toxicity_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=_input(DIARRHEA, 2, _today() + timedelta(days=1)),
        )
    assert refused.value.code == "onset_in_future"
    assert ToxicityRecord.objects.count() == 0


def test_resolution_before_onset_is_refused_and_nothing_saved(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    onset = _today() - timedelta(days=2)
    with pytest.raises(ValidationFailed) as refused:
        services.toxicity_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            data=_input(DIARRHEA, 2, onset, resolution_date=onset - timedelta(days=1)),
        )
    assert refused.value.code == "resolution_before_onset"
    assert refused.value.field == "resolution_date"
    assert ToxicityRecord.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.COORDINATOR, Role.TECHNICIAN])
def test_roles_without_record_permission_are_refused_and_nothing_saved(
    ctcae_terms: None, make_user: MakeUser, patient: Patient, role: Role
) -> None:
    with pytest.raises(PermissionRefused):
        services.toxicity_record(
            actor=make_user(role),
            workstation=None,
            patient_id=patient.pk,
            data=_input(DIARRHEA, 1, _today()),
        )
    assert ToxicityRecord.objects.count() == 0


# --- corrections ----------------------------------------------------------------------------------


def test_a_correction_is_a_new_version_and_the_original_is_kept_unchanged(
    ctcae_terms: None, physician: User, nurse: User, patient: Patient
) -> None:
    onset = _today() - timedelta(days=5)
    original = services.toxicity_record(
        actor=nurse, workstation=None, patient_id=patient.pk, data=_input(DIARRHEA, 2, onset)
    )
    corrected = services.toxicity_correct(
        actor=physician,
        workstation=None,
        record_id=original.pk,
        data=_input(DIARRHEA, 3, onset, resolution_date=_today()),
        reason="7 scariche al giorno: grado 3",
    )
    original.refresh_from_db()
    assert (original.grade, original.resolution_date, original.recorded_by) == (2, None, nurse)
    assert original.is_current is False
    assert corrected.supersedes == original
    assert (corrected.grade, corrected.recorded_by, corrected.is_current) == (3, physician, True)
    assert corrected.correction_reason == "7 scariche al giorno: grado 3"
    event = AuditEvent.objects.get(event_type="toxicity.toxicity_corrected")
    assert event.before is not None and event.before["grade"] == 2
    assert event.after is not None and event.after["grade"] == 3
    # only the correction is current; the history keeps both
    current = selectors.patient_toxicities(user=physician, patient_id=patient.pk)
    assert [r.pk for r in current] == [corrected.pk]
    history = selectors.patient_toxicities(
        user=physician, patient_id=patient.pk, include_history=True
    )
    assert {r.pk for r in history} == {original.pk, corrected.pk}
    # and the superseded version cannot be corrected again
    with pytest.raises(ConflictError) as refused:
        services.toxicity_correct(
            actor=physician,
            workstation=None,
            record_id=original.pk,
            data=_input(DIARRHEA, 4, onset),
            reason="x",
        )
    assert refused.value.code == "toxicity_superseded"
    assert ToxicityRecord.objects.count() == 2


def test_a_correction_without_reason_or_with_an_undefined_grade_changes_nothing(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    original = services.toxicity_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_input(NAUSEA, 2, _today())
    )
    with pytest.raises(ValidationFailed):
        services.toxicity_correct(
            actor=physician,
            workstation=None,
            record_id=original.pk,
            data=_input(NAUSEA, 3, _today()),
            reason="  ",
        )
    with pytest.raises(ValidationFailed):
        services.toxicity_correct(
            actor=physician,
            workstation=None,
            record_id=original.pk,
            data=_input(NAUSEA, 4, _today()),
            reason="peggiorata",
        )
    original.refresh_from_db()
    assert original.is_current is True
    assert ToxicityRecord.objects.count() == 1


def test_entered_in_error_keeps_the_record_and_takes_it_out_of_the_counts(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    record = services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(NEUTROPENIA, 4, _today() - timedelta(days=1)),
    )
    with pytest.raises(ValidationFailed):
        services.toxicity_mark_entered_in_error(
            actor=physician, workstation=None, record_id=record.pk, reason=""
        )
    services.toxicity_mark_entered_in_error(
        actor=physician, workstation=None, record_id=record.pk, reason="paziente sbagliato"
    )
    record.refresh_from_db()
    assert (record.entered_in_error, record.is_current, record.grade) == (True, False, 4)
    assert record.entered_in_error_reason == "paziente sbagliato"
    assert (
        selectors.worst_grade_since(
            user=physician, patient_id=patient.pk, since_date=_today() - timedelta(days=30)
        )
        is None
    )
    with pytest.raises(ConflictError):
        services.toxicity_mark_entered_in_error(
            actor=physician, workstation=None, record_id=record.pk, reason="di nuovo"
        )


# --- worst grade and summary -------------------------------------------------------------------------


def test_worst_grade_since_the_last_cycle_with_one_query(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    today = _today()
    last_cycle = today - timedelta(days=14)
    # before the cycle and resolved before it: G4 neutropenia (does not count)
    services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(
            NEUTROPENIA,
            4,
            today - timedelta(days=40),
            resolution_date=last_cycle - timedelta(days=1),
        ),
    )
    # ongoing since before the cycle: G2 nausea (counts); after it: G3 diarrhea, G1 nausea
    services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(NAUSEA, 2, today - timedelta(days=20)),
    )
    g3 = services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(
            DIARRHEA, 3, today - timedelta(days=7), resolution_date=today - timedelta(days=2)
        ),
    )
    latest = services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(NAUSEA, 1, today - timedelta(days=1)),
    )
    other_patient_log = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        found = selectors.worst_grade_since(
            user=physician, patient_id=patient.pk, since_date=last_cycle
        )
    assert found is not None
    assert found == (3, g3)
    reads = [q for q in queries.captured_queries if '"toxicity_toxicityrecord"' in q["sql"]]
    assert len(reads) == 1
    assert AccessLogEntry.objects.count() == other_patient_log + 1
    # a period in which only the ongoing G2 and the new G1 are active
    found = selectors.worst_grade_since(
        user=physician, patient_id=patient.pk, since_date=today - timedelta(days=1)
    )
    assert found is not None and found[0] == 2
    # summary: the last toxicity (G1 nausea) and the worst since the cycle (G3), one read
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.latest_toxicity_summary(
            user=physician, patient_id=patient.pk, since=last_cycle
        )
    assert summary.latest == latest and summary.latest_grade == 1
    assert summary.worst == g3 and summary.severe_since is True
    reads = [q for q in queries.captured_queries if '"toxicity_toxicityrecord"' in q["sql"]]
    assert len(reads) == 1
    plain = selectors.latest_toxicity_summary(user=physician, patient_id=patient.pk)
    assert (plain.latest, plain.worst) == (latest, None)


def test_selectors_refuse_roles_without_view_and_log_nothing(
    make_user: MakeUser, patient: Patient
) -> None:
    technician = make_user(Role.TECHNICIAN)
    with pytest.raises(PermissionRefused):
        selectors.patient_toxicities(user=technician, patient_id=patient.pk)
    with pytest.raises(PermissionRefused):
        selectors.worst_grade_since(user=technician, patient_id=patient.pk, since_date=_today())
    assert not AccessLogEntry.objects.filter(user=technician).exists()


# --- extravasation ----------------------------------------------------------------------------------


def test_nurse_records_a_vincristine_extravasation_with_the_steps_done(
    nurse: User, patient: Patient, vincristine: ActiveIngredient
) -> None:
    when = timezone.now() - timedelta(minutes=20)
    event = services.extravasation_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=ExtravasationInput(
            ingredient_id=vincristine.pk,
            occurred_at=when,
            site="avambraccio sinistro",
            estimated_volume_ml=Decimal("3.25"),
            steps_done=("warm_compress", "stop", "hyaluronidase"),
            order_id=7,
        ),
    )
    event.refresh_from_db()
    assert (event.extravasation_class, event.procedure_code) == ("vesicant", "vinca")
    assert event.steps_done == ["stop", "warm_compress", "hyaluronidase"]
    assert event.estimated_volume_ml == Decimal("3.3")  # an estimate: 0.1 mL, half up
    assert AuditEvent.objects.filter(event_type="toxicity.extravasation_recorded").count() == 1


def test_extravasation_refusals_change_nothing(
    nurse: User, patient: Patient, vincristine: ActiveIngredient
) -> None:
    base = ExtravasationInput(
        ingredient_id=vincristine.pk, occurred_at=timezone.now(), site="dorso mano"
    )
    for data, code in (
        (
            base.__class__(**{**base.__dict__, "occurred_at": timezone.now() + timedelta(hours=1)}),
            "occurred_in_future",
        ),
        (base.__class__(**{**base.__dict__, "site": " "}), "required"),
        (base.__class__(**{**base.__dict__, "steps_done": ("dexrazoxane",)}), "unknown_step"),
        (base.__class__(**{**base.__dict__, "estimated_volume_ml": Decimal(-1)}), "volume_invalid"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.extravasation_record(
                actor=nurse, workstation=None, patient_id=patient.pk, data=data
            )
        assert refused.value.code == code
    assert ExtravasationEvent.objects.count() == 0


# --- reads for the demo loader ---------------------------------------------------------------


def test_a_term_id_by_meddra_code_and_whether_a_patient_has_a_toxicity(
    ctcae_terms: None, physician: User, patient: Patient
) -> None:
    # given the CTCAE terms and a patient with no toxicity
    assert selectors.ctcae_term_id(meddra_code=NAUSEA) == term(NAUSEA).pk
    with pytest.raises(NotFound):
        selectors.ctcae_term_id(meddra_code="99999999")
    assert selectors.patient_has_toxicity(patient_id=patient.pk) is False
    # when a toxicity is recorded, then the patient has one
    services.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=_input(NAUSEA, 1, _today()),
    )
    assert selectors.patient_has_toxicity(patient_id=patient.pk) is True
