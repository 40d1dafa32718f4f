"""GOV.UK Design System rendering for Django forms.

How to use
----------
1. In settings::

       FORM_RENDERER = "cib_portal.forms.GovUKFormRenderer"

   Every form then renders in the GOV.UK style: ``{{ form }}`` uses
   ``templates/includes/govuk_form.html`` and ``{{ form.some_field.as_field_group }}`` (or
   ``{{ field.as_field_group }}`` in a loop) uses ``templates/includes/govuk_field.html``:
   label (or fieldset and legend for radios, checkboxes and dates), hint (the field's
   ``help_text``), error message with a visually hidden "Error:" prefix, and the input
   with the govuk-input / govuk-select / govuk-textarea / govuk-radios /
   govuk-checkboxes / govuk-date-input classes and ``aria-describedby``.

2. In a page template, put the error summary first and the form after it. GOV.UK forms
   use ``novalidate`` so that the server's messages, not the browser's, are shown::

       {% include "includes/error_summary.html" with form=form %}
       <form method="post" novalidate>
         {% csrf_token %}
         {{ form }}
         <button type="submit" class="govuk-button" data-module="govuk-button">Save</button>
       </form>

   The page title should then start with "Error: " when ``form.errors``.

3. Options, all optional, set on the form field or its widget:

   * ``widget.attrs["class"]`` adds classes after the GOV.UK ones, e.g.
     ``"govuk-input--width-10"`` or ``"govuk-radios--inline"`` (for radios/checkboxes
     the class goes on the ``govuk-radios`` / ``govuk-checkboxes`` container);
   * ``widget.attrs["data-govuk-legend"] = "l"`` makes the label or legend a page
     heading (``govuk-label--l`` / ``govuk-fieldset__legend--l`` inside an h1) for
     one-question pages; "m" and "s" give the sizes without the h1;
   * ``GovUKDateInput`` (below) is the GOV.UK day / month / year date input for a
     ``forms.DateField``: ``forms.DateField(widget=GovUKDateInput())``.

The templates load the ``govuk`` template tag library (cib_portal/templatetags/govuk.py),
so ``{% include "includes/govuk_field.html" with field=form.email %}`` also works without
the renderer (the allauth element templates rely on this).

Pagination: ``{% include "includes/pagination.html" %}`` with ``page_obj`` (a Django Page)
in the context and, optionally, ``querystring_without_page`` (the current query string
minus ``page``, e.g. ``"q=leeds&region=4"``; when absent it is worked out from
``request.GET``).
"""

from __future__ import annotations

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
from django.utils.safestring import mark_safe

__all__ = ["GovUKDateInput", "GovUKFormRenderer", "OneTemplateSelect", "govuk_field_info"]


class GovUKFormRenderer(TemplatesSetting):
    """Render forms and fields with the GOV.UK templates in templates/includes/.

    Templates come from the project's TEMPLATES setting (so templates/ overrides work).
    Django's own widget templates (django/forms/widgets/*.html) come from the "django.forms"
    app in INSTALLED_APPS, through the same engine: they include one another (input.html
    includes attrs.html), and the admin's widget templates include them, so they must be
    found by the engine that loaded the including template, not by a second renderer.
    """

    form_template_name = "includes/govuk_form.html"
    field_template_name = "includes/govuk_field.html"


class GovUKDateInput(forms.MultiWidget):
    """The GOV.UK date input: three text boxes, day, month and year.

    Use with ``forms.DateField``; the value posted is handed to the field as
    ``YYYY-MM-DD`` (or as typed, so that the field reports an invalid date).
    """

    template_name = "includes/govuk_date_input.html"
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, _label, _w in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (v or "").strip() for v in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            return None
        if day.isdigit() and month.isdigit() and year.isdigit():
            try:
                return datetime.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                pass
        return f"{year}-{month}-{day}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (part, label, width) in zip(
            context["widget"]["subwidgets"], self.parts, strict=True
        ):
            subwidget["part"] = part
            subwidget["label"] = label
            subwidget["width"] = width
            subwidget["invalid"] = bool(attrs and attrs.get("aria-invalid"))
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The widget template lives in the project's templates/, so always use the GOV.UK
        # renderer, whatever FORM_RENDERER is.
        return super().render(name, value, attrs, renderer=GovUKFormRenderer())


