"""The radio and checkbox lists of every form render their options from kommune.core.choices.choice_options, which
must give what Django's own subwidgets give: the same ids, values and selection."""

import pytest
from django import forms

from kommune.core.choices import choice_options
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
