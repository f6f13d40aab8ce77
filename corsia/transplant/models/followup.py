"""The follow-up after the transplant: visits, GVHD assessments, viral loads, response and
outcome records, consents and adverse events (JACIE), and the hospital's settings the
follow-up reads (viral-load thresholds, immunosuppressant trough ranges).

A visit is a draft edited under optimistic locking until signed; once signed it is
read-only (a trigger) and a correction is a new visit superseding it, with a reason. Every
other record is written once (append-only by a trigger); a correction is a new row that
``supersedes`` it, with a reason. The GVHD stages, grades and scores are computed by the
services from the stored measures (``domain/agvhd.py``, ``domain/nih_organs.py``,
``domain/cgvhd.py``), never typed. Nothing is deleted; every table is tracked."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.domain.codes import LabelledCode
from corsia.core.models import VersionedModel, WrittenOnceModel
from corsia.core.triggers import frozen_when_movable, read_only_movable
from corsia.transplant.domain import followup_codes as codes

__all__ = [
    "AdverseEvent", "AgvhdAssessment", "CgvhdAssessment", "Consent", "FollowUpVisit", "Outcome",
    "ResponseAssessment", "TroughTarget", "ViralLoad", "ViralThreshold",
]  # fmt: skip


def _choices(code: type[LabelledCode]) -> list[tuple[str, str]]:
    return [(member.value, member.label_it) for member in code]


def _correction_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=~Q(supersedes=F("id")), name=f"{prefix}_not_self_superseding"
        ),
        models.CheckConstraint(
            condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
            name=f"{prefix}_correction_has_reason",
        ),
    ]


class _OnCase(WrittenOnceModel):
    """A written-once record of a transplant case (and its patient, for merges and scope)."""

    transplant = models.ForeignKey(
        "transplant.Transplant", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    day = models.IntegerField(_("giorno dal trapianto"), null=True)
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        abstract = True


@pghistory.track()
class FollowUpVisit(VersionedModel):
    """A follow-up visit: status and diary, examination, tests, consultations and the
    clinical decisions. Read-only once signed."""

    transplant = models.ForeignKey(
        "transplant.Transplant", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("stato"), max_length=8, choices=_choices(codes.VisitState), default="draft"
    )
    visit_on = models.DateField(_("data della visita"))
    day = models.IntegerField(_("giorno dal trapianto"), null=True)
    current_status = models.TextField(_("stato attuale e diario"), blank=True)
    examination = models.TextField(_("esame obiettivo"), blank=True)
    instrumental_tests = models.TextField(_("esami strumentali"), blank=True)
    consultations = models.TextField(_("consulenze"), blank=True)
    conclusions = models.TextField(_("conclusioni"), blank=True)
    immunosuppressant = models.CharField(
        _("immunosoppressore"), max_length=12, choices=_choices(codes.Immunosuppressant),
        default="none",
    )  # fmt: skip
    immunosuppressant_dose = models.CharField(_("dose e schema"), max_length=200, blank=True)
    level_ng_ml = models.DecimalField(
        _("livello (ng/mL)"), max_digits=7, decimal_places=2, null=True
    )
    level_sampled_at = models.DateTimeField(_("prelievo del livello"), null=True)
    level_next_dose_at = models.DateTimeField(_("dose successiva al prelievo"), null=True)
    level_band = models.CharField(
        _("livello rispetto al bersaglio"), max_length=14, choices=_choices(codes.LevelBand),
        blank=True,
    )  # fmt: skip
    day_hospital_therapy = models.TextField(_("terapia in day hospital"), blank=True)
    home_therapy = models.TextField(_("terapia domiciliare"), blank=True)
    next_follow_up_on = models.DateField(_("prossimo controllo"), null=True)
    performance_scale = models.CharField(_("scala"), max_length=10, blank=True)
    performance_score = models.PositiveSmallIntegerField(_("performance status"), null=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(_("postazione"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("firmata il"), null=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("motivo della correzione"), blank=True)

    class Meta:
        verbose_name = _("visita di follow-up")
        verbose_name_plural = _("visite di follow-up")
        default_permissions = ()
        indexes = [models.Index(name="tx_visit_case", fields=["transplant", "-visit_on"])]
        constraints = [
            *_correction_checks("tx_visit"),
            models.CheckConstraint(
                condition=~Q(state="signed") | Q(signed_at__isnull=False),
                name="tx_visit_signed_has_time",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="tx_visit_no_delete", operation=pgtrigger.Delete),
            frozen_when_movable("tx_visit_signed_frozen", "OLD.state = 'signed'"),
        ]

    @property
    def band_label(self) -> str:
        return codes.LevelBand(self.level_band).label_it if self.level_band else ""


@pghistory.track()
class AgvhdAssessment(_OnCase):
    """Acute GVHD by MAGIC: the measures, and the stages and grade computed from them."""

    assessed_on = models.DateField(_("data della valutazione"))
    rash_bsa = models.DecimalField(_("rash (% BSA)"), max_digits=5, decimal_places=2)
    bullae = models.BooleanField(_("bolle"), default=False)
    desquamation_bsa = models.DecimalField(
        _("desquamazione (% BSA)"), max_digits=5, decimal_places=2
    )
    bilirubin = models.DecimalField(_("bilirubina totale"), max_digits=8, decimal_places=2)
    bilirubin_unit = models.CharField(_("unità"), max_length=8)
    persistent_upper_gi = models.BooleanField(
        _("nausea/vomito/anoressia persistenti"), default=False
    )
    stool_ml_per_day = models.DecimalField(
        _("feci (mL/die)"), max_digits=7, decimal_places=1, null=True
    )
    stool_episodes = models.PositiveSmallIntegerField(_("scariche/die"), null=True)
    severe_pain_or_ileus = models.BooleanField(_("dolore addominale severo o ileo"), default=False)
    grossly_bloody_stool = models.BooleanField(_("feci francamente ematiche"), default=False)
    paediatric = models.BooleanField(_("pediatrico"), default=False)
    weight_kg = models.DecimalField(_("peso (kg)"), max_digits=6, decimal_places=2, null=True)
    skin_stage = models.PositiveSmallIntegerField(_("stadio cute"))
    liver_stage = models.PositiveSmallIntegerField(_("stadio fegato"))
    upper_gi_stage = models.PositiveSmallIntegerField(_("stadio GI superiore"))
    lower_gi_stage = models.PositiveSmallIntegerField(_("stadio GI inferiore"))
    grade = models.PositiveSmallIntegerField(_("grado MAGIC"))

    class Meta:
        verbose_name = _("valutazione GVHD acuta")
        verbose_name_plural = _("valutazioni GVHD acuta")
        default_permissions = ()
        indexes = [models.Index(name="tx_agvhd_case", fields=["transplant", "assessed_on"])]
        constraints = [
            *_correction_checks("tx_agvhd"),
            models.CheckConstraint(condition=Q(grade__lte=4), name="tx_agvhd_grade_range"),
        ]
        triggers = [read_only_movable()]

    @property
    def grade_roman(self) -> str:
        return ("0", "I", "II", "III", "IV")[self.grade]


@pghistory.track()
class CgvhdAssessment(_OnCase):
    """Chronic GVHD by NIH 2014: the measures per organ (``measures``), the organ scores
    computed from them and the global severity."""

    assessed_on = models.DateField(_("data della valutazione"))
    measures = models.JSONField(_("misure"), default=dict)
    scores = models.JSONField(_("punteggi d'organo"), default=dict)
    explained_by_other_cause = models.JSONField(_("organi spiegati da altra causa"), default=list)
    severity = models.CharField(_("gravità globale"), max_length=10)

    class Meta:
        verbose_name = _("valutazione GVHD cronica")
        verbose_name_plural = _("valutazioni GVHD cronica")
        default_permissions = ()
        indexes = [models.Index(name="tx_cgvhd_case", fields=["transplant", "assessed_on"])]
        constraints = _correction_checks("tx_cgvhd")
        triggers = [read_only_movable()]


@pghistory.track()
class ViralLoad(_OnCase):
    """One CMV-DNA or EBV-DNA result, with its unit kept as reported."""

    virus = models.CharField(_("virus"), max_length=4, choices=_choices(codes.Virus))
    sampled_on = models.DateField(_("data del prelievo"))
    kind = models.CharField(_("esito"), max_length=14, choices=_choices(codes.LoadKind))
    unit = models.CharField(_("unità"), max_length=10, choices=_choices(codes.LoadUnit))
    value = models.DecimalField(_("valore"), max_digits=16, decimal_places=2, null=True)
    lloq = models.DecimalField(
        _("limite di quantificazione"), max_digits=16, decimal_places=2, null=True
    )
    iu_per_copy = models.DecimalField(_("UI per copia"), max_digits=10, decimal_places=4, null=True)
    entered_in_error = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("carica virale")
        verbose_name_plural = _("cariche virali")
        default_permissions = ()
        indexes = [models.Index(name="tx_viral_case", fields=["transplant", "virus", "sampled_on"])]
        constraints = _correction_checks("tx_viral")
        triggers = [read_only_movable()]


@pghistory.track()
class ResponseAssessment(_OnCase):
    """The disease's response at a re-evaluation."""

    assessed_on = models.DateField(_("data della valutazione"))
    response = models.CharField(_("risposta"), max_length=20, choices=_choices(codes.Response))

    class Meta:
        verbose_name = _("valutazione della risposta")
        verbose_name_plural = _("valutazioni della risposta")
        default_permissions = ()
        constraints = _correction_checks("tx_response")
        triggers = [read_only_movable()]


