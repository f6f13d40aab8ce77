"""Forms of the document archive pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    body = forms.CharField(
        label=_("Corpo HTML (linguaggio dei modelli Django)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "font-monospace"}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ActivationForm(forms.Form):
    active = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Motivo"), max_length=500)
