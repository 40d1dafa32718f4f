"""{% table_scroll %}: a wide table in a focusable, labelled scrolling region, its caption drawn
above the region so that it stays in view (WCAG 1.4.10, Reflow)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

TABLE = """{% table_scroll %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--m">Councils by {{ what }}</caption>
  <tbody><tr><td>Leeds</td></tr></tbody>
</table>
{% endtable_scroll %}"""


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_caption_is_drawn_above_a_focusable_region_that_it_names():
    html = _render(TABLE, what="region")
    caption = re.search(
        r'<div class="govuk-table__caption govuk-table__caption--m app-table-scroll__caption" '
        r'id="(table-caption-\d+)">Councils by region</div>',
        html,
    )
    assert caption, html
    label = caption.group(1)
    assert (
        f'<div class="app-table-scroll" role="region" aria-labelledby="{label}" tabindex="0">'
        in html
    )
    assert f'<table class="govuk-table" aria-labelledby="{label}">' in html
    assert "<caption" not in html
    assert html.index("app-table-scroll__caption") < html.index('class="app-table-scroll"')
    assert html.index('class="app-table-scroll"') < html.index("<table")


def test_each_table_on_a_page_gets_its_own_label():
    html = _render(TABLE + TABLE, what="region")
    ids = re.findall(r'role="region" aria-labelledby="([^"]+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


def test_a_caption_id_and_a_tables_own_label_are_kept():
    html = _render(TABLE.replace("<caption ", '<caption id="mine" '), what="x")
    assert 'role="region" aria-labelledby="mine"' in html and 'id="mine"' in html
    html = _render(
        '<h2 id="h">Flags</h2>{% table_scroll %}<table aria-labelledby="h"><tr><td>1</td></tr>'
        "</table>{% endtable_scroll %}"
    )
    assert 'role="region" aria-labelledby="h" tabindex="0"' in html


def test_a_table_without_a_caption_is_named_by_label():
    html = _render(
        "{% table_scroll label=name %}<table><tr><td>1</td></tr></table>{% endtable_scroll %}",
        name="Flags & scores",
    )
    assert 'role="region" aria-label="Flags &amp; scores" tabindex="0"' in html


def test_a_caption_inside_a_nested_cell_is_not_taken_for_the_tables():
    html = _render(
        "{% table_scroll label='Outer' %}<table><tr><td><table><caption>Inner</caption></table>"
        "</td></tr></table>{% endtable_scroll %}"
    )
    assert "<caption>Inner</caption>" in html and 'aria-label="Outer"' in html


def test_a_table_that_nothing_names_is_an_error():
    with pytest.raises(ValueError, match="caption, aria-labelledby or label"):
        _render("{% table_scroll %}<table><tr><td>1</td></tr></table>{% endtable_scroll %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% table_scroll wide %}<table></table>{% endtable_scroll %}")
