"""Forms of the medical-record pages: input parsing only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.records.models import DiaryKind
from corsia.records.services import DiaryInput


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
