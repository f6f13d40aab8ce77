"""Forms of the toxicity pages: input parsing only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.toxicity.models import Attribution, Grade
from corsia.toxicity.services import ExtravasationInput, ToxicityInput


class ToxicityForm(forms.Form):
    term_id = forms.IntegerField(label=_("Termine CTCAE"), widget=forms.HiddenInput)
    grade = forms.TypedChoiceField(
        label=_("Grado CTCAE"), choices=Grade.choices, coerce=int, widget=forms.RadioSelect
    )
    attribution = forms.ChoiceField(
        label=_("Correlazione con il farmaco"), choices=Attribution.choices
    )
    onset_date = forms.DateField(
        label=_("Data di insorgenza"), widget=forms.DateInput(attrs={"type": "date"})
    )
    resolution_date = forms.DateField(
        label=_("Data di risoluzione"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    serious = forms.BooleanField(label=_("Evento avverso grave (SAE)"), required=False)
    cycle_number = forms.IntegerField(label=_("Ciclo"), required=False, min_value=1)
    # set when the page is opened from a prescription (never typed: not shown otherwise)
    order_id = forms.IntegerField(label=_("Prescrizione collegata"), required=False, min_value=1)
    suspected = forms.CharField(
        label=_("Farmaci sospetti (principi attivi, separati da virgola)"), required=False
    )
    notes = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    def to_input(self, ingredient_ids: tuple[int, ...]) -> ToxicityInput:
        data = self.cleaned_data
        return ToxicityInput(
            term_id=data["term_id"],
            grade=data["grade"],
            attribution=data["attribution"],
            onset_date=data["onset_date"],
            resolution_date=data["resolution_date"],
            serious=data["serious"],
            notes=data["notes"],
            suspected_ingredient_ids=ingredient_ids,
            order_id=data["order_id"],
            cycle_number=data["cycle_number"],
        )


class CorrectionForm(ToxicityForm):
    reason = forms.CharField(label=_("Motivo della correzione"), widget=forms.Textarea)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea)


class ExtravasationForm(forms.Form):
    patient_id = forms.IntegerField(label=_("Paziente"), min_value=1)
    ingredient_id = forms.IntegerField(label=_("Farmaco stravasato"), min_value=1)
    occurred_at = forms.DateTimeField(
        label=_("Data e ora"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    site = forms.CharField(label=_("Sede (es. avambraccio sinistro, PICC)"), max_length=200)
    estimated_volume_ml = forms.DecimalField(
        label=_("Volume stimato (mL)"), required=False, min_value=0, decimal_places=1
    )
    symptoms = forms.CharField(label=_("Sintomi e aspetto"), required=False, widget=forms.Textarea)
    steps_done = forms.MultipleChoiceField(
        label=_("Passi eseguiti"), required=False, widget=forms.CheckboxSelectMultiple
    )
    actions_taken = forms.CharField(
        label=_("Altre azioni intraprese"), required=False, widget=forms.Textarea
    )
    order_id = forms.IntegerField(label=_("Prescrizione collegata"), required=False, min_value=1)

    def __init__(
        self, *args: object, step_choices: list[tuple[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["steps_done"].choices = step_choices or []  # type: ignore[attr-defined]  # MultipleChoiceField

    def to_input(self) -> ExtravasationInput:
        data = self.cleaned_data
        return ExtravasationInput(
            ingredient_id=data["ingredient_id"],
            occurred_at=data["occurred_at"],
            site=data["site"],
            estimated_volume_ml=data["estimated_volume_ml"],
            symptoms=data["symptoms"],
            steps_done=tuple(data["steps_done"]),
            actions_taken=data["actions_taken"],
            order_id=data["order_id"],
        )
