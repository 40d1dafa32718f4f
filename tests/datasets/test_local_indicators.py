"""Local indicators: a council's own measures, confidential to it unless shared."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from datasets import selectors, services
from datasets.models import Indicator, Observation, ObservationRevision
from regions.models import Council

# These tests build the data set they need from nothing.
pytestmark = pytest.mark.empty_data_set


@pytest.fixture
def leeds(reference_data):
    services.areas_sync()
    return Council.objects.get(gss_code="E08000035")


@pytest.fixture
def indicator(leeds, officer):
    ind = services.local_indicator_create(
        actor=officer,
        council=leeds,
        name="Visits within 5 days",
        unit="percentage",
        polarity="higher",
    )
    services.local_value_set(actor=officer, indicator=ind, period="2024-25", value="81.5")
    return ind


# --- The profile rows -----------------------------------------------------------------------


def test_profile_rows_give_the_latest_value(indicator, officer, leeds):
    services.local_value_set(actor=officer, indicator=indicator, period="2023-24", value="70")
    (row,) = selectors.local_profile_rows(user=officer, council=leeds)
    assert row["indicator"] == indicator
    assert (row["period"], row["value"], row["symbol"], row["shared"]) == (
        "2024-25",
        Decimal("81.5"),
        "",
        False,
    )


def test_profile_rows_are_confidential_until_shared(
    indicator, leeds, regional_lead, other_officer, no_role_user, officer
):
    assert len(selectors.local_profile_rows(user=regional_lead, council=leeds)) == 1
    assert selectors.local_profile_rows(user=other_officer, council=leeds) == []
    assert selectors.local_profile_rows(user=no_role_user, council=leeds) == []
    services.local_indicator_share(actor=officer, indicator=indicator, shared=True)
    assert len(selectors.local_profile_rows(user=other_officer, council=leeds)) == 1
    assert selectors.local_profile_rows(user=no_role_user, council=leeds) == []


def test_include_renders_rows_tagged_local_and_an_empty_state(indicator, officer, leeds):
    from django.template.loader import render_to_string

    html = render_to_string(
        "datasets/includes/local_indicators.html",
        {"local_rows": selectors.local_profile_rows(user=officer, council=leeds)},
    )
    assert "Local indicators (the council's own measures)" in html
    assert "govuk-tag" in html and "Visits within 5 days" in html
    empty = render_to_string("datasets/includes/local_indicators.html", {"local_rows": []})
    assert "No local indicators to show" in empty


# --- Pages in threes ------------------------------------------------------------------------


def test_council_staff_add_an_indicator(client_for, officer, leeds):
    client = client_for(officer)
    assert client.get(reverse("datasets:local:create")).status_code == 200
    response = client.post(
        reverse("datasets:local:create"),
        {
            "council": leeds.pk,
            "name": "Audits rated good",
            "unit": "percentage",
            "polarity": "higher",
            "definition": "Case file audits",
        },
    )
    ind = Indicator.objects.get(name="Audits rated good")
    assert response.status_code == 302
    assert (ind.council, ind.theme, ind.source, ind.is_shared) == (leeds, "Local", "local", False)
    assert AuditEvent.objects.filter(action="local_indicator.create", object_id=str(ind.pk))


def test_create_form_shows_errors(client_for, officer, leeds):
    response = client_for(officer).post(reverse("datasets:local:create"), {"council": leeds.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text and "Enter the indicator&#x27;s name" in text


def test_regional_lead_cannot_add_but_may_view(client_for, regional_lead, indicator):
    client = client_for(regional_lead)
    assert client.get(reverse("datasets:local:create")).status_code == 404
    assert client.get(reverse("datasets:local:detail", args=[indicator.pk])).status_code == 200
    assert client.get(reverse("datasets:local:edit", args=[indicator.pk])).status_code == 403


def test_no_role_user_gets_404_everywhere(client_for, no_role_user, indicator):
    client = client_for(no_role_user)
    assert client.get(reverse("datasets:local:list")).status_code == 404
    assert client.get(reverse("datasets:local:create")).status_code == 404
    for name in ("detail", "edit", "value_add", "values_upload", "delete"):
        assert client.get(reverse(f"datasets:local:{name}", args=[indicator.pk])).status_code == 404


def test_list_shows_own_councils_indicators(client_for, officer, other_officer, indicator):
    assert (
        "Visits within 5 days"
        in client_for(officer).get(reverse("datasets:local:list")).content.decode()
    )
    other = client_for(other_officer).get(reverse("datasets:local:list"))
    assert other.status_code == 200
    assert "Visits within 5 days" not in other.content.decode()


def test_detail_for_staff_lead_and_outsider(
    client_for, officer, regional_lead, other_officer, indicator
):
    url = reverse("datasets:local:detail", args=[indicator.pk])
    page = client_for(officer).get(url)
    assert page.status_code == 200 and "81.5" in page.content.decode()
    assert "Add a value" in page.content.decode()
    assert client_for(regional_lead).get(url).status_code == 200
    assert client_for(other_officer).get(url).status_code == 404


def test_shared_indicator_is_visible_to_other_councils_but_not_editable(
    client_for, officer, other_officer, no_role_user, indicator
):
    client_for(officer).post(reverse("datasets:local:share", args=[indicator.pk]), {"shared": "1"})
    indicator.refresh_from_db()
    assert indicator.is_shared
    assert AuditEvent.objects.filter(action="local_indicator.share").exists()
    url = reverse("datasets:local:detail", args=[indicator.pk])
    assert client_for(other_officer).get(url).status_code == 200
    assert (
        client_for(other_officer)
        .get(reverse("datasets:local:edit", args=[indicator.pk]))
        .status_code
        == 403
    )
    assert client_for(no_role_user).get(url).status_code == 404
    client_for(officer).post(reverse("datasets:local:share", args=[indicator.pk]), {"shared": "0"})
    indicator.refresh_from_db()
    assert not indicator.is_shared
    assert AuditEvent.objects.filter(action="local_indicator.unshare").exists()
    assert client_for(other_officer).get(url).status_code == 404


def test_outsider_cannot_share(client_for, other_officer, regional_lead, indicator):
    url = reverse("datasets:local:share", args=[indicator.pk])
    assert client_for(other_officer).post(url, {"shared": "1"}).status_code == 404
    assert client_for(regional_lead).post(url, {"shared": "1"}).status_code == 403
    indicator.refresh_from_db()
    assert not indicator.is_shared


def test_edit(client_for, officer, indicator):
    response = client_for(officer).post(
        reverse("datasets:local:edit", args=[indicator.pk]),
        {
            "name": "Visits within 7 days",
            "unit": "percentage",
            "polarity": "higher",
            "definition": "",
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Visits within 7 days"
    assert AuditEvent.objects.filter(action="local_indicator.update").exists()


# --- Values ---------------------------------------------------------------------------------


def test_add_value_by_form_and_a_change_keeps_a_revision(client_for, officer, indicator):
    client = client_for(officer)
    url = reverse("datasets:local:value_add", args=[indicator.pk])
    assert client.post(url, {"period": "2024-25", "value": "83"}).status_code == 302
    obs = Observation.objects.get(indicator=indicator, period__label="2024-25")
    assert obs.value == Decimal("83") and obs.period.time_identifier == "Local"
    assert obs.area.council == indicator.council
    assert (obs.period.start_year, obs.period.end_year) == (2024, 2025)
    assert ObservationRevision.objects.get(observation=obs).value == Decimal("81.5")


def test_add_value_form_errors(client_for, officer, indicator):
    url = reverse("datasets:local:value_add", args=[indicator.pk])
    response = client_for(officer).post(url, {"period": "last year", "value": "lots"})
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert "must include a year" in text


def test_csv_upload_saves_all_values(client_for, officer, indicator):
    data = b"period,value\n2022-23,60\n2023-24,c\n2024-25,81.5\n"
    response = client_for(officer).post(
        reverse("datasets:local:values_upload", args=[indicator.pk]),
        {"file": SimpleUploadedFile("v.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 302
    values = {
        o.period.label: (o.value, o.symbol)
        for o in Observation.objects.filter(indicator=indicator).select_related("period")
    }
    assert values == {
        "2022-23": (Decimal("60"), ""),
        "2023-24": (None, "c"),
        "2024-25": (Decimal("81.5"), ""),
    }


def test_csv_upload_with_problems_saves_nothing_and_lists_each_line(client_for, officer, indicator):
    data = b"value,period\n60,2022-23\nlots,2023-24\n70,sometime\n71,2022-23\n"
    response = client_for(officer).post(
        reverse("datasets:local:values_upload", args=[indicator.pk]),
        {"file": SimpleUploadedFile("v.csv", data, content_type="text/csv")},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert "Line 3, column value: The value &#x27;lots&#x27;" in text
    assert "Line 4, column period: The period &#x27;sometime&#x27;" in text
    assert "Line 5: the period &#x27;2022-23&#x27; is also on line 2" in text
    assert not Observation.objects.filter(indicator=indicator, period__label="2022-23").exists()


def test_csv_upload_needs_the_columns(officer, indicator):
    with pytest.raises(services.LocalIndicatorError) as caught:
        services.local_values_upload(actor=officer, indicator=indicator, data=b"year,amount\n1,2\n")
    assert caught.value.errors[0].startswith("Line 1")


# --- Delete ---------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(client_for, officer, indicator):
    client = client_for(officer)
    url = reverse("datasets:local:delete", args=[indicator.pk])
    page = client.get(url)
    assert "Are you sure" in page.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.post(url).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert AuditEvent.objects.filter(action="local_indicator.delete").exists()


def test_outsiders_cannot_delete(client_for, other_officer, regional_lead, indicator):
    url = reverse("datasets:local:delete", args=[indicator.pk])
    assert client_for(other_officer).post(url).status_code == 404
    assert client_for(regional_lead).post(url).status_code == 403
    assert Indicator.objects.filter(pk=indicator.pk).exists()
