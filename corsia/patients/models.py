"""Patient registry: patients, identifiers, wards and beds, encounters, consents, masking,
allergies.

Persistence only. Access is governed by the named permissions of
``corsia.accounts.domain.roles`` (``default_permissions = ()`` on every model, so
Django's automatic ``view_patient``/``change_patient`` do not shadow them).
Nothing is deleted: merged patients point at their survivor, encounters are
cancelled, consents and maskings are revoked, allergies refuted or inactivated.
"""

from __future__ import annotations

from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import TimeStampedModel, VersionedModel
from corsia.patients.domain.allergies import (
    CERTAINTY_LABELS_IT,
    REACTION_LABELS_IT,
    SEVERITY_LABELS_IT,
    STATUS_LABELS_IT,
    SUBSTANCE_KIND_LABELS_IT,
    AllergyStatus,
    SubstanceKind,
)
from corsia.patients.domain.states import STATE_LABELS_IT, EncounterState


class Sex(models.TextChoices):
    MALE = "M", _("Maschio")
    FEMALE = "F", _("Femmina")


@pghistory.track()
class Patient(VersionedModel):
    mrn = models.CharField(_("numero nosologico (MRN)"), max_length=20, unique=True)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    stp_eni_code = models.CharField(_("codice STP/ENI"), max_length=16, blank=True)
    surname = models.CharField(_("cognome"), max_length=120)
    given_names = models.CharField(_("nome"), max_length=120)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("data di nascita"))
    place_of_birth = models.CharField(
        _("luogo di nascita (codice Belfiore)"), max_length=4, blank=True
    )
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    # Normalised "SURNAME GIVEN NAMES" (upper case, no accents): maintained by the services.
    search_text = models.CharField(max_length=250, editable=False, default="")

    class Meta:
        verbose_name = _("paziente")
        verbose_name_plural = _("pazienti")
        default_permissions = ()
        indexes = [
            GinIndex(
                name="patient_search_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"]
            ),
            models.Index(name="patient_cf", fields=["codice_fiscale"]),
            models.Index(name="patient_stp_eni", fields=["stp_eni_code"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale="") & Q(merged_into__isnull=True),
                name="patient_cf_unique_unmerged",
            ),
            models.UniqueConstraint(
                fields=["stp_eni_code"],
                condition=~Q(stp_eni_code="") & Q(merged_into__isnull=True),
                name="patient_stp_eni_unique_unmerged",
            ),
            models.CheckConstraint(
                condition=~Q(codice_fiscale="") | ~Q(stp_eni_code=""),
                name="patient_has_identifier",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="patient_not_self_merged"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.surname.upper()} {self.given_names} ({self.mrn})"


