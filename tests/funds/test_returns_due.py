"""Returns due or overdue: those still with their region, in the regions the person may see,
the most overdue first (the budget page and the regional lead's home flag them)."""

from __future__ import annotations

from datetime import date

import pytest

from funds.models import QuarterlyReturn
from funds.selectors import returns_due_or_overdue

pytestmark = pytest.mark.django_db


def test_overdue_and_soon_due_returns_most_overdue_first(agreement, regional_lead):
    # 2027-28: quarter 1 due 31 July 2027, quarter 2 due 31 October, quarter 3 due 31 January.
    due = returns_due_or_overdue(user=regional_lead, today=date(2027, 11, 10))
    assert [(d.ret.quarter, d.overdue, d.days) for d in due] == [(1, True, 102), (2, True, 10)]
    due = returns_due_or_overdue(user=regional_lead, today=date(2028, 1, 20))
    assert [(d.ret.quarter, d.overdue, d.days) for d in due] == [
        (1, True, 173),
        (2, True, 81),
        (3, False, 11),
    ]


def test_a_submitted_or_accepted_return_is_not_due(agreement, regional_lead):
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(status="submitted")
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=2).update(status="accepted")
    assert returns_due_or_overdue(user=regional_lead, today=date(2027, 11, 10)) == []
    # Returned with comments is back with the region.
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=2).update(
        status="returned", review_comments="Add the invoices."
    )
    due = returns_due_or_overdue(user=regional_lead, today=date(2027, 11, 10))
    assert [d.ret.quarter for d in due] == [2]


def test_only_the_regions_the_person_may_see(agreement, other_regional_lead, officer, cib_admin):
    today = date(2027, 11, 10)
    assert returns_due_or_overdue(user=other_regional_lead, today=today) == []
    assert returns_due_or_overdue(user=officer, today=today) == []
    assert len(returns_due_or_overdue(user=cib_admin, today=today)) == 2


def test_one_query(agreement, regional_lead, django_assert_num_queries):
    returns_due_or_overdue(user=regional_lead, today=date(2027, 11, 10))  # grants now read
    with django_assert_num_queries(1):
        due = returns_due_or_overdue(user=regional_lead, today=date(2027, 11, 10))
        assert [d.ret.agreement.region.name for d in due]
