"""The form macros write radio and checkbox lists (kommune.core.form_html.choice_options) and plain inputs
(input_html) in Python: they must give what Django's own widgets give, the same ids, values, selection and HTML."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from kommune.core.form_html import choice_options, input_html
from kommune.core.models import Municipality
from tests.factories import MunicipalityFactory


def _django_options(bound: forms.BoundField) -> list[tuple]:
    return [(option.id_for_label, str(option.data["value"]), str(option.choice_label), option.data["selected"])
            for option in bound.subwidgets]


def _ours(bound: forms.BoundField) -> list[tuple]:
    return [(option.id, option.value, str(option.label), option.selected) for option in choice_options(bound)]


class Choices(forms.Form):
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), (3, "Drei")], required=False,
                                      widget=forms.CheckboxSelectMultiple)
    answer = forms.ChoiceField(choices=[("", "keine"), ("ja", "Ja"), ("nein", "Nein")], required=False,
                               widget=forms.RadioSelect)
    grouped = forms.ChoiceField(choices=[("Obst", [("apfel", "Apfel"), ("birne", "Birne")]), ("brot", "Brot")],
                                required=False, widget=forms.RadioSelect)
    own_id = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect(attrs={"id": "eigen"}))


@pytest.mark.parametrize("data", [None, {}, {"kinds": ["b", "3"], "answer": "nein", "grouped": "birne", "own_id": "y"},
                                  {"kinds": ["zzz"], "answer": "vielleicht"}])
@pytest.mark.parametrize("name", ["kinds", "answer", "grouped", "own_id"])
def test_options_are_what_django_renders(data, name):
    bound = Choices(data, initial={"answer": "ja"})[name]
    assert _ours(bound) == _django_options(bound)


def test_the_chosen_options_are_selected():
    form = Choices({"kinds": ["b", "3"], "answer": "nein", "grouped": "birne", "own_id": "y"})
    assert [o.value for o in choice_options(form["kinds"]) if o.selected] == ["b", "3"]
    assert [o.id for o in choice_options(form["own_id"]) if o.selected] == ["eigen_1"]
    assert [o.value for o in choice_options(form["grouped"]) if o.selected] == ["birne"]


@pytest.mark.django_db
def test_model_choices_with_an_empty_choice():
    chosen = MunicipalityFactory()
    MunicipalityFactory()

    class Pick(forms.Form):
        municipality = forms.ModelChoiceField(queryset=Municipality.objects.order_by("pk"), required=False,
                                              widget=forms.RadioSelect, empty_label="Alle")

    for data in (None, {"municipality": str(chosen.pk)}):
        bound = Pick(data)["municipality"]
        assert _ours(bound) == _django_options(bound)
    assert [option.selected for option in choice_options(Pick({"municipality": str(chosen.pk)})["municipality"])
            ].count(True) == 1


class Inputs(forms.Form):
    title = forms.CharField(max_length=80, help_text="Kurz")
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}))
    email = forms.EmailField(required=False)
    link = forms.URLField(required=False, disabled=True, initial="https://example.org/?a=1&b='2'")
    count = forms.IntegerField(min_value=1, max_value=9, required=False)
    amount = forms.DecimalField(localize=True, required=False, initial=Decimal("1234.5"))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False, initial=mark_safe("a&amp;b"))
    own_id = forms.CharField(widget=forms.TextInput(attrs={"id": "eigen", "autofocus": True}), required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)  # not an <input>: Django renders it


@pytest.mark.parametrize("data", [None, {}, {"title": '<b>"Tom" & Jerry\'s</b>', "search": "Schüle", "email": "x",
                                             "count": "12", "amount": "1.234,5", "day": "2026-12-06",
                                             "secret": "geheim", "token": "t<1>", "note": "<p>"}])
@pytest.mark.parametrize("attrs", [{}, {"class": "kern-form-input__input", "aria-describedby": "x-hint x-error"},
                                   {"id": False}, {"data-x": True, "hidden": False}])
@pytest.mark.parametrize("name", list(Inputs.base_fields))
def test_inputs_are_what_django_renders(data, attrs, name):
    with translation.override("de"):
        bound = Inputs(data, initial={"day": date(2026, 1, 2)})[name]
        assert input_html(bound, dict(attrs)) == bound.as_widget(attrs=dict(attrs))