@pghistory.track()
class ExternalIdentifier(TimeStampedModel):
    """An identifier given to the patient by another system (ADT, CUP, regional registry)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="identifiers")
    system = models.CharField(_("sistema"), max_length=80)
    value = models.CharField(_("valore"), max_length=80)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="external_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class WardKind(models.TextChoices):
    INPATIENT = "inpatient", _("Degenza")
    DAY_HOSPITAL = "day_hospital", _("Day hospital")
    OUTPATIENT = "outpatient", _("Ambulatorio")
    PHARMACY = "pharmacy", _("Farmacia")


@pghistory.track()
class Ward(TimeStampedModel):
    code = models.CharField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=WardKind.choices)

    class Meta:
        default_permissions = ()
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceKind(models.TextChoices):
    BED = "bed", _("Letto")
    CHAIR = "chair", _("Poltrona")


@pghistory.track()
class BedOrChair(TimeStampedModel):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="places")
    code = models.CharField(_("codice"), max_length=20)
    kind = models.CharField(_("tipo"), max_length=10, choices=PlaceKind.choices)

    class Meta:
        default_permissions = ()
        ordering = ["ward", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "code"], name="bed_or_chair_unique_in_ward")
        ]

    def __str__(self) -> str:
        return f"{self.ward.code} {self.get_kind_display()} {self.code}"


class EncounterKind(models.TextChoices):
    INPATIENT = "inpatient", _("Ricovero ordinario")
    DAY_HOSPITAL = "day_hospital", _("Day hospital")
    OUTPATIENT = "outpatient", _("Ambulatoriale")


@pghistory.track()
class Encounter(VersionedModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters")
    kind = models.CharField(_("tipo"), max_length=20, choices=EncounterKind.choices)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="encounters")
    place = models.ForeignKey(
        BedOrChair, null=True, blank=True, on_delete=models.PROTECT, related_name="encounters"
    )
    admitted_at = models.DateTimeField(_("ammesso il"))
    discharged_at = models.DateTimeField(_("dimesso il"), null=True, blank=True)
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=[(s.value, label) for s, label in STATE_LABELS_IT.items()],
        default=EncounterState.ACTIVE.value,
    )
    state_reason = models.TextField(_("motivo"), blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-admitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True) | Q(discharged_at__gte=F("admitted_at")),
                name="encounter_discharge_after_admission",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(state="active"),
                name="encounter_one_active_per_patient",
            ),
            models.UniqueConstraint(
                fields=["place"],
                condition=Q(state="active") & Q(place__isnull=False),
                name="encounter_one_active_per_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ward} {self.admitted_at:%d/%m/%Y}"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Consenso al trattamento")
    DATA_PROCESSING = "data_processing", _("Trattamento dei dati personali")
    FSE = "fse", _("Alimentazione del Fascicolo Sanitario Elettronico")


@pghistory.track()
class Consent(TimeStampedModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("tipo"), max_length=20, choices=ConsentKind.choices)
    granted = models.BooleanField(_("accordato"))
    given_on = models.DateField(_("data"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {'sì' if self.granted else 'no'} {self.given_on}"


class DocumentType(models.TextChoices):
    ENCOUNTER = "patients.encounter", _("Ricovero / accesso")
    CONSENT = "patients.consent", _("Consenso")


@pghistory.track()
class Masking(TimeStampedModel):
    """Oscuramento: the patient asked that a document be hidden from the people treating them."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="maskings")
    document_type = models.CharField(_("tipo di documento"), max_length=60)
    document_id = models.BigIntegerField(_("documento"))
    requested_at = models.DateTimeField(_("richiesto il"), default=timezone.now)
    reason = models.TextField(_("motivo"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["-requested_at"]
        indexes = [models.Index(name="masking_document", fields=["document_type", "document_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_id"],
                condition=Q(revoked_at__isnull=True),
                name="masking_one_active_per_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type}:{self.document_id}"


def _choices(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(key), label) for key, label in labels.items()]


@pghistory.track()
class Allergy(VersionedModel):
    """An allergy or intolerance to a drug, a drug class or another substance.

    Never deleted: it is refuted (it was not an allergy) or inactivated (no longer so),
    each with the reason, who and when. The substance is an ingredient of the drug
    archive, an ATC class prefix, or free text (``domain/allergies.py``)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance_kind = models.CharField(
        _("tipo di sostanza"), max_length=12, choices=_choices(SUBSTANCE_KIND_LABELS_IT)
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    atc_prefix = models.CharField(_("classe ATC"), max_length=7, blank=True)
    # what is shown: the ingredient's name, the class as typed, the excipient or substance
    substance = models.CharField(_("sostanza"), max_length=200)
    reaction = models.CharField(_("reazione"), max_length=20, choices=_choices(REACTION_LABELS_IT))
    reaction_text = models.CharField(_("descrizione della reazione"), max_length=200, blank=True)
    severity = models.CharField(_("gravità"), max_length=20, choices=_choices(SEVERITY_LABELS_IT))
    certainty = models.CharField(
        _("certezza"), max_length=12, choices=_choices(CERTAINTY_LABELS_IT)
    )
    onset_date = models.DateField(_("data di comparsa"), null=True, blank=True)
    source = models.CharField(_("fonte"), max_length=200, blank=True)
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=_choices(STATUS_LABELS_IT),
        default=AllergyStatus.ACTIVE.value,
    )
    status_reason = models.TextField(_("motivo"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("allergia")
        verbose_name_plural = _("allergie")
        default_permissions = ()
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(name="allergy_patient_status", fields=["patient", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(substance_kind=SubstanceKind.INGREDIENT.value, ingredient__isnull=False)
                    | (
                        ~Q(substance_kind=SubstanceKind.INGREDIENT.value)
                        & Q(ingredient__isnull=True)
                    )
                ),
                name="allergy_ingredient_iff_kind",
            ),
            models.CheckConstraint(
                condition=~Q(substance_kind=SubstanceKind.DRUG_CLASS.value) | ~Q(atc_prefix=""),
                name="allergy_class_has_atc",
            ),
            models.CheckConstraint(
                condition=Q(status=AllergyStatus.ACTIVE.value) | ~Q(status_reason=""),
                name="allergy_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substance} ({self.get_severity_display()})"


@pghistory.track()
class NoKnownAllergies(TimeStampedModel):
    """The statement "no known allergies" (NKDA), as asked on ``stated_on``: it ends when an
    allergy is recorded (or the statement is withdrawn). Without any, the allergies were
    never asked."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="no_known_allergies"
    )
    stated_on = models.DateField(_("dichiarato il"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-stated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ended_at__isnull=True),
                name="nkda_one_current_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"NKDA {self.stated_on}"


@pghistory.track()
class WardAssignment(TimeStampedModel):
    """A user assigned to a ward: under the ``care`` scope they read its patients
    (``corsia.patients.scope``); a masked stay in progress stays visible to them. Ended,
    never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ward_assignments"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("terminata il"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["ward__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "ward"],
                condition=Q(ended_at__isnull=True),
                name="ward_assignment_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.ward_id}"


class BreakGlassCategory(models.TextChoices):
    EMERGENCY = "emergency", _("Emergenza")
    CONSULTATION = "consultation", _("Consulenza")
    CONTINUITY = "continuity", _("Continuità assistenziale")
    OTHER = "other", _("Altro")


class BreakGlassOutcome(models.TextChoices):
    PENDING = "", _("Da rivedere")
    JUSTIFIED = "justified", _("Giustificato")
    NOT_JUSTIFIED = "not_justified", _("Non giustificato")


@pghistory.track()
class BreakGlassGrant(TimeStampedModel):
    """Break-the-glass: a user outside the patient's care asked, with a reason, to read them
    for a while; the privacy officer reviews each one afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("categoria"), max_length=20, choices=BreakGlassCategory.choices)
    reason = models.TextField(_("motivo"))
    workstation = models.CharField(max_length=120, blank=True)
    granted_at = models.DateTimeField(_("concesso il"))
    expires_at = models.DateTimeField(_("scade il"))
    outcome = models.CharField(
        _("esito della revisione"),
        max_length=16,
        choices=BreakGlassOutcome.choices,
        blank=True,
        default="",
    )
    review_note = models.TextField(_("nota della revisione"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("rivisto il"), null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(name="break_glass_user", fields=["user", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")), name="break_glass_expires_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}->{self.patient_id} {self.granted_at:%Y-%m-%d %H:%M}"


class MergeState(models.TextChoices):
    MERGED = "merged", _("In vigore")
    UNMERGED = "unmerged", _("Annullata")


@pghistory.track()
class PatientMerge(TimeStampedModel):
    """Two registrations of one person merged (by hand or an ADT A40): who, when, why, and —
    in ``moves`` — exactly which rows of which module went from the duplicate to the
    survivor, so the merge can be undone (``patient_unmerge``) row for row."""

    survivor = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("stato"), max_length=10, choices=MergeState.choices, default=MergeState.MERGED
    )
    reason = models.TextField(_("motivo"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("unito il"), default=timezone.now)
    workstation = models.CharField(max_length=120, blank=True)
    # Duplicates merged earlier into the duplicate, re-pointed to the survivor by this merge.
    earlier_duplicates = models.JSONField(default=list, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    unmerge_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    unmerge_workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("duplicate")), name="patient_merge_two_patients"
            ),
            models.CheckConstraint(
                condition=Q(state="merged", unmerged_at__isnull=True)
                | Q(state="unmerged", unmerged_at__isnull=False),
                name="patient_merge_state_consistent",
            ),
            # One merge in force per duplicate.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(state="merged"),
                name="patient_merge_one_in_force_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id}->{self.survivor_id} ({self.state})"


class PatientMergeMove(models.Model):
    """What one module moved for one merge, by model: the ids of the rows re-pointed (and
    those it left on the duplicate, with why). Written once."""

    merge = models.ForeignKey(PatientMerge, on_delete=models.PROTECT, related_name="moves")
    module = models.CharField(max_length=40)
    model = models.CharField(max_length=80)  # app_label.ModelName
    row_ids = models.JSONField(default=list)
    left_ids = models.JSONField(default=list, blank=True)
    left_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["merge", "module", "model"]
        constraints = [
            models.UniqueConstraint(fields=["merge", "model"], name="patient_merge_move_once")
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.merge_id} {self.model}: {len(self.row_ids)}"


# Registered with the app from its own file (ADR 0008: no file over ~500 lines).
from corsia.patients.models_pgx import PgxResult  # noqa: E402, F401
