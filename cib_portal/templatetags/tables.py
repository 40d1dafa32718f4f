"""{% table_scroll %}…{% endtable_scroll %}: a wide table in its own scrolling region.

WCAG 1.4.10 (Reflow): at 320 px the page itself must not scroll sideways. A table of figures
cannot reflow, so it scrolls inside a region of its own, which is focusable (a keyboard user
scrolls it with the arrow keys) and named by the table's caption. The caption is drawn above the
region, so it stays in view while the table scrolls, and it still names the table.

    {% table_scroll %}
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Councils</caption>
      …
    </table>
    {% endtable_scroll %}

A table without a caption is named by its own aria-labelledby, or by `label`:
{% table_scroll label="Councils" %}. The tag is a template builtin (settings.TEMPLATES).
"""

from __future__ import annotations

import itertools
import re

from django import template
from django.template.base import token_kwargs
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_CAPTION = re.compile(r"<caption(?P<attrs>[^>]*)>(?P<content>.*?)</caption>\s*", re.S | re.I)
_TABLE = re.compile(r"<table(?P<attrs>[^>]*)>", re.I)
_ATTR = re.compile(r"""\b(?P<name>[a-z-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.I)
_ids = itertools.count(1)


def _attrs(text: str) -> dict[str, str]:
    return {
        m.group("name").lower(): (m.group("dq") if m.group("dq") is not None else m.group("sq"))
        for m in _ATTR.finditer(text)
    }


def scroll_region(html: str, *, label: str = "") -> str:
    """The table in `html` inside a labelled, focusable scrolling region, its caption above."""
    table = _TABLE.search(html)
    if table is None:
        raise ValueError("{% table_scroll %} holds no <table>")
    table_attrs = _attrs(table.group("attrs"))
    caption = _CAPTION.search(html, table.end())
    # Only the table's own caption: it comes before its first row.
    if caption is not None and re.search(
        r"<t(?:r|head|body)\b", html[table.end() : caption.start()]
    ):
        caption = None
    before = ""
    if caption is not None:
        caption_attrs = _attrs(caption.group("attrs"))
        label_id = caption_attrs.get("id") or f"table-caption-{next(_ids)}"
        classes = caption_attrs.get("class", "govuk-table__caption")
        before = format_html(
            '<div class="{} app-table-scroll__caption" id="{}">{}</div>\n',
            classes,
            label_id,
            mark_safe(caption.group("content").strip()),  # noqa: S308 - already rendered
        )
        opening = table.group(0)
        if "aria-labelledby" not in table_attrs:
            opening = opening[:-1] + f' aria-labelledby="{escape(label_id)}">'
        html = (
            html[: table.start()]
            + opening
            + html[table.end() : caption.start()]
            + html[caption.end() :]
        )
        name = format_html('aria-labelledby="{}"', label_id)
    elif "aria-labelledby" in table_attrs:
        name = format_html('aria-labelledby="{}"', table_attrs["aria-labelledby"])
    elif label:
        name = format_html('aria-label="{}"', label)
    else:
        raise ValueError("{% table_scroll %}: the table needs a caption, aria-labelledby or label")
    return format_html(
        '{}<div class="app-table-scroll" role="region" {} tabindex="0">\n{}\n</div>',
        before,
        name,
        mark_safe(html.strip()),  # noqa: S308 - already rendered
    )


class TableScrollNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: template.base.FilterExpression | None):
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> str:
        label = self.label.resolve(context) if self.label is not None else ""
        return scroll_region(self.nodelist.render(context), label=str(label or ""))


@register.tag
def table_scroll(parser: template.base.Parser, token: template.base.Token) -> TableScrollNode:
    """{% table_scroll [label="…"] %}<table>…</table>{% endtable_scroll %}."""
    bits = token.split_contents()[1:]
    kwargs = token_kwargs(bits, parser)
    if bits or set(kwargs) - {"label"}:
        raise template.TemplateSyntaxError('{% table_scroll %} takes only label="…"')
    nodelist = parser.parse(("endtable_scroll",))
    parser.delete_first_token()
    return TableScrollNode(nodelist, kwargs.get("label"))
