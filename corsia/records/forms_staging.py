"""Forms of the staging and prognostic-score pages: one text or select field per input the
chosen system or score declares (``domain/input_forms.py``); reading and every rule are the
domain's, so the page refuses exactly what the API refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.records.domain.input_forms import InputKind, InputSpec
from corsia.records.domain.staging.catalogue import CRITERION_LABELS_IT

_EMPTY = ("", "—")


def _field(spec: InputSpec) -> forms.Field:
    label = f"{spec.label} ({spec.unit})" if spec.unit else spec.label
    help_text = spec.hint
    if spec.kind is InputKind.FLAG:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[_EMPTY, ("yes", _("sì")), ("no", _("no"))],
            help_text=help_text,
        )
    if spec.choices:
        # not a ChoiceField: a value the list does not hold reaches the domain, whose
        # refusal names the site's table ("T9 non è definita per la sede ...")
        return forms.CharField(
            label=label,
            required=False,
            max_length=40,
            widget=forms.Select(choices=[_EMPTY, *spec.choices]),
            help_text=help_text,
        )
    mode = "numeric" if spec.kind is InputKind.WHOLE else "decimal"
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "text", "inputmode": mode, "size": 8}),
        help_text=help_text,
    )


class _InputsForm(forms.Form):
    specs: tuple[InputSpec, ...] = ()

    def __init__(self, *args: Any, specs: tuple[InputSpec, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec.name] = _field(spec)

    def raw_inputs(self) -> dict[str, object]:
        return {spec.name: self.cleaned_data.get(spec.name) for spec in self.specs}

    def input_fields(self) -> list[forms.BoundField]:
        return [self[spec.name] for spec in self.specs]


class StagingForm(_InputsForm):
    criterion = forms.ChoiceField(
        label=_("Criterio di stadiazione"),
        choices=[(c.value, label) for c, label in CRITERION_LABELS_IT.items()],
    )
    staged_on = forms.DateField(
        label=_("Data della stadiazione (se non oggi)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ScoreForm(_InputsForm):
    assessed_on = forms.DateField(
        label=_("Data della valutazione (se non oggi)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    diagnosis = forms.TypedChoiceField(
        label=_("Diagnosi a cui si riferisce"), required=False, coerce=int, empty_value=None
    )
