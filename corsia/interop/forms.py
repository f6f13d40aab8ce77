"""The subscriber form of the IT staff's page (the checks are the service's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.interop.domain.outbound import OUTBOUND_TYPES

TYPE_LABELS = {
    "RAS^O17": _("RAS^O17 — somministrazioni (date, parziali, interrotte)"),
    "RDS^O13": _("RDS^O13 — preparazioni consegnate al reparto"),
}


class SubscriberForm(forms.Form):
    name = forms.CharField(label=_("Nome"), max_length=80)
    receiving_application = forms.CharField(
        label=_("Applicazione ricevente (MSH-5)"), max_length=80
    )
    receiving_facility = forms.CharField(label=_("Struttura ricevente (MSH-6)"), max_length=80)
    host = forms.CharField(label=_("Indirizzo (host o IP)"), max_length=255)
    port = forms.CharField(label=_("Porta"), max_length=5)
    message_types = forms.MultipleChoiceField(
        label=_("Tipi di messaggio"),
        choices=[(t, TYPE_LABELS[t]) for t in OUTBOUND_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Attivo"), required=False, initial=True)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
