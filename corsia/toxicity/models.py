"""Toxicity: CTCAE v5.0 reference terms, adverse-event records, extravasation events.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``toxicity.view_toxicity``, ``toxicity.record_toxicity``),
so every model has ``default_permissions = ()``. Nothing is deleted and a recorded value is
never updated: a correction is a new ``ToxicityRecord`` that ``supersedes`` the old one; a
record entered by mistake is flagged ``entered_in_error`` with a reason. Every table is
tracked by django-pghistory.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, correction_link
from corsia.toxicity.domain.extravasation import CLASS_LABELS_IT, ExtravasationClass
from corsia.toxicity.domain.grading import GRADES


def _italian() -> bool:
    return (get_language() or "it").startswith("it")


@pghistory.track()
class CtcaeTerm(TimeStampedModel):
    """One NCI CTCAE v5.0 term. An empty grade text means the grade does not apply.

    ``term`` and ``soc`` are NCI's English; ``term_it`` and ``soc_it`` the Corsia Italian
    translation (``data/ctcae_v5_it.csv``, to be reviewed by a clinician): ``label`` and
    ``soc_label`` give the one of the active language. Grade texts stay in English."""

    meddra_code = models.CharField(_("codice MedDRA (LLT)"), max_length=10, unique=True)
    soc = models.CharField(_("classe sistemico-organica (SOC)"), max_length=120)
    term = models.CharField(_("termine CTCAE"), max_length=200)
    soc_it = models.CharField(_("classe sistemico-organica (italiano)"), max_length=120, blank=True)
    term_it = models.CharField(_("termine CTCAE (italiano)"), max_length=200, blank=True)
    grade_1 = models.TextField(_("grado 1"), blank=True)
    grade_2 = models.TextField(_("grado 2"), blank=True)
    grade_3 = models.TextField(_("grado 3"), blank=True)
    grade_4 = models.TextField(_("grado 4"), blank=True)
    grade_5 = models.TextField(_("grado 5"), blank=True)
    definition = models.TextField(_("definizione"), blank=True)
    navigational_note = models.TextField(_("nota di navigazione"), blank=True)
    # Lower case, no accents: what the autocomplete compares (pg_trgm GIN indexes), in
    # English and in Italian.
    search_text = models.CharField(max_length=200, editable=False, default="")
    search_text_it = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        verbose_name = _("termine CTCAE")
        verbose_name_plural = _("termini CTCAE")
        default_permissions = ()
        ordering = ["term"]
        indexes = [
            GinIndex(name="ctcae_term_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"]),
            GinIndex(
                name="ctcae_term_it_trgm", fields=["search_text_it"], opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The term in the active language (English where no translation is loaded)."""
        return self.term_it if self.term_it and _italian() else self.term

    @property
    def soc_label(self) -> str:
        """The organ class in the active language."""
        return self.soc_it if self.soc_it and _italian() else self.soc

    def grade_texts(self) -> dict[int, str]:
        return {g: getattr(self, f"grade_{g}") for g in GRADES}


class Attribution(models.TextChoices):
    UNRELATED = "unrelated", _("Non correlato")
    UNLIKELY = "unlikely", _("Improbabile")
    POSSIBLE = "possible", _("Possibile")
    PROBABLE = "probable", _("Probabile")
    DEFINITE = "definite", _("Certo")


class Grade(models.IntegerChoices):
    G1 = 1, _("Grado 1 – lieve")
    G2 = 2, _("Grado 2 – moderato")
    G3 = 3, _("Grado 3 – severo")
    G4 = 4, _("Grado 4 – pericolo di vita")
    G5 = 5, _("Grado 5 – decesso")


