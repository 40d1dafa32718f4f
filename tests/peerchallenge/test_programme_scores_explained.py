"""The programme page explains its scores (issue 12, item 7): what a pairing's score adds up,
for the programme's own preference and weights, and that higher is better; the parts of a
score in "Why" are named in words."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _page(client, programme) -> str:
    return client.get(f"/peer-challenge/{programme.pk}/").content.decode()


def _explained(body: str) -> str:
    part = body[body.index('id="scores-explained"') :]
    part = part[: part.index("</div>")]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


@pytest.fixture
def scored(programme, challenge):
    challenge.score = 1.25
    challenge.explanation = {
        "score": 1.25,
        "terms": {"context": 1.5, "travel": -0.25},
        "words": ["Travel: 25 km between the two (-0.25)."],
    }
    challenge.save()
    return programme


def test_similar_councils_scores_are_explained(client_for, regional_lead, scored):
    text = _explained(_page(client_for(regional_lead), scored))
    assert "Scores compare the pairings of this programme with each other" in text
    assert "they do not rate any council" in text
    assert "up to 1, times the context weight of 3, for being close statistical neighbours" in text
    assert "lose 1, times the travel weight of 1, for every 100 km between them" in text
    assert "Higher is better" in text
    assert "panels" not in text  # pairs, not a panel


def test_a_mix_and_no_travel_weight_are_explained(client_for, regional_lead, scored):
    scored.preference = "mix"
    scored.weight_travel = 0
    scored.save()
    body = _page(client_for(regional_lead), scored)
    text = _explained(body)
    assert "for how far apart their standing is" in text
    assert "100 km" not in text
    assert "Mix of strengths" in body  # the context part in "Why"


def test_nothing_to_score_says_every_pairing_scores_0(client_for, regional_lead, scored):
    scored.preference = "none"
    scored.weight_travel = 0
    scored.save()
    text = _explained(_page(client_for(regional_lead), scored))
    assert "With no preference and no travel weight, every pairing scores 0." in text


def test_a_panels_balance_is_explained(client_for, regional_lead, scored):
    scored.model = "panel"
    scored.cluster_size = 2
    scored.save()
    text = _explained(_page(client_for(regional_lead), scored))
    assert "where some councils sit on more panels than others" in text
    assert "balance of days weight of 2" in text


def test_a_council_officer_of_the_programme_sees_the_explanation(client_for, officer, scored):
    assert "Scores compare the pairings" in _page(client_for(officer), scored)


def test_without_pairings_there_is_nothing_to_explain(client_for, regional_lead, programme):
    assert 'id="scores-explained"' not in _page(client_for(regional_lead), programme)


def test_another_regions_lead_cannot_see_a_draft(client_for, other_regional_lead, scored):
    scored.status = "draft"
    scored.save()
    response = client_for(other_regional_lead).get(f"/peer-challenge/{scored.pk}/")
    assert response.status_code == 404
