"""Words on the indicator pages (issue 12, item 7): an indicator whose polarity is neither is
ranked from the highest figure, never "the best", and its quartiles run from the highest; the
shipped definitions say what they count in words, not the source files' column names."""

from __future__ import annotations

import importlib
import re

import pytest

from datasets import catalogue
from datasets.models import Indicator

pytestmark = pytest.mark.django_db


def _ranking_sentence(page: str) -> str:
    start = page.index("councils have a figure and are ranked")
    return page[start : page.index("</p>", start)]


def test_a_neither_indicator_is_ranked_from_the_highest_not_the_best(data_set, officer, client_for):
    indicator = Indicator.objects.get(code="cla_rate_per_10k")
    assert indicator.polarity == "neither"
    page = client_for(officer).get(f"/data/indicators/{indicator.code}/").content.decode()
    sentence = _ranking_sentence(page)
    assert "1 being the highest figure" in sentence
    assert "A (the highest quarter)" in sentence
    assert "best" not in sentence


def test_an_indicator_with_a_better_direction_is_ranked_from_the_best(
    data_set, officer, client_for
):
    page = client_for(officer).get("/data/indicators/sw_turnover_pct/").content.decode()
    sentence = _ranking_sentence(page)
    assert "1 being the best (lower is better)" in sentence
    assert "A (the best quarter)" in sentence
    assert "highest" not in sentence


RAW_NAME = re.compile(r"\b[A-Za-z]+_[A-Za-z0-9_]+\b")


def test_the_catalogues_definitions_have_no_column_names():
    for spec in [*catalogue.INDICATORS, *catalogue.DERIVED]:
        assert not RAW_NAME.search(spec["definition"]), (spec["code"], spec["definition"])


def test_the_indicator_page_shows_the_definition_in_words(data_set, officer, client_for):
    page = client_for(officer).get("/data/indicators/rereferral_pct/").content.decode()
    assert "as a percentage of all referrals (table C1)." in page
    assert "rereferral_percent" not in page


def test_the_migration_rewords_only_a_definition_still_as_shipped(data_set):
    from django.apps import apps

    migration = importlib.import_module("datasets.migrations.0005_indicator_definitions_in_words")
    before, after = migration.DEFINITIONS["sw_turnover_pct"]
    Indicator.objects.filter(code="sw_turnover_pct").update(definition=before)
    Indicator.objects.filter(code="cla_count").update(definition="Edited by national staff.")
    migration.forwards(apps, None)
    assert Indicator.objects.get(code="sw_turnover_pct").definition == after
    assert Indicator.objects.get(code="cla_count").definition == "Edited by national staff."
    migration.backwards(apps, None)
    assert Indicator.objects.get(code="sw_turnover_pct").definition == before


def test_an_outsider_gets_404_and_a_signed_out_person_signs_in(data_set, client_for, no_role_user):
    assert client_for(no_role_user).get("/data/indicators/rereferral_pct/").status_code == 404
    assert client_for(None).get("/data/indicators/rereferral_pct/").status_code == 302
