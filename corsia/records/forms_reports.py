"""Forms of the reports page: input parsing only; the rules are in domain/reports.py and
the service. Length bounds are twice the domain's, so a text a little too long gets the
domain's own Italian message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from corsia.records.domain import reports as rules
from corsia.records.domain.reports import ReportText
from corsia.records.models import GradeChoice


def _text(label: StrOrPromise, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2 * limit,
        strip=False,  # the domain strips and counts
        widget=forms.TextInput(attrs={"type": "text"}),
    )


def _area(label: StrOrPromise, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=2 * limit, strip=False, widget=forms.Textarea
    )


KIND_CHOICES = [(k.value, label) for k, label in rules.KIND_LABELS_IT.items()]
MODALITY_CHOICES = [("", "—"), *((m.value, label) for m, label in rules.MODALITY_LABELS_IT.items())]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di referto"), choices=KIND_CHOICES)
    performed_on = forms.DateField(
        label=_("Data dell'esame"), widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer = _text(_("Servizio o reparto che ha refertato"), rules.ISSUER_MAX, required=True)
    reporting_clinician = _text(_("Medico refertante"), rules.CLINICIAN_MAX)
    accession = _text(_("Numero di accettazione o di riferimento"), rules.ACCESSION_MAX)
    examination = _text(_("Esame o sede (es. TC torace-addome con mdc)"), rules.EXAMINATION_MAX)
    modality = forms.ChoiceField(
        label=_("Metodica (solo diagnostica per immagini)"),
        choices=MODALITY_CHOICES,
        required=False,
    )
    histotype = _text(_("Istotipo (solo anatomia patologica)"), rules.HISTOTYPE_MAX)
    morphology_icdo3 = _text(_("Morfologia ICD-O-3 (es. 8140/3)"), 20)
    grade = forms.ChoiceField(
        label=_("Grado istologico"), choices=[("", "—"), *GradeChoice.choices], required=False
    )
    findings = _area(_("Descrizione"), rules.FINDINGS_MAX)
    conclusion = _area(_("Conclusioni"), rules.CONCLUSION_MAX, required=True)

    def to_text(self) -> ReportText:
        data = self.cleaned_data
        return ReportText(
            kind=data["kind"],
            performed_on=data["performed_on"],
            issuer=data["issuer"],
            conclusion=data["conclusion"],
            findings=data["findings"],
            reporting_clinician=data["reporting_clinician"],
            accession=data["accession"],
            examination=data["examination"],
            histotype=data["histotype"],
            morphology_icdo3=data["morphology_icdo3"],
            grade=data["grade"],
            modality=data["modality"],
        )


class ReportCreateForm(ReportForm):
    encounter_id = forms.TypedChoiceField(
        label=_("Ricovero o accesso"), choices=[], required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, encounters: Sequence[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["encounter_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("— nessuno —")), *encounters]


class ReportCorrectionForm(ReportForm):
    reason = forms.CharField(label=_("Motivo della correzione"), max_length=2000)
