"""Forms of the medical-record pages: input parsing only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from corsia.records.models import DiaryKind
from corsia.records.services import DiaryInput, Sections, VitalsInput


class DiaryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di annotazione"), choices=DiaryKind.choices)
    text = forms.CharField(label=_("Testo"), widget=forms.Textarea, max_length=20_000)
    written_at = forms.DateTimeField(
        label=_("Data e ora (se non adesso)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def to_input(self) -> DiaryInput:
        data = self.cleaned_data
        return DiaryInput(kind=data["kind"], text=data["text"], written_at=data["written_at"])


class DiaryCorrectionForm(DiaryForm):
    reason = forms.CharField(label=_("Motivo della correzione"), max_length=2000)


def _number(label: StrOrPromise) -> forms.CharField:
    # text, not number: the Italian decimal comma is accepted; the service checks the limits
    return forms.CharField(
        label=label,
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"type": "text", "inputmode": "decimal", "size": 5}),
    )


class VitalsForm(forms.Form):
    systolic_bp = _number(_("PA sistolica (mmHg)"))
    diastolic_bp = _number(_("PA diastolica (mmHg)"))
    heart_rate = _number(_("Frequenza cardiaca (bpm)"))
    temperature_c = _number(_("Temperatura (°C)"))
    respiratory_rate = _number(_("Frequenza respiratoria (atti/min)"))
    spo2 = _number(_("SpO₂ (%)"))
    pain_nrs = _number(_("Dolore NRS (0-10)"))
    measured_at = forms.DateTimeField(
        label=_("Rilevati il (se non adesso)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    VITAL_FIELDS = (
        "systolic_bp",
        "diastolic_bp",
        "heart_rate",
        "temperature_c",
        "respiratory_rate",
        "spo2",
        "pain_nrs",
    )

    def vital_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.VITAL_FIELDS]

    def to_input(self) -> VitalsInput:
        data = self.cleaned_data
        values = {name: data.get(name) or None for name in self.VITAL_FIELDS}
        return VitalsInput(**values, measured_at=data.get("measured_at"))


class WardRoundForm(VitalsForm):
    text = forms.CharField(label=_("Giro visita"), widget=forms.Textarea, max_length=20_000)
    measured_at = None  # type: ignore[assignment]  # the ward round's vitals are taken now


def _section(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea, max_length=20_000)


class AnamnesisForm(forms.Form):
    family = _section(_("Anamnesi familiare"))
    physiological = _section(_("Anamnesi fisiologica e ambientale"))
    recent_pathological = _section(_("Anamnesi patologica prossima"))
    remote_pathological = _section(_("Anamnesi patologica remota"))

    def to_sections(self) -> Sections:
        data = self.cleaned_data
        return Sections(**{name: data.get(name, "") for name in self.fields})


class AnamnesisNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Raccordo anamnestico"), widget=forms.Textarea, max_length=20_000
    )
    noted_on = forms.DateField(
        label=_("Data"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
