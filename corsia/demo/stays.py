"""A complete chart for the demo hospital (a fictitious person), written through the
records module's services as a physician and a nurse would: the first demo patient, colon
cancer on FOLFOX-4, a stay in Oncologia medica from admission to discharge (anamnesis and
raccordo, diagnosis, labs with flags, vital signs, diary and ward rounds, TNM 8 staging
signed, ECOG, the RECIST baseline, the tumour board), the treatment line linking his
FOLFOX-4 order, the surgery planned after it, home therapy, the next appointments and the
signed discharge letter; then he is back in the Day Hospital today for his first cycle.
The lymphoma chart is in ``lymphoma.py``.

Idempotent: a patient whose chart already holds a diagnosis or a diary entry gets nothing;
the stay is written only when the patient is not admitted (it needs its own admission).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from corsia.patients import selectors as patient_selectors
from corsia.patients import services as patient_services
from corsia.prescribing import selectors as prescribing_selectors
from corsia.records import selectors, services
from corsia.records.domain.boards import ParticipantInput

if TYPE_CHECKING:
    from corsia.core.actors import User

COLON_PATIENT = 0  # index among the demo patients with a codice fiscale (Rossi Giuseppe)
STAY_DAYS_AGO = 12  # the admission; the discharge four days later

# (analyte, unit, low, high, values on the stay's days 0, 2 and 4; "" = not taken)
COLON_LABS = (
    ("Emoglobina", "g/dL", "13", "17", ("9,6", "10,4", "10,9")),
    ("MCV", "fL", "80", "99", ("74", "", "")),
    ("Ferritina", "ng/mL", "30", "400", ("9", "", "")),
    ("Neutrofili", "10^9/L", "1,5", "7", ("4,2", "", "3,9")),
    ("Piastrine", "10^9/L", "150", "400", ("312", "", "298")),
    ("Creatinina", "mg/dL", "0,7", "1,2", ("0,9", "0,8", "")),
    ("Bilirubina totale", "mg/dL", "0,2", "1,2", ("0,6", "", "")),
    ("ALT", "U/L", "7", "45", ("22", "", "")),
    ("CEA", "ng/mL", None, "5", ("12,4", "", "")),
    ("CA 19-9", "U/mL", None, "37", ("41", "", "")),
)
# (days after admission, hours, systolic, diastolic, heart rate, temperature, SpO2, pain)
COLON_VITALS = (
    (0, 2, "128", "78", "84", "36,8", "97", "2"),
    (1, 1, "124", "76", "80", "37,4", "98", "2"),
    (2, 1, "122", "74", "76", "36,6", "98", "1"),
    (3, 1, "126", "80", "74", "36,5", "98", "1"),
    (4, 1, "120", "76", "72", "36,4", "98", "0"),
)
# (days after admission, hours, kind, text)
COLON_DIARY = (
    (0, 1, "visit",
     "Ingresso in reparto da ambulatorio oncologico. Riferisce astenia ingravescente e "
     "alvo alterno da circa tre mesi, rettorragia saltuaria. Vigile, orientato, "
     "eupnoico. Cute e mucose pallide. Addome trattabile, non dolente, peristalsi presente. "
     "Si richiedono esami ematochimici, TC torace-addome con mdc, consulenza chirurgica."),
    (1, 2, "ward_round",
     "Notte tranquilla. Apiretico. Eseguita TC torace-addome: ispessimento parietale "
     "stenosante del sigma di 42 mm con linfonodo mesocolico di 17 mm (asse corto); "
     "fegato e polmoni indenni. Avviata infusione di carbossimaltosio ferrico 1000 mg."),
    (2, 3, "consult",
     "Consulenza chirurgica: neoplasia del sigma localmente avanzata (cT3 N1b), "
     "resecabile. Si concorda con la discussione al GOM per il trattamento neoadiuvante."),
    (3, 2, "ward_round",
     "Posizionato port-a-cath in vena giugulare interna destra in anestesia locale, senza "
     "complicanze; RX torace di controllo: punta del catetere in vena cava superiore. "
     "Discusso al GOM: chemioterapia neoadiuvante FOLFOX-4."),
    (4, 1, "ward_round",
     "Buone condizioni generali, ECOG 1. Emoglobina in risalita (10,9 g/dL). Si illustrano "
     "al paziente e alla figlia il programma terapeutico e i segni di allarme. Dimissibile."),
)  # fmt: skip


@dataclass(frozen=True)
class _Actors:
    physician: User
    nurse: User
    coordinator: User


def demo_patient_id(index: int) -> int | None:
    ids = patient_selectors.patient_ids_with_codice_fiscale(limit=index + 1)
    return ids[index] if index < len(ids) else None


def first_order(physician: User, patient_id: int) -> tuple[int, int] | None:
    """(order id, regimen version id) of the patient's first demo order, if any."""
    order = (
        prescribing_selectors.patient_orders(user=physician, patient_id=patient_id)
        .order_by("pk")
        .first()
    )
    return (order.pk, order.regimen_version_id) if order is not None else None