@pghistory.track()
class Outcome(_OnCase):
    """The outcome at day +100, one year, later yearly; death with its cause."""

    time_point = models.CharField(_("follow-up"), max_length=10, choices=_choices(codes.TimePoint))
    assessed_on = models.DateField(_("ultimo contatto"))
    survival = models.CharField(_("stato in vita"), max_length=18, choices=_choices(codes.Survival))
    death_date = models.DateField(_("data del decesso"), null=True)
    death_cause = models.CharField(
        _("causa del decesso"), max_length=24, choices=_choices(codes.DeathCause), blank=True
    )
    hsct_related_cause = models.CharField(
        _("causa legata al trapianto"), max_length=28, choices=_choices(codes.HsctRelatedCause),
        blank=True,
    )  # fmt: skip
    performance_scale = models.CharField(_("scala"), max_length=10, blank=True)
    performance_score = models.PositiveSmallIntegerField(_("performance status"), null=True)

    class Meta:
        verbose_name = _("esito")
        verbose_name_plural = _("esiti")
        default_permissions = ()
        constraints = _correction_checks("tx_outcome")
        triggers = [read_only_movable()]


@pghistory.track()
class Consent(_OnCase):
    """A consent the patient gave (JACIE): kind, date, information sheet's version."""

    kind = models.CharField(_("consenso"), max_length=10, choices=_choices(codes.ConsentKind))
    given_on = models.DateField(_("data"))
    granted = models.BooleanField(_("accordato"), default=True)
    document_version = models.CharField(_("versione del modulo informativo"), max_length=40)

    class Meta:
        verbose_name = _("consenso")
        verbose_name_plural = _("consensi")
        default_permissions = ()
        constraints = _correction_checks("tx_consent")
        triggers = [read_only_movable()]


