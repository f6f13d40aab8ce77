"""Telemonitoring's state changes, one module per act, re-exported here."""

from corsia.telemonitoring.context import PatientActor
from corsia.telemonitoring.services.alerts import alert_close, threshold_set
from corsia.telemonitoring.services.diaries import DiaryOutcome, diary_schedule, diary_submit
from corsia.telemonitoring.services.readings import (
    ReadingOutcome,
    reading_decide,
    reading_record_device,
    reading_record_manual,
)

__all__ = [
    "DiaryOutcome",
    "PatientActor",
    "ReadingOutcome",
    "alert_close",
    "diary_schedule",
    "diary_submit",
    "reading_decide",
    "reading_record_device",
    "reading_record_manual",
    "threshold_set",
]