def line_on_first_order(
    physician: User,
    patient_id: int,
    line: Callable[[int], services.LineInput],
    baseline: Callable[[int], services.EvaluationInput],
) -> Any:
    """The treatment line on the patient's first demo order (``line`` given the order's
    regimen version id), that order linked to it, and the baseline response evaluation
    (``baseline`` given the line's id); the linked line, or None without an order."""
    order = first_order(physician, patient_id)
    if order is None:
        return None
    order_id, version_id = order
    started = services.treatment_line_start(
        actor=physician, workstation=None, patient_id=patient_id, data=line(version_id)
    )
    linked = services.treatment_line_orders_link(
        actor=physician,
        workstation=None,
        line_id=started.pk,
        order_ids=[order_id],
        expected_version=started.version,
    )
    services.response_evaluation_record(
        actor=physician, workstation=None, patient_id=patient_id, data=baseline(linked.pk)
    )
    return linked


def appointments_record(
    physician: User, patient_id: int, today: date, *rows: tuple[int, str, str]
) -> None:
    """The next appointments: (days from today, kind, note) each."""
    for days, kind, note in rows:
        services.appointment_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            scheduled_on=today + timedelta(days=days),
            kind=kind,
            note=note,
        )


def _at(moment: datetime, *, days: int, hours: int) -> datetime:
    return moment + timedelta(days=days, hours=hours)


def _colon_chart(actors: _Actors, patient_id: int, today: date) -> int:
    """Diagnosis and anamnesis, written before the stay (the first visit was in the DH)."""
    physician = actors.physician
    diagnosis = services.diagnosis_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.DiagnosisInput(
            primary_site_code="153.3",
            diagnosed_on=today - timedelta(days=30),
            histotype="Adenocarcinoma",
            grade="G2",
            stage="IIIB",
            staging_system="TNM 8ª ed.",
            biomarkers=tuple(
                services.Biomarker(marker=m, result=r)
                for m, r in (
                    ("KRAS", "wild type"),
                    ("NRAS", "wild type"),
                    ("BRAF V600E", "non mutato"),
                    ("MSI", "stabile (MSS)"),
                )
            ),
        ),
    )
    services.anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.Sections(
            family="Padre deceduto per carcinoma gastrico a 79 anni. Nessun'altra neoplasia "
            "nota nei familiari di primo grado.",
            physiological="Ex fumatore (20 pacchetti/anno, smesso nel 1995). Non alcol. "
            "Vive con la figlia, autonomo nelle attività quotidiane. Alvo alterno.",
            recent_pathological="Da tre mesi astenia, alvo alterno e rettorragia saltuaria. "
            "Colonscopia: lesione stenosante del sigma a 25 cm dal margine anale; istologico "
            "di adenocarcinoma G2.",
            remote_pathological="Ipertensione arteriosa in terapia con ramipril. "
            "Appendicectomia in giovane età. Non allergie note.",
        ),
        expected_version=0,
    )
    return diagnosis.pk