@pghistory.track()
class AdverseEvent(_OnCase):
    """An adverse event (JACIE): CTCAE term and grade, seriousness, relation, report."""

    occurred_on = models.DateField(_("data"))
    term = models.CharField(_("evento (termine CTCAE)"), max_length=200)
    ctcae_grade = models.PositiveSmallIntegerField(_("grado CTCAE"))
    severity = models.CharField(
        _("gravità"), max_length=12, choices=_choices(codes.AdverseSeverity)
    )
    relation = models.CharField(
        _("correlazione"), max_length=10, choices=_choices(codes.AdverseRelation)
    )
    reported_on = models.DateField(_("segnalato all'autorità il"), null=True)

    class Meta:
        verbose_name = _("evento avverso")
        verbose_name_plural = _("eventi avversi")
        default_permissions = ()
        constraints = [
            *_correction_checks("tx_adverse"),
            models.CheckConstraint(
                condition=Q(ctcae_grade__gte=1, ctcae_grade__lte=5), name="tx_adverse_grade_range"
            ),
        ]
        triggers = [read_only_movable()]


@pghistory.track()
class ViralThreshold(models.Model):
    """The hospital's threshold for pre-emptive therapy of a virus (data, not code)."""

    virus = models.CharField(_("virus"), max_length=4, choices=_choices(codes.Virus), unique=True)
    value = models.DecimalField(_("soglia"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unità"), max_length=10, choices=_choices(codes.LoadUnit))
    label = models.CharField(_("descrizione"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("soglia di carica virale")
        verbose_name_plural = _("soglie di carica virale")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.virus}: {self.value} {self.unit}"


@pghistory.track()
class TroughTarget(models.Model):
    """The hospital's trough range of an immunosuppressant for days ``from_day``–``to_day``."""

    drug = models.CharField(_("farmaco"), max_length=12, choices=_choices(codes.Immunosuppressant))
    from_day = models.IntegerField(_("dal giorno"))
    to_day = models.IntegerField(_("al giorno"))
    low = models.DecimalField(_("minimo (ng/mL)"), max_digits=7, decimal_places=2)
    high = models.DecimalField(_("massimo (ng/mL)"), max_digits=7, decimal_places=2)
    window_minutes = models.PositiveSmallIntegerField(
        _("finestra del prelievo (minuti)"), default=60
    )

    class Meta:
        verbose_name = _("intervallo bersaglio dell'immunosoppressore")
        verbose_name_plural = _("intervalli bersaglio degli immunosoppressori")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(high__gt=F("low")), name="tx_trough_range_order"),
            models.CheckConstraint(
                condition=Q(to_day__gte=F("from_day")), name="tx_trough_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} giorni {self.from_day}–{self.to_day}: {self.low}–{self.high}"
