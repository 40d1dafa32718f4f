"""Reflow (WCAG 2.2 AA, 1.4.10): every page each demo person reaches from their home fits a
320 px wide screen without the page itself scrolling sideways (a wide table scrolls in its own
region) and no word is broken mid-word, and the top navigation keeps to one line at 1280 px.
In real Chromium.

For each demo person (regions/demo.py), in a browser context of their own: sign in through the
real form, crawl one page of each kind reachable from their home (tests/browser/crawl.py) at
320 × 800, then open their home at 1280 px. The demo data takes half a minute to load and the
live server's database is emptied after each test, so one test visits every person and lists
every page, with its width, that fails.
"""

from __future__ import annotations

import pytest

from regions.demo import DEMO_PEOPLE

from .conftest import sign_in_as_demo_person
from .crawl import crawl

pytestmark = pytest.mark.browser

WIDTH_JS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# Words of letters only (no hyphen, slash or @, where a line may break) that a line break cuts
# in two, as "Outstandi ng" was.
SPLIT_WORDS_JS = r"""() => {
  const split = new Set();
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(/[A-Za-z]{4,}/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
        .map(r => Math.round(r.top)));
      if (lines.size > 1) split.add(match[0]);
    }
  }
  return [...split];
}"""
NAV_JS = """Array.from(document.querySelectorAll('.govuk-service-navigation__item'),
  item => [item.innerText.trim(), item.offsetTop])"""


def test_every_page_each_person_reaches_fits_320_px_and_the_nav_one_line_at_1280(
    demo_data, new_context, live_server
):
    failures: list[str] = []
    for person in DEMO_PEOPLE:
        context = new_context(viewport={"width": 320, "height": 800})
        page = context.new_page()
        sign_in_as_demo_person(page, person.local_part)

        def measure(page, path: str, who: str = person.local_part) -> None:
            scroll_width, client_width = page.evaluate(WIDTH_JS)
            if scroll_width > client_width:
                failures.append(f"{who}: {path} is {scroll_width} px wide at 320 px")
            if split := page.evaluate(SPLIT_WORDS_JS):
                failures.append(f"{who}: {path} breaks words mid-word at 320 px: {split}")

        found = crawl(page, live_server.url, on_page=measure)
        opened = [path for path, status in found.visited.items() if status < 400]
        assert len(opened) >= 10, f"{person.local_part}'s crawl opened only {opened}"

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/home/")
        items = page.evaluate(NAV_JS)
        assert len(items) >= 4, f"{person.local_part}: {items}"
        if len({top for _, top in items}) > 1:
            failures.append(f"{person.local_part}: the navigation wraps at 1280 px: {items}")
        context.close()
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_the_api_documentation_fits_320_px(signed_in_page, officer):
    # Not in the crawl (it skips /api/), but a page people read: its paths, in headings,
    # captions and the list of endpoints, have no spaces to break at.
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/api/v1/docs/")
    assert page.get_by_role("heading", level=1).is_visible()
    width, client = page.evaluate(WIDTH_JS)
    assert width <= client, f"/api/v1/docs/ is {width} px wide at 320 px"
