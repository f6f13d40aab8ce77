"""The medical record's own data (persistence only; rules in ``domain/``).

Access is governed by the named permissions of ``corsia.accounts.domain.roles``
(``records.view_chart``, ``records.write_diary``, ``records.record_vitals``), so every
model has ``default_permissions = ()``. A diary entry is signed when it is saved and is
never changed again, by any path: a database trigger refuses UPDATE and DELETE; a
correction is a new entry that ``supersedes`` it. Vital signs are written once too.
"""

from __future__ import annotations

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.records.domain.diagnosis import GRADE_LABELS_IT, SCALE_LABELS_IT, Grade, Scale
from corsia.records.domain.diary import KIND_LABELS_IT, EntryKind


class DiaryKind(models.TextChoices):
    VISIT = EntryKind.VISIT.value, KIND_LABELS_IT[EntryKind.VISIT]
    WARD_ROUND = EntryKind.WARD_ROUND.value, KIND_LABELS_IT[EntryKind.WARD_ROUND]
    PHYSICAL_EXAM = EntryKind.PHYSICAL_EXAM.value, KIND_LABELS_IT[EntryKind.PHYSICAL_EXAM]
    CONSULT = EntryKind.CONSULT.value, KIND_LABELS_IT[EntryKind.CONSULT]
    NOTE = EntryKind.NOTE.value, KIND_LABELS_IT[EntryKind.NOTE]


def _read_only() -> pgtrigger.Protect:
    """The database refuses any UPDATE or DELETE of the row (signed, written once)."""
    return pgtrigger.Protect(name="read_only", operation=pgtrigger.Update | pgtrigger.Delete)


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
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("corregge"),
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        verbose_name = _("annotazione del diario clinico")
        verbose_name_plural = _("annotazioni del diario clinico")
        default_permissions = ()
        indexes = [models.Index(name="diary_by_patient", fields=["patient", "-written_at"])]
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
        indexes = [models.Index(name="vitals_by_patient", fields=["patient", "-measured_at"])]
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
        indexes = [models.Index(name="lab_by_patient", fields=["patient", "-collected_at"])]
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


# --- structured staging and prognostic scores (issue 15) ----------------------------------------


class StagingCriterionChoice(models.TextChoices):
    CLINICAL = "clinical", _("clinico (c)")
    PATHOLOGICAL = "pathological", _("patologico (p)")


