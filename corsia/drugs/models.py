"""Drug archive: active ingredients, medicinal products, packs, interactions, PGx.

Reference data, versioned with django-pghistory: every insert and update writes an
event row carrying the import's context (source, file name, user).
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.drugs.domain.compounding_data import missing_compounding_fields
from corsia.drugs.domain.formulation import Formulation

COMPOUNDING_VALUE_FIELDS = (
    "physical_state", "preparation_mode", "formulation", "concentration",
    "reconstitution_diluent", "reconstitution_volume_ml", "compatible_diluents",
    "final_concentration_min", "final_concentration_max", "reconstituted_stability_hours",
    "reconstituted_stability_temperature", "reconstituted_protect_from_light",
    "diluted_stability_hours", "diluted_stability_temperature", "diluted_protect_from_light",
    "diluted_stability_conditions", "photosensitive", "filter_required", "density_g_ml",
    "compounding_sources", "compounding_not_applicable",
)  # fmt: skip


class ExtravasationClass(models.TextChoices):
    VESICANT = "vesicant", _("vescicante")
    IRRITANT = "irritant", _("irritante")
    NON_VESICANT = "non_vesicant", _("non vescicante")
    UNKNOWN = "", _("non classificato")


class EmetogenicRisk(models.TextChoices):
    """MASCC/ESMO 2016 (updated 2023) emetogenic classes of intravenous agents."""

    HIGH = "high", _("alto (>90%)")
    MODERATE = "moderate", _("moderato (30-90%)")
    LOW = "low", _("basso (10-30%)")
    MINIMAL = "minimal", _("minimo (<10%)")
    UNKNOWN = "", _("non classificato")


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MG_M2 = "mg/m2", "mg/m²"
    MG_KG = "mg/kg", "mg/kg"
    IU = "IU", "UI"
    IU_M2 = "IU/m2", "UI/m²"
    MCG = "mcg", "µg"
    MCG_KG = "mcg/kg", "µg/kg"
    G = "g", "g"
    MMOL = "mmol", "mmol"
    ML = "mL", "mL"
    AUC = "AUC", "AUC"


@pghistory.track()
class ActiveIngredient(VersionedModel):
    """An active ingredient (principio attivo), named by its INN.

    ``code`` is the stable key other modules and data files use: the English INN in
    lower case with underscores (``fluorouracil``, ``calcium_folinate``).
    """

    code = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(_("INN (inglese)"), max_length=120)
    name_it = models.CharField(_("DCI (italiano)"), max_length=120)
    atc_code = models.CharField(_("codice ATC"), max_length=7, blank=True, db_index=True)
    other_atc_codes = models.JSONField(_("altri codici ATC"), default=list, blank=True)
    synonyms = models.JSONField(_("sinonimi"), default=list, blank=True)
    therapeutic_class = models.CharField(_("classe"), max_length=160, blank=True)
    combination_of = models.JSONField(_("associazione di"), default=list, blank=True)
    is_antineoplastic = models.BooleanField(_("antineoplastico"), default=False)
    extravasation_class = models.CharField(
        _("classe di stravaso"), max_length=20, choices=ExtravasationClass.choices, blank=True
    )
    extravasation_management = models.TextField(_("gestione dello stravaso"), blank=True)
    emetogenic_risk = models.CharField(
        _("rischio emetogeno"), max_length=10, choices=EmetogenicRisk.choices, blank=True
    )
    emetogenic_note = models.CharField(_("nota rischio emetogeno"), max_length=255, blank=True)
    max_single_dose = models.DecimalField(
        _("dose singola massima"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    max_single_dose_unit = models.CharField(max_length=10, choices=DoseUnit.choices, blank=True)
    max_single_dose_note = models.CharField(max_length=255, blank=True)
    cumulative_limit = models.DecimalField(
        _("dose cumulativa massima"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    cumulative_limit_unit = models.CharField(max_length=10, choices=DoseUnit.choices, blank=True)
    cumulative_limit_note = models.CharField(max_length=255, blank=True)
    aifa_registry = models.BooleanField(_("registro di monitoraggio AIFA"), default=False)
    law_648_uses = models.JSONField(_("usi Legge 648/96"), default=list, blank=True)
    high_cost = models.BooleanField(_("alto costo"), default=False)
    innovative = models.BooleanField(_("innovativo"), default=False)
    notes = models.TextField(_("note"), blank=True)
    data_source = models.CharField(_("fonte"), max_length=255, blank=True)
    to_verify = models.BooleanField(_("da verificare dal farmacista"), default=True)

    class Meta:
        verbose_name = _("principio attivo")
        verbose_name_plural = _("principi attivi")
        ordering = ["name_it"]

    def __str__(self) -> str:
        return self.name_it


class PhysicalState(models.TextChoices):
    POWDER = "powder", _("polvere (liofilizzato)")
    SOLUTION = "solution", _("soluzione")
    CONCENTRATE = "concentrate", _("concentrato per soluzione")
    SUSPENSION = "suspension", _("sospensione / dispersione")
    SOLID_ORAL = "solid_oral", _("forma orale solida")
    OTHER = "other", _("altro")


class PreparationMode(models.TextChoices):
    MANUAL = "manual", _("manuale")
    AUTOMATED = "automated", _("automatizzata")
    BOTH = "both", _("manuale o automatizzata")
    NOT_COMPOUNDED = "none", _("non allestito in UFA")


@pghistory.track()
class MedicinalProduct(VersionedModel):
    """A medicinal product (specialità / equivalente) at one strength and presentation."""

    code = models.SlugField(max_length=120, unique=True)
    ingredient = models.ForeignKey(
        ActiveIngredient, on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("denominazione commerciale"), max_length=160)
    holder = models.CharField(_("titolare AIC"), max_length=160, blank=True)
    form = models.CharField(_("forma farmaceutica"), max_length=160, blank=True)
    route = models.CharField(_("via di somministrazione"), max_length=60, blank=True)
    formulation = models.CharField(
        _("formulazione"),
        max_length=24,
        choices=[(f.value, f.label_it) for f in Formulation],
        default=Formulation.CONVENTIONAL,
        db_default="conventional",
    )
    strength = models.DecimalField(
        _("dosaggio"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    strength_unit = models.CharField(max_length=10, choices=DoseUnit.choices, default="mg")
    physical_state = models.CharField(
        _("stato fisico"), max_length=12, choices=PhysicalState.choices, blank=True
    )
    nominal_volume_ml = models.DecimalField(
        _("volume nominale (mL)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    overfill_volume_ml = models.DecimalField(
        _("sovrariempimento (mL)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    reconstitution_diluent = models.CharField(
        _("solvente di ricostituzione"), max_length=160, blank=True
    )
    reconstitution_volume_ml = models.DecimalField(
        _("volume di ricostituzione (mL)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    concentration = models.DecimalField(
        _("concentrazione (per mL, dopo ricostituzione)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
    )
    concentration_unit = models.CharField(max_length=10, default="mg/mL", blank=True)
    compatible_diluents = models.JSONField(_("diluenti compatibili"), default=list, blank=True)
    final_concentration_min = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    final_concentration_max = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    reconstituted_stability_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    reconstituted_stability_temperature = models.CharField(max_length=40, blank=True)
    reconstituted_protect_from_light = models.BooleanField(default=False)
    diluted_stability_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    diluted_stability_temperature = models.CharField(max_length=40, blank=True)
    diluted_protect_from_light = models.BooleanField(default=False)
    stability_note = models.TextField(blank=True)
    storage = models.CharField(_("conservazione"), max_length=160, blank=True)
    photosensitive = models.BooleanField(_("fotosensibile"), default=False)
    pvc_free_required = models.BooleanField(_("richiede materiali senza PVC/DEHP"), default=False)
    filter_required = models.CharField(_("filtro in linea"), max_length=120, blank=True)
    density_g_ml = models.DecimalField(
        _("densità (g/mL)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    density_source = models.CharField(max_length=255, blank=True)
    # Compounding data by SmPC section (corsia.drugs.domain.compounding_data): stability
    # after dilution by container and temperature; the source cited per field; the fields
    # that do not apply and why; the pharmacist who confirmed them, and when.
    diluted_stability_conditions = models.JSONField(default=list, blank=True, db_default=[])
    compounding_sources = models.JSONField(default=dict, blank=True, db_default={})
    compounding_not_applicable = models.JSONField(default=dict, blank=True, db_default={})
    compounding_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    compounding_verified_at = models.DateTimeField(null=True, blank=True)
    biosimilar_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="biosimilars"
    )
    preparation_mode = models.CharField(
        _("allestimento"), max_length=10, choices=PreparationMode.choices, default="manual"
    )
    data_source = models.CharField(_("fonte"), max_length=255, blank=True)
    to_verify = models.BooleanField(_("da verificare dal farmacista"), default=True)

    class Meta:
        verbose_name = _("medicinale")
        verbose_name_plural = _("medicinali")
        ordering = ["name", "strength"]

    def compounding_values(self) -> dict[str, Any]:
        """The fields ``domain.compounding_data`` reads, by name (ingredient as its code)."""
        values = {name: getattr(self, name) for name in COMPOUNDING_VALUE_FIELDS}
        values["ingredient"] = self.ingredient.code
        return values

    @property
    def compounding_missing(self) -> tuple[str, ...]:
        """The compounding fields this product lacks (empty when not compounded)."""
        return missing_compounding_fields(self.compounding_values())

    def __str__(self) -> str:
        if self.strength is None:
            return self.name
        return f"{self.name} {self.strength.normalize():f} {self.strength_unit}"


@pghistory.track()
class Pack(VersionedModel):
    """A pack (confezione) of a product: what is bought, stocked and scanned."""

    code = models.SlugField(max_length=140, unique=True)
    product = models.ForeignKey(MedicinalProduct, on_delete=models.PROTECT, related_name="packs")
    aic = models.CharField(_("codice AIC"), max_length=9, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    units_per_pack = models.PositiveIntegerField(_("unità per confezione"), default=1)
    price_eur = models.DecimalField(
        _("prezzo (€)"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    price_kind = models.CharField(max_length=40, blank=True)
    reimbursement_class = models.CharField(_("classe SSN"), max_length=4, blank=True)
    reference_price_eur = models.DecimalField(
        _("prezzo di riferimento (€)"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    equivalence_group = models.CharField(
        _("gruppo di equivalenza"), max_length=12, blank=True, db_default=""
    )
    withdrawn_on = models.DateField(_("ritirata dal"), null=True, blank=True)
    data_source = models.CharField(_("fonte"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("confezione")
        verbose_name_plural = _("confezioni")
        ordering = ["product__name", "units_per_pack"]
        constraints = [
            models.UniqueConstraint(
                fields=["aic"], condition=~models.Q(aic=""), name="drugs_pack_aic_unique"
            ),
            models.UniqueConstraint(
                fields=["gtin"], condition=~models.Q(gtin=""), name="drugs_pack_gtin_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.aic or self.code})"


@pghistory.track()
class Interaction(VersionedModel):
    """An interaction between two ingredients (``ingredient_a.code`` < ``ingredient_b.code``)."""

    ingredient_a = models.ForeignKey(ActiveIngredient, on_delete=models.PROTECT, related_name="+")
    ingredient_b = models.ForeignKey(ActiveIngredient, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(max_length=20)
    effect = models.TextField()
    management = models.TextField()
    source = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("interazione")
        verbose_name_plural = _("interazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["ingredient_a", "ingredient_b"], name="drugs_interaction_pair_unique"
            ),
        ]


@pghistory.track()
class PharmacogenomicMarker(VersionedModel):
    """A genotype-guided recommendation for an ingredient (CPIC, DPWG, label)."""

    ingredient = models.ForeignKey(
        ActiveIngredient, on_delete=models.PROTECT, related_name="pgx_markers"
    )
    gene = models.CharField(max_length=40)
    phenotype = models.CharField(max_length=200)
    recommendation = models.TextField()
    source = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("marcatore farmacogenomico")
        verbose_name_plural = _("marcatori farmacogenomici")
        ordering = ["gene", "phenotype"]
        constraints = [
            models.UniqueConstraint(
                fields=["ingredient", "gene", "phenotype"], name="drugs_pgx_unique"
            ),
        ]


class ImportRun(models.Model):
    """One import of an external drug database file: who, what, and what changed."""

    started_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=160)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"


# The staged AIFA updates live in their own file (ADR 0008: files under ~500 lines).
from corsia.drugs.models_archive_import import (  # noqa: E402, F401
    ArchiveChange,
    ArchiveImport,
    PackProvenance,
    PackShortage,
)
