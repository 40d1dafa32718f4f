"""The facts pages: DfE interventions and DCS history (list, add, change, delete).

Both are public facts: every member sees the lists; national staff (national_adviser,
cib_admin) change them; any other member gets 403 on a change page; someone without a
membership in force gets 404; anonymous people are sent to sign in."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditEvent
from earlysupport.models import DcsTenure, Intervention
from regions.models import Council
from tests.conftest import BRADFORD, LEEDS, MANCHESTER

pytestmark = pytest.mark.django_db

D = datetime.date


def _council(gss):
    return Council.objects.get(gss_code=gss)


@pytest.fixture
def intervention(reference_data):
    return Intervention.objects.create(
        council=_council(LEEDS),
        kind="improvement_notice",
        starts_on=D(2021, 4, 1),
        ends_on=D(2022, 3, 31),
        notes="Issued after the 2021 inspection",
    )


@pytest.fixture
def tenure(reference_data):
    return DcsTenure.objects.create(
        council=_council(LEEDS), name="Sal Tariq", starts_on=D(2018, 1, 1), ends_on=D(2022, 12, 31)
    )


def _date(prefix, day):
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _intervention_post(council, *, kind="statutory_direction", starts=None, ends=None, notes=""):
    data = {"council": str(council.pk), "kind": kind, "notes": notes}
    if starts:
        data.update(_date("starts_on", starts))
    if ends:
        data.update(_date("ends_on", ends))
    return data


def _tenure_post(council, *, name="A Director", starts=None, ends=None, interim=False):
    data = {"council": str(council.pk), "name": name}
    if starts:
        data.update(_date("starts_on", starts))
    if ends:
        data.update(_date("ends_on", ends))
    if interim:
        data["interim"] = "on"
    return data


VIEWERS = ["officer", "dcs", "lead_member", "regional_lead", "other_officer", "adviser"]
EDITORS = ["national_adviser", "cib_admin"]


def _change_paths(intervention, tenure):
    return [
        "/early-support/interventions/add/",
        "/early-support/interventions/import/",
        f"/early-support/interventions/{intervention.pk}/edit/",
        f"/early-support/interventions/{intervention.pk}/delete/",
        "/early-support/dcs/add/",
        "/early-support/dcs/import/",
        f"/early-support/dcs/{tenure.pk}/edit/",
        f"/early-support/dcs/{tenure.pk}/delete/",
    ]


LISTS = ["/early-support/interventions/", "/early-support/dcs/"]


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS + EDITORS)
def test_every_member_sees_the_lists(request, client_for, intervention, tenure, who):
    client = client_for(request.getfixturevalue(who))
    for path in LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get("/early-support/interventions/").content.decode()
    assert "Leeds" in page and "Improvement notice" in page
    assert "Sal Tariq" in client.get("/early-support/dcs/").content.decode()


@pytest.mark.parametrize("who", VIEWERS)
def test_members_who_are_not_national_staff_may_not_change(
    request, client_for, intervention, tenure, who
):
    client = client_for(request.getfixturevalue(who))
    for path in _change_paths(intervention, tenure):
        assert client.get(path).status_code == 403, path
        assert client.post(path, {}).status_code == 403, path
    assert Intervention.objects.count() == 1 and DcsTenure.objects.count() == 1
    # The list offers them no change links.
    page = client.get("/early-support/interventions/").content.decode()
    assert "/early-support/interventions/add/" not in page


@pytest.mark.parametrize("who", EDITORS)
def test_national_staff_open_every_change_page(request, client_for, intervention, tenure, who):
    client = client_for(request.getfixturevalue(who))
    for path in _change_paths(intervention, tenure):
        assert client.get(path).status_code == 200, path
    page = client.get("/early-support/interventions/").content.decode()
    assert "/early-support/interventions/add/" in page


def test_people_without_a_membership_get_404(client_for, no_role_user, intervention, tenure):
    client = client_for(no_role_user)
    for path in LISTS + _change_paths(intervention, tenure):
        assert client.get(path).status_code == 404, path


def test_anonymous_people_are_sent_to_sign_in(client_for, intervention, tenure):
    client = client_for(None)
    for path in LISTS + _change_paths(intervention, tenure):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response.url, path


def test_unknown_records_are_404_for_editors(client_for, national_adviser):
    client = client_for(national_adviser)
    assert client.get("/early-support/interventions/999999/edit/").status_code == 404
    assert client.get("/early-support/dcs/999999/delete/").status_code == 404


# --- Interventions: list filters --------------------------------------------------------------


def test_intervention_list_filters(client_for, officer, reference_data):
    leeds, bradford, manchester = _council(LEEDS), _council(BRADFORD), _council(MANCHESTER)
    Intervention.objects.create(council=leeds, kind="improvement_notice", starts_on=D(2020, 1, 1))
    Intervention.objects.create(
        council=bradford,
        kind="statutory_direction",
        starts_on=D(2018, 1, 1),
        ends_on=D(2019, 1, 1),
    )
    Intervention.objects.create(
        council=manchester, kind="improvement_notice", starts_on=D(2017, 1, 1)
    )
    client = client_for(officer)

    def councils(query):
        response = client.get("/early-support/interventions/", query)
        assert response.status_code == 200
        return {i.council.name for i in response.context["interventions"]}

    assert councils({}) == {"Leeds", "Bradford", "Manchester"}
    assert councils({"council": leeds.pk}) == {"Leeds"}
    assert councils({"region": leeds.region_id}) == {"Leeds", "Bradford"}
    assert councils({"kind": "statutory_direction"}) == {"Bradford"}
    assert councils({"active_on": "2018-06-01"}) == {"Bradford", "Manchester"}
    assert councils({"active_on": "2021-06-01"}) == {"Leeds", "Manchester"}
    response = client.get("/early-support/interventions/", {"active_on": "not a date"})
    assert "The date must be a real date" in response.content.decode()


def test_intervention_list_is_paginated(client_for, officer, reference_data):
    councils = list(Council.objects.order_by("name")[:55])
    Intervention.objects.bulk_create(
        Intervention(council=c, kind="improvement_notice", starts_on=D(2020, 1, 1))
        for c in councils
    )
    client = client_for(officer)
    first = client.get("/early-support/interventions/")
    assert len(first.context["interventions"]) == 50
    second = client.get("/early-support/interventions/?page=2")
    assert len(second.context["interventions"]) == 5
    assert "55 interventions" in second.content.decode()


# --- Interventions: add, change, delete ---------------------------------------------------------


def test_national_staff_add_an_intervention_audited(client_for, national_adviser, reference_data):
    leeds = _council(LEEDS)
    response = client_for(national_adviser).post(
        "/early-support/interventions/add/",
        _intervention_post(leeds, starts=D(2023, 5, 2), notes="Direction issued"),
    )
    assert response.status_code == 302
    made = Intervention.objects.get()
    assert (made.council, made.kind, made.starts_on, made.ends_on) == (
        leeds,
        "statutory_direction",
        D(2023, 5, 2),
        None,
    )
    assert made.updated_by == national_adviser
    event = AuditEvent.objects.get(action="intervention.create")
    assert event.actor == national_adviser and event.before is None
    assert event.after["starts_on"] == "2023-05-02" and event.after["council"] == LEEDS


def test_intervention_end_before_start_is_refused(client_for, cib_admin, reference_data):
    response = client_for(cib_admin).post(
        "/early-support/interventions/add/",
        _intervention_post(_council(LEEDS), starts=D(2023, 5, 2), ends=D(2023, 5, 1)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "The end date must be the same as or after the start date"
    ]
    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error:" in page
    assert not Intervention.objects.exists()


def test_intervention_required_fields_have_clear_errors(client_for, cib_admin, reference_data):
    response = client_for(cib_admin).post("/early-support/interventions/add/", {})
    errors = response.context["form"].errors
    assert errors["council"] == ["Select the council"]
    assert errors["kind"] == ["Select the kind of intervention"]
    assert errors["starts_on"] == ["Enter the start date"]


def test_intervention_duplicate_is_refused(client_for, cib_admin, intervention):
    response = client_for(cib_admin).post(
        "/early-support/interventions/add/",
        _intervention_post(
            intervention.council, kind=intervention.kind, starts=intervention.starts_on
        ),
    )
    assert response.status_code == 200
    assert "already has this kind of intervention" in str(response.context["form"].errors)
    assert Intervention.objects.count() == 1


def test_national_staff_change_an_intervention_audited(client_for, cib_admin, intervention):
    response = client_for(cib_admin).post(
        f"/early-support/interventions/{intervention.pk}/edit/",
        _intervention_post(
            intervention.council,
            kind="improvement_notice",
            starts=D(2021, 4, 1),
            ends=D(2022, 9, 30),
            notes="Extended",
        ),
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.ends_on == D(2022, 9, 30) and intervention.notes == "Extended"
    event = AuditEvent.objects.get(action="intervention.update")
    assert event.before["ends_on"] == "2022-03-31" and event.after["ends_on"] == "2022-09-30"


def test_deleting_an_intervention_asks_first_and_is_audited(client_for, cib_admin, intervention):
    client = client_for(cib_admin)
    page = client.get(f"/early-support/interventions/{intervention.pk}/delete/")
    assert "Are you sure" in page.content.decode()
    assert Intervention.objects.exists()
    response = client.post(f"/early-support/interventions/{intervention.pk}/delete/")
    assert response.status_code == 302
    assert not Intervention.objects.exists()
    event = AuditEvent.objects.get(action="intervention.delete")
    assert event.before["kind"] == "improvement_notice" and event.actor == cib_admin


# --- DCS history --------------------------------------------------------------------------------


def test_dcs_list_filters(client_for, dcs, tenure):
    DcsTenure.objects.create(council=_council(MANCHESTER), name="Max Mole", starts_on=D(2020, 1, 1))
    client = client_for(dcs)

    def names(query):
        return {t.name for t in client.get("/early-support/dcs/", query).context["tenures"]}

    assert names({}) == {"Sal Tariq", "Max Mole"}
    assert names({"council": _council(MANCHESTER).pk}) == {"Max Mole"}
    assert names({"region": _council(LEEDS).region_id}) == {"Sal Tariq"}
    assert names({"on": "2019-01-01"}) == {"Sal Tariq"}
    assert names({"on": "2024-01-01"}) == {"Max Mole"}


def test_national_staff_add_a_dcs_audited(client_for, national_adviser, tenure):
    response = client_for(national_adviser).post(
        "/early-support/dcs/add/",
        _tenure_post(tenure.council, name="Jo Ng", starts=D(2023, 1, 1), interim=True),
    )
    assert response.status_code == 302
    made = DcsTenure.objects.get(name="Jo Ng")
    assert made.interim and made.ends_on is None
    event = AuditEvent.objects.get(action="dcs_tenure.create")
    assert event.after["name"] == "Jo Ng" and event.after["interim"] is True


def test_a_handover_on_the_same_day_is_not_an_overlap(client_for, cib_admin, tenure):
    response = client_for(cib_admin).post(
        "/early-support/dcs/add/",
        _tenure_post(tenure.council, name="Jo Ng", starts=D(2022, 12, 31)),
    )
    assert response.status_code == 302
    assert DcsTenure.objects.count() == 2


def test_overlapping_tenures_are_refused_naming_the_other(client_for, cib_admin, tenure):
    response = client_for(cib_admin).post(
        "/early-support/dcs/add/",
        _tenure_post(tenure.council, name="Jo Ng", starts=D(2022, 6, 1), ends=D(2024, 1, 1)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == [
        "This overlaps the recorded tenure of Sal Tariq (from 1 January 2018 to 31 December 2022)"
    ]
    assert DcsTenure.objects.count() == 1
    # A tenure that is still open overlaps anything after its start.
    tenure.ends_on = None
    tenure.save()
    response = client_for(cib_admin).post(
        "/early-support/dcs/add/",
        _tenure_post(tenure.council, name="Jo Ng", starts=D(2030, 1, 1)),
    )
    assert "overlaps the recorded tenure of Sal Tariq" in str(response.context["form"].errors)
    # Another council's directors do not matter.
    response = client_for(cib_admin).post(
        "/early-support/dcs/add/",
        _tenure_post(_council(BRADFORD), name="Jo Ng", starts=D(2020, 1, 1)),
    )
    assert response.status_code == 302


def test_changing_a_tenure_does_not_clash_with_itself(client_for, cib_admin, tenure):
    response = client_for(cib_admin).post(
        f"/early-support/dcs/{tenure.pk}/edit/",
        _tenure_post(tenure.council, name="Sal Tariq", starts=D(2018, 1, 1), ends=D(2023, 3, 31)),
    )
    assert response.status_code == 302
    tenure.refresh_from_db()
    assert tenure.ends_on == D(2023, 3, 31)
    event = AuditEvent.objects.get(action="dcs_tenure.update")
    assert event.before["ends_on"] == "2022-12-31" and event.after["ends_on"] == "2023-03-31"


def test_dcs_end_before_start_and_missing_name(client_for, cib_admin, reference_data):
    response = client_for(cib_admin).post(
        "/early-support/dcs/add/",
        _tenure_post(_council(LEEDS), name="", starts=D(2023, 5, 2), ends=D(2023, 1, 1)),
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter the director’s name"]
    assert errors["ends_on"] == ["The end date must be the same as or after the start date"]
    assert not DcsTenure.objects.exists()


def test_deleting_a_tenure_asks_first_and_is_audited(client_for, national_adviser, tenure):
    client = client_for(national_adviser)
    assert "Are you sure" in client.get(f"/early-support/dcs/{tenure.pk}/delete/").content.decode()
    client.post(f"/early-support/dcs/{tenure.pk}/delete/")
    assert not DcsTenure.objects.exists()
    assert AuditEvent.objects.get(action="dcs_tenure.delete").before["name"] == "Sal Tariq"


def test_the_database_refuses_overlapping_dcs_tenures_whatever_the_code(reference_data):
    """The service checks overlaps with a message; the exclusion constraint keeps the rule
    when two saves race (or code bypasses the service). A same-day handover is allowed."""
    from django.db import IntegrityError, transaction

    leeds = Council.objects.get(gss_code=LEEDS)
    DcsTenure.objects.create(
        council=leeds,
        name="First",
        starts_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    DcsTenure.objects.create(council=leeds, name="Handover", starts_on=datetime.date(2022, 12, 31))
    with pytest.raises(IntegrityError, match="dcs_tenure_no_overlap"), transaction.atomic():
        DcsTenure.objects.create(council=leeds, name="Clash", starts_on=datetime.date(2020, 6, 1))


@pytest.mark.parametrize(
    ("who", "first_crumb"),
    [("national_adviser", "/early-support/"), ("cib_admin", "/home/")],
)
def test_the_facts_pages_lead_back_only_where_the_person_can_go(
    client_for, request, who, first_crumb
):
    # The CIB administrator loads facts but has no risk dashboard: no breadcrumb to a 404.
    client = client_for(request.getfixturevalue(who))
    for url in ("/early-support/interventions/", "/early-support/dcs/"):
        page = client.get(url).content.decode()
        crumbs = page[page.index('class="govuk-breadcrumbs"') :]
        assert f'class="govuk-breadcrumbs__link" href="{first_crumb}"' in crumbs, url
        if first_crumb == "/home/":
            assert client.get("/early-support/").status_code == 404
            assert 'href="/early-support/"' not in page
