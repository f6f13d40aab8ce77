"""Forms of the treatment-course pages: input parsing only; the rules are in the services
(numbers and diameters are text: the Italian decimal comma, and the service says what is
wrong in Italian)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from corsia.records.domain import course as rules
from corsia.records.domain.response import MarrowFinding, NonTargetResponse, UptakeChange
from corsia.records.services import (
    EvaluationInput,
    HomeTherapyInput,
    LesionInput,
    LineInput,
    PlanItemInput,
)

BASELINE_ROWS = 5  # RECIST 1.1: at most five target lesions


def _text(label: StrOrPromise, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=limit, widget=forms.TextInput({"type": "text"})
    )


def _whole(label: StrOrPromise, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        widget=forms.TextInput({"type": "text", "inputmode": "numeric", "size": 4}),
    )


def _date(label: StrOrPromise, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput({"type": "date"}))


def _note(label: StrOrPromise, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea({"rows": 2}),
    )


def _choices(labels: Mapping[Any, str]) -> list[tuple[str, str]]:
    return [(str(getattr(k, "value", k)), v) for k, v in labels.items()]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(s for s in (x.strip() for x in text.splitlines()) if s)


class LineForm(forms.Form):
    number = _whole(_("Numero della linea"))
    intent = forms.ChoiceField(label=_("Finalità"), choices=_choices(rules.INTENT_LABELS_IT))
    regimen_version_id = forms.TypedChoiceField(
        label=_("Schema dal prontuario"), required=False, coerce=int, empty_value=None
    )
    external_regimen = _text(_("Oppure: schema somministrato altrove"), 200)
    planned_cycles = _whole(_("Cicli pianificati"), required=False)
    started_on = _date(_("Inizio"))
    notes = _note(_("Note"))

    def __init__(self, *args: object, regimens: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        field = self.fields["regimen_version_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *regimens]

    def to_input(self) -> LineInput:
        d = self.cleaned_data
        return LineInput(
            number=d["number"],
            intent=d["intent"],
            started_on=d["started_on"],
            regimen_version_id=d["regimen_version_id"],
            external_regimen=d["external_regimen"],
            planned_cycles=d["planned_cycles"],
            notes=d["notes"],
        )


class LineCloseForm(forms.Form):
    ended_on = _date(_("Fine"))
    reason = forms.ChoiceField(
        label=_("Motivo della fine"), choices=_choices(rules.END_REASON_LABELS_IT)
    )
    note = _note(_("Note (obbligatorie con «Altro»)"))


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=_choices(rules.PLAN_ITEM_LABELS_IT))
    performed_on = _date(_("Data"))
    description = _note(_("Descrizione (intervento, dose e frazionamento, sede)"), required=True)
    line_id = forms.TypedChoiceField(
        label=_("Nell'ambito della linea"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, lines: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        field = self.fields["line_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *lines]

    def to_input(self) -> PlanItemInput:
        d = self.cleaned_data
        return PlanItemInput(
            kind=d["kind"],
            performed_on=d["performed_on"],
            description=d["description"],
            line_id=d["line_id"],
        )


class HomeTherapyForm(forms.Form):
    drug = _text(_("Farmaco"), 200, required=True)
    dose = _text(_("Dose"), 80, required=True)
    frequency = _text(_("Frequenza"), 80, required=True)
    started_on = _date(_("Dal"))
    stopped_on = _date(_("Al (se prevista)"), required=False)
    notes = _note(_("Note"))

    def to_input(self) -> HomeTherapyInput:
        d = self.cleaned_data
        return HomeTherapyInput(
            drug=d["drug"],
            dose=d["dose"],
            frequency=d["frequency"],
            started_on=d["started_on"],
            stopped_on=d["stopped_on"],
            notes=d["notes"],
        )


class AppointmentForm(forms.Form):
    scheduled_on = _date(_("Data"))
    kind = forms.ChoiceField(label=_("Tipo"), choices=_choices(rules.APPOINTMENT_LABELS_IT))
    note = _note(_("Note"))


class EvaluationForm(forms.Form):
    """A baseline (``lesions``: none given) or a re-evaluation against the baseline's target
    lesions (``lesions``: their ids and sites, one diameter field each)."""

    method = forms.ChoiceField(label=_("Metodica"), choices=_choices(rules.METHOD_LABELS_IT))
    evaluated_on = _date(_("Data dell'esame"))
    note = _note(_("Note"))

    def __init__(
        self,
        *args: object,
        criteria: str,
        baseline: bool,
        lesions: list[tuple[str, str]] = (),  # type: ignore[assignment]  # read only
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.criteria, self.is_baseline, self.lesions = criteria, baseline, list(lesions)
        recist = criteria == rules.Criteria.RECIST
        if recist and baseline:
            for n in range(BASELINE_ROWS):
                row = f" {n + 1}"
                self.fields[f"id_{n}"] = _text(format_lazy("{}{}", _("Lesione"), row), 12)
                self.fields[f"organ_{n}"] = _text(format_lazy("{}{}", _("Organo / sede"), row), 80)
                self.fields[f"node_{n}"] = forms.BooleanField(
                    label=format_lazy("{}{}", _("Linfonodo (asse corto)"), row), required=False
                )
                self.fields[f"mm_{n}"] = _text(format_lazy("{}{}", _("Diametro (mm)"), row), 12)
                self.initial.setdefault(f"id_{n}", f"T{n + 1}")
            self.fields["non_target_sites"] = forms.CharField(
                label=_("Lesioni non target (una sede per riga)"),
                required=False,
                max_length=3000,
                widget=forms.Textarea({"rows": 2}),
            )
        elif recist:
            for lesion_id, site in self.lesions:
                self.fields[f"mm_{lesion_id}"] = _text(
                    format_lazy("{} {} ({}) — {}", _("Lesione"), lesion_id, site, _("mm")), 12
                )
            self.fields["non_target_response"] = forms.ChoiceField(
                label=_("Risposta delle lesioni non target"),
                required=False,
                choices=[("", "—"), *_choices(_nt_labels())],
            )
        elif baseline:
            self.fields["deauville"] = _whole(_("Punteggio di Deauville (1-5)"), required=False)
        else:
            self.fields["deauville"] = _whole(_("Punteggio di Deauville (1-5)"))
            self.fields["uptake_vs_baseline"] = forms.ChoiceField(
                label=_("Captazione rispetto al basale (Deauville 4-5)"),
                required=False,
                choices=[("", "—"), *_choices(_uptake_labels())],
            )
            self.fields["marrow"] = forms.ChoiceField(
                label=_("Midollo osseo"), choices=[("", "—"), *_choices(_marrow_labels())]
            )
        if not baseline:
            self.fields["new_lesions"] = forms.CharField(
                label=_("Lesioni nuove (una sede per riga; vuoto: nessuna)"),
                required=False,
                max_length=3000,
                widget=forms.Textarea({"rows": 2}),
            )

    def baseline_rows(self) -> list[list[forms.BoundField]]:
        if "id_0" not in self.fields:
            return []
        return [
            [self[f"id_{n}"], self[f"organ_{n}"], self[f"node_{n}"], self[f"mm_{n}"]]
            for n in range(BASELINE_ROWS)
        ]

    def measure_fields(self) -> list[forms.BoundField]:
        return [self[f"mm_{lesion_id}"] for lesion_id, _site in self.lesions]

    def other_fields(self) -> list[forms.BoundField]:
        names = ("non_target_sites", "non_target_response", "deauville", "uptake_vs_baseline")
        return [self[n] for n in (*names, "marrow", "new_lesions") if n in self.fields]

    def to_input(self, line_id: int) -> EvaluationInput:
        d = self.cleaned_data
        targets: tuple[LesionInput, ...] = ()
        if self.criteria == rules.Criteria.RECIST and self.is_baseline:
            targets = tuple(
                LesionInput(
                    lesion_id=d[f"id_{n}"],
                    organ=d[f"organ_{n}"],
                    lymph_node=d[f"node_{n}"],
                    mm=d[f"mm_{n}"],
                )
                for n in range(BASELINE_ROWS)
                if d[f"organ_{n}"].strip() or d[f"mm_{n}"].strip()
            )
        elif self.criteria == rules.Criteria.RECIST:
            targets = tuple(LesionInput(lesion_id=i, mm=d[f"mm_{i}"]) for i, _site in self.lesions)
        return EvaluationInput(
            line_id=line_id,
            evaluated_on=d["evaluated_on"],
            method=d["method"],
            criteria=self.criteria,
            baseline=self.is_baseline,
            target_lesions=targets,
            non_target_sites=_lines(d.get("non_target_sites", "")),
            non_target_response=d.get("non_target_response", ""),
            new_lesions=_lines(d.get("new_lesions", "")),
            deauville=d.get("deauville"),
            marrow=d.get("marrow", ""),
            uptake_vs_baseline=d.get("uptake_vs_baseline", ""),
            note=d["note"],
        )


def _nt_labels() -> dict[object, str]:
    return {
        NonTargetResponse.CR: "Scomparse (CR)",
        NonTargetResponse.NON_CR_NON_PD: "Persistenti, né CR né PD",
        NonTargetResponse.PD: "Progressione inequivocabile (PD)",
        NonTargetResponse.NE: "Non valutate (NE)",
    }


def _uptake_labels() -> dict[object, str]:
    return {
        UptakeChange.DECREASED: "Ridotta",
        UptakeChange.UNCHANGED: "Invariata",
        UptakeChange.INCREASED: "Aumentata",
    }


def _marrow_labels() -> dict[object, str]:
    return {
        MarrowFinding.NO_FDG_AVID_DISEASE: "Nessuna malattia FDG-avida",
        MarrowFinding.RESIDUAL_UPTAKE_REDUCED: "Captazione residua ridotta",
        MarrowFinding.UNCHANGED: "Invariato",
        MarrowFinding.NEW_OR_RECURRENT: "Focolai nuovi o ricomparsi",
    }
