"""The demo's mentors and asks and offers: made once; Leeds' demo mentoring request gets
proposals that respect the hard rules."""

from __future__ import annotations

import pytest

from regions.demo import load_demo_people
from support.demo_mentoring import load_mentoring_demo
from support.models import CouncilAsk, Mentor
from support.services import mentoring as services
from tests.conftest import LEEDS
from tests.support.mentoring_setup import mentoring_request

pytestmark = pytest.mark.django_db


def test_the_demo_mentors_and_posts_are_made_once(reference_data):
    load_demo_people()
    assert load_mentoring_demo() == 9
    assert load_mentoring_demo() == 0
    assert Mentor.objects.count() == 5 and CouncilAsk.objects.count() == 4
    names = [m.name for _, m in services.mentor_proposals(mentoring_request(LEEDS))]
    assert "Cllr Ed Leeds" not in names and "Cllr Brian Oduya" not in names
    assert set(names) == {"Cllr Ann Hartley", "Cllr Chloe Marsh", "Dana Fielding"}
