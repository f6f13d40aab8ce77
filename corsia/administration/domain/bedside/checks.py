"""The rules of one verification (:func:`bedside_check`): identity, label, patient and
drug, dose, route, order and item state, preparation, day and time window, sequence,
rate."""

from __future__ import annotations

from datetime import timedelta

from corsia.administration.domain.bedside.labels import LabelKind
from corsia.administration.domain.bedside.refusals import (
    Check,
    Refusal,
)
from corsia.administration.domain.bedside.repeat import is_repeat_dose, repeat_dose_check
from corsia.administration.domain.bedside.scan import (
    ADMINISTRABLE_ORDER_STATES,
    ITEM_ACTIVE,
    BedsidePolicy,
    BedsideScan,
    ItemView,
    Progress,
)
from corsia.administration.domain.pump_program import PumpProgramRefused, rate_check


def _r(code: str, check: Check, message: str) -> Refusal:
    return Refusal(code=code, check=check, message=message)


def _identity(scan: BedsideScan) -> list[Refusal]:
    found: list[Refusal] = []
    if not scan.wristband_raw.strip():
        found.append(
            _r("wristband_missing", Check.PATIENT, "Scansionare il braccialetto del paziente.")
        )
    elif not scan.wristband_readable:
        found.append(
            _r(
                "wristband_unreadable",
                Check.PATIENT,
                "Il codice letto non è un braccialetto paziente: riscansionare il braccialetto.",
            )
        )
    elif scan.wristband_patient_id is None:
        found.append(
            _r(
                "patient_unknown",
                Check.PATIENT,
                "Braccialetto di un paziente non registrato: non somministrare, verificare "
                "l'identità del paziente.",
            )
        )
    if not scan.badge_raw.strip():
        found.append(
            _r(
                "badge_missing",
                Check.NURSE,
                "Scansionare il proprio badge (senza badge indicare il motivo).",
            )
        )
    elif scan.badge_owner_id is None:
        found.append(_r("badge_unknown", Check.NURSE, "Badge non riconosciuto."))
    elif scan.badge_owner_id != scan.actor_id:
        found.append(
            _r(
                "badge_other_user",
                Check.NURSE,
                "Il badge scansionato è di un altro operatore: ognuno somministra con il "
                "proprio badge e il proprio accesso.",
            )
        )
    return found


def _label(scan: BedsideScan) -> list[Refusal]:
    if not scan.label_raw.strip():
        return [_r("label_missing", Check.LABEL, "Scansionare l'etichetta del farmaco.")]
    if scan.label is None:
        return [
            _r(
                "label_unreadable",
                Check.LABEL,
                "Il codice letto non è un'etichetta di farmaco (UFA o reparto).",
            )
        ]
    if scan.item is None or (scan.label.kind is LabelKind.PREPARATION and scan.preparation is None):
        return [
            _r(
                "label_unknown",
                Check.LABEL,
                f"Etichetta {scan.label.raw} sconosciuta: nessuna preparazione o riga di "
                "prescrizione corrisponde.",
            )
        ]
    return []


