"""``{{ field|kit }}``: a Django form field drawn with the Bootstrap Italia class of its kind.

Django renders a bare ``<select>`` and ``<input>``; the kit styles ``.form-select`` and
``.form-control`` (full width, its font, the arrow of a select). Checkboxes and radios
keep their own markup; a class the form already set is kept and added to.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField, CheckboxInput, RadioSelect, Select
from django.utils.safestring import SafeString

register = template.Library()


def kit_class(field: BoundField) -> str:
    """The kit's class for the field's widget ("" for checkboxes and radios)."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput | RadioSelect):  # and CheckboxSelectMultiple
        return ""
    if isinstance(widget, Select):  # and SelectMultiple
        return "form-select"
    return "form-control"


@register.filter
def kit(field: BoundField) -> SafeString:
    css = kit_class(field)
    if not css:
        return field.as_widget()
    current = field.field.widget.attrs.get("class", "")
    invalid = " is-invalid" if field.errors else ""
    return field.as_widget(attrs={"class": f"{current} {css}{invalid}".strip()})
