from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.audit.selectors import AccessQuery

CHANNELS = [("", _("tutti")), ("web", "web"), ("api", "API"), ("fhir", "FHIR")]


class AccessFilterForm(forms.Form):
    username = forms.CharField(label=_("Utente"), required=False, max_length=150)
    patient_id = forms.IntegerField(label=_("ID paziente"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Canale"), required=False, choices=CHANNELS)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("La data iniziale è successiva alla data finale."))
        return data

    def query(self) -> AccessQuery:
        data = self.cleaned_data
        return AccessQuery(
            username=data.get("username") or "",
            patient_id=data.get("patient_id"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            channel=data.get("channel") or "",
        )
