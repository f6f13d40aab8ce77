"""What a masked (oscurato) stay left visible around it, now hidden from those outside its
care team and still read by every dose and safety check (docs/security.md, section 25):
orders, toxicities, tumour boards, measures dated within it; the ward it gave a new order;
the bed it seated the patient in; the "already admitted" answer; the care scope computed
once per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import scope, selectors, services
from corsia.patients.models import Encounter, Masking, Patient, Ward
from corsia.prescribing import selectors as prescribing
from corsia.prescribing import services as prescribing_services
from corsia.prescribing.dosing_basis import latest_measures
from corsia.prescribing.models import TherapyOrder
from corsia.records import selectors_letters as letters
from corsia.records import services as records_services
from corsia.records.selectors import chart_view
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.patients import masked_stay_admitted
from corsia.testing.prescribing import library_order
from corsia.testing.toxicity import NAUSEA, term
from corsia.toxicity import selectors as toxicity
from corsia.toxicity import services as toxicity_services
from corsia.toxicity.models import ToxicityRecord

pytestmark = pytest.mark.django_db

MARKER = "valore da un episodio protetto"
BOARD_DECISION = "Decisione riservata OSCURATA-5521"


@dataclass
class MaskedStay:
    patient: Patient
    order: TherapyOrder
    encounter: Encounter
    treating: User  # the prescriber: acted for the patient during the stay
    outsider: User  # a physician of the hospital who never did


@pytest.fixture
def masked_stay(
    make_user: MakeUser, coordinator: User, ward: Ward, ctcae_reference: None
) -> MaskedStay:
    """A patient admitted yesterday to the day hospital, in chair P01, whose stay is masked;
    during it: weight and height (library_order's measures, taken now), a FOLFOX-4 order
    starting today, a toxicity and a tumour board — all by the treating physician."""
    treating = make_user(Role.PHYSICIAN)
    order = library_order(
        "FOLFOX-4",
        physician=treating,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=coordinator,
        start=timezone.localdate(),
    )
    patient = order.patient
    encounter = masked_stay_admitted(
        coordinator, patient, ward.pk, place_id=ward.places.get(code="P01").pk,
        admitted_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    toxicity_services.toxicity_record(
        actor=treating, workstation=None, patient_id=patient.pk,
        data=toxicity_services.ToxicityInput(
            term_id=term(NAUSEA).pk, grade=2, attribution="probable",
            onset_date=timezone.localdate(),
        ),
    )  # fmt: skip
    records_services.board_record(
        actor=treating, workstation=None, patient_id=patient.pk,
        data=records_services.BoardInput(
            held_on=timezone.localdate(), question="Caso", participants=(),
            decision=BOARD_DECISION, recommendation="",
        ),
    )  # fmt: skip
    return MaskedStay(patient, order, encounter, treating, make_user(Role.PHYSICIAN))


def test_orders_dated_within_a_masked_stay_are_hidden_from_outside_the_team(
    masked_stay: MaskedStay,
) -> None:
    s = masked_stay
    # the team: the order in the patient's list, by id, on the page and the API
    assert list(prescribing.patient_orders(user=s.treating, patient_id=s.patient.pk)) == [s.order]
    assert prescribing.order_get(user=s.treating, order_id=s.order.pk) == s.order
    assert api_client(s.treating).get(f"/api/v1/orders/{s.order.pk}").status_code == 200
    # outside it: as if there were no order
    assert list(prescribing.patient_orders(user=s.outsider, patient_id=s.patient.pk)) == []
    with pytest.raises(NotFound):
        prescribing.order_get(user=s.outsider, order_id=s.order.pk)
    answer = api_client(s.outsider).get(f"/api/v1/orders/{s.order.pk}")
    assert answer.status_code == 404 and answer.json()["code"] == "order_not_found"
    order_link = f"/prescribing/orders/{s.order.pk}/"
    page = logged_in(s.outsider).get(f"/prescribing/patient/{s.patient.pk}/").content.decode()
    assert order_link not in page
    mine = logged_in(s.treating).get(f"/prescribing/patient/{s.patient.pk}/").content.decode()
    assert order_link in mine
    # the FHIR search of the patient's requests
    bundle = api_client(s.outsider).get(f"/fhir/MedicationRequest?patient={s.patient.pk}").json()
    assert bundle["total"] == 0
    ours = api_client(s.treating).get(f"/fhir/MedicationRequest?patient={s.patient.pk}").json()
    assert ours["total"] >= 1


def test_toxicities_and_boards_of_a_masked_stay_are_hidden_but_the_dose_check_reads_them(
    masked_stay: MaskedStay,
) -> None:
    s = masked_stay

    def grades(user: User) -> list[int]:
        return [r.grade for r in toxicity.patient_toxicities(user=user, patient_id=s.patient.pk)]

    def boards(user: User) -> list[str]:
        return [b.decision for b in letters.patient_boards(user=user, patient_id=s.patient.pk)]

    assert grades(s.treating) == [2] and boards(s.treating) == [BOARD_DECISION]
    assert grades(s.outsider) == [] and boards(s.outsider) == []
    api = api_client(s.outsider)
    assert api.get(f"/api/v1/toxicities?patient_id={s.patient.pk}").json() == []
    assert api.get(f"/api/v1/patients/{s.patient.pk}/tumour-boards").json() == []
    board_id = letters.patient_boards(user=s.treating, patient_id=s.patient.pk)[0].pk
    with pytest.raises(NotFound):
        letters.board_get(user=s.outsider, board_id=board_id)
    chart = logged_in(s.outsider).get(f"/records/patients/{s.patient.pk}/").content.decode()
    assert BOARD_DECISION not in chart and "Nausea" not in chart
    # the dose-modification check still sees the grade-2 toxicity
    worst = toxicity.worst_grade_since(
        user=s.outsider, patient_id=s.patient.pk, since_date=timezone.localdate()
    )
    assert worst is not None and worst[0] == 2


def test_a_weight_from_a_masked_stay_drives_the_bsa_shown_with_a_neutral_marker(
    masked_stay: MaskedStay,
) -> None:
    s = masked_stay
    # the dose basis reads the weight taken during the stay (80 kg, 180 cm)
    assert latest_measures(s.patient.pk).weight_kg.value == 80  # type: ignore[union-attr]  # measured
    # outside the team: the value and the BSA (√(180 × 80 / 3600) = 2.00 m²), no date
    header = chart_view(user=s.outsider, patient_id=s.patient.pk, workstation=None).header
    assert header.weight_kg == 80 and str(header.bsa_m2) == "2.00"
    assert header.weighed_at is None and header.weight_protected
    today = timezone.localdate().strftime("%d/%m/%Y")
    for url in (f"/records/patients/{s.patient.pk}/", f"/prescribing/patient/{s.patient.pk}/"):
        page = logged_in(s.outsider).get(url).content.decode()
        assert MARKER in page, url
        assert today not in page.split(MARKER)[0].rsplit("kg", 1)[-1], url
    # the team: the date, no marker
    mine = chart_view(user=s.treating, patient_id=s.patient.pk, workstation=None).header
    assert mine.weighed_at is not None and not mine.weight_protected
    assert (
        MARKER
        not in logged_in(s.treating).get(f"/records/patients/{s.patient.pk}/").content.decode()
    )


def test_a_masked_stay_gives_no_ward_to_a_new_order_nor_a_bed_at_the_bedside(
    masked_stay: MaskedStay, ward: Ward
) -> None:
    s = masked_stay
    # the bed or chair of the stay: for the team only
    assert selectors.current_places([s.patient.pk], user=s.treating)[s.patient.pk].code == "P01"
    assert selectors.current_places([s.patient.pk], user=s.outsider) == {}
    # a new order: the team's carries the stay's ward, the outsider's none
    mine = prescribing_services.order_create(
        actor=s.treating, workstation=None, patient_id=s.patient.pk,
        regimen_version_id=s.order.regimen_version_id, start_date=timezone.localdate(),
        cycle_number=2, schedule_reason="prova",
    )  # fmt: skip
    assert mine.ward_id == ward.pk
    theirs = prescribing_services.order_create(
        actor=s.outsider, workstation=None, patient_id=s.patient.pk,
        regimen_version_id=s.order.regimen_version_id, start_date=timezone.localdate(),
        cycle_number=3, schedule_reason="prova",
    )  # fmt: skip
    assert theirs.ward_id is None


def test_admitting_a_patient_whose_masked_stay_is_open_does_not_tell_it(
    masked_stay: MaskedStay, ward: Ward, make_user: MakeUser, coordinator: User
) -> None:
    s = masked_stay
    other_coordinator = make_user(Role.COORDINATOR)
    other_ward = Ward.objects.create(code="MEDINT", name="Medicina interna", kind="ward")

    def admit(user: User) -> str:
        with pytest.raises(ValidationFailed) as refused:
            services.encounter_admit(
                actor=user, workstation=None, patient_id=s.patient.pk,
                kind="inpatient", ward_id=other_ward.pk,
            )  # fmt: skip
        return refused.value.code

    # outside the team: a neutral referral, the stay named nowhere, the attempt audited
    assert admit(other_coordinator) == "admission_referred"
    status, body = post_json(
        api_client(other_coordinator),
        f"/api/v1/patients/{s.patient.pk}/encounters",
        {"kind": "inpatient", "ward_id": other_ward.pk},
    )
    assert status == 422 and body["code"] == "admission_referred"
    for secret in (ward.code, ward.name, "P01", "ricovero/accesso in corso"):
        assert secret not in str(body)
    page = logged_in(other_coordinator).post(
        f"/patients/{s.patient.pk}/admit/",
        {"kind": "inpatient", "target": f"{other_ward.pk}:"},
        follow=True,
    )
    shown = page.content.decode()
    assert "ufficio accettazione" in shown and "già un ricovero" not in shown
    referrals = AuditEvent.objects.filter(event_type="patients.admission_referred")
    assert referrals.count() == 3 and {r.patient_id for r in referrals} == {s.patient.pk}
    assert Encounter.objects.filter(patient=s.patient).count() == 1  # nothing admitted
    # the ward's own coordinator sees the stay: told it is already admitted
    services.ward_staff_assign(
        actor=coordinator, workstation=None, username=coordinator.username, ward_code=ward.code
    )
    assert admit(coordinator) == "encounter_already_active"


@override_settings(CORSIA_PATIENT_SCOPE="care")
def test_the_care_scope_is_computed_once_per_request(masked_stay: MaskedStay) -> None:
    s = masked_stay
    calls: list[datetime] = []

    def counting(*, user_id: int, since: datetime) -> set[int]:
        calls.append(since)
        return set()

    scope.care_reader_register("test_counting", counting)
    try:
        chart = logged_in(s.treating).get(f"/records/patients/{s.patient.pk}/")
        assert chart.status_code == 200
        # the scope once, the masked stays the physician treats once (the only two users)
        assert len(calls) == 2
        calls.clear()
        # a write computes afresh each time (it may change the scope)
        scope.patient_scope(s.treating)
        scope.patient_scope(s.treating)
        assert len(calls) == 2
    finally:
        scope._care_readers.pop("test_counting")


def _toxicity_before_the_stay(s: MaskedStay) -> ToxicityRecord:
    """A grade-1 nausea recorded three days ago, before the stay (admitted yesterday)."""
    three_days_ago = timezone.now() - timedelta(days=3)
    with time_machine.travel(three_days_ago, tick=False):
        return toxicity_services.toxicity_record(
            actor=s.treating, workstation=None, patient_id=s.patient.pk,
            data=toxicity_services.ToxicityInput(
                term_id=term(NAUSEA).pk, grade=1, attribution="possible",
                onset_date=timezone.localdate(),
            ),
        )  # fmt: skip


def test_records_written_before_the_stay_stay_visible(masked_stay: MaskedStay) -> None:
    earlier = _toxicity_before_the_stay(masked_stay)
    seen = toxicity.patient_toxicities(user=masked_stay.outsider, patient_id=earlier.patient_id)
    assert [r.pk for r in seen] == [earlier.pk]


def test_the_history_of_an_order_or_toxicity_of_a_masked_stay_is_not_found(
    masked_stay: MaskedStay,
) -> None:
    s = masked_stay
    tox = toxicity.patient_toxicities(user=s.treating, patient_id=s.patient.pk)[0]
    client = logged_in(s.outsider)
    missing = client.get("/audit/history/prescribing/therapyorder/999999/")
    assert missing.status_code == 404
    for url in (
        f"/audit/history/prescribing/therapyorder/{s.order.pk}/",
        f"/audit/history/toxicity/toxicityrecord/{tox.pk}/",
    ):
        page = client.get(url)
        assert page.status_code == 404, url
        assert "FOLFOX" not in page.content.decode()
    # a toxicity of the same patient before the stay keeps its history
    earlier = _toxicity_before_the_stay(s)
    assert client.get(f"/audit/history/toxicity/toxicityrecord/{earlier.pk}/").status_code == 200


def test_an_open_order_of_a_closed_masked_stay_stays_with_its_prescriber_and_the_pharmacy(
    masked_stay: MaskedStay, coordinator: User, make_user: MakeUser
) -> None:
    s = masked_stay
    # the stay is closed (unmasked to discharge it, masked again): hidden from everyone
    masking = Masking.objects.get(document_id=s.encounter.pk, revoked_at__isnull=True)
    services.document_unmask(
        actor=coordinator, workstation=None, masking_id=masking.pk, reason="dimissione"
    )
    encounter = Encounter.objects.get(pk=s.encounter.pk)
    services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=encounter.version,
    )  # fmt: skip
    services.document_mask(
        actor=coordinator, workstation=None, patient_id=s.patient.pk,
        document_type="patients.encounter", document_id=encounter.pk, reason="richiesta",
    )  # fmt: skip
    pharmacist = make_user(Role.PHARMACIST)

    def sees(user: User) -> bool:
        return prescribing.patient_orders(user=user, patient_id=s.patient.pk).exists()

    # the therapy is still open: its prescriber and the pharmacy keep it, nobody else
    assert sees(s.treating) and sees(pharmacist) and not sees(s.outsider)
    # once it is over (cancelled), it is hidden with the stay from everyone
    prescribing_services.order_transition(
        actor=s.treating, workstation=None, order_id=s.order.pk, event="cancel",
        reason="prova",
    )  # fmt: skip
    assert not sees(s.treating) and not sees(pharmacist) and not sees(s.outsider)
