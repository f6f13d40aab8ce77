"""Forms of the medical-record pages: input parsing only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from corsia.records.models import DiaryKind, GradeChoice, ScaleChoice
from corsia.records.services import (
    Biomarker,
    DiagnosisInput,
    DiaryInput,
    LabInput,
    Sections,
    VitalsInput,
)


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


BIOMARKER_ROWS = 4


def _text(label: StrOrPromise, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.TextInput(attrs={"type": "text"}),
    )


class DiagnosisForm(forms.Form):
    primary_site_code = _text(_("Sede primitiva: codice ICD-9-CM"), 12, required=True)
    diagnosed_on = forms.DateField(
        label=_("Data della diagnosi"), widget=forms.DateInput(attrs={"type": "date"})
    )
    histotype = _text(_("Istotipo"), 200)
    morphology_icdo3 = _text(_("Morfologia ICD-O-3 (facoltativa, es. 8140/3)"), 12)
    grade = forms.ChoiceField(
        label=_("Grado istologico"), required=False, choices=[("", "—"), *GradeChoice.choices]
    )
    stage = _text(_("Stadio"), 40)
    staging_system = _text(_("Sistema di stadiazione (es. TNM 8ª ed.)"), 60)
    metastases = forms.CharField(
        label=_("Sedi di metastasi (una per riga)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        for n in range(BIOMARKER_ROWS):
            row = f" {n + 1}"  # each row's fields named apart for screen readers
            self.fields[f"marker_{n}"] = _text(format_lazy("{}{}", _("Marcatore"), row), 40)
            self.fields[f"result_{n}"] = _text(format_lazy("{}{}", _("Risultato"), row), 200)
            self.fields[f"tested_on_{n}"] = forms.DateField(
                label=format_lazy("{}{}", _("Data"), row),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def biomarker_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"marker_{n}"], self[f"result_{n}"], self[f"tested_on_{n}"])
            for n in range(BIOMARKER_ROWS)
        ]

    def to_input(self) -> DiagnosisInput:
        data = self.cleaned_data
        markers = tuple(
            Biomarker(
                marker=data[f"marker_{n}"],
                result=data[f"result_{n}"],
                tested_on=data[f"tested_on_{n}"],
            )
            for n in range(BIOMARKER_ROWS)
            if data[f"marker_{n}"].strip() or data[f"result_{n}"].strip()
        )
        return DiagnosisInput(
            primary_site_code=data["primary_site_code"],
            diagnosed_on=data["diagnosed_on"],
            histotype=data["histotype"],
            morphology_icdo3=data["morphology_icdo3"],
            grade=data["grade"],
            stage=data["stage"],
            staging_system=data["staging_system"],
            biomarkers=markers,
            metastases=tuple(data["metastases"].splitlines()),
        )


class PerformanceStatusForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scala"), choices=ScaleChoice.choices)
    value = forms.IntegerField(label=_("Valore"), min_value=0, max_value=100)
    assessed_on = forms.DateField(
        label=_("Valutato il"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LabForm(forms.Form):
    analyte = _text(_("Esame"), 80, required=True)
    value = _text(_("Valore"), 20, required=True)
    unit = _text(_("Unità di misura"), 20)
    reference_low = _text(_("Riferimento: minimo"), 20)
    reference_high = _text(_("Riferimento: massimo"), 20)
    collected_at = forms.DateTimeField(
        label=_("Prelievo il"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def to_input(self) -> LabInput:
        data = self.cleaned_data
        return LabInput(
            analyte=data["analyte"],
            value=data["value"],
            unit=data["unit"],
            reference_low=data["reference_low"],
            reference_high=data["reference_high"],
            collected_at=data["collected_at"],
        )
