"""Reflow (WCAG 2.2 AA, 1.4.10) of pages the crawl does not reach. Every page each demo person
reaches from their home is measured at 320 px by test_each_persons_crawl.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTH_JS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def test_the_api_documentation_fits_320_px(signed_in_page, officer):
    # Not in the crawl (it skips /api/), but a page people read: its paths, in headings,
    # captions and the list of endpoints, have no spaces to break at.
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/api/v1/docs/")
    assert page.get_by_role("heading", level=1).is_visible()
    width, client = page.evaluate(WIDTH_JS)
    assert width <= client, f"/api/v1/docs/ is {width} px wide at 320 px"
