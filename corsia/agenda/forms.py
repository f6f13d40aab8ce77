"""The forms of the agenda's set-up page (booking types, the CUP's services): they read
the posted text into typed values; every rule is the service's (``services.organisation``,
``services.cup``), its refusal shown on the field it names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.agenda.models import BookingKind

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def _minutes(label: StrOrPromise, high: int, initial: int = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=high, initial=initial, widget=forms.TextInput
    )


class BookingTypeForm(forms.Form):
    code = forms.CharField(label=_("Codice"), max_length=20)
    name = forms.CharField(label=_("Nome"), max_length=120)
    kind = forms.ChoiceField(label=_("Tipo di accesso"), choices=BookingKind.choices)
    default_minutes = _minutes(_("Durata (minuti)"), 1440, 30)
    blood_tests = forms.CharField(
        label=_("Esami ematici prima dell'accesso"), max_length=200, required=False
    )
    blood_test_lead_minutes = _minutes(_("Anticipo del prelievo (minuti)"), 600)
    observation_minutes = _minutes(_("Osservazione (minuti)"), 1440)
    pump_detachment_minutes = _minutes(_("Stacco pompa (minuti)"), 240)
    needs_place = forms.BooleanField(label=_("Occupa un posto"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Attivo"), required=False, initial=True)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CupMappingForm(forms.Form):
    service_code = forms.CharField(label=_("Codice della prestazione CUP (AIS-3)"), max_length=40)
    location_code = forms.CharField(
        label=_("Sede (AIL-3; vuoto: qualsiasi)"), max_length=40, required=False
    )
    system = forms.CharField(
        label=_("Mittente (MSH-4:MSH-3; vuoto: qualsiasi)"), max_length=80, required=False
    )
    booking_type = forms.TypedChoiceField(label=_("Tipo di prenotazione"), coerce=int)
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, types: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        self.fields["booking_type"].choices = types  # type: ignore[attr-defined]  # a ChoiceField
