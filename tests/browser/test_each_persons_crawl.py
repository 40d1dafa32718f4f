"""Each demo person's portal, crawled from their home in real Chromium, one test per person:

* Reflow (WCAG 2.2 AA, 1.4.10): every page they reach fits a 320 px wide screen without the page
  itself scrolling sideways (a wide table scrolls in its own region), no word is broken
  mid-word, and the top navigation keeps to one line at 1280 px.
* No link to a 404: every link they meet on those pages opens for them (no 403 or 404); a link
  is drawn only where its target will open for that person.

For each person (regions/demo.py), in a browser context of their own: sign in through the real
form, crawl one page of each kind reachable from their home (tests/browser/crawl.py) at 320 ×
800, measuring each page, then ask for every link found on those pages (one per path, up to
crawl.LINKS_PER_ROUTE of each kind) and open their home at 1280 px. One crawl serves both
checks; the demo is loaded once for the module (tests/browser/conftest.py: demo_server).
"""

from __future__ import annotations

import pytest

from regions.demo import DEMO_PEOPLE

from .conftest import sign_in_as_demo_person
from .crawl import crawl, dead_links

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


@pytest.mark.parametrize("person", DEMO_PEOPLE, ids=lambda person: person.local_part)
def test_every_page_fits_320_px_and_every_link_opens(person, demo_server, demo_context):
    who = person.local_part
    context = demo_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    sign_in_as_demo_person(page, who)
    too_wide: list[str] = []

    def measure(page, path: str) -> None:
        scroll_width, client_width = page.evaluate(WIDTH_JS)
        if scroll_width > client_width:
            too_wide.append(f"{path} is {scroll_width} px wide at 320 px")
        if split := page.evaluate(SPLIT_WORDS_JS):
            too_wide.append(f"{path} breaks words mid-word at 320 px: {split}")

    found = crawl(page, demo_server.url, on_page=measure)
    opened = [path for path, status in found.visited.items() if status < 400]
    assert len(opened) >= 10, f"{who}'s crawl opened only {sorted(found.visited)}"
    dead = dead_links(page, found)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/home/")
    items = page.evaluate(NAV_JS)
    assert len(items) >= 4, f"{who}: {items}"
    wraps = len({top for _, top in items}) > 1

    assert not too_wide, f"{who}: {len(too_wide)} pages do not reflow:\n" + "\n".join(too_wide)
    assert not dead, f"{who}: {len(dead)} links do not open:\n" + "\n".join(dead)
    assert not wraps, f"{who}: the navigation wraps at 1280 px: {items}"