@pghistory.track()
class ToxicityRecord(TimeStampedModel):
    """An adverse event of a patient, graded with CTCAE v5.0.

    Append-only in substance: the clinical values are written once. ``is_current`` is
    False once the record is superseded by a correction or entered in error; the
    prescribing page reads only current records (partial index below).
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="toxicities"
    )
    term = models.ForeignKey(CtcaeTerm, on_delete=models.PROTECT, related_name="records")
    grade = models.PositiveSmallIntegerField(_("grado CTCAE"), choices=Grade.choices)
    attribution = models.CharField(
        _("correlazione con il farmaco"), max_length=12, choices=Attribution.choices
    )
    suspected_ingredients = models.ManyToManyField(
        "drugs.ActiveIngredient",
        blank=True,
        related_name="+",
        verbose_name=_("farmaci sospetti"),
    )
    onset_date = models.DateField(_("data di insorgenza"))
    resolution_date = models.DateField(_("data di risoluzione"), null=True, blank=True)
    serious = models.BooleanField(_("evento avverso grave"), default=False)
    notes = models.TextField(_("note"), blank=True)
    # The prescribing order (corsia.prescribing) the event followed, when known. A plain id,
    # not a foreign key: toxicity sits below prescribing in the module order (ADR 0003).
    order_id = models.BigIntegerField(
        _("ordine di terapia"),
        null=True,
        blank=True,
        help_text=_("Id dell'ordine di prescrizione (corsia.prescribing), se noto."),
    )
    cycle_number = models.PositiveSmallIntegerField(_("ciclo"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    supersedes = correction_link()
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)
    is_current = models.BooleanField(_("versione in vigore"), default=True)
    entered_in_error = models.BooleanField(_("inserito per errore"), default=False)
    entered_in_error_reason = models.TextField(_("motivo"), blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tossicità")
        verbose_name_plural = _("tossicità")
        default_permissions = ()
        indexes = [
            # patient_toxicities / worst_grade_since / latest_toxicity_summary
            models.Index(
                name="toxicity_current_by_patient",
                fields=["patient", "-onset_date"],
                condition=Q(is_current=True),
            ),
            models.Index(name="toxicity_by_order", fields=["order_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=5), name="toxicity_grade_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(resolution_date__isnull=True) | Q(resolution_date__gte=F("onset_date")),
                name="toxicity_resolution_after_onset",
            ),
            models.CheckConstraint(
                condition=Q(cycle_number__isnull=True) | Q(cycle_number__gte=1),
                name="toxicity_cycle_positive",
            ),
            models.CheckConstraint(
                condition=Q(entered_in_error=False) | Q(is_current=False),
                name="toxicity_error_not_current",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="toxicity_not_self_superseding"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} G{self.grade} ({self.onset_date:%d/%m/%Y})"


class ExtravasationClassChoice(models.TextChoices):
    VESICANT = ExtravasationClass.VESICANT.value, CLASS_LABELS_IT[ExtravasationClass.VESICANT]
    IRRITANT = ExtravasationClass.IRRITANT.value, CLASS_LABELS_IT[ExtravasationClass.IRRITANT]
    NON_VESICANT = (
        ExtravasationClass.NON_VESICANT.value,
        CLASS_LABELS_IT[ExtravasationClass.NON_VESICANT],
    )
    UNKNOWN = ExtravasationClass.UNKNOWN.value, CLASS_LABELS_IT[ExtravasationClass.UNKNOWN]


@pghistory.track()
class ExtravasationEvent(TimeStampedModel):
    """An extravasation at the bedside and what was done about it (written once)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="extravasations"
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    # As ToxicityRecord.order_id: the prescribing order, when known.
    order_id = models.BigIntegerField(_("ordine di terapia"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("avvenuto il"))
    site = models.CharField(_("sede"), max_length=200)
    estimated_volume_ml = models.DecimalField(
        _("volume stimato (mL)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    symptoms = models.TextField(_("sintomi e aspetto"), blank=True)
    # Snapshot of the guidance applied (it may change with a new protocol).
    extravasation_class = models.CharField(
        _("classe di stravaso"), max_length=20, choices=ExtravasationClassChoice.choices
    )
    procedure_code = models.CharField(_("procedura"), max_length=40)
    steps_done = models.JSONField(_("passi eseguiti"), default=list, blank=True)
    actions_taken = models.TextField(_("azioni intraprese"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("stravaso")
        verbose_name_plural = _("stravasi")
        default_permissions = ()
        indexes = [
            models.Index(name="extravasation_by_patient", fields=["patient", "-occurred_at"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_volume_ml__isnull=True) | Q(estimated_volume_ml__gte=0),
                name="extravasation_volume_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ingredient} {self.occurred_at:%d/%m/%Y %H:%M}"