def _patient_and_drug(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    found: list[Refusal] = []
    prep = scan.preparation
    patient = scan.wristband_patient_id
    if patient is not None and (
        item.patient_id != patient or (prep is not None and prep.patient_id != patient)
    ):
        found.append(
            _r(
                "wrong_patient",
                Check.PATIENT,
                "PAZIENTE SBAGLIATO: il farmaco è per un altro paziente. Non somministrare.",
            )
        )
    if prep is not None and prep.ingredient_code != item.ingredient_code:
        found.append(
            _r(
                "wrong_drug",
                Check.DRUG,
                f"FARMACO SBAGLIATO: l'etichetta non corrisponde a {item.ingredient_name} "
                "prescritto. Non somministrare.",
            )
        )
    if scan.expected_item_id is not None and scan.expected_item_id != item.item_id:
        found.append(
            _r(
                "wrong_drug",
                Check.DRUG,
                f"FARMACO SBAGLIATO: l'etichetta è di {item.ingredient_name}, non del farmaco "
                "scelto sullo schermo. Non somministrare.",
            )
        )
    if scan.label is not None and scan.label.kind is LabelKind.WARD and item.competence != "ward":
        found.append(
            _r(
                "ward_label_for_pharmacy_drug",
                Check.LABEL,
                f"{item.ingredient_name} è allestito dalla farmacia (UFA): usare l'etichetta "
                "della preparazione, non un'etichetta di reparto.",
            )
        )
    if prep is not None and prep.dose_unit != item.dose_unit:
        found.append(
            _r(
                "wrong_dose_unit",
                Check.DOSE,
                f"UNITÀ DI DOSE DIVERSA: la preparazione è in {prep.dose_unit}, la prescrizione "
                f"in {item.dose_unit}. Non somministrare: chiamare la farmacia e il medico.",
            )
        )
    elif prep is not None and prep.dose != item.dose:
        found.append(
            _r(
                "wrong_dose",
                Check.DOSE,
                f"DOSE DIVERSA: la preparazione contiene {prep.dose} {item.dose_unit}, la "
                f"prescrizione ne indica {item.dose} {item.dose_unit}. Non somministrare: "
                "chiamare la farmacia e il medico.",
            )
        )
    return found


_ORDER_STATE_REFUSALS: dict[str, tuple[str, str]] = {
    "suspended": ("order_suspended", "La prescrizione è SOSPESA dal medico: non somministrare."),
    "cancelled": ("order_cancelled", "La prescrizione è ANNULLATA: non somministrare."),
    "administered": (
        "order_administered",
        "La prescrizione risulta già interamente somministrata.",
    ),
}


def _order_and_item(item: ItemView) -> list[Refusal]:
    found: list[Refusal] = []
    if item.order_state in _ORDER_STATE_REFUSALS:
        code, message = _ORDER_STATE_REFUSALS[item.order_state]
        found.append(_r(code, Check.ORDER, message))
    elif item.order_state not in ADMINISTRABLE_ORDER_STATES:
        found.append(
            _r(
                "order_not_validated",
                Check.ORDER,
                "La prescrizione non è ancora validata (doppio controllo): non somministrare.",
            )
        )
    if item.item_status == "suspended":
        found.append(
            _r(
                "item_suspended",
                Check.ITEM,
                f"{item.ingredient_name} è SOSPESO dal medico: non somministrare.",
            )
        )
    elif item.item_status == "skipped":
        found.append(
            _r(
                "item_skipped",
                Check.ITEM,
                f"Il giorno {item.day_of_cycle} del ciclo è stato saltato dal medico.",
            )
        )
    if item.progress is Progress.DONE:
        times = item.administrations_per_day
        found.append(
            _r(
                "already_administered",
                Check.ITEM,
                f"{item.ingredient_name} risulta già somministrato"
                + (f" tutte le {times} volte del giorno" if times > 1 else "")
                + ": non somministrare di nuovo.",
            )
        )
    elif item.progress is Progress.RUNNING:
        found.append(
            _r(
                "already_running",
                Check.ITEM,
                f"{item.ingredient_name} è già in infusione: terminarla o interromperla prima.",
            )
        )
    return found


INTRATHECAL = "it"
INTRAVENOUS = "iv"
ROUTE_LABELS_IT = {
    "iv": "endovenosa",
    "it": "intratecale",
    "po": "orale",
    "sc": "sottocutanea",
    "im": "intramuscolare",
    "intravesical": "endovescicale",
}


def _route_name(code: str) -> str:
    return ROUTE_LABELS_IT.get(code, code or "non indicata")


def _route(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    """Right route: the preparation's is the order line's; vinca alkaloids IV only;
    intrathecal only with a physician identified by badge."""
    prep = scan.preparation
    found: list[Refusal] = []
    if prep is not None and prep.route != item.route:
        found.append(
            _r(
                "wrong_route",
                Check.ROUTE,
                f"VIA SBAGLIATA: la preparazione è per via {_route_name(prep.route)}, la "
                f"prescrizione indica via {_route_name(item.route)}. Non somministrare: "
                "chiamare la farmacia e il medico.",
            )
        )
    routes = {item.route} | ({prep.route} if prep is not None else set())
    if item.vinca_alkaloid and routes != {INTRAVENOUS}:
        found.append(
            _r(
                "vinca_route_not_iv",
                Check.ROUTE,
                f"{item.ingredient_name.upper()}: SOLO PER USO ENDOVENOSO, FATALE SE "
                "SOMMINISTRATO PER ALTRE VIE. Non somministrare.",
            )
        )
    if INTRATHECAL in routes:
        found += _intrathecal_physician(scan)
    return found


def _intrathecal_physician(scan: BedsideScan) -> list[Refusal]:
    """An intrathecal drug needs a physician: the signed-in actor with their own badge,
    or another user's badge scanned as co-signer that belongs to a physician."""
    actor_identified = scan.badge_owner_id is not None and scan.badge_owner_id == scan.actor_id
    if scan.actor_is_physician and actor_identified:
        return []
    if not scan.cosigner_raw.strip():
        detail = "scansionare il badge del medico che somministra o controfirma."
    elif scan.cosigner_id is None:
        detail = "il badge del medico non è riconosciuto."
    elif scan.cosigner_id == scan.actor_id:
        detail = "il controfirmatario deve essere un medico diverso dall'operatore."
    elif not scan.cosigner_is_physician:
        detail = "il badge scansionato non è di un medico."
    else:
        return []
    return [
        _r(
            "intrathecal_physician_required",
            Check.ROUTE,
            f"SOLO PER USO INTRATECALE: la somministrazione richiede un medico; {detail}",
        )
    ]


def _preparation(scan: BedsideScan) -> list[Refusal]:
    prep = scan.preparation
    if prep is None:
        return []
    found: list[Refusal] = []
    if not prep.released:
        found.append(
            _r(
                "preparation_not_released",
                Check.PREPARATION,
                "Preparazione NON RILASCIATA dal farmacista: non somministrare.",
            )
        )
    if prep.lot_expiry is not None and prep.lot_expiry < scan.today:
        found.append(
            _r(
                "lot_expired",
                Check.PREPARATION,
                f"Lotto {prep.lot} SCADUTO il {prep.lot_expiry:%d/%m/%Y}: la preparazione non "
                "va somministrata.",
            )
        )
    elif prep.expiry <= scan.now:
        found.append(
            _r(
                "preparation_expired",
                Check.PREPARATION,
                f"Preparazione SCADUTA il {prep.expiry:%d/%m/%Y alle %H:%M}: non somministrare.",
            )
        )
    transport = prep.transport
    if transport is not None and transport.outside_range and not transport.released:
        found.append(
            _r(
                "transport_excursion",
                Check.PREPARATION,
                f"TEMPERATURA DI TRASPORTO FUORI INTERVALLO (min {transport.minimum_c} °C, "
                f"max {transport.maximum_c} °C; conservazione {transport.storage}): non "
                "somministrare senza il rilascio del farmacista.",
            )
        )
    return found


def _minutes_up(delta: timedelta) -> int:
    """Whole minutes, rounded up (a nurse told "10 min" must not start after 9)."""
    return -int(-delta.total_seconds() // 60)


def _time(scan: BedsideScan, item: ItemView, policy: BedsidePolicy) -> list[Refusal]:
    if item.scheduled_date != scan.today:
        return [
            _r(
                "wrong_day",
                Check.TIME,
                f"{item.ingredient_name} è previsto il {item.scheduled_date:%d/%m/%Y}, non "
                "oggi: il medico deve spostare il giorno nella prescrizione.",
            )
        ]
    if is_repeat_dose(item):  # the planned start is the first dose's
        return repeat_dose_check(scan.now, item)
    if item.planned_start is None:
        return []
    earliest = item.planned_start - timedelta(minutes=policy.window_before_minutes)
    latest = item.planned_start + timedelta(minutes=policy.window_after_minutes)
    if earliest <= scan.now <= latest:
        return []
    return [
        _r(
            "outside_time_window",
            Check.TIME,
            f"Fuori orario: previsto alle {item.planned_start:%H:%M} (finestra da "
            f"{policy.window_before_minutes} min prima a {policy.window_after_minutes} min dopo).",
        )
    ]


def _sequence(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    earlier = sorted(
        (
            other
            for other in scan.day_items
            if other.order_id == item.order_id
            and other.day_of_cycle == item.day_of_cycle
            and other.sequence < item.sequence
            and other.item_status == ITEM_ACTIVE
        ),
        key=lambda other: other.sequence,
    )
    found: list[Refusal] = []
    for position, previous in enumerate(earlier):
        immediately_before = position == len(earlier) - 1
        if previous.progress is Progress.DONE or is_repeat_dose(previous):
            # a drug given several times a day lets the next ones go after its first dose
            wait = previous.interval_after_minutes or 0
            if wait and previous.ended_at is not None:
                ready_at = previous.ended_at + timedelta(minutes=wait)
                if scan.now < ready_at:
                    found.append(
                        _r(
                            "sequence_interval_not_elapsed",
                            Check.SEQUENCE,
                            f"Dopo {previous.ingredient_name} attendere {wait} min: "
                            f"{item.ingredient_name} dalle {ready_at:%H:%M} "
                            f"(mancano {_minutes_up(ready_at - scan.now)} min).",
                        )
                    )
            continue
        if (
            immediately_before
            and item.runs_with_previous
            and previous.progress in (Progress.RUNNING, Progress.DONE)
        ):
            continue
        found.append(
            _r(
                "sequence_previous_not_finished",
                Check.SEQUENCE,
                f"SEQUENZA: prima di {item.ingredient_name} va completato "
                f"{previous.ingredient_name} (n. {previous.sequence} dello schema).",
            )
        )
    return found


def _rate(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    if scan.rate_ml_h is None:
        return []
    if scan.bag_volume_ml is None or not item.duration_minutes:
        return [
            _r(
                "rate_not_checkable",
                Check.RATE,
                "Volume o durata non noti: la velocità non può essere verificata.",
            )
        ]
    try:
        rate_check(
            rate_ml_h=scan.rate_ml_h,
            volume_ml=scan.bag_volume_ml,
            duration_min=item.duration_minutes,
        )
    except PumpProgramRefused as wrong:
        return [_r("rate_mismatch", Check.RATE, f"VELOCITÀ ERRATA: {wrong.message}")]
    return []


def _allergies(scan: BedsideScan) -> list[Refusal]:
    """The patient's allergies against the drug, again at the bedside. A match the
    physician already went past on the order (override or acknowledgement, with who and
    why) does not stop the nurse; an uncovered severe or confirmed one blocks until the
    physician reviews the order; an uncovered mild or suspected one needs a reason."""
    found: list[Refusal] = []
    pending = [a for a in scan.allergies if not a.cleared_by]
    hard = [a for a in pending if a.hard_stop]
    soft = [a for a in pending if not a.hard_stop]
    if hard:
        found.append(
            _r(
                "allergy_contraindicated",
                Check.ALLERGY,
                "ALLERGIA: "
                + " ".join(a.message for a in hard)
                + " Non somministrare: il medico deve rivalutare la prescrizione.",
            )
        )
    if soft:
        found.append(
            _r(
                "allergy_warning",
                Check.ALLERGY,
                "Allergia segnalata: "
                + " ".join(a.message for a in soft)
                + " Somministrare solo dopo averne parlato con il medico (motivo obbligatorio).",
            )
        )
    return found


def _pgx(scan: BedsideScan) -> list[Refusal]:
    """A pharmacogenomic result recorded after the validation (or the compounding) that no
    one went past on the order: the bag prepared at the full dose may be the one the
    recommendation reduces or avoids. Never the nurse's to override: a physician or the
    pharmacist acknowledges it on the order (a contraindication with a reason)."""
    if not scan.pgx:
        return []
    genes = ", ".join(sorted({a.genes for a in scan.pgx}))
    return [
        _r(
            "pgx_result_after_validation",
            Check.PGX,
            f"FARMACOGENOMICA ({genes}): referto registrato dopo la validazione. "
            + " ".join(a.message for a in scan.pgx)
            + " Non somministrare: il medico o il farmacista deve prenderne visione nella "
            "prescrizione.",
        )
    ]


def bedside_check(scan: BedsideScan, policy: BedsidePolicy | None = None) -> list[Refusal]:
    """Every refusal of this verification (empty: the drug may be given)."""
    policy = policy or BedsidePolicy()
    found = _identity(scan) + _label(scan)
    item = scan.item
    if item is None or any(r.check is Check.LABEL for r in found):
        return found
    found += _patient_and_drug(scan, item)
    found += _allergies(scan)
    found += _pgx(scan)
    found += _route(scan, item)
    found += _order_and_item(item)
    found += _preparation(scan)
    found += _time(scan, item, policy)
    found += _sequence(scan, item)
    found += _rate(scan, item)
    return found
