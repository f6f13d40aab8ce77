"""A small generated centre for the clinical statistics' tests, its numbers counted by hand
in the tests (period 1 January – 30 June 2026).

Patients (``measured_patient``: 180 cm, 80 kg, BSA 2.00 m²):

* P1 F 10/03/1958, adenocarcinoma of the sigmoid (153.3) IIIB on 10/01/2026; stay in
  Oncologia 20–24/01; DH visit 12/01, therapies 26/01 and 09/02; FOLFOX-4 cycles from
  26/01, 09/02, 02/03 (a week late) and 16/03, oxaliplatin of cycle 3 given 200 of 250 mL;
  line 1 from 26/01: PR on 20/04, PD on 01/06 (line closed for progression), line 2 from
  10/06 closed for death on 20/06.
* P2 M 01/07/1950, adenocarcinoma 153.3 IIA on 15/02/2026; same-day stay 10/02; DH visit
  16/02, therapy 20/02 not attended; FOLFOX-4 cycle 1 from 23/02 all given; line 1 from
  23/02, SD on 15/05, open.
* P3 F 15/01/1990, ductal carcinoma of the breast (174.9) IIA on 01/03/2026 (a second
  diagnosis on 10/04); admitted 28/06, still in; DH therapy 05/03; line 1 (AC) from
  05/03 closed for death on 02/04.
* P4 M 05/05/1980, breast 174.9 diagnosed 20/11/2025; stay 28/12/2025–03/01/2026; DH visit
  25/11/2025, therapy 05/01/2026; line 1 from 01/12/2025.

Toxicities (CTCAE): P1 nausea G1 28/01 (cycle 1, oxaliplatin), P1 neutropenia G3 05/02
(cycle 1, oxaliplatin and fluorouracil), P2 diarrhoea G2 26/02 (cycle 1, fluorouracil),
P3 nausea G2 10/03 (no order, no suspect); P2 a G4 entered in error and P1 a superseded G2,
neither counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.models import Administration
from corsia.agenda.models import Agenda, Booking, BookingType
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Encounter, Patient, Ward
from corsia.prescribing import services as prescribing_services
from corsia.prescribing.models import TherapyOrder
from corsia.records.models import Diagnosis, Icd9Code, ResponseEvaluation, TreatmentLine
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version, measured_patient
from corsia.toxicity.models import CtcaeTerm, ToxicityRecord

FIRST = date(2026, 1, 1)
LAST = date(2026, 6, 30)


@dataclass(frozen=True)
class Centre:
    p1: Patient
    p2: Patient
    p3: Patient
    p4: Patient
    p1_orders: tuple[TherapyOrder, ...]
    p2_order: TherapyOrder
    physician: User


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _patient(coordinator: User, physician: User, surname: str, sex: str, born: date) -> Patient:
    return measured_patient(
        registrar=coordinator,
        physician=physician,
        surname=surname,
        given_names="Prova",
        sex=sex,
        date_of_birth=born,
    )


def _diagnosis(  # noqa: PLR0917
    user: User, patient: Patient, site: Icd9Code, histotype: str, stage: str, on: date
) -> None:
    Diagnosis.objects.create(
        patient=patient,
        primary_site=site,
        histotype=histotype,
        stage=stage,
        staging_system="TNM 8",
        diagnosed_on=on,
        recorded_by=user,
        updated_by=user,
    )


def _stay(
    user: User, ward: Ward, patient: Patient, admitted: date, discharged: date | None
) -> None:
    Encounter.objects.create(
        patient=patient,
        kind="inpatient",
        ward=ward,
        admitted_at=_at(admitted, 10),
        discharged_at=_at(discharged, 11) if discharged else None,
        state="discharged" if discharged else "active",
        updated_by=user,
    )


def _booking(  # noqa: PLR0917
    user: User, agenda: Agenda, kind: BookingType, patient: Patient, day: date, state: str = "done"
) -> None:
    Booking.objects.create(
        agenda=agenda,
        booking_type=kind,
        patient=patient,
        day=day,
        arrival_at=_at(day, 8),
        start_at=_at(day, 9),
        end_at=_at(day, 10),
        state=state,
        created_by=user,
        updated_by=user,
    )


def _order(
    physician: User, version_id: int, patient: Patient, cycle: int, start: date
) -> TherapyOrder:
    order = prescribing_services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version_id,
        start_date=start,
        cycle_number=cycle,
    )
    # the bedside path (confirm, validate, prepare, administer) is the prescribing and
    # administration modules' own tests: here the order is simply one that was given
    TherapyOrder.objects.filter(pk=order.pk).update(state="administered")
    return order


def _give_all(
    nurse: User, order: TherapyOrder, partial: dict[str, tuple[int, int]] | None = None
) -> None:
    """Every antineoplastic line given whole, but ``partial``: ingredient code → (mL given,
    of bag mL)."""
    for item in order.items.select_related("ingredient").filter(role="antineoplastic"):
        given = (partial or {}).get(item.ingredient.code)
        Administration.objects.create(
            order_item=item,
            order=order,
            patient_id=order.patient_id,
            label_kind="PRP",
            preparation_ref=f"PRP{item.pk:08d}",
            ingredient_code=item.ingredient.code,
            ingredient_name=item.ingredient.name_it,
            dose=item.final_dose,
            dose_unit="mg",
            volume_ml=Decimal(given[1]) if given else None,
            volume_given_ml=Decimal(given[0]) if given else None,
            state="partial" if given else "completed",
            nurse=nurse,
            started_at=_at(item.scheduled_date),
            ended_at=_at(item.scheduled_date, 11),
            updated_by=nurse,
        )


def _line(  # noqa: PLR0917
    user: User,
    patient: Patient,
    number: int,
    code: str,
    start: date,
    end: date | None = None,
    reason: str = "",
) -> TreatmentLine:
    return TreatmentLine.objects.create(
        patient=patient,
        number=number,
        intent="palliative",
        regimen_code=code,
        regimen_name=code,
        started_on=start,
        ended_on=end,
        end_reason=reason,
        closed_by=user if end else None,
        closed_at=_at(end) if end else None,
        recorded_by=user,
        updated_by=user,
    )


def _response(user: User, line: TreatmentLine, on: date, response: str) -> None:
    ResponseEvaluation.objects.create(
        patient=line.patient,
        line=line,
        evaluated_on=on,
        method="ct",
        criteria="recist_1_1",
        response=response,
        recorded_by=user,
    )


def _toxicity(  # noqa: PLR0917
    user: User,
    patient: Patient,
    term: CtcaeTerm,
    grade: int,
    onset: date,
    order: TherapyOrder | None,
    suspects: list[str],
    **fields: object,
) -> None:
    record = ToxicityRecord.objects.create(
        patient=patient,
        term=term,
        grade=grade,
        attribution="possible",
        onset_date=onset,
        order_id=order.pk if order else None,
        cycle_number=order.cycle_number if order else None,
        recorded_by=user,
        **fields,
    )
    record.suspected_ingredients.set(ActiveIngredient.objects.filter(code__in=suspects))


def centre(make_user: MakeUser) -> Centre:
    physician = make_user(Role.PHYSICIAN)
    coordinator = make_user(Role.COORDINATOR)
    nurse = make_user(Role.NURSE)
    p1 = _patient(coordinator, physician, "Uno", "F", date(1958, 3, 10))
    p2 = _patient(coordinator, physician, "Due", "M", date(1950, 7, 1))
    p3 = _patient(coordinator, physician, "Tre", "F", date(1990, 1, 15))
    p4 = _patient(coordinator, physician, "Quattro", "M", date(1980, 5, 5))

    sigma, _ = Icd9Code.objects.get_or_create(
        code="153.3", defaults={"kind": "D", "description_it": "Tumori maligni del sigma"}
    )
    breast, _ = Icd9Code.objects.get_or_create(
        code="174.9", defaults={"kind": "D", "description_it": "Tumori maligni della mammella"}
    )
    _diagnosis(physician, p1, sigma, "Adenocarcinoma", "IIIB", date(2026, 1, 10))
    _diagnosis(physician, p2, sigma, "Adenocarcinoma", "IIA", date(2026, 2, 15))
    _diagnosis(physician, p3, breast, "Carcinoma duttale", "IIA", date(2026, 3, 1))
    _diagnosis(physician, p3, breast, "Carcinoma lobulare", "I", date(2026, 4, 10))
    _diagnosis(physician, p4, breast, "Carcinoma duttale", "IIB", date(2025, 11, 20))

    ward, _ = Ward.objects.get_or_create(
        code="ONC", defaults={"name": "Oncologia", "kind": "inpatient"}
    )
    _stay(coordinator, ward, p1, date(2026, 1, 20), date(2026, 1, 24))
    _stay(coordinator, ward, p2, date(2026, 2, 10), date(2026, 2, 10))
    _stay(coordinator, ward, p4, date(2025, 12, 28), date(2026, 1, 3))
    _stay(coordinator, ward, p3, date(2026, 6, 28), None)

    dh_ward, _ = Ward.objects.get_or_create(
        code="DHS", defaults={"name": "Day hospital", "kind": "day_hospital"}
    )
    agenda = Agenda.objects.create(
        ward=dh_ward,
        code="DHS",
        name="Day hospital oncologico",
        kind="day_hospital",
        updated_by=coordinator,
    )
    visit = BookingType.objects.create(
        agenda=agenda, code="VIS", name="Prima visita", kind="visit", updated_by=coordinator
    )
    therapy = BookingType.objects.create(
        agenda=agenda, code="TER", name="Terapia", kind="therapy", updated_by=coordinator
    )
    _booking(nurse, agenda, visit, p1, date(2026, 1, 12))
    _booking(nurse, agenda, therapy, p1, date(2026, 1, 26))
    _booking(nurse, agenda, therapy, p1, date(2026, 2, 9))
    _booking(nurse, agenda, visit, p2, date(2026, 2, 16))
    _booking(nurse, agenda, therapy, p2, date(2026, 2, 20), state="no_show")
    _booking(nurse, agenda, visit, p4, date(2025, 11, 25))
    _booking(nurse, agenda, therapy, p4, date(2026, 1, 5))
    _booking(nurse, agenda, therapy, p3, date(2026, 3, 5))

    version = library_version("FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), physician))
    starts = (date(2026, 1, 26), date(2026, 2, 9), date(2026, 3, 2), date(2026, 3, 16))
    p1_orders = tuple(
        _order(physician, version.pk, p1, n, d) for n, d in enumerate(starts, start=1)
    )
    for n, order in enumerate(p1_orders, start=1):
        _give_all(nurse, order, {"oxaliplatin": (200, 250)} if n == 3 else None)
    p2_order = _order(physician, version.pk, p2, 1, date(2026, 2, 23))
    _give_all(nurse, p2_order)

    l1 = _line(physician, p1, 1, "FOLFOX-4", date(2026, 1, 26), date(2026, 6, 1), "progression")
    _response(physician, l1, date(2026, 4, 20), "pr")
    _response(physician, l1, date(2026, 6, 1), "pd")
    _line(physician, p1, 2, "FOLFIRI", date(2026, 6, 10), date(2026, 6, 20), "death")
    l2 = _line(physician, p2, 1, "FOLFOX-4", date(2026, 2, 23))
    _response(physician, l2, date(2026, 5, 15), "sd")
    _line(physician, p3, 1, "AC", date(2026, 3, 5), date(2026, 4, 2), "death")
    _line(physician, p4, 1, "AC", date(2025, 12, 1))

    nausea, _ = CtcaeTerm.objects.get_or_create(
        meddra_code="10028813",
        defaults={"soc": "Gastrointestinal disorders", "term": "Nausea", "term_it": "Nausea"},
    )
    neutropenia, _ = CtcaeTerm.objects.get_or_create(
        meddra_code="10029366",
        defaults={
            "soc": "Investigations",
            "term": "Neutrophil count decreased",
            "term_it": "Neutrofili diminuiti",
        },
    )
    diarrhoea, _ = CtcaeTerm.objects.get_or_create(
        meddra_code="10012727",
        defaults={"soc": "Gastrointestinal disorders", "term": "Diarrhea", "term_it": "Diarrea"},
    )
    c1 = p1_orders[0]
    _toxicity(physician, p1, nausea, 1, date(2026, 1, 28), c1, ["oxaliplatin"])
    _toxicity(physician, p1, neutropenia, 3, date(2026, 2, 5), c1, ["oxaliplatin", "fluorouracil"])
    _toxicity(physician, p2, diarrhoea, 2, date(2026, 2, 26), p2_order, ["fluorouracil"])
    _toxicity(physician, p3, nausea, 2, date(2026, 3, 10), None, [])
    _toxicity(
        physician,
        p2,
        neutropenia,
        4,
        date(2026, 2, 27),
        p2_order,
        [],
        entered_in_error=True,
        is_current=False,
        entered_in_error_reason="paziente sbagliato",
    )
    _toxicity(physician, p1, nausea, 2, date(2026, 1, 28), c1, ["oxaliplatin"], is_current=False)
    return Centre(p1, p2, p3, p4, p1_orders, p2_order, physician)
