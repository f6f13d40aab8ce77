from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel


class ActiveIngredient(VersionedModel):
    """An active ingredient (principio attivo), named by its INN.

    ``code`` is the stable key other modules and data files use: the English INN in
    lower case with underscores (``fluorouracil``, ``calcium_folinate``).
    """

    code = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(_("INN (inglese)"), max_length=120)
    name_it = models.CharField(_("DCI (italiano)"), max_length=120)
    atc_code = models.CharField(_("codice ATC"), max_length=7, blank=True, db_index=True)

    class Meta:
        verbose_name = _("principio attivo")
        verbose_name_plural = _("principi attivi")
        ordering = ["name_it"]

    def __str__(self) -> str:
        return self.name_it
