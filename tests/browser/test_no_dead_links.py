"""No link to a 404: every link each demo person meets, crawling from their home, opens for
them (no 403 or 404). A link is drawn only where its target will open for that person. In real
Chromium, with the person's own session.

For each demo person (regions/demo.py), in a browser context of their own: sign in through the
real form, crawl one page of each kind reachable from their home (tests/browser/crawl.py), then
ask for every link found on those pages (one per path, up to crawl.LINKS_PER_ROUTE of each kind).
The demo data takes half a minute to load and the live server's database is emptied after each
test, so one test visits every person and lists each link that does not open, with the pages
that draw it.
"""

from __future__ import annotations

import pytest

from regions.demo import DEMO_PEOPLE

from .conftest import sign_in_as_demo_person
from .crawl import crawl, dead_links

pytestmark = pytest.mark.browser


def test_no_link_any_person_meets_answers_403_or_404(demo_data, new_context, live_server):
    dead: list[str] = []
    for person in DEMO_PEOPLE:
        context = new_context()
        page = context.new_page()
        sign_in_as_demo_person(page, person.local_part)
        found = crawl(page, live_server.url)
        assert len(found.visited) >= 10, f"{person.local_part}: only {sorted(found.visited)}"
        dead += [f"{person.local_part}: {line}" for line in dead_links(page, found)]
        context.close()
    assert not dead, f"{len(dead)} links do not open:\n" + "\n".join(dead)
