"""What the navigation offers the signed-in person, declared by the apps that own the pages.

The shared layer knows no domain app: each app registers, from its `apps.py` `ready()`, a test
under the name the templates read (`nav_can_see_flags`), and `context_processors.portal` asks
every registered test. A test answers from the grants alone (no query), truthy when the
navigation offers the part, and is the same rule the part's own pages open by, so a link never
answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous

NavTest = Callable[["UserOrAnonymous"], object]

_TESTS: dict[str, NavTest] = {}


def register(name: str, test: NavTest) -> None:
    """Offer a part of the portal in the navigation to those for whom `test(user)` is truthy;
    the templates read it as `name`."""
    _TESTS[name] = test


def test_for(name: str) -> NavTest | None:
    return _TESTS.get(name)


def offers(user: UserOrAnonymous | None) -> dict[str, bool]:
    """Every registered name with whether the navigation offers it to the user."""
    return {name: user is not None and bool(test(user)) for name, test in _TESTS.items()}
