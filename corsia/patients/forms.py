"""Forms of the patient pages (input shape only; the rules live in domain and services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.patients.models import BreakGlassCategory, BreakGlassOutcome, Sex
from corsia.patients.services import PatientInput


class PatientForm(forms.Form):
    surname = forms.CharField(label=_("Cognome"), max_length=120)
    given_names = forms.CharField(label=_("Nome"), max_length=120)
    sex = forms.ChoiceField(label=_("Sesso"), choices=Sex.choices)
    date_of_birth = forms.DateField(
        label=_("Data di nascita"), widget=forms.DateInput(attrs={"type": "date"})
    )
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), max_length=20, required=False)
    stp_eni_code = forms.CharField(
        label=_("Codice STP/ENI (stranieri senza codice fiscale)"), max_length=20, required=False
    )
    place_of_birth = forms.CharField(
        label=_("Luogo di nascita (codice Belfiore, es. H501 o Z404)"),
        max_length=4,
        required=False,
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)

    def to_input(self) -> PatientInput:
        data = self.cleaned_data
        return PatientInput(**{name: data[name] for name in PatientForm.base_fields})


class VersionedPatientForm(PatientForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=_("MRN o codice del paziente duplicato"),
        max_length=40,
        help_text=_(
            "Il duplicato viene unito a questo paziente e disattivato; nulla è cancellato."
        ),
    )
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=500)


class BreakGlassForm(forms.Form):
    """Emergency access: the exact code searched (hidden), the category, the reason."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    category = forms.ChoiceField(label=_("Categoria"), choices=BreakGlassCategory.choices)
    reason = forms.CharField(
        label=_("Motivo (obbligatorio, resta nel registro e viene rivisto)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class WardStaffForm(forms.Form):
    username = forms.ChoiceField(label=_("Utente"))
    ward_code = forms.ChoiceField(label=_("Reparto"))

    def __init__(
        self,
        data: Any = None,
        *,
        users: list[tuple[str, str]],
        wards: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        self.fields["username"] = forms.ChoiceField(label=_("Utente"), choices=users)
        self.fields["ward_code"] = forms.ChoiceField(label=_("Reparto"), choices=wards)


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Esito"),
        choices=[
            (BreakGlassOutcome.JUSTIFIED.value, BreakGlassOutcome.JUSTIFIED.label),
            (BreakGlassOutcome.NOT_JUSTIFIED.value, BreakGlassOutcome.NOT_JUSTIFIED.label),
        ],
    )
    note = forms.CharField(label=_("Nota"), max_length=500)
