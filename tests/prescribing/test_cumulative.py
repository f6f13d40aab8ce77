"""H06 — lifetime cumulative dose (rule R5): per cycle, over what was given, what is
committed and what was given elsewhere; anthracyclines as one class in
doxorubicin-equivalents; bleomycin in units. Reference values are computed by hand in
the comments (patient 180 cm / 80 kg: Mosteller BSA = sqrt(180 x 80 / 3600) = 2.00 m²;
ABVD doxorubicin 25 mg/m² on days 1 and 15 = 50 mg per day, 50 mg/m² per cycle)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.given import GivenDose
from corsia.administration.models import Administration
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.prescribing import cumulative, services
from corsia.prescribing.domain.cumulative import (
    Basis,
    CumulativeUnconvertible,
    DoseEvent,
    Limit,
    Source,
    ensure_within,
    tally,
)
from corsia.prescribing.domain.errors import CumulativeDoseExceeded
from corsia.prescribing.models import PriorDose, TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.prescribing import library_version
from corsia.testing.regimens import make_ingredients

START = date(2026, 12, 1)


def _class_limit(limit: str = "450") -> Limit:
    cls = cumulative.equivalence_classes()["anthracyclines"]
    return Limit(key=cls.code, label=cls.name_it, limit=D(limit), basis=Basis.MG_M2, cls=cls)


def _given(code: str, mg_m2: str) -> DoseEvent:
    return DoseEvent(code, D(mg_m2), "mg/m2", Source.ADMINISTERED)


# ---------------------------------------------------------------- pure arithmetic


def test_H06_equivalence_factors_are_the_published_ones() -> None:
    # Feijen et al. JAMA Oncol 2019 Table 3 (mean ratio): daunorubicin 0.6, epirubicin 0.8,
    # mitoxantrone 10.5; idarubicin 5 (ESC 2022, efficacy ratio); doxorubicin reference 1.
    cls = cumulative.equivalence_classes()["anthracyclines"]
    assert cls.reference == "doxorubicin"
    assert {c: m.factor for c, m in cls.members.items()} == {
        "doxorubicin": D(1),
        "daunorubicin": D("0.6"),
        "epirubicin": D("0.8"),
        "idarubicin": D(5),
        "mitoxantrone": D("10.5"),
    }
    assert all(m.source for m in cls.members.values())


def test_H06_doxorubicin_and_epirubicin_given_exceed_the_class_limit() -> None:
    # 300 mg/m² doxorubicin x 1 + 200 mg/m² epirubicin x 0.8 = 300 + 160 = 460 > 450
    result = tally(_class_limit(), [_given("doxorubicin", "300"), _given("epirubicin", "200")])
    assert result.total == D(460)
    with pytest.raises(CumulativeDoseExceeded) as refused:
        ensure_within(result)
    assert refused.value.code == "cumulative_dose_exceeded"
    assert "460" in refused.value.message and "450" in refused.value.message


def test_H06_exactly_at_the_limit_passes_and_sources_are_kept_apart() -> None:
    # given 300 + committed 50 + elsewhere 100 x 0.6 (daunorubicin) = 300 + 50 + 60 = 410;
    # this order 40 -> 450 = limit: passes (only above blocks), at 100 % -> not "near"
    events = [
        _given("doxorubicin", "300"),
        DoseEvent("doxorubicin", D(100), "mg", Source.COMMITTED, bsa_m2=D(2)),
        DoseEvent("daunorubicin", D(100), "mg/m2", Source.ELSEWHERE),
        DoseEvent("doxorubicin", D(80), "mg", Source.THIS_ORDER, bsa_m2=D(2)),
        DoseEvent("vincristine", D(2), "mg", Source.THIS_ORDER, bsa_m2=D(2)),  # not counted
    ]
    result = ensure_within(tally(_class_limit(), events))
    assert result.total == D(450)
    assert result.by_source == {
        Source.ADMINISTERED: D(300),
        Source.COMMITTED: D(50),
        Source.ELSEWHERE: D(60),
        Source.THIS_ORDER: D(40),
    }
    assert result.history == D(410)


def test_H06_partial_administration_counts_the_volume_given() -> None:
    # 60 mg in a 250 mL bag, 150 mL given: 150 / 250 x 60 = 36 mg
    partial = GivenDose(1, 1, "doxorubicin", D(60), "mg", D(250), D(150), "partial", timezone.now())
    assert partial.amount_given == D(36)
    assert partial.finished
    running = GivenDose(2, 2, "doxorubicin", D(60), "mg", D(250), D(100), "started", timezone.now())
    assert running.amount_given == D(60)  # being given: counted whole
    oral = GivenDose(3, 3, "doxorubicin", D(60), "mg", None, None, "completed", timezone.now())
    assert oral.amount_given == D(60)


def test_H06_bleomycin_is_counted_in_units_never_mg() -> None:
    # 370 USP units elsewhere = 370 000 UI; + 2 x 20 U this cycle = 40 000 UI -> 410 000 UI
    # > 400 000 UI
    limit = Limit(key="bleomycin", label="Bleomicina", limit=D(400000), basis=Basis.UNITS)
    events = [
        DoseEvent("bleomycin", D(370), "U", Source.ELSEWHERE),
        DoseEvent("bleomycin", D(20), "U", Source.THIS_ORDER),
        DoseEvent("bleomycin", D(20000), "UI", Source.THIS_ORDER),
    ]
    result = tally(limit, events, cumulative.unit_conversions())
    assert result.total == D(410000)
    assert result.exceeded
    with pytest.raises(CumulativeUnconvertible):
        tally(limit, [DoseEvent("bleomycin", D(15), "mg", Source.ELSEWHERE)])


def test_H06_an_absolute_dose_without_bsa_is_refused_not_skipped() -> None:
    with pytest.raises(CumulativeUnconvertible) as refused:
        tally(_class_limit(), [DoseEvent("epirubicin", D(100), "mg", Source.ELSEWHERE)])
    assert refused.value.code == "cumulative_history_unconvertible"


_codes = st.sampled_from(
    ["doxorubicin", "epirubicin", "daunorubicin", "idarubicin", "mitoxantrone"]
)
_amount = st.decimals(min_value=0, max_value=2000, places=2)
_bsa = st.decimals(min_value=D("0.3"), max_value=D("3"), places=2)


@settings(max_examples=200, deadline=None)
@given(
    given_doses=st.lists(st.tuples(_codes, _amount, _amount, _bsa), max_size=8),
    others=st.lists(
        st.tuples(
            _codes,
            _amount,
            st.sampled_from([Source.COMMITTED, Source.ELSEWHERE, Source.THIS_ORDER]),
            _bsa,
        ),
        max_size=8,
    ),
)
def test_H06_total_is_never_less_than_the_administered_equivalents(
    given_doses: list[tuple[str, D, D, D]], others: list[tuple[str, D, Source, D]]
) -> None:
    limit = _class_limit()
    cls = limit.cls
    assert cls is not None
    events = []
    administered = D(0)
    for code, dose, fraction_ml, bsa in given_doses:
        bag = D(250)
        volume = min(fraction_ml, bag)
        g = GivenDose(1, 1, code, dose, "mg", bag, volume, "partial", timezone.now())
        events.append(DoseEvent(code, g.amount_given, "mg", Source.ADMINISTERED, bsa_m2=bsa))
        administered += dose * volume / bag / bsa * cls.members[code].factor
    events += [DoseEvent(c, a, "mg", s, bsa_m2=b) for c, a, s, b in others]
    result = tally(limit, events)
    assert result.total >= administered
    assert result.by_source.get(Source.ADMINISTERED, D(0)) == administered


# ---------------------------------------------------------------- orders


@pytest.fixture
def abvd(make_user: MakeUser) -> RegimenVersion:
    version = library_version(
        "ABVD", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    make_ingredients(("epirubicin",))
    ActiveIngredient.objects.filter(code="doxorubicin").update(
        cumulative_limit=D(450), cumulative_limit_unit="mg/m2"
    )
    return version


def _draft(physician: User, patient: Patient, abvd: RegimenVersion, cycle: int = 1) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=abvd.pk,
        start_date=START + timedelta(days=28 * (cycle - 1)),
        cycle_number=cycle,
    )


def _elsewhere(
    physician: User, patient: Patient, code: str, amount: str, unit: str = "mg/m2"
) -> PriorDose:
    return cumulative.prior_dose_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        ingredient_id=ActiveIngredient.objects.get(code=code).pk,
        amount=D(amount),
        unit=unit,
        hospital="Ospedale San Carlo, Potenza",
        given_from=date(2020, 3, 1),
        given_to=date(2020, 8, 1),
        document_ref="Lettera di dimissione 2020/1234",
        reason="Terapia pregressa per linfoma",
    )


def _confirm(physician: User, order: TherapyOrder) -> TherapyOrder:
    return services.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )


def test_H06_the_cycle_is_checked_as_a_whole_not_line_by_line(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # 410 elsewhere + day 1 25 = 435 (a line alone passes) but + day 15 25 = 460 > 450
    _elsewhere(physician, patient, "doxorubicin", "410")
    order = _draft(physician, patient, abvd)
    doxo = list(order.items.filter(ingredient__code="doxorubicin"))
    assert len(doxo) == 2
    assert all(i.block_code == "cumulative_dose_exceeded" for i in doxo)
    assert "460" in doxo[0].block_message
    with pytest.raises(ValidationFailed) as refused:
        _confirm(physician, order)
    assert refused.value.code == "order_blocked_by_limit"


def test_H06_two_drafts_cannot_both_pass(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # 380 elsewhere; draft A: 380 + 50 = 430, draft B: 380 + 50 = 430 (each fits alone);
    # A confirmed -> committed; B at confirmation: 380 + 50 + 50 = 480 > 450 -> refused
    _elsewhere(physician, patient, "doxorubicin", "380")
    first = _draft(physician, patient, abvd, cycle=1)
    second = _draft(physician, patient, abvd, cycle=2)
    assert not second.items.filter(block_code__gt="").exists()
    assert _confirm(physician, first).state == "confirmed"
    with pytest.raises(CumulativeDoseExceeded) as refused:
        _confirm(physician, second)
    assert refused.value.code == "cumulative_dose_exceeded"
    assert D(refused.value.details["total"]) == D(480)
    assert D(refused.value.details["total_committed"]) == D(50)
    second.refresh_from_db()
    assert second.state == "draft"


def test_H06_the_pharmacist_validation_rechecks_the_history(
    make_user: MakeUser, physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # confirmed and sent with 50; then 420 given elsewhere is recorded: 420 + 50 = 470 > 450
    from corsia.compounding.services import order_item_validate

    order = _confirm(physician, _draft(physician, patient, abvd))
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="send")
    _elsewhere(physician, patient, "doxorubicin", "420")
    with pytest.raises(CumulativeDoseExceeded):
        order_item_validate(actor=make_user(Role.PHARMACIST), workstation=None, order_id=order.pk)
    order.refresh_from_db()
    assert order.state == "sent_to_pharmacy"
    assert not order.items.filter(validated_by__isnull=False).exists()


def test_H06_partial_administration_is_counted_from_the_bedside_record(
    make_user: MakeUser, physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # cycle 1 confirmed: day 1 doxorubicin 50 mg in 250 mL, 150 mL given (partial):
    # 150 / 250 x 50 = 30 mg / 2.00 m² = 15 mg/m² administered; day 15 (50 mg) not given
    # yet: 25 mg/m² committed. Total 40 mg/m².
    order = _confirm(physician, _draft(physician, patient, abvd))
    day1 = order.items.get(ingredient__code="doxorubicin", day_of_cycle=1)
    nurse = make_user(Role.NURSE)
    now = timezone.now()
    Administration.objects.create(
        order_item=day1,
        order=order,
        patient=patient,
        label_kind="PRP",
        preparation_ref="PRP00000001",
        ingredient_code="doxorubicin",
        ingredient_name="Doxorubicina",
        dose=day1.final_dose,
        dose_unit="mg",
        volume_ml=D(250),
        volume_given_ml=D(150),
        state="partial",
        nurse=nurse,
        started_at=now - timedelta(hours=1),
        ended_at=now,
        updated_by=nurse,
    )
    (result,) = cumulative.patient_cumulative(patient_id=patient.pk)
    assert result.limit.key == "anthracyclines"
    assert result.by_source == {Source.ADMINISTERED: D(15), Source.COMMITTED: D(25)}
    assert result.total == D(40)


def test_H06_prior_doses_are_append_only_and_corrected_by_a_new_record(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    wrong = _elsewhere(physician, patient, "epirubicin", "500")
    # 500 x 0.8 = 400 doxorubicin-equivalent
    (result,) = cumulative.patient_cumulative(patient_id=patient.pk)
    assert result.total == D(400)
    fixed = cumulative.prior_dose_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        ingredient_id=wrong.ingredient_id,
        amount=D(300),
        unit="mg/m2",
        hospital=wrong.hospital,
        given_from=wrong.given_from,
        document_ref=wrong.document_ref,
        reason="Trascritto 500 invece di 300",
        corrects_id=wrong.pk,
    )
    (result,) = cumulative.patient_cumulative(patient_id=patient.pk)
    assert result.total == D(240)  # 300 x 0.8
    assert list(cumulative.current_prior_doses(patient_id=patient.pk)) == [fixed]
    assert AuditEvent.objects.filter(event_type="prescribing.prior_dose_recorded").count() == 2
    with pytest.raises(ValidationFailed) as twice:
        cumulative.prior_dose_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            ingredient_id=wrong.ingredient_id,
            amount=D(0),
            unit="mg/m2",
            hospital="x",
            given_from=wrong.given_from,
            document_ref="x",
            reason="x",
            corrects_id=wrong.pk,
        )
    assert twice.value.code == "prior_dose_already_corrected"
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        PriorDose.objects.filter(pk=wrong.pk).update(amount=D(1))


def test_H06_bleomycin_elsewhere_in_mg_is_refused_and_nothing_saved(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _elsewhere(physician, patient, "bleomycin", "15", unit="mg")
    assert refused.value.code == "prior_dose_unit"
    assert not PriorDose.objects.exists()


def test_H06_bleomycin_in_units_blocks_the_cycle(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # limit 400 000 UI; 370 U elsewhere = 370 000 UI; ABVD bleomycin 10 U/m² x 2.00 m²
    # = 20 U on days 1 and 15 = 40 U = 40 000 UI -> 410 000 UI > 400 000
    ActiveIngredient.objects.filter(code="bleomycin").update(
        cumulative_limit=D(400000), cumulative_limit_unit="IU"
    )
    _elsewhere(physician, patient, "bleomycin", "370", unit="U")
    order = _draft(physician, patient, abvd)
    bleo = list(order.items.filter(ingredient__code="bleomycin"))
    assert [i.final_dose for i in bleo] == [D(20), D(20)]
    assert all(i.block_code == "cumulative_dose_exceeded" for i in bleo)
    assert "410.000" in bleo[0].block_message or "410000" in bleo[0].block_message


def test_H06_api_records_prior_doses_and_refuses_confirmation_as_problem_json(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    client = logged_in(physician)
    epi = ActiveIngredient.objects.get_or_create(
        code="epirubicin", defaults={"name_it": "Epirubicina", "name_en": "epirubicin"}
    )[0]
    response = client.post(
        f"/api/v1/cumulative/patients/{patient.pk}/prior-doses",
        {
            "ingredient_id": epi.pk,
            "amount": "450",
            "unit": "mg/m2",
            "hospital": "AOU Careggi",
            "given_from": "2019-01-10",
            "given_to": "2019-06-10",
            "document_ref": "Relazione clinica 55/2019",
            "reason": "Terapia adiuvante per carcinoma mammario",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # 450 x 0.8 = 360 elsewhere; this cycle 50 -> 410 (91 %: near, within)
    body = client.get(f"/api/v1/cumulative/patients/{patient.pk}").json()
    (anthra,) = body["tallies"]
    assert D(anthra["elsewhere"]) == D(360)
    first = _draft(physician, patient, abvd, cycle=1)
    second = _draft(physician, patient, abvd, cycle=2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        client.post(
            f"/api/v1/orders/{first.pk}/transitions",
            {"event": "confirm", "expected_version": first.version},
            content_type="application/json",
        ).status_code
        == 200
    )
    # 360 + 50 committed + 50 = 460 > 450
    refused = client.post(
        f"/api/v1/orders/{second.pk}/transitions",
        {"event": "confirm", "expected_version": second.version},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "cumulative_dose_exceeded"
    bad = client.post(
        f"/api/v1/cumulative/patients/{patient.pk}/prior-doses",
        {
            "ingredient_id": epi.pk,
            "amount": "-5",
            "unit": "mg/m2",
            "hospital": "x",
            "given_from": "2019-01-10",
            "document_ref": "x",
            "reason": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "prior_dose_amount"
    assert PriorDose.objects.count() == 1


def test_H06_patient_page_shows_totals_and_records_a_prior_dose(
    physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    client = logged_in(physician)
    doxo = ActiveIngredient.objects.get(code="doxorubicin")
    response = client.post(
        f"/prescribing/patient/{patient.pk}/prior-doses/",
        {
            "ingredient_id": doxo.pk,
            "amount": "240",
            "unit": "mg",
            "bsa_m2": "1.60",
            "hospital": "IRCCS Aviano",
            "given_from": "2018-02-01",
            "document_ref": "Cartella 2018/77",
            "reason": "Linfoma di Hodgkin 2018",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/prescribing/patient/{patient.pk}/").content.decode()
    # 240 mg / 1.60 m² = 150 mg/m² doxorubicin-equivalent
    assert "IRCCS Aviano" in page
    assert 'data-testid="cumulative-doses"' in page
    assert "<td>150</td>" in page


def test_H06_a_merged_duplicates_doses_count_for_the_survivor(
    make_user: MakeUser, physician: User, patient: Patient, abvd: RegimenVersion
) -> None:
    # The same man registered twice (an ADT A40 or a coordinator's merge): 300 mg/m²
    # doxorubicin recorded as given elsewhere and 30 mg administered here (30 mg / 2.00 m² =
    # 15 mg/m²) under the duplicate. After the merge the survivor's lifetime total is
    # 300 + 15 = 315 mg/m², and a new ABVD cycle (2 x 25 mg/m²) brings it to 365 (< 450).
    # With 410 elsewhere instead it would be blocked: 410 + 15 + 50 = 475 > 450.
    from corsia.patients.services import patient_merge
    from corsia.testing.administration import doxorubicin_partly_given
    from corsia.testing.prescribing import measured_patient

    coordinator = make_user(Role.COORDINATOR)
    duplicate = measured_patient(
        registrar=coordinator, physician=physician, given_names="Carlo Maria"
    )
    _elsewhere(physician, duplicate, "doxorubicin", "300")
    old = _confirm(physician, _draft(physician, duplicate, abvd))
    doxorubicin_partly_given(old, make_user(Role.NURSE))
    services.order_transition(
        actor=physician, workstation=None, order_id=old.pk, event="cancel", reason="Doppione"
    )
    assert cumulative.patient_cumulative(patient_id=patient.pk) == []  # before the merge

    patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=patient.pk,
        duplicate_id=duplicate.pk,
        reason="Stesso paziente registrato due volte",
    )

    (result,) = cumulative.patient_cumulative(patient_id=patient.pk)
    assert result.by_source == {Source.ELSEWHERE: D(300), Source.ADMINISTERED: D(15)}
    assert result.total == D(315)
    order = _draft(physician, patient, abvd, cycle=2)
    assert not order.items.filter(block_code__gt="").exists()
    _elsewhere(physician, patient, "doxorubicin", "110")  # 300 + 110 + 15 + 50 = 475 > 450
    with pytest.raises((CumulativeDoseExceeded, ValidationFailed)):
        _confirm(physician, order)
