"""Forms of the document archive pages."""

from __future__ import annotations

from typing import Any

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


class DocumentSearchForm(forms.Form):
    """The archive's filters (GET): every one optional."""

    mrn = forms.CharField(label=_("MRN del paziente"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Tipo di documento"), required=False)
    template_code = forms.ChoiceField(label=_("Modello"), required=False)
    author = forms.CharField(
        label=_("Autore o firmatario (utente)"), max_length=100, required=False
    )
    date_from = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, kinds: list[str], codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Tutti"))]
        self.fields["kind"].choices = any_choice + [(k, k) for k in kinds]  # type: ignore[attr-defined]
        self.fields["template_code"].choices = any_choice + [(c, c) for c in codes]  # type: ignore[attr-defined]
