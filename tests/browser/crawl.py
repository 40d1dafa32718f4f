"""A crawl of the portal as one person meets it: from their home, through the links on each page.

Used by the reflow sweep (every page at 320 px) and the dead-link sweep (every link answers).
The portal has hundreds of pages that differ only in their object or query string (153 councils,
each filter of a list), so the crawl visits one page per URL pattern, breadth first from the
home page: every kind of page the person can reach, in the order they would meet it, in a time a
test suite can afford. Every link found on those pages is kept, so the dead-link sweep can ask
for each of them, not only the ones visited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# Not pages: signing out ends the crawl, files and feeds are not HTML, the API and Django's
# admin are not the portal's pages.
SKIPPED = ("/accounts/logout/", "/api/", "/admin/", "/static/", "/media/")
SKIPPED_ENDINGS = (".ics", ".csv", ".pdf", ".json", ".zip", ".xlsx", ".parquet")
FILE_SEGMENTS = {"csv", "pdf", "download", "export"}  # .../csv/, .../pdf/, .../export/

# Pages visited per person: enough for every kind of page a role reaches from home (the
# national adviser, who reaches the most, meets about 65).
PAGE_CAP = 80
# Links asked for per URL pattern by the dead-link sweep: every challenge workspace of a
# programme, a sample of the 153 council pages (one rule decides them all).
LINKS_PER_ROUTE = 25

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"""


@dataclass
class Crawl:
    """What a crawl found: the pages visited (path → HTTP status) and every same-origin link
    (path → the pages it was found on)."""

    visited: dict[str, int] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)


def is_crawlable(path: str) -> bool:
    bare = urlsplit(path).path
    if bare.startswith(SKIPPED) or bare.endswith(SKIPPED_ENDINGS):
        return False
    return not FILE_SEGMENTS.intersection(bare.split("/"))


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to (one page of each is visited), or None if none."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route or match.view_name


def same_origin_path(href: str, origin: str) -> str | None:
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(page, origin: str, *, start: str = "/home/", on_page=None, cap: int = PAGE_CAP) -> Crawl:
    """Visit `start` and then, breadth first, one page of each URL pattern linked from the pages
    visited, up to `cap` pages; call `on_page(page, path)` on each page that opened."""
    found = Crawl()
    queue = [start]
    routes: set[str | None] = {route_of(start)}
    while queue and len(found.visited) < cap:
        path = queue.pop(0)
        response = page.goto(path, wait_until="domcontentloaded")
        status = response.status if response is not None else 0
        found.visited[path] = status
        if status >= 400:
            continue
        if on_page is not None:
            on_page(page, path)
        for href in page.evaluate(LINKS_JS):
            link = same_origin_path(href, origin)
            if link is None or not is_crawlable(link):
                continue
            found.links.setdefault(link, set()).add(path)
            route = route_of(link)
            if route is not None and route not in routes:
                routes.add(route)
                queue.append(link)
    return found


# Asks for the links from inside the page, with the person's cookies, a few at a time.
STATUSES_JS = """async ([links, parallel]) => {
  const statuses = {};
  const queue = [...links];
  async function worker() {
    while (queue.length) {
      const link = queue.shift();
      try { statuses[link] = (await fetch(link, {credentials: 'same-origin'})).status; }
      catch (error) { statuses[link] = 0; }
    }
  }
  await Promise.all(Array.from({length: parallel}, worker));
  return statuses;
}"""


def dead_links(page, found: Crawl, *, per_route: int = LINKS_PER_ROUTE) -> list[str]:
    """Each link that answers 403 or 404, with the pages it is on: the pages the crawl visited,
    then the links it did not visit (one per path, `per_route` paths of each URL pattern), asked
    for with the person's cookies."""
    status = dict(found.visited)
    bare_seen = {urlsplit(path).path for path in status}
    per_route_count: dict[str | None, int] = {}
    to_ask = []
    for link in sorted(found.links):
        bare = urlsplit(link).path
        if link in status or bare in bare_seen:
            continue
        bare_seen.add(bare)
        route = route_of(link)
        per_route_count[route] = per_route_count.get(route, 0) + 1
        if route is None or per_route_count[route] <= per_route:
            to_ask.append(link)
    status.update(page.evaluate(STATUSES_JS, [to_ask, 3]))
    return [
        f"{link} answers {code}, linked from {', '.join(sorted(found.links.get(link, {'home'})))}"
        for link, code in status.items()
        if code in (403, 404)
    ]
