"""OneTemplateSelect writes the same <select> as Django's Select, in one template."""

import re

from django import forms

from cib_portal.forms import OneTemplateSelect


def _without_blank_lines(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", str(html)).strip()


def test_one_template_select_renders_what_select_renders():
    choices = [
        ("", "Any"),
        ("a&b", "A & B <one>"),
        ("2", "Two"),
        ("Group", [("g1", "In a group"), ("g2", "Also in it")]),
    ]
    for value in ("", "a&b", "g2", None):
        attrs = {"class": "govuk-select", "id": "id_x", "aria-describedby": "x-hint"}
        plain = forms.Select(choices=choices).render("x", value, attrs)
        ours = OneTemplateSelect(choices=choices).render("x", value, attrs)
        assert _without_blank_lines(ours) == _without_blank_lines(plain)
        assert ours.count(" selected") == 1  # None selects the empty choice, as Select does
