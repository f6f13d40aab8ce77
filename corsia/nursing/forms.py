"""Forms of the nursing pages: input parsing only; the rules (every item answered, the
values allowed) are the domain's, reached through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.nursing.domain import gordon, monitoring
from corsia.nursing.domain.scales import ScaleDefinition
from corsia.nursing.models import NoteKind


def item_field(code: str) -> str:
    return f"item_{code}"


class ScaleForm(forms.Form):
    """One field per item of the scale (radio buttons, or a whole number typed in); none
    is required here, so that the domain's Italian message names what is missing."""

    assessed_at = forms.DateTimeField(
        label=_("Data e ora della valutazione (vuoto: adesso)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, definition: ScaleDefinition, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            if item.is_number:
                field: forms.Field = forms.CharField(
                    label=item.label,
                    required=False,
                    help_text=_("Numero intero da %(low)s a %(high)s")
                    % {"low": item.minimum, "high": item.maximum},
                    widget=forms.TextInput(
                        attrs={"type": "text", "inputmode": "numeric", "autocomplete": "off"}
                    ),
                )
            else:
                field = forms.ChoiceField(
                    label=item.label,
                    required=False,
                    choices=[(o.code, o.label) for o in item.options],
                    widget=forms.RadioSelect,
                )
            self.fields[item_field(item.code)] = field

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            item.code: data.get(item_field(item.code)) or ""
            for item in self.definition.items
            if data.get(item_field(item.code)) not in (None, "")
        }

    def item_rows(self) -> list[dict[str, Any]]:
        """What the template draws per item: the bound field, the options with points."""
        rows = []
        for item in self.definition.items:
            bound = self[item_field(item.code)]
            chosen = str(bound.value() or "")
            rows.append(
                {
                    "item": item,
                    "field": bound,
                    "options": [
                        {
                            "option": o,
                            "checked": o.code == chosen,
                            "id": f"{bound.auto_id}_{o.code}",
                        }
                        for o in item.options
                    ],
                }
            )
        return rows


class CorrectionForm(ScaleForm):
    reason = forms.CharField(
        label=_("Motivo della correzione"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ScaleDefinitionForm(forms.Form):
    definition = forms.CharField(
        label=_("Definizione della scala (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_(
            "Lo stesso formato delle scale fornite: codice, nome, voci con opzioni e punti "
            "(o minimo e massimo), fasce di punteggio con livello."
        ),
    )


class ActivationForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=NoteKind.choices, initial=NoteKind.DIARY)
    text = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 3}))


class MonitoringForm(forms.Form):
    parameter = forms.ChoiceField(
        label=_("Parametro"),
        choices=[(p.code, f"{p.label} ({p.unit})") for p in monitoring.PARAMETERS],
    )
    value = forms.CharField(
        label=_("Valore"), widget=forms.TextInput(attrs={"type": "text", "inputmode": "decimal"})
    )
    note = forms.CharField(
        label=_("Nota"), required=False, widget=forms.TextInput(attrs={"type": "text"})
    )


class AnamnesisForm(forms.Form):
    admission_reason = forms.CharField(
        label=_("Motivo dell'ingresso"), widget=forms.Textarea(attrs={"rows": 2})
    )
    caregiver = forms.CharField(
        label=_("Persona di riferimento"),
        required=False,
        widget=forms.TextInput(attrs={"type": "text"}),
    )
    aids = forms.CharField(
        label=_("Protesi e ausili"), required=False, widget=forms.TextInput(attrs={"type": "text"})
    )
    reason = forms.CharField(
        label=_("Motivo dell'aggiornamento"),
        required=False,
        widget=forms.TextInput(attrs={"type": "text"}),
    )
    expected_latest_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in gordon.PATTERNS:
            self.fields[f"pattern_{p.code}"] = forms.CharField(
                label=p.label,
                help_text=p.prompt,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def pattern_fields(self) -> list[forms.BoundField]:
        return [self[f"pattern_{p.code}"] for p in gordon.PATTERNS]

    def patterns(self) -> dict[str, str]:
        return {p.code: self.cleaned_data.get(f"pattern_{p.code}") or "" for p in gordon.PATTERNS}