@pghistory.track()
class DiagnosisStaging(models.Model):
    """One signed staging of a diagnosis: the system, the inputs as entered, the stage the
    domain computed from them (``domain/staging/catalogue.py``) and its reference. Written
    once; a restaging is the next ``number`` of the diagnosis (the highest is current)."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="stagings")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("versione"))
    system = models.CharField(_("sistema di stadiazione"), max_length=40)
    criterion = models.CharField(
        _("criterio di stadiazione"), max_length=12, choices=StagingCriterionChoice.choices
    )
    inputs = models.JSONField(_("dati di ingresso"))
    stage = models.CharField(_("stadio"), max_length=20)
    stage_label = models.CharField(_("descrizione dello stadio"), max_length=200)
    categories = models.CharField(_("categorie"), max_length=300, blank=True)
    reference = models.CharField(_("riferimento"), max_length=120)
    staged_on = models.DateField(_("data della stadiazione"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), default=timezone.now)

    class Meta:
        verbose_name = _("stadiazione")
        verbose_name_plural = _("stadiazioni")
        default_permissions = ()
        indexes = [models.Index(name="staging_by_patient", fields=["patient", "-signed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "number"], name="staging_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="staging_number_positive"),
            models.CheckConstraint(
                condition=Q(criterion__in=["clinical", "pathological"]),
                name="staging_criterion_known",
            ),
            models.CheckConstraint(condition=~Q(stage=""), name="staging_stage_computed"),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.system} {self.stage} v{self.number}"


@pghistory.track()
class PrognosticAssessment(models.Model):
    """One prognostic score computed from its inputs by the domain
    (``domain/prognosis/catalogue.py``): inputs, value, risk group, the points of each
    factor and the published reference. Written once."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="prognostic_assessments"
    )
    diagnosis = models.ForeignKey(
        Diagnosis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.CharField(_("punteggio"), max_length=20)
    inputs = models.JSONField(_("dati di ingresso"))
    value = models.DecimalField(_("valore"), max_digits=9, decimal_places=4)
    risk_group = models.CharField(_("gruppo di rischio"), max_length=40)
    risk_group_label = models.CharField(_("gruppo di rischio (descrizione)"), max_length=200)
    points = models.JSONField(_("punti per fattore"), default=list)
    reference = models.CharField(_("riferimento"), max_length=120)
    citation = models.TextField(_("citazione"))
    assessed_on = models.DateField(_("valutato il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("punteggio prognostico")
        verbose_name_plural = _("punteggi prognostici")
        default_permissions = ()
        indexes = [models.Index(name="score_by_patient", fields=["patient", "-assessed_on"])]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.score} {self.value}"


# === Treatment course (issue 15): lines and cycles, plan items, re-evaluations, home therapy,
# === appointments. Rules in domain/course.py and domain/response.py.

from collections.abc import Mapping  # noqa: E402  (the appended section keeps its imports)
from enum import StrEnum  # noqa: E402
from typing import TypeVar  # noqa: E402

from corsia.records.domain import course as _course  # noqa: E402

_E = TypeVar("_E", bound=StrEnum)


def _choices(labels: Mapping[_E, str]) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


@pghistory.track()
class TreatmentLine(VersionedModel):
    """A line of therapy: its number and intent, the regimen of the library (or, for a line
    given elsewhere, its description), the cycles planned, when it started and why it
    ended. Once closed (``ended_on`` set) the row is read-only: a database trigger refuses
    any UPDATE, and DELETE always."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_lines"
    )
    number = models.PositiveSmallIntegerField(_("linea"))
    intent = models.CharField(
        _("finalità"), max_length=24, choices=_choices(_course.INTENT_LABELS_IT)
    )
    regimen_version = models.ForeignKey(
        "regimens.RegimenVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("schema"),
    )
    # what the line was called when it started (the library's code and name, or the
    # description of a regimen given elsewhere): the chart reads it without the library
    regimen_code = models.CharField(_("codice dello schema"), max_length=40, blank=True)
    regimen_name = models.CharField(_("schema"), max_length=200)
    planned_cycles = models.PositiveSmallIntegerField(_("cicli pianificati"), null=True)
    started_on = models.DateField(_("inizio"))
    ended_on = models.DateField(_("fine"), null=True, blank=True)
    end_reason = models.CharField(
        _("motivo della fine"),
        max_length=24,
        choices=_choices(_course.END_REASON_LABELS_IT),
        blank=True,
    )
    end_note = models.TextField(_("note sulla fine"), blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("linea di terapia")
        verbose_name_plural = _("linee di terapia")
        default_permissions = ()
        indexes = [models.Index(name="line_by_patient", fields=["patient", "-started_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(number__range=(1, 20)), name="line_number_range"),
            models.CheckConstraint(
                condition=Q(planned_cycles__isnull=True) | Q(planned_cycles__range=(1, 99)),
                name="line_planned_cycles_range",
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason="") & Q(closed_at__isnull=True))
                | (
                    Q(ended_on__isnull=False)
                    & ~Q(end_reason="")
                    & Q(closed_at__isnull=False)
                    & Q(ended_on__gte=F("started_on"))
                ),
                name="line_closed_consistently",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="line_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="closed_line_read_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("OLD.closed_at IS NOT NULL"),
            ),
        ]

    def __str__(self) -> str:
        return f"linea {self.number} {self.regimen_name}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@pghistory.track()
class TreatmentLineOrder(models.Model):
    """An order of prescribing given as part of a line (written once; one line per order).
    Only the id is used here: the order is read through prescribing's selectors."""

    line = models.ForeignKey(TreatmentLine, on_delete=models.PROTECT, related_name="order_links")
    order = models.OneToOneField(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("collegata il"), default=timezone.now)

    class Meta:
        verbose_name = _("prescrizione della linea")
        verbose_name_plural = _("prescrizioni della linea")
        default_permissions = ()
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"linea {self.line_id} ← prescrizione {self.order_id}"


@pghistory.track()
class TreatmentPlanItem(models.Model):
    """Surgery or radiotherapy in the treatment plan, with its date (written once)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_plan_items"
    )
    line = models.ForeignKey(
        TreatmentLine, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=_choices(_course.PLAN_ITEM_LABELS_IT))
    performed_on = models.DateField(_("data"))
    description = models.TextField(_("descrizione"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("chirurgia o radioterapia")
        verbose_name_plural = _("chirurgie e radioterapie")
        default_permissions = ()
        indexes = [models.Index(name="plan_item_by_patient", fields=["patient", "-performed_on"])]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_on:%d/%m/%Y}"


@pghistory.track()
class ResponseEvaluation(models.Model):
    """A re-evaluation of a line (or its baseline): the lesions measured and the response
    computed from them (RECIST 1.1 or Lugano 2014), signed and written once."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="response_evaluations"
    )
    line = models.ForeignKey(TreatmentLine, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("data dell'esame"))
    method = models.CharField(
        _("metodica"), max_length=16, choices=_choices(_course.METHOD_LABELS_IT)
    )
    criteria = models.CharField(
        _("criteri"), max_length=16, choices=_choices(_course.CRITERIA_LABELS_IT)
    )
    baseline = models.BooleanField(_("basale"), default=False)
    # [{"lesion_id", "organ", "lymph_node", "mm"}] at baseline; [{"lesion_id", "mm"}] later
    # (mm as a string, null when not measured)
    target_lesions = models.JSONField(_("lesioni target"), default=list, blank=True)
    non_target_sites = models.JSONField(_("lesioni non target"), default=list, blank=True)
    non_target_response = models.CharField(_("risposta non target"), max_length=16, blank=True)
    new_lesions = models.JSONField(_("lesioni nuove"), default=list, blank=True)
    deauville = models.PositiveSmallIntegerField(_("Deauville"), null=True, blank=True)
    marrow = models.CharField(_("midollo osseo"), max_length=32, blank=True)
    uptake_vs_baseline = models.CharField(
        _("captazione rispetto al basale"), max_length=16, blank=True
    )
    sum_mm = models.DecimalField(_("somma (mm)"), max_digits=6, decimal_places=1, null=True)
    baseline_sum_mm = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    nadir_sum_mm = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    change_from_baseline_pct = models.DecimalField(max_digits=7, decimal_places=1, null=True)
    change_from_nadir_pct = models.DecimalField(max_digits=7, decimal_places=1, null=True)
    target_response = models.CharField(_("risposta target"), max_length=16, blank=True)
    response = models.CharField(_("risposta"), max_length=16, blank=True)  # empty at baseline
    response_label = models.CharField(_("risposta"), max_length=80, blank=True)
    reference = models.CharField(_("riferimento"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("firmata il"), default=timezone.now)

    class Meta:
        verbose_name = _("rivalutazione")
        verbose_name_plural = _("rivalutazioni")
        default_permissions = ()
        indexes = [models.Index(name="evaluation_by_line", fields=["line", "evaluated_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "criteria"],
                condition=Q(baseline=True),
                name="evaluation_one_baseline_per_line",
            ),
            models.CheckConstraint(
                condition=Q(deauville__isnull=True) | Q(deauville__range=(1, 5)),
                name="evaluation_deauville_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline=True) | ~Q(response=""), name="evaluation_has_response"
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.evaluated_on:%d/%m/%Y} {self.response}"


@pghistory.track()
class HomeTherapy(VersionedModel):
    """A drug the patient takes at home (terapia domiciliare); stopped, never deleted."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="home_therapies"
    )
    drug = models.CharField(_("farmaco"), max_length=200)
    dose = models.CharField(_("dose"), max_length=80)
    frequency = models.CharField(_("frequenza"), max_length=80)
    started_on = models.DateField(_("dal"))
    stopped_on = models.DateField(_("al"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("terapia domiciliare")
        verbose_name_plural = _("terapie domiciliari")
        default_permissions = ()
        indexes = [models.Index(name="home_therapy_by_patient", fields=["patient", "-started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="home_therapy_dates_ordered",
            ),
        ]
        triggers = [pgtrigger.Protect(name="home_therapy_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose} {self.frequency}"


@pghistory.track()
class Appointment(VersionedModel):
    """The next appointment (visit, therapy, exam, re-evaluation); cancelled with a reason,
    never deleted."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="chart_appointments"
    )
    scheduled_on = models.DateField(_("data"))
    kind = models.CharField(
        _("tipo"), max_length=16, choices=_choices(_course.APPOINTMENT_LABELS_IT)
    )
    note = models.TextField(_("note"), blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        default_permissions = ()
        indexes = [models.Index(name="appointment_by_patient", fields=["patient", "scheduled_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="appointment_cancel_has_reason",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="appointment_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="cancelled_appointment_read_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("OLD.cancelled_at IS NOT NULL"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_on:%d/%m/%Y}"


# --- clinical letters and tumour boards (issue 15: documents from the chart, GOM) -----------------
# A letter (discharge letter, outpatient report, daily diary report) keeps its data as a
# structured record (``content``: coded sections, each item with its source in the chart)
# and the archived PDF the documents module produced. A tumour board keeps the case, the
# participants and the decision. Both are drafts until signed; a signed row is never
# changed again by any path (trigger ``signed_frozen``), nothing is deleted; a letter's
# correction is a new row (``number`` + 1) that ``supersedes`` it.


def _signed_frozen() -> pgtrigger.Protect:
    """The database refuses any UPDATE of a signed row."""
    return pgtrigger.Protect(
        name="signed_frozen",
        operation=pgtrigger.Update,
        condition=pgtrigger.Condition("OLD.status = 'signed'"),
    )


def _no_delete() -> pgtrigger.Protect:
    return pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete)


class LetterStatusChoice(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SIGNED = "signed", _("Firmata")


class LetterKindChoice(models.TextChoices):
    DISCHARGE = "discharge_letter", _("Lettera di dimissione")
    OUTPATIENT = "outpatient_report", _("Referto ambulatoriale")
    DIARY = "diary_report", _("Diario clinico giornaliero")


@pghistory.track()
class ClinicalLetter(VersionedModel):
    """A letter built from the chart: structured content (JSON) + the signed PDF."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clinical_letters"
    )
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinical_letters",
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=LetterKindChoice.choices)
    period_start = models.DateTimeField(_("dal"))
    period_end = models.DateTimeField(_("al"))
    content = models.JSONField(_("contenuto strutturato"), default=dict)
    assembled_at = models.DateTimeField(_("dati raccolti il"), default=timezone.now)
    status = models.CharField(
        _("stato"),
        max_length=8,
        choices=LetterStatusChoice.choices,
        default=LetterStatusChoice.DRAFT,
    )
    number = models.PositiveIntegerField(_("versione della lettera"), default=1)
    chain = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmata il"), null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lettera clinica")
        verbose_name_plural = _("lettere cliniche")
        default_permissions = ()
        indexes = [models.Index(name="letter_by_patient", fields=["patient", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "number"], name="letter_chain_number"),
            models.CheckConstraint(
                condition=Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                | Q(
                    status="signed",
                    signed_by__isnull=False,
                    signed_at__isnull=False,
                    document__isnull=False,
                ),
                name="letter_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, number=1)
                | Q(supersedes__isnull=False, number__gt=1, correction_reason__gt=""),
                name="letter_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="letter_period_ordered"
            ),
        ]
        triggers = [_signed_frozen(), _no_delete()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


@pghistory.track()
class TumourBoard(VersionedModel):
    """A multidisciplinary meeting (GOM, tumour board) about one patient's case."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="tumour_boards"
    )
    held_on = models.DateField(_("data della riunione"))
    diagnosis_summary = models.CharField(_("diagnosi in cartella"), max_length=400, blank=True)
    question = models.TextField(_("caso presentato e quesito"))
    # [{"user_id": 3 | null, "name": "...", "specialty": "..."}]: Corsia users and guests.
    participants = models.JSONField(_("partecipanti"), default=list)
    decision = models.TextField(_("decisione"), blank=True)
    recommendation = models.TextField(_("raccomandazione"), blank=True)
    status = models.CharField(
        _("stato"),
        max_length=8,
        choices=LetterStatusChoice.choices,
        default=LetterStatusChoice.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmata il"), null=True, blank=True)
    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("riunione multidisciplinare")
        verbose_name_plural = _("riunioni multidisciplinari")
        default_permissions = ()
        indexes = [models.Index(name="board_by_patient", fields=["patient", "-held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                | Q(
                    status="signed",
                    signed_by__isnull=False,
                    signed_at__isnull=False,
                    document__isnull=False,
                )
                & ~Q(decision=""),
                name="board_signature_complete",
            ),
        ]
        triggers = [_signed_frozen(), _no_delete()]

    def __str__(self) -> str:
        return f"GOM {self.held_on:%d/%m/%Y}"


# --- clinical reports (issue 15): pathology, imaging, consultations ------------------------------
# Entered by hand or received from the lab system (HL7 ORU, later); recorded and signed at
# once, written once (trigger); a correction is a new row of the same ``chain`` that
# ``supersedes`` the old one, with its reason. Rules in domain/reports.py.

from corsia.records.domain import reports as _reports  # noqa: E402


@pghistory.track()
class ClinicalReport(models.Model):
    """A pathology, imaging or consultation report kept in the chart."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clinical_reports"
    )
    encounter = models.ForeignKey(
        "patients.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinical_reports",
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=_choices(_reports.KIND_LABELS_IT))
    loinc = models.CharField(_("codice LOINC del tipo"), max_length=10)
    performed_on = models.DateField(_("eseguito il"))
    issuer = models.CharField(_("servizio o reparto che referta"), max_length=200)
    reporting_clinician = models.CharField(_("medico refertante"), max_length=200, blank=True)
    accession = models.CharField(_("numero di accettazione"), max_length=40, blank=True)
    examination = models.CharField(_("esame o sede"), max_length=300, blank=True)
    findings = models.TextField(_("descrizione"), blank=True)
    conclusion = models.TextField(_("conclusioni"))
    # pathology only
    histotype = models.CharField(_("istotipo"), max_length=200, blank=True)
    morphology_icdo3 = models.CharField(_("morfologia ICD-O-3"), max_length=6, blank=True)
    grade = models.CharField(_("grado"), max_length=2, choices=GradeChoice.choices, blank=True)
    # imaging only
    modality = models.CharField(
        _("metodica"), max_length=8, choices=_choices(_reports.MODALITY_LABELS_IT), blank=True
    )
    source = models.CharField(
        _("origine"),
        max_length=10,
        choices=_choices(_reports.SOURCE_LABELS_IT),
        default=_reports.ReportSource.MANUAL.value,
    )
    message_id = models.CharField(_("identificativo del messaggio"), max_length=100, blank=True)
    chain = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("corregge"),
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato e firmato il"), default=timezone.now)

    class Meta:
        verbose_name = _("referto")
        verbose_name_plural = _("referti")
        default_permissions = ()
        indexes = [models.Index(name="report_by_patient", fields=["patient", "-performed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in _reports.ReportKind]),
                name="report_kind_known",
            ),
            models.CheckConstraint(condition=~Q(loinc=""), name="report_loinc_present"),
            models.CheckConstraint(condition=~Q(conclusion=""), name="report_has_conclusion"),
            models.CheckConstraint(
                condition=Q(morphology_icdo3="") | Q(morphology_icdo3__regex=_reports.ICDO3_SQL),
                name="report_icdo3_shape",
            ),
            models.CheckConstraint(
                condition=Q(kind="pathology") | Q(histotype="", morphology_icdo3="", grade=""),
                name="report_pathology_fields",
            ),
            models.CheckConstraint(
                condition=(Q(kind="imaging") & ~Q(modality=""))
                | (~Q(kind="imaging") & Q(modality="")),
                name="report_imaging_modality",
            ),
            models.CheckConstraint(
                condition=Q(source="manual", message_id="")
                | (Q(source="interface") & ~Q(message_id="")),
                name="report_source_message",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="report_not_self_superseding"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="report_correction_has_reason",
            ),
            # an accession number names one report (its corrections repeat it)
            models.UniqueConstraint(
                fields=["patient", "kind", "accession"],
                condition=Q(supersedes__isnull=True) & ~Q(accession=""),
                name="report_accession_unique",
            ),
            # a message of the lab system is stored once (a resent ORU is not a new report)
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(source="interface"),
                name="report_message_once",
            ),
        ]
        triggers = [_read_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_on:%d/%m/%Y}"
