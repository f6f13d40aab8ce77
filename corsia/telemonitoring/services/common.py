"""The alert writer the acts of telemonitoring share."""

from __future__ import annotations

from django.conf import settings

from corsia.audit.services import audit_record
from corsia.core.actors import Workstation
from corsia.telemonitoring import audit_events as events
from corsia.telemonitoring.domain.questionnaires import RuleHit
from corsia.telemonitoring.domain.thresholds import Breach
from corsia.telemonitoring.models import Alert, DiaryResponse, Reading


def urgent_phone() -> str:
    return settings.CORSIA_TELEMONITORING_URGENT_PHONE or "indicato nei documenti della tua terapia"


def instruction_text(template: str) -> str:
    return template.format(phone=urgent_phone()) if template else ""


def alert_raise_breach(
    *, patient_id: int, breach: Breach, reading: Reading, workstation: Workstation
) -> Alert:
    alert = Alert.objects.create(
        patient_id=patient_id,
        rule=f"threshold_{breach.parameter.value}",
        urgent=breach.urgent,
        message=breach.message[:300],
        instruction=instruction_text(
            "Chiama subito il reparto al numero {phone}." if breach.urgent else ""
        ),
        reading=reading,
    )
    _audit(alert, workstation)
    return alert


def alert_raise_rule(
    *, patient_id: int, hit: RuleHit, response: DiaryResponse, workstation: Workstation
) -> Alert:
    alert = Alert.objects.create(
        patient_id=patient_id,
        rule=hit.rule,
        urgent=hit.urgent,
        message=hit.message[:300],
        instruction=instruction_text(hit.instruction)[:300],
        response=response,
        meddra_code=hit.meddra_code,
        suggested_grade=hit.suggested_grade,
    )
    _audit(alert, workstation)
    return alert


def _audit(alert: Alert, workstation: Workstation) -> None:
    audit_record(
        event=events.ALERT_RAISED,
        actor=None,
        workstation=workstation,
        target=alert,
        patient_id=alert.patient_id,
        after={"rule": alert.rule, "urgent": alert.urgent, "message": alert.message},
    )
