"""The risk flags API: /api/v1/risk-flags/ (list with filters, read with history, raise, and
/transition/) and /api/v1/risk-rules/, for the owner (Leeds' DCS and lead member: read only),
permitted roles (its region's lead, its adviser, a national adviser), outsiders (a Leeds
officer, Manchester's officer, North West's lead, the CIB administrator) and anonymous callers.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from earlysupport.models import Flag
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.earlysupport.conftest import lead_member, risk_rules  # noqa: F401
from tests.earlysupport.test_triage import make_booking, make_flag

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/risk-flags/"
RULES = "/api/v1/risk-rules/"

OWNERS = ["dcs", "lead_member"]
PERMITTED = ["regional_lead", "adviser", "national_adviser"]
OUTSIDERS = ["officer", "other_officer", "other_regional_lead", "cib_admin"]


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def flag(risk_rules):  # noqa: F811
    return make_flag(risk_rules["workforce-pressure"])


@pytest.fixture
def who(request):
    return lambda name: request.getfixturevalue(name)


def transition(flag) -> str:
    return f"{FLAGS}{flag.pk}/transition/"


# --- Access --------------------------------------------------------------------------------


def test_anonymous_callers_are_refused(flag):
    client = api_as(None)
    for response in (
        client.get(FLAGS),
        client.get(f"{FLAGS}{flag.pk}/"),
        client.post(FLAGS, {}, format="json"),
        client.post(transition(flag), {"to_status": "acknowledged"}, format="json"),
        client.get(RULES),
    ):
        assert response.status_code in (401, 403)


@pytest.mark.parametrize("name", OWNERS + PERMITTED)
def test_owners_and_permitted_roles_read_leeds_flag(flag, who, name):
    client = api_as(who(name))
    rows = results(client.get(FLAGS))
    assert [r["id"] for r in rows] == [flag.pk]
    row = rows[0]
    assert row["council"] == LEEDS and row["rule"] == "workforce-pressure"
    assert row["severity"] == "amber" and row["status"] == "open"
    assert row["owner"] is None and row["proposed_for_closing"] is False
    assert row["evidence"]["figures"][0]["value"] == "22.1"
    one = client.get(f"{FLAGS}{flag.pk}/")
    assert one.status_code == 200
    assert [h["kind"] for h in one.json()["history"]] == ["raised"]
    assert client.get(RULES).status_code == 200


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404(flag, who, name):
    client = api_as(who(name))
    assert client.get(f"{FLAGS}{flag.pk}/").status_code == 404
    assert (
        client.post(transition(flag), {"to_status": "acknowledged"}, format="json").status_code
        == 404
    )
    assert results(client.get(FLAGS)) == []
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize("name", ["officer", "other_officer", "cib_admin"])
def test_people_who_see_no_flags_may_not_read_the_rules(who, name, risk_rules):  # noqa: F811
    assert api_as(who(name)).get(RULES).status_code == 403


def test_a_missing_flag_is_404(adviser, reference_data):
    assert api_as(adviser).get(f"{FLAGS}999999/").status_code == 404


@pytest.mark.parametrize("name", OWNERS)
def test_viewers_get_403_on_changes(flag, who, name):
    client = api_as(who(name))
    response = client.post(transition(flag), {"to_status": "acknowledged"}, format="json")
    assert response.status_code == 403
    raised = client.post(
        FLAGS,
        {"council": LEEDS, "severity": "red", "summary": "s", "rationale": "r"},
        format="json",
    )
    assert raised.status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open" and Flag.objects.count() == 1


# --- Listing -------------------------------------------------------------------------------


def test_filters(risk_rules, adviser):  # noqa: F811
    leeds = make_flag(risk_rules["workforce-pressure"], severity="red")
    bradford = make_flag(risk_rules["workforce-pressure"], code=BRADFORD, status="monitoring")
    client = api_as(adviser)

    def ids(**params):
        return {r["id"] for r in results(client.get(FLAGS, params))}

    assert ids() == {leeds.pk, bradford.pk}
    assert ids(council=BRADFORD) == {bradford.pk}
    assert ids(status="monitoring") == {bradford.pk}
    assert ids(severity="red") == {leeds.pk}
    for bad in ({"status": "withdrawn"}, {"severity": "green"}, {"council": "E99999999"}):
        response = client.get(FLAGS, bad)
        assert response.status_code == 400 and next(iter(bad)) in response.json()


def test_list_queries_do_not_grow(risk_rules, adviser, national_adviser):  # noqa: F811
    client = api_as(national_adviser)
    make_flag(risk_rules["workforce-pressure"], owner=adviser)
    client.get(FLAGS)
    with CaptureQueriesContext(connection) as few:
        assert len(results(client.get(FLAGS))) == 1
    for code in (BRADFORD, MANCHESTER, "E08000036"):
        make_flag(risk_rules["workforce-pressure"], code=code, owner=adviser)
    with CaptureQueriesContext(connection) as many:
        assert len(results(client.get(FLAGS))) == 4
    assert len(many) == len(few)


def test_rules_list(adviser, risk_rules):  # noqa: F811
    rows = api_as(adviser).get(RULES).json()
    by_code = {r["code"]: r for r in rows}
    rule = risk_rules["workforce-pressure"]
    assert by_code["workforce-pressure"]["params"] == rule.params
    assert by_code["workforce-pressure"]["indicators"] == list(rule.indicators)
    assert {"weight", "severity", "rationale", "kind"} <= set(by_code["workforce-pressure"])


# --- Raising and transitions ---------------------------------------------------------------


def test_raise_a_flag(adviser, reference_data):
    client = api_as(adviser)
    missing = client.post(
        FLAGS, {"council": LEEDS, "severity": "red", "summary": "s"}, format="json"
    )
    assert missing.status_code == 400 and "rationale" in missing.json()
    blank = client.post(
        FLAGS,
        {"council": LEEDS, "severity": "red", "summary": "s", "rationale": "   "},
        format="json",
    )
    assert blank.status_code == 400 and "rationale" in blank.json()
    response = client.post(
        FLAGS,
        {"council": LEEDS, "severity": "red", "summary": "Leaders left", "rationale": "Told."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rule"] is None and body["council"] == LEEDS and body["status"] == "open"
    assert Flag.objects.get().raised_by == adviser


def test_other_regions_lead_may_not_raise_on_leeds(other_regional_lead):
    response = api_as(other_regional_lead).post(
        FLAGS,
        {"council": LEEDS, "severity": "red", "summary": "s", "rationale": "r"},
        format="json",
    )
    assert response.status_code == 403 and not Flag.objects.exists()


def test_transitions_and_wrong_steps(flag, adviser):
    client = api_as(adviser)
    wrong = client.post(transition(flag), {"to_status": "monitoring"}, format="json")
    assert wrong.status_code == 409
    assert "A flag that is open cannot be moved to monitoring" in wrong.json()["detail"]
    ok = client.post(transition(flag), {"to_status": "acknowledged", "note": "Seen"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    theirs = make_booking(BRADFORD)
    refused = client.post(
        transition(flag),
        {"to_status": "support_agreed", "support_kind": "diagnostic", "support_booking": theirs.pk},
        format="json",
    )
    assert refused.status_code == 409 and "not Leeds" in refused.json()["detail"]
    unknown = client.post(
        transition(flag),
        {"to_status": "support_agreed", "support_kind": "diagnostic", "support_booking": 999999},
        format="json",
    )
    assert unknown.status_code == 400 and "support_booking" in unknown.json()
    own = make_booking(LEEDS)
    agreed = client.post(
        transition(flag),
        {"to_status": "support_agreed", "support_kind": "diagnostic", "support_booking": own.pk},
        format="json",
    )
    assert agreed.status_code == 200 and agreed.json()["support_booking"] == own.pk
    back = client.post(transition(flag), {"to_status": "open"}, format="json")
    assert back.status_code == 409
    no_note = client.post(transition(flag), {"to_status": "closed"}, format="json")
    assert no_note.status_code == 409 and "why the flag is being closed" in no_note.json()["detail"]
    closed = client.post(transition(flag), {"to_status": "closed", "note": "Done"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_at"]
    history = closed.json()["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("", "open"),
        ("open", "acknowledged"),
        ("acknowledged", "support_agreed"),
        ("support_agreed", "closed"),
    ]
    final = client.post(transition(flag), {"to_status": "acknowledged"}, format="json")
    assert final.status_code == 409 and "closed" in final.json()["detail"]
    bad = client.post(transition(flag), {"to_status": "withdrawn"}, format="json")
    assert bad.status_code == 400 and "to_status" in bad.json()


def test_schema_names_the_endpoints(adviser):
    response = api_as(adviser).get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/risk-flags/{id}/transition/" in text and "/api/v1/risk-rules/" in text
    assert "RiskFlagStatusEnum" in text
