"""Template helpers for the GOV.UK form templates in templates/includes/ (see cib_portal.forms)."""

from urllib.parse import urlencode

from django import template

from cib_portal.forms import govuk_error_target as _govuk_error_target
from cib_portal.forms import govuk_field_info as _govuk_field_info

register = template.Library()


@register.simple_tag
def govuk_field_info(field):
    """{% govuk_field_info field as g %}: how to draw a bound field the GOV.UK way."""
    return _govuk_field_info(field)


@register.filter
def govuk_error_target(field):
    """{{ field|govuk_error_target }}: the id the error summary links to."""
    return _govuk_error_target(field)


@register.simple_tag(takes_context=True)
def govuk_querystring_without_page(context):
    """The query string for pagination links, without "page".

    The context's querystring_without_page if given, else the current request's query
    string less its "page" parameter.
    """
    given = context.get("querystring_without_page")
    if given is not None:
        return str(given).lstrip("?")
    request = context.get("request")
    if request is None:
        return ""
    params = [
        (key, value) for key, values in request.GET.lists() if key != "page" for value in values
    ]
    return urlencode(params)


@register.simple_tag
def govuk_page_range(page_obj):
    """Page numbers around the current one, with Paginator.ELLIPSIS for gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )


@register.filter
def error_title(title, errors) -> str:
    """{% filter error_title:form_errors %}: the page title with "Error: " before it when the
    page's form failed (GOV.UK), once, whether or not the page's own title already says so."""
    title = str(title).strip()
    if errors and not title.startswith("Error:"):
        return f"Error: {title}"
    return title


@register.filter
def in_sentence(label: str) -> str:
    """A sentence-case label as it reads mid-sentence: "Regional lead member" is "regional lead
    member" (an acronym first, "DCS", stays as it is)."""
    first, _, rest = str(label).partition(" ")
    if len(first) > 1 and first.isupper():
        return str(label)
    return first[:1].lower() + first[1:] + (f" {rest}" if rest else "")