class OneTemplateSelect(forms.Select):
    """A <select> whose options are written in one go, not by a template each: Django's
    includes a template per option and another for its attributes, so a select of a few dozen
    choices cost a page more than its table. The markup is the same (tests/test_select_widget)."""

    template_name = "includes/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = _options_html(context["widget"]["optgroups"])
        return context


def _options_html(optgroups) -> str:
    parts = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            selected = " selected" if option["attrs"].get("selected") else ""
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    option["value"],
                    selected,
                    option["label"],
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def _kind(widget: forms.Widget) -> str:
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovUKDateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


_WIDGET_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "multi": ("govuk-input", "govuk-input--error"),
}


def govuk_field_info(field: forms.BoundField) -> dict:
    """Everything govuk_field.html needs to draw one bound field."""
    widget = field.field.widget
    kind = _kind(widget)
    base_id = field.auto_id or field.html_name
    hint_id = f"{base_id}-hint" if field.help_text else ""
    error_id = f"{base_id}-error" if field.errors else ""
    describedby = " ".join(i for i in (hint_id, error_id) if i)
    extra_class = widget.attrs.get("class", "")
    size = widget.attrs.get("data-govuk-legend", "")
    info = {
        "kind": kind,
        "id": base_id,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": describedby,
        "fieldset": kind in ("radios", "checkboxes", "date", "multi"),
        "extra_class": extra_class,
        "size": size if size in ("xl", "l", "m", "s") else "",
        "page_heading": size in ("xl", "l"),
        "html": "",
        "items": [],
    }
    if kind == "hidden":
        info["html"] = field.as_widget()
    elif kind in ("radios", "checkboxes"):
        for subwidget in field.subwidgets:
            data = subwidget.data
            info["items"].append(
                {
                    "id": subwidget.id_for_label,
                    "name": data["name"],
                    "value": "" if data["value"] is None else data["value"],
                    "label": data["label"],
                    "checked": data["selected"],
                    "disabled": bool(data["attrs"].get("disabled")) or field.field.disabled,
                }
            )
    elif kind == "date":
        attrs = {}
        if describedby:
            attrs["aria-describedby"] = describedby
        info["html"] = field.as_widget(attrs=attrs)
    else:
        css, error_css = _WIDGET_CLASSES[kind]
        classes = [css]
        if field.errors and error_css:
            classes.append(error_css)
        if extra_class:
            classes.append(extra_class)
        attrs = {"class": " ".join(classes)}
        if widget.attrs.get("placeholder"):
            # GOV.UK: no placeholder text; labels and hints say what to enter.
            attrs["placeholder"] = False
        if describedby:
            attrs["aria-describedby"] = describedby
        if kind == "input" and getattr(widget, "input_type", "") in ("email", "password"):
            attrs.setdefault("spellcheck", "false")
            if widget.input_type == "email":
                attrs.setdefault("autocomplete", widget.attrs.get("autocomplete", "email"))
        info["html"] = field.as_widget(attrs=attrs)
    return info


def govuk_error_target(field: forms.BoundField) -> str:
    """The id an error summary link should point at for this field."""
    kind = _kind(field.field.widget)
    base_id = field.auto_id or field.html_name
    if kind in ("radios", "checkboxes"):
        subwidgets = field.subwidgets
        return subwidgets[0].id_for_label if subwidgets else base_id
    if kind in ("date", "multi"):
        return f"{base_id}_0"
    return base_id


def _size(number_of_bytes: int) -> str:
    megabytes = number_of_bytes / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{number_of_bytes // 1024} KB"


class CsvFileField(forms.FileField):
    """A CSV file upload no larger than `max_bytes`, with the GOV.UK pattern's messages."""

    def __init__(self, *, max_bytes: int, label: str = "Upload a CSV file", **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Select a CSV file",
                "empty": "The selected file is empty",
            },
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".csv,text/csv"}))
        super().__init__(label=label, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            if not upload.name.lower().endswith(".csv"):
                raise forms.ValidationError("The selected file must be a CSV")
            if upload.size > self.max_bytes:
                raise forms.ValidationError(
                    f"The selected file must be smaller than {_size(self.max_bytes)}"
                )
        return upload
