"""``{{ field|kit }}`` gives each widget the Bootstrap Italia class of its kind."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class _Sample(forms.Form):
    ward = forms.ChoiceField(choices=[("A", "Reparto A"), ("B", "Reparto B")])
    wards = forms.MultipleChoiceField(choices=[("A", "A")], widget=forms.SelectMultiple)
    reason = forms.CharField(max_length=10)
    note = forms.CharField(widget=forms.Textarea(attrs={"class": "font-monospace"}))
    urgent = forms.BooleanField(required=False)
    days = forms.MultipleChoiceField(
        choices=[("1", "1")], widget=forms.CheckboxSelectMultiple, required=False
    )


def _render(form: forms.Form, name: str) -> str:
    return Template("{% load kit %}{{ field|kit }}").render(Context({"field": form[name]}))


def test_a_select_is_drawn_as_the_kits_select() -> None:
    html = _render(_Sample(), "ward")
    assert html.startswith('<select name="ward" class="form-select"')
    assert 'class="form-select"' in _render(_Sample(), "wards")


def test_text_and_textarea_are_form_controls_keeping_their_own_class() -> None:
    assert 'class="form-control"' in _render(_Sample(), "reason")
    assert 'class="font-monospace form-control"' in _render(_Sample(), "note")


def test_checkboxes_keep_their_markup() -> None:
    assert "class=" not in _render(_Sample(), "urgent")
    assert "form-control" not in _render(_Sample(), "days")
    assert "form-select" not in _render(_Sample(), "days")


def test_a_field_in_error_is_marked_invalid() -> None:
    form = _Sample(data={"ward": "Z", "reason": "x" * 11, "note": "n"})
    assert not form.is_valid()
    assert 'class="form-select is-invalid"' in _render(form, "ward")
    assert 'class="form-control is-invalid"' in _render(form, "reason")
