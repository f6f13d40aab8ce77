"""A laboratory report (ORU^R01) recorded in the chart through the records module's own
service: each final numeric result with its unit and reference range (the H/L flag is
the chart's), the analyte named through the code table, the laboratory's order number
kept beside it."""

from __future__ import annotations

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.interop.domain.oru import LabObservation, LabOrder, LabReport
from corsia.interop.domain.states import MessageState
from corsia.interop.models import LabCodeMapping, ReceivedResult
from corsia.interop.services.context import (
    Context,
    Outcome,
    checked_identity,
    parked,
    patient_of,
    refusal_at,
)
from corsia.records.services import LabInput, lab_result_record


def _analytes() -> dict[tuple[str, str], str]:
    return {(m.system, m.code): m.analyte for m in LabCodeMapping.objects.all()}


def _analyte(obs: LabObservation, table: dict[tuple[str, str], str]) -> str:
    """The chart's name for the code (LOINC ``LN`` or the laboratory's own system), else
    the text the laboratory sent, else the code."""
    return table.get((obs.code_system or "L", obs.code)) or obs.text or obs.code


def _locations(obs: LabObservation, order_at: str) -> dict[str, str]:
    base = obs.location.rsplit("^", 1)[0]  # OBX^n
    return {
        "value": f"{base}^5",
        "analyte": f"{base}^3",
        "unit": f"{base}^6",
        "reference_low": f"{base}^7",
        "reference_high": f"{base}^7",
        "collected_at": order_at,
        "": base,
    }


def _record(
    ctx: Context, patient_id: int, order: LabOrder, number: int, table: dict[tuple[str, str], str]
) -> int:
    order_at = f"OBR^{number}^7"
    if not order.filler_number:
        raise refused(
            "Manca il numero d'ordine del laboratorio (OBR-3).",
            "filler_number_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            f"OBR^{number}^3",
        )
    for obs in order.observations:
        collected = order.collected_at or obs.observed_at
        if collected is None:
            raise refused(
                "Manca la data del prelievo (OBR-7).",
                "collected_at_missing",
                Hl7Error.REQUIRED_FIELD_MISSING,
                order_at,
            )
        with refusal_at(_locations(obs, order_at)):
            result = lab_result_record(
                actor=ctx.actor,
                workstation=ctx.workstation,
                patient_id=patient_id,
                data=LabInput(
                    analyte=_analyte(obs, table),
                    value=obs.value,
                    collected_at=collected,
                    unit=obs.unit,
                    reference_low=obs.reference_low,
                    reference_high=obs.reference_high,
                ),
            )
        ReceivedResult.objects.create(
            message=ctx.row,
            lab_result_id=result.pk,
            filler_number=order.filler_number,
            placer_number=order.placer_number,
            code=obs.code,
            code_system=obs.code_system,
            segment=obs.location,
        )
    return len(order.observations)


def lab_report_apply(report: LabReport, ctx: Context) -> Outcome:
    checked_identity(report.identity)
    patient = patient_of(report.identity)
    if patient is None:
        return parked("Paziente del referto non ancora noto.", *report.identity.keys)
    table = _analytes()
    recorded = sum(
        _record(ctx, patient.pk, order, number, table)
        for number, order in enumerate(report.orders, start=1)
    )
    skipped = [s for order in report.orders for s in order.skipped]
    text = f"{recorded} risultati registrati in cartella (MRN {patient.mrn})."
    if skipped:
        text += f" Non registrati (non numerici o non definitivi): {', '.join(skipped)}."
    state = MessageState.PROCESSED if recorded else MessageState.IGNORED
    return Outcome(state, text, patient_id=patient.pk, resolved=report.identity.keys)
