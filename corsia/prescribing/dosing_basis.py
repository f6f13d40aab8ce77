"""What an order's doses are computed from: the patient's measures and the dosing policy.

* The measures: the latest of each kind, each young enough to dose from (hospital
  settings ``CORSIA_DOSING_*_MAX_AGE_*``, overridable per regimen); of the creatinine
  and the measured GFR the NEWER one is the renal function (``domain/freshness.py``).
* The policy: the hospital's settings (``CORSIA_DOSING_*``) with the regimen version's
  own settings (``RegimenVersion.dosing``) taking precedence, and the regimen's
  paediatric mg/m² → mg/kg rule.
* :func:`order_measures_check`: the public check, called at confirmation and by the
  pharmacist (validation, taking charge), that no measure newer than the ones the
  doses used exists (recalculation needed) and, at confirmation, that none is too old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from corsia.core.actors import User
from corsia.core.domain.errors import ValidationFailed
from corsia.core.read_together import ReadPart
from corsia.patients.selectors import in_hidden_stay
from corsia.prescribing.domain.assessment import ADULT_AGE
from corsia.prescribing.domain.body_size import BsaFormula
from corsia.prescribing.domain.checks import weight_change_check
from corsia.prescribing.domain.freshness import (
    RENAL,
    Dated,
    MaxAges,
    Measure,
    NewerMeasure,
    StaleMeasure,
    newer_measures_error,
    newest_renal,
    stale,
    when_text,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import (
    ChildAucFormula,
    DosingPolicy,
    PaediatricRule,
    WeightBasis,
)
from corsia.prescribing.domain.warnings import DoseWarning
from corsia.prescribing.models import ItemStatus, Measurement, MeasurementKind, TherapyOrder
from corsia.regimens.domain.spec import DosingSettings
from corsia.regimens.domain.spec_codec import dosing_from_dict


@dataclass(frozen=True)
class LatestMeasures:
    height_cm: Measurement | None
    weight_kg: Measurement | None
    creatinine: Measurement | None
    measured_gfr: Measurement | None

    def of(self, measure: Measure) -> Measurement | None:
        return {
            Measure.HEIGHT: self.height_cm,
            Measure.WEIGHT: self.weight_kg,
            Measure.CREATININE: self.creatinine,
            Measure.MEASURED_GFR: self.measured_gfr,
        }[measure]


def protected_measures(*, user: User, patient_id: int, latest: LatestMeasures) -> dict[str, bool]:
    """Which of the latest measures (by field of ``LatestMeasures``) were taken within a
    masked stay hidden from ``user``: the dose still uses them, the screen shows the value
    with «valore da un episodio protetto» instead of its date (docs/security.md, §25)."""
    return {
        name: in_hidden_stay(user=user, patient_id=patient_id, at=row.measured_at)
        for name in ("height_cm", "weight_kg", "creatinine", "measured_gfr")
        if (row := getattr(latest, name)) is not None
    }


def latest_measures(patient_id: int) -> LatestMeasures:
    return latest_measures_read(patient_id).evaluate()


def latest_measures_read(patient_id: int) -> ReadPart[LatestMeasures]:
    """The batched variant of :func:`latest_measures` (``corsia.core.read_together``, with
    other modules' reads of a page): its one query (the latest of each kind)."""
    latest = (
        Measurement.objects.filter(patient_id=patient_id)
        .order_by("kind", "-measured_at", "-id")
        .distinct("kind")
    )
    return ReadPart(querysets=(latest,), decode=lambda results: _latest_of(results[0]))


def _latest_of(found: list[Measurement]) -> LatestMeasures:
    rows = {m.kind: m for m in found}
    return LatestMeasures(
        height_cm=rows.get(MeasurementKind.HEIGHT_CM.value),
        weight_kg=rows.get(MeasurementKind.WEIGHT_KG.value),
        creatinine=rows.get(MeasurementKind.CREATININE.value),
        measured_gfr=rows.get(MeasurementKind.MEASURED_GFR.value),
    )


# ---------------------------------------------------------------- the policy


def _regimen_settings(order: TherapyOrder) -> DosingSettings:
    return dosing_from_dict(order.regimen_version.dosing or {}, "dosing")


def max_ages_for(order: TherapyOrder) -> MaxAges:
    """The hospital's maximum ages of the measures, with the order's regimen's overrides."""
    own = _regimen_settings(order)
    renal_h = own.renal_max_age_hours or settings.CORSIA_DOSING_RENAL_MAX_AGE_HOURS
    weight_d = own.weight_max_age_days or settings.CORSIA_DOSING_WEIGHT_MAX_AGE_DAYS
    height_d = own.height_max_age_days or settings.CORSIA_DOSING_HEIGHT_MAX_AGE_DAYS
    child_d = own.height_max_age_days or settings.CORSIA_DOSING_HEIGHT_MAX_AGE_CHILD_DAYS
    return MaxAges(
        renal=timedelta(hours=renal_h),
        weight=timedelta(days=weight_d),
        height_adult=timedelta(days=height_d),
        height_child=timedelta(days=child_d),
    )


def _invalid(name: str, value: str) -> ValidationFailed:
    return ValidationFailed(
        f"Impostazione di dosaggio non valida: {name} = «{value}».",
        code="dosing_setting_invalid",
        field=name,
    )


def _weight_basis(value: str, name: str) -> WeightBasis:
    try:
        return WeightBasis(value)
    except ValueError:
        raise _invalid(name, value) from None


def _child_auc(value: str) -> ChildAucFormula | None:
    if not value:
        return None
    try:
        return ChildAucFormula(value)
    except ValueError:
        raise _invalid("child_auc_formula", value) from None


def policy_for(order: TherapyOrder) -> DosingPolicy:
    """The dosing policy of an order: the regimen's settings, else the hospital's."""
    version, bsa_formula = order.regimen_version, order.bsa_formula
    paediatric = None
    if version.paediatric and (version.mg_kg_below_weight_kg or version.mg_kg_below_bsa_m2):
        paediatric = PaediatricRule(
            weight_below_kg=version.mg_kg_below_weight_kg,
            bsa_below_m2=version.mg_kg_below_bsa_m2,
        )
    try:
        formula = BsaFormula(bsa_formula)
    except ValueError:
        raise ValidationFailed(
            f"Formula della superficie corporea sconosciuta: «{bsa_formula}».",
            code="bsa_formula_unknown",
            field="bsa_formula",
        ) from None
    own = _regimen_settings(order)
    child_auc = own.child_auc_formula or settings.CORSIA_DOSING_CHILD_AUC_FORMULA
    weight_change = own.weight_change_pct or settings.CORSIA_DOSING_WEIGHT_CHANGE_PCT
    return DosingPolicy(
        bsa_formula=formula,
        obese_weight_basis=_weight_basis(
            own.obese_weight_basis or settings.CORSIA_DOSING_OBESE_WEIGHT_BASIS,
            "obese_weight_basis",
        ),
        obese_crcl_weight_basis=_weight_basis(
            own.obese_crcl_weight_basis or settings.CORSIA_DOSING_OBESE_CRCL_WEIGHT_BASIS,
            "obese_crcl_weight_basis",
        ),
        bsa_cap_m2=own.bsa_cap_m2 or settings.CORSIA_DOSING_BSA_CAP_M2,
        gfr_cap_ml_min=own.gfr_cap_ml_min or settings.CORSIA_DOSING_GFR_CAP_ML_MIN,
        paediatric=paediatric,
        min_creatinine_mg_dl=own.min_creatinine_mg_dl
        or settings.CORSIA_DOSING_MIN_CREATININE_MG_DL,
        min_creatinine_from_age=Decimal(settings.CORSIA_DOSING_MIN_CREATININE_FROM_AGE),
        child_auc_formula=_child_auc(child_auc),
        weight_change_pct=weight_change if weight_change is not None else Decimal(10),
    )


# ---------------------------------------------------------------- the measures


def age_years(born: date, on: date) -> Decimal:
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return Decimal(years)


@dataclass(frozen=True)
class DosingMeasures:
    measures: PatientMeasures  # only the renal value that wins, if fresh
    taken_at: datetime  # the newer of height and weight (shown on the order)
    used: dict[str, str]  # measure -> ISO time of the value the doses use
    stale_renal: StaleMeasure | None  # the winning renal value, too old (AUC refused)
    notes: tuple[DoseWarning, ...]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def patient_measures(order: TherapyOrder, *, now: datetime) -> DosingMeasures:
    """The measures the order's doses are computed from (the patient's, on the cycle's
    start date); a too-old height or weight refuses."""
    patient = order.patient
    latest = latest_measures(order.patient_id)
    if latest.height_cm is None or latest.weight_kg is None:
        raise ValidationFailed(
            "Mancano altezza e/o peso del paziente: registrarli prima di prescrivere.",
            code="measures_missing",
            field="weight_kg",
        )
    if patient.sex not in ("F", "M"):
        raise ValidationFailed(
            "Il sesso del paziente non è F o M: il calcolo delle dosi richiede il sesso "
            "biologico (anagrafica).",
            code="sex_invalid",
            field="sex",
        )
    age = age_years(patient.date_of_birth, order.start_date)
    child = age < ADULT_AGE
    limits = max_ages_for(order)
    for measure, taken in (
        (Measure.HEIGHT, latest.height_cm),
        (Measure.WEIGHT, latest.weight_kg),
    ):
        old = stale(measure, _local(taken.measured_at), now=now, max_ages=limits, child=child)
        if old is not None:
            raise old.error()
    used = {
        Measure.HEIGHT.value: latest.height_cm.measured_at.isoformat(),
        Measure.WEIGHT.value: latest.weight_kg.measured_at.isoformat(),
    }
    winner, note = newest_renal(
        Dated(latest.creatinine.value, _local(latest.creatinine.measured_at))
        if latest.creatinine
        else None,
        Dated(latest.measured_gfr.value, _local(latest.measured_gfr.measured_at))
        if latest.measured_gfr
        else None,
    )
    notes = [DoseWarning("renal_older_ignored", note)] if note else []
    creatinine = gfr = None
    stale_renal = None
    if winner is not None:
        row = latest.of(winner)
        if row is None:  # pragma: no cover - newest_renal only names a measure that exists
            raise ValueError(winner)
        stale_renal = stale(winner, _local(row.measured_at), now=now, max_ages=limits, child=child)
        if stale_renal is not None:
            notes.append(
                DoseWarning(
                    "renal_stale_not_used",
                    f"Funzione renale non usata: {stale_renal.error().message}",
                )
            )
        else:
            used[winner.value] = row.measured_at.isoformat()
            if winner is Measure.CREATININE:
                creatinine = row.value
            else:
                gfr = row.value
    measures = PatientMeasures(
        sex=Sex(patient.sex),
        age_years=age,
        height_cm=latest.height_cm.value,
        weight_kg=latest.weight_kg.value,
        serum_creatinine_mg_dl=creatinine,
        measured_gfr_ml_min=gfr,
    )
    return DosingMeasures(
        measures=measures,
        taken_at=max(latest.height_cm.measured_at, latest.weight_kg.measured_at),
        used=used,
        stale_renal=stale_renal,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------- before giving the doses


def _uses_renal(order: TherapyOrder) -> bool:
    return order.items.filter(status=ItemStatus.ACTIVE, dose_unit="AUC").exists()


def _used_at(order: TherapyOrder, measure: Measure) -> datetime | None:
    text = (order.measure_dates or {}).get(measure.value)
    if text:
        return datetime.fromisoformat(text)
    if not order.measure_dates:  # orders made before measure_dates: their measures' time
        return order.measures_taken_at
    if measure in RENAL:  # not the renal value used: newer only if after the one used
        other = Measure.MEASURED_GFR if measure is Measure.CREATININE else Measure.CREATININE
        text = order.measure_dates.get(other.value)
        return datetime.fromisoformat(text) if text else None
    return None


def order_measures_check(*, order: TherapyOrder, stage: str, now: datetime | None = None) -> None:
    """Refuse when a measure newer than the doses' exists, so the doses must be
    recalculated; at confirmation (``stage="confirm"``) also when a measure the doses
    use is now too old. Weight follows rule 4: a newer weight refuses only when it
    differs by the policy's threshold (10 %) or more.

    ``stage``: "confirm", "validate" or "take_charge" (the pharmacist's steps).
    """
    moment = now or timezone.now()
    latest = latest_measures(order.patient_id)
    policy = policy_for(order)
    renal = _uses_renal(order)
    what = {
        "confirm": "confermare",
        "validate": "validare (restituire al medico)",
        "take_charge": "prendere in carico (restituire al medico)",
    }.get(stage, stage)
    newer: list[NewerMeasure] = []
    for measure in Measure:
        row = latest.of(measure)
        if row is None or (measure in RENAL and not renal):
            continue
        used_at = _used_at(order, measure)
        if used_at is not None and row.measured_at <= used_at:
            continue
        if measure is Measure.WEIGHT:
            change = weight_change_check(
                previous_kg=order.weight_kg,
                current_kg=row.value,
                threshold_pct=policy.weight_change_pct,
            )
            if change.recalculation_required:
                raise ValidationFailed(
                    f"Il peso è cambiato del {change.change_pct:.1f} % dopo il calcolo delle "
                    f"dosi ({order.weight_kg} → {row.value} kg, soglia "
                    f"{policy.weight_change_pct} %): ricalcolare prima di {what}.",
                    code="weight_changed_recalculate",
                    field="weight_kg",
                )
            continue
        if measure is Measure.HEIGHT and row.value == order.height_cm:
            continue
        newer.append(
            NewerMeasure(
                measure=measure,
                used_at=used_at,
                newer_at=_local(row.measured_at),
                used_value=None,
                newer_value=row.value,
            )
        )
    if newer:
        raise newer_measures_error(newer, stage=what)
    if stage != "confirm":
        return
    limits = max_ages_for(order)
    child = order.age_years < ADULT_AGE
    for measure in Measure:
        if measure in RENAL and not renal:
            continue
        used_at = _used_at(order, measure)
        if used_at is None or (measure in RENAL and measure.value not in order.measure_dates):
            continue
        old = stale(measure, _local(used_at), now=moment, max_ages=limits, child=child)
        if old is not None:
            raise old.error(what="confermare la prescrizione")


# ---------------------------------------------------------------- for the pharmacist


@dataclass(frozen=True)
class MeasureAge:
    """One measure as the pharmacist judges it: the value the doses used, when it was
    taken, whether it is now older than its maximum age for dosing (``stale``) and
    whether a newer value exists (``newer_at``: the doses need recalculating)."""

    measure: Measure
    value: Decimal | None
    measured_at: datetime | None
    stale: bool
    newer_at: datetime | None
    newer_value: Decimal | None


def order_measure_ages(order: TherapyOrder, *, now: datetime | None = None) -> list[MeasureAge]:
    """Height, weight and the renal values of the order's doses, each with its date, its
    staleness and any newer value (a renal value the order did not use: the latest
    recorded, shown with its date, never marked as used)."""
    moment = now or timezone.now()
    latest = latest_measures(order.patient_id)
    limits = max_ages_for(order)
    child = order.age_years < ADULT_AGE
    used_values: dict[Measure, Decimal | None] = {
        Measure.HEIGHT: order.height_cm,
        Measure.WEIGHT: order.weight_kg,
        Measure.CREATININE: order.serum_creatinine_mg_dl,
        Measure.MEASURED_GFR: order.measured_gfr_ml_min,
    }
    ages = []
    for measure in Measure:
        row = latest.of(measure)
        value = used_values[measure]
        used_at = _used_at(order, measure) if value is not None else None
        if value is None and row is not None:  # known, not used by the doses
            value, used_at = row.value, row.measured_at
        if value is None:
            continue
        when = _local(used_at) if used_at is not None else None
        newer = row is not None and when is not None and row.measured_at > when
        ages.append(
            MeasureAge(
                measure=measure,
                value=value,
                measured_at=when,
                stale=when is not None
                and stale(measure, when, now=moment, max_ages=limits, child=child) is not None,
                newer_at=_local(row.measured_at) if newer and row is not None else None,
                newer_value=row.value if newer and row is not None else None,
            )
        )
    return ages


__all__ = [
    "DosingMeasures",
    "LatestMeasures",
    "MeasureAge",
    "age_years",
    "latest_measures",
    "max_ages_for",
    "order_measure_ages",
    "order_measures_check",
    "patient_measures",
    "policy_for",
    "protected_measures",
    "when_text",
]
