"""Forms of the letters and tumour-board pages: input parsing only (rules in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.records.domain import boards
from corsia.records.domain.letters import FREE_TEXT, FREE_TEXT_MAX, KIND_LABELS_IT, LetterKind
from corsia.records.services import BoardInput


class LetterNewForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Documento"), choices=[(k.value, KIND_LABELS_IT[k]) for k in LetterKind]
    )
    encounter_id = forms.TypedChoiceField(
        label=_("Ricovero o accesso"), coerce=int, empty_value=None, required=False
    )
    day = forms.DateField(
        label=_("Giorno (referto senza accesso, diario giornaliero)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, encounters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["encounter_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("— nessuno —")), *encounters]


class LetterTextsForm(forms.Form):
    """The free-text sections of one kind of letter, built from its specification."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: LetterKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = FREE_TEXT[kind]
        for spec in self.specs:
            self.fields[spec.code] = forms.CharField(
                label=spec.title,
                help_text=spec.hint,
                required=False,
                max_length=FREE_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def texts(self) -> dict[str, str]:
        return {spec.code: self.cleaned_data.get(spec.code) or "" for spec in self.specs}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Motivo della correzione"), max_length=500)


class BoardForm(forms.Form):
    held_on = forms.DateField(
        label=_("Data della riunione"), widget=forms.DateInput(attrs={"type": "date"})
    )
    question = forms.CharField(
        label=_("Caso presentato e quesito"), max_length=8_000, widget=forms.Textarea
    )
    participants = forms.CharField(
        label=_("Partecipanti"),
        help_text=_(
            "Uno per riga: «nome e cognome; specialità». Per un utente di Corsia: "
            "«@nomeutente; specialità»."
        ),
        max_length=8_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decision = forms.CharField(
        label=_("Decisione"), max_length=8_000, required=False, widget=forms.Textarea
    )
    recommendation = forms.CharField(
        label=_("Raccomandazione"), max_length=8_000, required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_input(self) -> BoardInput:
        data = self.cleaned_data
        return BoardInput(
            held_on=data["held_on"],
            question=data["question"],
            participants=tuple(boards.parse_lines(data["participants"])),
            decision=data["decision"],
            recommendation=data["recommendation"],
        )


def participant_lines(participants: list[dict[str, Any]]) -> str:
    """The stored participants as the form's lines (to edit a draft)."""
    return "\n".join(
        f"@{p['username']}; {p['specialty']}"
        if p.get("username")
        else f"{p['name']}; {p['specialty']}"
        for p in participants
    )
