"""Forms of the nursing process's pages (labels in Italian; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DischargeForm(forms.Form):
    destination = forms.CharField(
        label=_("Destinazione (domicilio, reparto, struttura)"), max_length=300
    )
    devices = forms.CharField(
        label=_("Dispositivi alla dimissione (accessi venosi, cateteri, stomie)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("Indicazioni per la continuità assistenziale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TemplateDefinitionForm(forms.Form):
    definition = forms.CharField(
        label=_("Definizione del modello (JSON)"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
