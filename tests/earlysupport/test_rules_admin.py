"""The rules pages: everyone who may see flags (and national staff) reads the rules with their
thresholds in words; national staff change a rule with a reason, through typed fields for
its kind; each change is audited and shown in the rule's history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from audit.models import AuditEvent
from earlysupport.models import Rule
from earlysupport.selectors.rules import rule_params_words
from earlysupport.services.rules import rule_update

pytestmark = pytest.mark.django_db

READERS = ["dcs", "lead_member", "regional_lead", "other_regional_lead", "adviser"]
EDITORS = ["national_adviser", "cib_admin"]
OUTSIDERS = ["officer", "other_officer", "no_role_user"]


def _paths(rule):
    return [
        "/early-support/rules/",
        f"/early-support/rules/{rule.code}/",
        f"/early-support/rules/{rule.code}/edit/",
    ]


@pytest.mark.parametrize("who", READERS + EDITORS)
def test_people_who_see_flags_read_the_rules(request, client_for, risk_rules, who):
    client = client_for(request.getfixturevalue(who))
    page = client.get("/early-support/rules/").content.decode()
    for rule in risk_rules.values():
        assert escape(rule.name) in page
    assert (
        "worst national quartile, or more than 5 percentage points above the "
        "statistical-neighbour mean" in page
    )
    detail = client.get("/early-support/rules/workforce-pressure/")
    assert detail.status_code == 200
    assert "High social worker turnover" in detail.content.decode()


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_edit(request, client_for, risk_rules, who):
    client = client_for(request.getfixturevalue(who))
    rule = risk_rules["leadership-instability"]
    assert client.get(f"/early-support/rules/{rule.code}/edit/").status_code == 403
    response = client.post(
        f"/early-support/rules/{rule.code}/edit/",
        _post(rule, weight="9", changes="1", months="12", reason="Because"),
    )
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.weight == 2
    assert "/edit/" not in client.get(f"/early-support/rules/{rule.code}/").content.decode()


@pytest.mark.parametrize("who", EDITORS)
def test_editors_open_the_edit_page(request, client_for, risk_rules, who):
    client = client_for(request.getfixturevalue(who))
    for rule in risk_rules.values():
        response = client.get(f"/early-support/rules/{rule.code}/edit/")
        assert response.status_code == 200, rule.code
        assert "params" not in response.context["form"].fields  # never raw JSON


@pytest.mark.parametrize("who", OUTSIDERS)
def test_people_who_see_no_flags_get_404(request, client_for, risk_rules, who):
    client = client_for(request.getfixturevalue(who))
    for path in _paths(risk_rules["deterioration"]):
        assert client.get(path).status_code == 404, path


def test_anonymous_people_are_sent_to_sign_in(client_for, risk_rules):
    client = client_for(None)
    for path in _paths(risk_rules["deterioration"]):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_unknown_rule_is_404(client_for, national_adviser, risk_rules):
    assert client_for(national_adviser).get("/early-support/rules/nope/").status_code == 404


def test_params_in_words_for_each_kind(risk_rules):
    def words(code):
        rule = risk_rules[code]
        return rule_params_words(rule.kind, rule.params)

    assert words("ofsted-inadequate") == "The latest overall Ofsted judgement is Inadequate"
    assert words("in-intervention") == (
        "The council is under an improvement notice or statutory direction in force"
    )
    assert words("leadership-instability") == (
        "2 or more changes of director of children’s services within 24 months"
    )
    assert words("workforce-pressure") == (
        "worst national quartile, or more than 5 percentage points above the "
        "statistical-neighbour mean"
    )
    assert words("deterioration") == (
        "Worse than the statistical neighbours and moving the wrong way for 3 periods in a row"
    )
    assert rule_params_words(
        "workforce", {"worst_quartile": False, "above_neighbours_by": 2.5}
    ) == ("more than 2.5 percentage points above the statistical-neighbour mean")


def test_watched_indicators_link_to_their_pages(client_for, regional_lead, risk_rules, data_set):
    page = client_for(regional_lead).get("/early-support/rules/workforce-pressure/")
    html = page.content.decode()
    for code in risk_rules["workforce-pressure"].indicators:
        assert f'href="/data/indicators/{code}/"' in html


# --- Editing ------------------------------------------------------------------------------------


def _post(rule, **fields) -> dict:
    data = {
        "severity": rule.severity,
        "weight": str(rule.weight),
        "rationale": rule.rationale,
        "indicators": list(rule.indicators),
    }
    if rule.is_active:
        data["is_active"] = "on"
    data.update(fields)
    return data


def test_a_workforce_rule_is_changed_with_a_reason(client_for, national_adviser, risk_rules):
    rule = risk_rules["workforce-pressure"]
    client = client_for(national_adviser)
    response = client.post(
        f"/early-support/rules/{rule.code}/edit/",
        _post(
            rule,
            severity="red",
            weight="4",
            worst_quartile="no",
            above_neighbours_by="2.5",
            indicators=["sw_turnover_pct", "sw_vacancy_pct"],
            reason="Agency rates are no longer comparable between councils",
        ),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.severity == "red" and rule.weight == 4
    assert rule.params == {"worst_quartile": False, "above_neighbours_by": 2.5}
    assert rule.indicators == ["sw_turnover_pct", "sw_vacancy_pct"]
    assert rule.updated_by == national_adviser
    event = AuditEvent.objects.get(action="rule.update")
    assert event.actor == national_adviser
    assert event.before == {
        "severity": "amber",
        "weight": 2,
        "indicators": ["sw_turnover_pct", "sw_agency_pct", "sw_vacancy_pct"],
        "params": {"worst_quartile": True, "above_neighbours_by": 5},
    }
    assert event.after == {
        "severity": "red",
        "weight": 4,
        "indicators": ["sw_turnover_pct", "sw_vacancy_pct"],
        "params": {"worst_quartile": False, "above_neighbours_by": 2.5},
        "reason": "Agency rates are no longer comparable between councils",
    }
    # The rule page shows the change, in words, with its reason.
    detail = client.get(f"/early-support/rules/{rule.code}/").content.decode()
    assert "Agency rates are no longer comparable between councils" in detail
    assert "more than 2.5 percentage points above the statistical-neighbour mean" in detail
    assert "Change history" in detail


def test_the_reason_is_required(client_for, cib_admin, risk_rules):
    rule = risk_rules["deterioration"]
    response = client_for(cib_admin).post(
        f"/early-support/rules/{rule.code}/edit/", _post(rule, periods="4", reason="  ")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Enter the reason for this change"]
    rule.refresh_from_db()
    assert rule.params == {"periods": 3}
    assert not AuditEvent.objects.filter(action="rule.update").exists()


@pytest.mark.parametrize(
    ("code", "fields", "field", "message"),
    [
        ("deterioration", {"periods": "1"}, "periods", "between 2 and 10"),
        ("deterioration", {"periods": "11"}, "periods", "between 2 and 10"),
        ("leadership-instability", {"changes": "0", "months": "24"}, "changes", "1 or more"),
        ("leadership-instability", {"changes": "2", "months": "121"}, "months", "1 and 120"),
        ("leadership-instability", {"changes": "2", "months": ""}, "months", "Enter the number"),
        (
            "workforce-pressure",
            {"worst_quartile": "yes", "above_neighbours_by": "100.5"},
            "above_neighbours_by",
            "between 0 and 100",
        ),
        (
            "workforce-pressure",
            {"worst_quartile": "yes", "above_neighbours_by": "lots"},
            "above_neighbours_by",
            "must be a number",
        ),
        ("workforce-pressure", {"above_neighbours_by": "5"}, "worst_quartile", "Select yes or no"),
        ("ofsted-inadequate", {"judgements": []}, "judgements", "at least one judgement"),
        ("in-intervention", {"kinds": ["warning"]}, "kinds", "Select a valid choice"),
        ("ofsted-inadequate", {"judgements": ["inadequate"], "weight": "11"}, "weight", "1 and 10"),
        ("ofsted-inadequate", {"judgements": ["inadequate"], "weight": "0"}, "weight", "1 and 10"),
        (
            "ofsted-inadequate",
            {"judgements": ["inadequate"], "rationale": ""},
            "rationale",
            "Enter",
        ),
    ],
)
def test_typed_fields_are_validated(
    client_for, cib_admin, risk_rules, code, fields, field, message
):
    rule = risk_rules[code]
    before = (rule.params, rule.weight, rule.rationale)
    response = client_for(cib_admin).post(
        f"/early-support/rules/{code}/edit/", _post(rule, reason="Testing", **fields)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    rule.refresh_from_db()
    assert (rule.params, rule.weight, rule.rationale) == before


def test_each_kind_saves_its_params(client_for, cib_admin, risk_rules):
    client = client_for(cib_admin)
    cases = {
        "ofsted-inadequate": (
            {"judgements": ["inadequate", "requires_improvement"]},
            {"judgements": ["requires_improvement", "inadequate"]},
        ),
        "in-intervention": ({"kinds": ["statutory_direction"]}, {"kinds": ["statutory_direction"]}),
        "leadership-instability": (
            {"changes": "3", "months": "36"},
            {"changes": 3, "months": 36},
        ),
        "deterioration": ({"periods": "5"}, {"periods": 5}),
    }
    for code, (posted, expected) in cases.items():
        rule = risk_rules[code]
        response = client.post(
            f"/early-support/rules/{code}/edit/", _post(rule, reason="Review", **posted)
        )
        assert response.status_code == 302, (
            code,
            response.context and response.context["form"].errors,
        )
        rule.refresh_from_db()
        if code == "ofsted-inadequate":
            assert sorted(rule.params["judgements"]) == sorted(expected["judgements"])
        else:
            assert rule.params == expected, code


def test_deactivating_a_rule(client_for, national_adviser, risk_rules):
    rule = risk_rules["ofsted-requires-improvement"]
    data = _post(rule, judgements=["requires_improvement"], reason="Too noisy")
    data.pop("is_active")
    client_for(national_adviser).post(f"/early-support/rules/{rule.code}/edit/", data)
    rule.refresh_from_db()
    assert rule.is_active is False
    event = AuditEvent.objects.get(action="rule.update")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False, "reason": "Too noisy"}


def test_rule_update_service_checks(national_adviser, risk_rules):
    rule = risk_rules["deterioration"]
    with pytest.raises(ValidationError):
        rule_update(user=national_adviser, rule=rule, reason="", weight=3)
    with pytest.raises(ValidationError):
        rule_update(user=national_adviser, rule=rule, reason="x", weight=11)
    with pytest.raises(ValueError):
        rule_update(user=national_adviser, rule=rule, reason="x", code="renamed")
    assert Rule.objects.get(pk=rule.pk).weight == 1
    updated = rule_update(user=national_adviser, rule=rule, reason="Weight it more", weight=3)
    assert updated.weight == 3
    assert AuditEvent.objects.filter(action="rule.update").count() == 1
