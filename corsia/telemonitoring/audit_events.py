"""Audit events of telemonitoring (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

READING_RECORDED = register(
    "telemonitoring.reading_recorded", "Parametro vitale registrato a domicilio"
)
READING_CONFIRMED = register(
    "telemonitoring.reading_confirmed", "Valore insolito confermato dal paziente"
)
READING_REJECTED = register(
    "telemonitoring.reading_rejected", "Valore insolito scartato dal paziente"
)
THRESHOLD_SET = register("telemonitoring.threshold_set", "Soglia di allerta impostata")
ALERT_RAISED = register("telemonitoring.alert_raised", "Allerta di telemonitoraggio")
ALERT_CLOSED = register("telemonitoring.alert_closed", "Allerta di telemonitoraggio valutata")
DIARY_SCHEDULED = register("telemonitoring.diary_scheduled", "Diario dei sintomi programmato")
DIARY_SUBMITTED = register("telemonitoring.diary_submitted", "Diario dei sintomi compilato")
