from django import template
from django.utils.html import format_html

from regions.models import Judgement

register = template.Library()

_TAG_COLOURS = {
    Judgement.OUTSTANDING: "govuk-tag--green",
    Judgement.GOOD: "govuk-tag--turquoise",
    Judgement.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
    Judgement.INADEQUATE: "govuk-tag--red",
}


@register.simple_tag
def judgement_tag(value: str) -> str:
    """An Ofsted judgement as a GOV.UK tag (the colour repeats the words, never replaces them)."""
    if not value:
        return format_html('<span class="govuk-body-s">Not inspected under ILACS</span>')
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        _TAG_COLOURS.get(value, "govuk-tag--grey"),
        Judgement(value).label,
    )
