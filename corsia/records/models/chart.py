"""The medical record's own data (persistence only; rules in ``domain/``).

Access is governed by the named permissions of ``corsia.accounts.domain.roles``
(``records.view_chart``, ``records.write_diary``, ``records.record_vitals``), so every
model has ``default_permissions = ()``. A diary entry is signed when it is saved and is
never changed again, by any path: a database trigger refuses UPDATE and DELETE; a
correction is a new entry that ``supersedes`` it. Vital signs are written once too.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel, correction_link
from corsia.core.triggers import read_only_movable
from corsia.records.domain.diagnosis import GRADE_LABELS_IT, SCALE_LABELS_IT, Grade, Scale
from corsia.records.domain.diary import KIND_LABELS_IT, EntryKind


class DiaryKind(models.TextChoices):
    VISIT = EntryKind.VISIT.value, KIND_LABELS_IT[EntryKind.VISIT]
    WARD_ROUND = EntryKind.WARD_ROUND.value, KIND_LABELS_IT[EntryKind.WARD_ROUND]
    PHYSICAL_EXAM = EntryKind.PHYSICAL_EXAM.value, KIND_LABELS_IT[EntryKind.PHYSICAL_EXAM]
    CONSULT = EntryKind.CONSULT.value, KIND_LABELS_IT[EntryKind.CONSULT]
    NOTE = EntryKind.NOTE.value, KIND_LABELS_IT[EntryKind.NOTE]


_E = TypeVar("_E", bound=StrEnum)


def _choices(labels: Mapping[_E, str]) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


def _read_only() -> pgtrigger.Protect:
    """The database refuses any UPDATE or DELETE of the row (signed, written once), but
    the patient merge's re-pointing of ``patient_id`` (``corsia/core/triggers.py``)."""
    return read_only_movable()


@pghistory.track()
class DiaryEntry(models.Model):
    """One signed entry of the daily clinical diary (diaria)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diary_entries"
    )
    # The encounter in progress when it was written (none for an outpatient note).
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diary_entries",
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=DiaryKind.choices)
    text = models.TextField(_("testo"))
    written_at = models.DateTimeField(_("data e ora"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), default=timezone.now)
    supersedes = correction_link()
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        verbose_name = _("annotazione del diario clinico")
        verbose_name_plural = _("annotazioni del diario clinico")
        default_permissions = ()
        # whole for the diary's pages (newest first, the id last: a total order)
        indexes = [
            models.Index(name="diary_by_patient_id", fields=["patient", "-written_at", "-id"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="diary_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="diary_correction_has_reason",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.written_at:%d/%m/%Y %H:%M}"

    @property
    def is_superseded(self) -> bool:
        """Whether a correction replaced this entry (one query)."""
        return DiaryEntry.objects.filter(supersedes=self).exists()


@pghistory.track()
class VitalSigns(models.Model):
    """One set of vital signs taken together (any parameter may be missing, not all)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="vital_signs"
    )
    measured_at = models.DateTimeField(_("rilevati il"), default=timezone.now)
    systolic_bp = models.PositiveSmallIntegerField(_("pressione sistolica (mmHg)"), null=True)
    diastolic_bp = models.PositiveSmallIntegerField(_("pressione diastolica (mmHg)"), null=True)
    heart_rate = models.PositiveSmallIntegerField(_("frequenza cardiaca (bpm)"), null=True)
    temperature_c = models.DecimalField(
        _("temperatura (°C)"), max_digits=3, decimal_places=1, null=True
    )
    respiratory_rate = models.PositiveSmallIntegerField(
        _("frequenza respiratoria (atti/min)"), null=True
    )
    spo2 = models.PositiveSmallIntegerField(_("saturazione SpO₂ (%)"), null=True)
    pain_nrs = models.PositiveSmallIntegerField(_("dolore (NRS 0-10)"), null=True)
    # The ward-round entry the set was written with, when it was.
    diary_entry = models.ForeignKey(
        DiaryEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="vital_signs"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrati il"), default=timezone.now)

    class Meta:
        verbose_name = _("parametri vitali")
        verbose_name_plural = _("parametri vitali")
        default_permissions = ()
        # whole for the pages of vital signs (newest first, the id last: a total order)
        indexes = [
            models.Index(name="vitals_by_patient_id", fields=["patient", "-measured_at", "-id"])
        ]
        constraints = [
            # the hard limits of domain/vitals.py, kept by the database too
            models.CheckConstraint(
                condition=Q(systolic_bp__isnull=True) | Q(systolic_bp__range=(40, 300)),
                name="vitals_systolic_range",
            ),
            models.CheckConstraint(
                condition=Q(diastolic_bp__isnull=True) | Q(diastolic_bp__range=(20, 200)),
                name="vitals_diastolic_range",
            ),
            models.CheckConstraint(
                condition=Q(systolic_bp__isnull=True)
                | Q(diastolic_bp__isnull=True)
                | Q(systolic_bp__gt=F("diastolic_bp")),
                name="vitals_systolic_above_diastolic",
            ),
            models.CheckConstraint(
                condition=Q(heart_rate__isnull=True) | Q(heart_rate__range=(20, 300)),
                name="vitals_heart_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(temperature_c__isnull=True) | Q(temperature_c__range=(25, 45)),
                name="vitals_temperature_range",
            ),
            models.CheckConstraint(
                condition=Q(respiratory_rate__isnull=True) | Q(respiratory_rate__range=(2, 80)),
                name="vitals_respiratory_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(spo2__isnull=True) | Q(spo2__range=(0, 100)),
                name="vitals_spo2_range",
            ),
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=True) | Q(pain_nrs__range=(0, 10)),
                name="vitals_pain_range",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.measured_at:%d/%m/%Y %H:%M}"


