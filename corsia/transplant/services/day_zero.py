"""The conditioning (a regimen of the library, its intensity, its first day) and day 0;
the infusion with the bag's DIN and the patient's wristband scanned (the product must be
this recipient's, issued, not expired; else refused and nothing saved); the daily counts
after day 0, from which the engraftment days are computed (``domain/engraftment.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn
from corsia.regimens.domain.approval import VersionStatus
from corsia.regimens.selectors import version_get
from corsia.transplant import audit_events_pretransplant as events
from corsia.transplant.domain import codes, days
from corsia.transplant.domain.measures import ensure_decimal
from corsia.transplant.models import CustodyEvent, DailyCount, Infusion, Product, Transplant
from corsia.transplant.permissions import DECIDE, RECORD
from corsia.transplant.selectors.engraftment import engraftment_of
from corsia.transplant.services.collection import din_of, product_snapshot
from corsia.transplant.services.common import (
    case_for_update,
    clean_text,
    ensure_open,
    snapshot,
)

MAX_CONDITIONING_DAYS = 21  # from the conditioning's first day to day 0


def conditioning_set(
    *,
    actor: User,
    workstation: Workstation,
    transplant_id: int,
    expected_version: int | None,
    regimen_version_id: int | None,
    intensity: str,
    start: date | None,
    day_zero: date | None,
) -> Transplant:
    """The conditioning regimen (validated, from the library), its intensity, its start
    and day 0 (the infusion's day). Changeable until the infusion."""
    require_permission(actor, DECIDE)
    level = code_of(codes.Intensity, intensity, "intensity", "Indica l'intensità (MAC, RIC o NMA).")
    if regimen_version_id is None:
        raise ValidationFailed(
            "Scegli lo schema di condizionamento.", code="regimen_required", field="regimen"
        )
    if start is None or day_zero is None:
        raise ValidationFailed(
            "Indica l'inizio del condizionamento e il giorno 0.",
            code="dates_required",
            field="day_zero",
        )
    if not start < day_zero or (day_zero - start).days > MAX_CONDITIONING_DAYS:
        raise ValidationFailed(
            f"Il condizionamento inizia prima del giorno 0, al massimo {MAX_CONDITIONING_DAYS} "
            "giorni prima.",
            code="conditioning_dates_invalid", field="start",
        )  # fmt: skip
    try:
        version = version_get(version_id=regimen_version_id)
    except NotFound:
        raise ValidationFailed(
            "Schema di terapia inesistente.", code="regimen_not_found", field="regimen"
        ) from None
    if version.status != VersionStatus.VALIDATED.value or not version.regimen.is_active:
        raise ValidationFailed(
            "Lo schema scelto non è una versione validata e attiva della libreria.",
            code="regimen_not_validated", field="regimen",
        )  # fmt: skip
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        case.check_version(expected_version if expected_version is not None else -1)
        if case.infusions.exists():
            raise ConflictError(
                "Dopo l'infusione condizionamento e giorno 0 non cambiano.",
                code="transplant_already_infused",
            )
        if (
            case.transplant_type == codes.TransplantType.ALLOGENEIC
            and not case.donors.filter(state=codes.DonorState.CHOSEN.value).exists()
        ):
            raise ConflictError(
                "Prima del condizionamento va scelto il donatore.", code="donor_not_chosen"
            )
        before = snapshot(case)
        case.conditioning_regimen_version_id = version.pk
        case.conditioning_regimen = f"{version.regimen.code} — {version.name} (v{version.number})"[
            :240
        ]
        case.conditioning_intensity = level.value
        case.conditioning_start = start
        case.day_zero = day_zero
        case.state = codes.CaseState.CONDITIONING.value
        case.save(
            update_fields=[
                "conditioning_regimen_version_id", "conditioning_regimen",
                "conditioning_intensity", "conditioning_start", "day_zero", "state",
                *case.bump(by=actor),
            ]
        )  # fmt: skip
        audit_record(
            event=events.CONDITIONING_SET, actor=actor, workstation=workstation, target=case,
            patient_id=case.patient_id, before=before,
            after={**snapshot(case), "regimen": case.conditioning_regimen,
                   "intensity": level.value, "start": start.isoformat()},
        )  # fmt: skip
    return case


@dataclass(frozen=True)
class InfusionInput:
    din_scan: str
    wristband_scan: str
    volume_ml: Decimal | None
    started_at: datetime | None = None  # None: now
    reactions: str = ""


def _refuse(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def infusion_record(
    *, actor: User, workstation: Workstation, transplant_id: int, data: InfusionInput
) -> Infusion:
    require_permission(actor, RECORD)
    now = timezone.now()
    started = data.started_at or now
    if started.tzinfo is None or started > now:
        raise _refuse("Ora di inizio non valida o nel futuro.", "date_in_future", "started_at")
    if data.volume_ml is None:
        raise _refuse("Indica il volume infuso (mL).", "volume_ml_required", "volume_ml")
    volume = ensure_decimal(
        data.volume_ml, field="volume_ml", label="Volume infuso (mL)", maximum=Decimal(5000)
    )
    if volume == 0:
        raise _refuse(
            "Il volume infuso deve essere maggiore di zero.", "volume_ml_zero", "volume_ml"
        )
    reactions = clean_text(data.reactions, "reactions")
    wristband = (data.wristband_scan or "").strip()[:40]
    mrn = mrn_from_payload(wristband) if "\x00" not in wristband else None
    if mrn is None:
        raise _refuse("Leggi il braccialetto del paziente.", "wristband_required", "wristband")
    din = din_of(data.din_scan, "din_scan")
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        scanned = patient_by_mrn(mrn)
        if scanned is not None and scanned.merged_into is not None:
            scanned = scanned.merged_into
        if scanned is None or scanned.pk != case.patient_id:
            raise _refuse(
                "Il braccialetto letto non è di questo paziente: NON infondere. Verifica "
                "l'identità del paziente.", "wristband_mismatch", "wristband",
            )  # fmt: skip
        if case.day_zero is None:
            raise ConflictError(
                "Il giorno 0 non è stabilito: registra prima il condizionamento.",
                code="day_zero_not_set",
            )
        if timezone.localdate(started) != case.day_zero:
            raise _refuse(
                f"L'infusione è il giorno 0 ({case.day_zero:%d/%m/%Y}): se è cambiato, "
                "aggiorna prima il giorno 0.", "infusion_not_day_zero", "started_at",
            )  # fmt: skip
        product = Product.objects.select_for_update().filter(din=din).first()
        if product is None:
            raise _refuse(
                f"Sacca sconosciuta: il DIN {din} non è un prodotto raccolto registrato. "
                "NON infondere.", "product_unknown", "din_scan",
            )  # fmt: skip
        if product.patient_id != case.patient_id:
            raise _refuse(
                f"La sacca {din} è di un altro paziente: NON infondere.",
                "product_other_patient", "din_scan",
            )  # fmt: skip
        if product.transplant_id != case.pk:
            raise _refuse(
                f"La sacca {din} appartiene a un altro percorso di trapianto del paziente.",
                "product_other_transplant", "din_scan",
            )  # fmt: skip
        if product.custody != codes.CustodyKind.ISSUED:
            raise _refuse(
                f"La sacca {din} non è stata rilasciata per l'infusione (ultimo passaggio: "
                f"{product.custody_label.lower()}).", "product_not_issued", "din_scan",
            )  # fmt: skip
        if product.expires_at is not None and product.expires_at < started:
            raise _refuse(
                f"La sacca {din} è scaduta il {timezone.localtime(product.expires_at):%d/%m/%Y %H:%M}: "
                "NON infondere.", "product_expired", "din_scan",
            )  # fmt: skip
        infusion = Infusion.objects.create(
            transplant=case, patient_id=case.patient_id, product=product, started_at=started,
            volume_ml=volume, reactions=reactions, din_scanned=(data.din_scan or "").strip()[:40],
            wristband_scanned=wristband, author=actor, workstation=workstation_label(workstation),
        )  # fmt: skip
        before = product_snapshot(product)
        CustodyEvent.objects.create(
            product=product, patient_id=case.patient_id, kind=codes.CustodyKind.INFUSED.value,
            occurred_at=started, author=actor, workstation=workstation_label(workstation),
        )  # fmt: skip
        product.custody = codes.CustodyKind.INFUSED.value
        product.save(update_fields=["custody", *product.bump(by=actor)])
        if case.state != codes.CaseState.INFUSED:
            case.state = codes.CaseState.INFUSED.value
            case.save(update_fields=["state", *case.bump(by=actor)])
        audit_record(
            event=events.INFUSION_RECORDED, actor=actor, workstation=workstation, target=infusion,
            patient_id=case.patient_id, before=before,
            after={"product": product_snapshot(product), "started_at": started.isoformat(),
                   "volume_ml": f"{volume}", "reactions": reactions},
        )  # fmt: skip
    return infusion


@dataclass(frozen=True)
class CountInput:
    on: date | None
    anc: Decimal | None = None  # × 10^9/L
    platelets: Decimal | None = None  # × 10^9/L
    platelet_transfusion: bool = False


def count_record(
    *, actor: User, workstation: Workstation, transplant_id: int, data: CountInput
) -> DailyCount:
    """The day's counts (one a day, from day 0 on, after the infusion); the case is
    engrafted when the neutrophil engraftment day is reached."""
    require_permission(actor, RECORD)
    if data.on is None:
        raise _refuse("Indica il giorno della conta.", "on_required", "on")
    if data.on > timezone.localdate():
        raise _refuse("La conta non può essere nel futuro.", "date_in_future", "on")
    anc = (
        None if data.anc is None
        else ensure_decimal(data.anc, field="anc", label="Neutrofili (×10^9/L)", maximum=Decimal(500))
    )  # fmt: skip
    platelets = (
        None if data.platelets is None
        else ensure_decimal(data.platelets, field="platelets", label="Piastrine (×10^9/L)",
                            maximum=Decimal(5000))
    )  # fmt: skip
    if anc is None and platelets is None:
        raise _refuse("Indica i neutrofili o le piastrine.", "count_required", "anc")
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        if case.state in (codes.CaseState.CLOSED, codes.CaseState.CANCELLED):
            ensure_open(case)
        if case.day_zero is None or not case.infusions.exists():
            raise ConflictError(
                "Le conte di attecchimento si registrano dopo l'infusione.", code="not_infused"
            )
        day = days.transplant_day(case.day_zero, data.on)
        days.ensure_not_before_day_zero(day, field="on", what="La conta")
        if DailyCount.objects.filter(transplant=case, on=data.on).exists():
            raise ConflictError(
                f"La conta del {data.on:%d/%m/%Y} è già registrata.", code="count_already_recorded"
            )
        count = DailyCount.objects.create(
            transplant=case, patient_id=case.patient_id, on=data.on, anc=anc, platelets=platelets,
            platelet_transfusion=bool(data.platelet_transfusion), author=actor,
            workstation=workstation_label(workstation),
        )  # fmt: skip
        result = engraftment_of(case)
        if case.state == codes.CaseState.INFUSED and result.neutrophil_day is not None:
            case.state = codes.CaseState.ENGRAFTED.value
            case.save(update_fields=["state", *case.bump(by=actor)])
        audit_record(
            event=events.COUNT_RECORDED, actor=actor, workstation=workstation, target=count,
            patient_id=case.patient_id,
            after={"on": data.on.isoformat(), "day": day, "anc": f"{anc}" if anc is not None else None,
                   "platelets": f"{platelets}" if platelets is not None else None,
                   "platelet_transfusion": bool(data.platelet_transfusion),
                   "neutrophil_day": result.neutrophil_day, "platelet_day": result.platelet_day},
        )  # fmt: skip
    return count