def _colon_stay(actors: _Actors, patient_id: int, diagnosis_id: int, admitted: datetime) -> None:
    """What the chart holds from the admission to the discharge."""
    physician, nurse = actors.physician, actors.nurse
    day0 = timezone.localtime(admitted).date()
    services.anamnesis_note_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        text="Ricoverato per completare la stadiazione di adenocarcinoma del sigma, correggere "
        "l'anemia sideropenica e posizionare un accesso venoso centrale in vista della "
        "chemioterapia.",
        noted_on=day0,
    )
    services.performance_status_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        scale="ecog",
        value=1,
        assessed_on=day0,
    )
    for after, hours, kind, text in COLON_DIARY:
        services.diary_entry_sign(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.DiaryInput(
                kind=kind, text=text, written_at=_at(admitted, days=after, hours=hours)
            ),
        )
    for after, hours, sbp, dbp, hr, temp, spo2, pain in COLON_VITALS:
        services.vital_signs_record(
            actor=nurse,
            workstation=None,
            patient_id=patient_id,
            data=services.VitalsInput(
                systolic_bp=sbp, diastolic_bp=dbp, heart_rate=hr, temperature_c=temp,
                spo2=spo2, respiratory_rate="16", pain_nrs=pain,
                measured_at=_at(admitted, days=after, hours=hours),
            ),
        )  # fmt: skip
    for analyte, unit, low, high, values in COLON_LABS:
        for after, value in zip((0, 2, 4), values, strict=True):
            if value:
                services.lab_result_record(
                    actor=nurse,
                    workstation=None,
                    patient_id=patient_id,
                    data=services.LabInput(
                        analyte=analyte, value=value, unit=unit, reference_low=low,
                        reference_high=high, collected_at=_at(admitted, days=after, hours=1),
                    ),
                )  # fmt: skip
    services.staging_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        diagnosis_id=diagnosis_id,
        data=services.StagingInput(
            system="tnm8_colorectum",
            criterion="clinical",
            inputs={"t": "T3", "n": "N1b", "m": "M0"},
            staged_on=day0 + timedelta(days=2),
        ),
        expected_version=0,
    )


def _colon_course(actors: _Actors, patient_id: int, today: date, day0: date) -> None:
    """The line with its FOLFOX-4 order, the RECIST baseline (the stay's CT), the tumour
    board, the surgery after the neoadjuvant chemotherapy."""
    physician = actors.physician
    line = line_on_first_order(
        physician,
        patient_id,
        lambda version_id: services.LineInput(
            number=1, intent="neoadjuvant", started_on=today, regimen_version_id=version_id,
            planned_cycles=4,
            notes="FOLFOX-4 neoadiuvante per 4 cicli, TC di rivalutazione, quindi chirurgia.",
        ),
        lambda line_id: services.EvaluationInput(
            line_id=line_id, evaluated_on=day0 + timedelta(days=1), method="ct",
            criteria="recist_1_1", baseline=True,
            target_lesions=(
                services.LesionInput(lesion_id="T1", mm="42", organ="sigma"),
                services.LesionInput(
                    lesion_id="T2", mm="17", organ="linfonodo mesocolico", lymph_node=True
                ),
            ),
            non_target_sites=("linfonodi mesocolici subcentimetrici",),
            note="TC torace-addome con mdc: nessuna lesione secondaria epatica o polmonare.",
        ),
    )  # fmt: skip
    if line is None:
        return
    board = services.board_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.BoardInput(
            held_on=day0 + timedelta(days=3),
            question="Adenocarcinoma del sigma cT3 N1b M0 (stadio IIIB), resecabile, "
            "anemia sideropenica corretta: chirurgia d'emblée o chemioterapia neoadiuvante?",
            participants=(
                ParticipantInput(username=physician.username, specialty="Oncologia medica"),
                ParticipantInput(name="Marco Galli", specialty="Chirurgia generale"),
                ParticipantInput(name="Elena Conti", specialty="Radiologia"),
            ),
            decision="Chemioterapia neoadiuvante FOLFOX-4 per 4 cicli, quindi resezione "
            "anteriore del sigma con linfadenectomia.",
            recommendation="TC torace-addome con mdc dopo il 4° ciclo; ridiscussione al GOM "
            "prima dell'intervento.",
        ),
    )
    services.board_sign(
        actor=physician, workstation=None, board_id=board.pk, expected_version=board.version
    )
    services.treatment_plan_item_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.PlanItemInput(
            kind="surgery",
            performed_on=today + timedelta(days=70),
            description="Resezione anteriore del sigma laparoscopica con linfadenectomia "
            "(programmata dopo la chemioterapia neoadiuvante).",
            line_id=line.pk,
        ),
    )


