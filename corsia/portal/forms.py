"""The portal's sign-in forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeRequestForm(forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=16,
        min_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )

    def clean_fiscal_code(self) -> str:
        value: str = self.cleaned_data["fiscal_code"].strip().upper()
        if not value.isalnum():
            raise forms.ValidationError(_("Il codice fiscale ha 16 lettere e cifre."))
        return value


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Codice ricevuto"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "portal-code"}
        ),
    )
