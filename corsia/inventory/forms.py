"""Forms of the stock pages: the delivery document (header + lines) and the CSV upload."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from corsia.drugs.selectors import product_choices
from corsia.inventory.domain.delivery import parse_cost
from corsia.inventory.models import StorageLocation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _locations() -> forms.ModelChoiceField[StorageLocation]:
    return forms.ModelChoiceField(
        label=_("Ubicazione di carico"),
        queryset=StorageLocation.objects.filter(is_active=True).order_by("code"),
    )


class DeliveryHeaderForm(forms.Form):
    supplier = forms.CharField(label=_("Fornitore"), max_length=120)
    document_number = forms.CharField(label=_("Numero documento di trasporto"), max_length=60)
    document_date = forms.DateField(
        label=_("Data documento"), widget=forms.DateInput(attrs={"type": "date"})
    )
    location = _locations()


class DeliveryLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Medicinale"),
        queryset=product_choices(),
        required=False,
    )
    lot = forms.CharField(label=_("Lotto"), max_length=40, required=False)
    expiry = forms.DateField(
        label=_("Scadenza"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    quantity = forms.IntegerField(label=_("Quantità (unità)"), min_value=1, required=False)
    unit_cost = forms.CharField(label=_("Costo unitario (€)"), max_length=20, required=False)

    def clean_unit_cost(self) -> Decimal | None:
        """Euro with ``,`` or ``.`` as decimal separator, at most 4 decimals."""
        text = str(self.cleaned_data.get("unit_cost") or "").strip()
        if not text:
            return None
        try:
            return parse_cost(text)
        except ValueError:
            raise forms.ValidationError(_("Costo unitario non valido.")) from None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        filled = [
            name
            for name in ("product", "lot", "expiry", "quantity", "unit_cost")
            if data.get(name) not in (None, "")
        ]
        if filled and len(filled) < 5:
            raise forms.ValidationError(_("Completa tutti i campi della riga o lasciala vuota."))
        return data


DeliveryLineFormSet = forms.formset_factory(DeliveryLineForm, extra=5, max_num=40)


class DeliveryUploadForm(forms.Form):
    file = forms.FileField(label=_("File CSV delle consegne"))
    location = _locations()