def _colon_after_discharge(actors: _Actors, patient_id: int, today: date, day0: date) -> None:
    physician = actors.physician
    for drug, dose, frequency, started, notes in (
        ("Solfato ferroso", "105 mg", "1 compressa al giorno", day0 + timedelta(days=4),
         "Lontano dai pasti, per 3 mesi."),
        ("Ondansetron", "8 mg", "ogni 12 ore nei giorni 2 e 3 di ogni ciclo", today,
         "Antiemetico dopo la chemioterapia."),
    ):  # fmt: skip
        services.home_therapy_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.HomeTherapyInput(
                drug=drug, dose=dose, frequency=frequency, started_on=started, notes=notes
            ),
        )
    appointments_record(
        physician,
        patient_id,
        today,
        (14, "therapy", "FOLFOX-4 ciclo 2 in Day Hospital oncologico."),
        (56, "reevaluation", "TC torace-addome con mdc dopo il 4° ciclo."),
    )


def _discharge_letter(actors: _Actors, patient_id: int, encounter_id: int) -> None:
    letter = services.letter_draft_create(
        actor=actors.physician,
        workstation=None,
        patient_id=patient_id,
        kind="discharge_letter",
        encounter_id=encounter_id,
        texts={
            "clinical_course": "Ricovero per stadiazione di adenocarcinoma del sigma G2 "
            "(RAS e BRAF wild type, MSS). La TC ha mostrato una neoplasia localmente avanzata "
            "senza metastasi a distanza: stadio clinico IIIB (cT3 N1b M0). Anemia sideropenica "
            "trattata con carbossimaltosio ferrico, con risalita dell'emoglobina. Posizionato "
            "port-a-cath senza complicanze. Il GOM ha indicato chemioterapia neoadiuvante "
            "FOLFOX-4 per 4 cicli seguita da chirurgia.",
            "discharge_therapy": "Ramipril 5 mg 1 compressa al mattino (invariato). Solfato "
            "ferroso 105 mg 1 compressa al giorno lontano dai pasti per 3 mesi.",
            "instructions": "Medicazione del port-a-cath a 7 giorni. Contattare il reparto in "
            "caso di febbre oltre 38 °C, sanguinamento o dolore addominale.",
            "follow_up": "Primo ciclo FOLFOX-4 in Day Hospital oncologico; esami ematochimici "
            "prima di ogni ciclo.",
        },
    )
    services.letter_sign(
        actor=actors.physician,
        workstation=None,
        letter_id=letter.pk,
        expected_version=letter.version,
    )


@transaction.atomic
def ensure_demo_stay(*, physician: User, nurse: User, coordinator: User) -> int:
    """The colon patient's stay, from admission to the signed discharge letter (1 when
    written, 0 when the chart already has data or the patient is admitted)."""
    patient_id = demo_patient_id(COLON_PATIENT)
    if (
        patient_id is None
        or selectors.patient_has_chart_data(patient_id=patient_id)
        or patient_selectors.patient_current_ward_id(patient_id=patient_id) is not None
    ):
        return 0
    actors = _Actors(physician=physician, nurse=nurse, coordinator=coordinator)
    now = timezone.now()
    today = timezone.localdate()
    admitted = now - timedelta(days=STAY_DAYS_AGO, hours=2)
    day0 = timezone.localtime(admitted).date()
    diagnosis_id = _colon_chart(actors, patient_id, today)
    stay = patient_services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient_id,
        kind="inpatient",
        ward_id=patient_selectors.ward_id_by_code(code="ONC"),
        admitted_at=admitted,
    )
    _colon_stay(actors, patient_id, diagnosis_id, admitted)
    _colon_course(actors, patient_id, today, day0)
    stay = patient_services.encounter_discharge(
        actor=coordinator,
        workstation=None,
        encounter_id=stay.pk,
        expected_version=stay.version,
        discharged_at=_at(admitted, days=4, hours=3),
    )
    _colon_after_discharge(actors, patient_id, today, day0)
    _discharge_letter(actors, patient_id, stay.pk)
    # and today he is back in the Day Hospital for the first cycle
    chairs = patient_selectors.free_places_by_ward().get("DHONC", [])
    patient_services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient_id,
        kind="day_hospital",
        ward_id=patient_selectors.ward_id_by_code(code="DHONC"),
        place_id=chairs[0].pk if chairs else None,
        admitted_at=now - timedelta(hours=1),
    )
    return 1
