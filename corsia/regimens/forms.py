"""Forms of the clinical-trial pages: input parsing only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT = forms.TextInput  # type="text": the design kit draws the boundary of text inputs only


class TrialForm(forms.Form):
    code = forms.CharField(label=_("Codice dello studio"), max_length=40, widget=TEXT)
    title = forms.CharField(label=_("Titolo"), max_length=300, widget=TEXT)
    eudract_number = forms.CharField(
        label=_("Numero EudraCT"),
        max_length=14,
        required=False,
        widget=TEXT,
        help_text=_("Formato AAAA-NNNNNN-CC (studi autorizzati prima del 2023)."),
    )
    ctis_number = forms.CharField(
        label=_("Numero CTIS"),
        max_length=17,
        required=False,
        widget=TEXT,
        help_text=_("Formato AAAA-5NNNNN-NN-NN (Regolamento UE 536/2014)."),
    )
    sponsor = forms.CharField(label=_("Promotore"), max_length=200, required=False, widget=TEXT)
    regimens = forms.MultipleChoiceField(
        label=_("Schemi di terapia dei bracci"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, regimen_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regimens"].choices = regimen_choices  # type: ignore[attr-defined]  # a ChoiceField


class EnrolForm(forms.Form):
    patient = forms.CharField(
        label=_("Paziente (MRN o codice fiscale)"), max_length=40, widget=TEXT
    )
    subject_code = forms.CharField(
        label=_("Codice soggetto nello studio"), max_length=40, widget=TEXT
    )
    consent_date = forms.DateField(
        label=_("Data del consenso informato"), widget=forms.DateInput(attrs={"type": "date"})
    )
    arm = forms.ChoiceField(label=_("Braccio"), required=False)

    def __init__(self, *args: Any, arm_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arm"].choices = [("", _("— nessuno —")), *arm_choices]  # type: ignore[attr-defined]  # a ChoiceField


class MonitorForm(forms.Form):
    monitor = forms.ChoiceField(label=_("Monitor"))

    def __init__(self, *args: Any, monitor_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitor"].choices = monitor_choices  # type: ignore[attr-defined]  # a ChoiceField
