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


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Oggetto"), max_length=120, required=False)
    body = forms.CharField(
        label=_("Messaggio"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = forms.FileField(label=_("Allegato (PDF, JPEG o PNG, fino a 5 MB)"), required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Risposta"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
