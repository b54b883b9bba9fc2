"""What the form macros (macros/forms.html) render in Python instead of Django's widget templates: the options
of a radio or checkbox list, and a plain <input>. Each is written as Django's templates write it. Imports no
models: the template environment (kommune.core.jinja2) loads it, also for the message extraction outside Django's
setup."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.forms.widgets import ChoiceWidget, Widget
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Django's own templates of a plain <input>; each only includes input.html.
_PLAIN_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "search", "email", "url", "tel", "number", "password", "hidden", "date", "datetime", "time",
    "color"))


@dataclass(frozen=True)
class ChoiceOption:
    id: str
    value: str
    label: Any
    selected: bool


def choice_options(bound: forms.BoundField) -> list[ChoiceOption]:
    """The options of a radio or checkbox list, as Django's ``BoundField.subwidgets`` gives them (ids, values,
    selection) but without a widget context per option (the search form's 23 types: 0.47 → 0.39 s of 1.97 s in
    cProfile). Grouped choices take Django's own way."""
    widget = cast(ChoiceWidget, bound.field.widget)
    base = widget.attrs.get("id") or bound.auto_id
    chosen = set(widget.format_value(bound.value()))
    options: list[ChoiceOption] = []
    one_selected = False  # a radio list selects only the first option of the value, as Django's does
    for index, (value, label) in enumerate(widget.choices):
        if isinstance(label, (list, tuple)):
            return [ChoiceOption(option.id_for_label, str(option.data["value"]), option.choice_label,
                                 option.data["selected"]) for option in bound.subwidgets]
        value = "" if value is None else str(value)
        selected = value in chosen and (widget.allow_multiple_selected or not one_selected)
        one_selected = one_selected or selected
        options.append(ChoiceOption(widget.id_for_label(base, str(index)), value, label, selected))
    return options


def input_html(bound: forms.BoundField, attrs: dict[str, Any]) -> SafeString:
    """``bound.as_widget(attrs=attrs)``, the same HTML. A plain <input> of Django's is written here: rendering its
    two templates with the template engine took a third of the form's part of a search page (cProfile)."""
    widget = bound.field.widget
    if (widget.template_name not in _PLAIN_INPUT_TEMPLATES or type(widget).render is not Widget.render
            or type(widget)._render is not Widget._render):  # type: ignore[attr-defined]  # not in the stubs
        return bound.as_widget(attrs=attrs)
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    html = [f'<input type="{conditional_escape(context["type"])}" name="{conditional_escape(context["name"])}"']
    if context["value"] is not None:
        html.append(f' value="{_text(context["value"])}"')
    for name, value in context["attrs"].items():
        if value is True:
            html.append(f" {conditional_escape(name)}")
        elif value is not False:
            html.append(f' {conditional_escape(name)}="{_text(value)}"')
    return mark_safe("".join(html) + ">")


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe."""
    return value if isinstance(value, SafeString) else conditional_escape(str(value))