@pghistory.track()
class AnamnesisVersion(models.Model):
    """One signed version of the patient's anamnesis; the highest number is current."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="anamnesis_versions"
    )
    number = models.PositiveIntegerField(_("versione"))
    family = models.TextField(_("anamnesi familiare"), blank=True)
    physiological = models.TextField(_("anamnesi fisiologica e ambientale"), blank=True)
    recent_pathological = models.TextField(_("anamnesi patologica prossima"), blank=True)
    remote_pathological = models.TextField(_("anamnesi patologica remota"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), default=timezone.now)

    class Meta:
        verbose_name = _("anamnesi (versione)")
        verbose_name_plural = _("anamnesi (versioni)")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["patient", "number"], name="anamnesis_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="anamnesis_number_positive"),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"anamnesi v{self.number}"


@pghistory.track()
class AnamnesisNote(models.Model):
    """The raccordo anamnestico: what happened since the last access, written at this one."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="anamnesis_notes"
    )
    encounter = models.ForeignKey(
        "patients.Encounter", on_delete=models.PROTECT, related_name="anamnesis_notes"
    )
    noted_on = models.DateField(_("data"))
    text = models.TextField(_("raccordo anamnestico"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmato il"), default=timezone.now)

    class Meta:
        verbose_name = _("raccordo anamnestico")
        verbose_name_plural = _("raccordi anamnestici")
        default_permissions = ()
        indexes = [models.Index(name="anamnesis_note_by_patient", fields=["patient", "-noted_on"])]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"raccordo {self.noted_on:%d/%m/%Y}"


@pghistory.track()
class Icd9Code(TimeStampedModel):
    """One code of ICD-9-CM, Italian version 2007 (Ministero della Salute; data/NOTICE.md)."""

    code = models.CharField(_("codice"), max_length=8, unique=True)
    kind = models.CharField(_("tipo"), max_length=1)  # D diagnosis, P procedure
    description_it = models.CharField(_("descrizione"), max_length=300)

    class Meta:
        verbose_name = _("codice ICD-9-CM")
        verbose_name_plural = _("codici ICD-9-CM")
        default_permissions = ()
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description_it}"


class GradeChoice(models.TextChoices):
    G1 = Grade.G1.value, GRADE_LABELS_IT[Grade.G1]
    G2 = Grade.G2.value, GRADE_LABELS_IT[Grade.G2]
    G3 = Grade.G3.value, GRADE_LABELS_IT[Grade.G3]
    G4 = Grade.G4.value, GRADE_LABELS_IT[Grade.G4]
    GX = Grade.GX.value, GRADE_LABELS_IT[Grade.GX]


@pghistory.track()
class Diagnosis(VersionedModel):
    """The oncological diagnosis: primary site (ICD-9-CM), histotype, grade, stage,
    biomolecular markers, metastases. Editable with a version check; pghistory keeps every
    earlier state."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="oncology_diagnoses"
    )
    primary_site = models.ForeignKey(
        Icd9Code, on_delete=models.PROTECT, related_name="+", verbose_name=_("sede primitiva")
    )
    histotype = models.CharField(_("istotipo"), max_length=200, blank=True)
    morphology_icdo3 = models.CharField(_("morfologia ICD-O-3"), max_length=6, blank=True)
    grade = models.CharField(_("grado"), max_length=2, choices=GradeChoice.choices, blank=True)
    # The stage group as written today; the TNM / stage computation (domain/staging.py) will
    # fill it with the system it used (staging_system).
    stage = models.CharField(_("stadio"), max_length=40, blank=True)
    staging_system = models.CharField(_("sistema di stadiazione"), max_length=60, blank=True)
    biomarkers = models.JSONField(_("marcatori biomolecolari"), default=list, blank=True)
    metastases = models.JSONField(_("sedi di metastasi"), default=list, blank=True)
    diagnosed_on = models.DateField(_("data della diagnosi"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("diagnosi oncologica")
        verbose_name_plural = _("diagnosi oncologiche")
        default_permissions = ()
        indexes = [models.Index(name="diagnosis_by_patient", fields=["patient", "-diagnosed_on"])]

    def __str__(self) -> str:
        return f"{self.primary_site_id} {self.diagnosed_on:%d/%m/%Y}"


class ScaleChoice(models.TextChoices):
    ECOG = Scale.ECOG.value, SCALE_LABELS_IT[Scale.ECOG]
    KARNOFSKY = Scale.KARNOFSKY.value, SCALE_LABELS_IT[Scale.KARNOFSKY]
    LANSKY = Scale.LANSKY.value, SCALE_LABELS_IT[Scale.LANSKY]


@pghistory.track()
class PerformanceStatus(models.Model):
    """A dated performance status (ECOG, Karnofsky, Lansky), written once."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="performance_statuses"
    )
    scale = models.CharField(_("scala"), max_length=10, choices=ScaleChoice.choices)
    value = models.PositiveSmallIntegerField(_("valore"))
    assessed_on = models.DateField(_("valutato il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("performance status")
        verbose_name_plural = _("performance status")
        default_permissions = ()
        indexes = [models.Index(name="ps_by_patient", fields=["patient", "-assessed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scale="ecog") & Q(value__lte=5))
                | (Q(scale__in=["karnofsky", "lansky"]) & Q(value__lte=100)),
                name="performance_status_range",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.scale} {self.value}"


@pghistory.track()
class LabResult(models.Model):
    """A laboratory result entered by hand (the lab system's HL7 ORU messages will land
    here too); written once: a wrong value is corrected by a new result."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="lab_results"
    )
    analyte = models.CharField(_("esame"), max_length=80)
    value = models.DecimalField(_("valore"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("unità di misura"), max_length=20, blank=True)
    reference_low = models.DecimalField(
        _("riferimento: minimo"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    reference_high = models.DecimalField(
        _("riferimento: massimo"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    flag = models.CharField(_("segnalazione"), max_length=1, blank=True)  # H, L or empty
    collected_at = models.DateTimeField(_("prelievo il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("esame di laboratorio")
        verbose_name_plural = _("esami di laboratorio")
        default_permissions = ()
        # whole for the pages of results (newest first, the id last: a total order)
        indexes = [
            models.Index(name="lab_by_patient_id", fields=["patient", "-collected_at", "-id"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_low__isnull=True)
                | Q(reference_high__isnull=True)
                | Q(reference_low__lte=F("reference_high")),
                name="lab_reference_range_ordered",
            ),
            models.CheckConstraint(condition=Q(flag__in=["", "H", "L"]), name="lab_flag_known"),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.analyte} {self.value} {self.unit}"
