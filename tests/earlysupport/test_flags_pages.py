"""Risk flag pages: the list (filters, search, sorting, empty state, CSV, a constant number of
queries), a flag with its evidence and history, raising a flag and each triage step, for the
owner (Leeds' DCS and lead member), permitted roles (its region's lead, its adviser, a national
adviser), outsiders (a Leeds officer, Manchester's officer, North West's lead, the CIB
administrator: 404) and anonymous callers (sign-in)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlysupport.models import Flag, FlagStatus
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.earlysupport.test_triage import make_booking, make_challenge, make_flag

pytestmark = pytest.mark.django_db

LIST = "/early-support/flags/"
NEW = "/early-support/flags/new/"

OWNERS = ["dcs", "lead_member"]
PERMITTED = ["regional_lead", "adviser", "national_adviser"]
OUTSIDERS = ["officer", "other_officer", "other_regional_lead", "cib_admin"]


def detail(flag) -> str:
    return f"/early-support/flags/{flag.pk}/"


def step(flag, name) -> str:
    return f"/early-support/flags/{flag.pk}/{name}/"


@pytest.fixture
def flag(risk_rules):
    return make_flag(risk_rules["workforce-pressure"])


@pytest.fixture
def as_user(request, client_for):
    def _as(name):
        user = request.getfixturevalue(name) if name else None
        return client_for(user), user

    return _as


# --- Access --------------------------------------------------------------------------------


def test_anonymous_callers_are_sent_to_sign_in(flag, client_for):
    client = client_for(None)
    for url in (LIST, NEW, detail(flag), step(flag, "acknowledge"), detail(flag) + "note/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", OWNERS + PERMITTED)
def test_owners_and_permitted_roles_see_leeds_flag(flag, as_user, who):
    client, _ = as_user(who)
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail(flag) in response.content.decode()
    page = client.get(detail(flag))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Workforce pressure" in text and "Social worker turnover rate (%)" in text


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404(flag, as_user, who):
    client, _ = as_user(who)
    assert (
        client.get(LIST).status_code == 404 or detail(flag) not in client.get(LIST).content.decode()
    )
    for url in (
        detail(flag),
        step(flag, "acknowledge"),
        step(flag, "close"),
        detail(flag) + "owner/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(step(flag, "close"), {"note": "x"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize("who", ["officer", "cib_admin", "other_officer", "no_role_user"])
def test_people_who_see_no_flags_get_404_on_the_list(as_user, who, reference_data):
    client, _ = as_user(who)
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404


def test_other_regional_lead_sees_their_region_not_leeds(risk_rules, as_user):
    leeds = make_flag(risk_rules["workforce-pressure"])
    manchester = make_flag(risk_rules["workforce-pressure"], code=MANCHESTER)
    client, _ = as_user("other_regional_lead")
    text = client.get(LIST).content.decode()
    assert detail(manchester) in text and detail(leeds) not in text


@pytest.mark.parametrize("who", OWNERS)
def test_viewers_get_403_on_triage(flag, as_user, who):
    client, _ = as_user(who)
    page = client.get(detail(flag)).content.decode()
    assert "Acknowledge the flag" not in page
    for name in ("acknowledge", "support", "monitoring", "close"):
        assert client.get(step(flag, name)).status_code == 403
    assert client.post(step(flag, "acknowledge")).status_code == 403
    assert client.post(detail(flag) + "note/", {"note": "hello"}).status_code == 403
    assert client.get(detail(flag) + "owner/").status_code == 403
    assert client.get(NEW).status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open" and not flag.events.filter(kind="note").exists()


# --- The list ------------------------------------------------------------------------------


def test_empty_state(as_user, reference_data):
    client, _ = as_user("adviser")
    response = client.get(LIST)
    assert response.status_code == 200
    assert "There are no open risk flags" in response.content.decode()
    filtered = client.get(LIST, {"severity": "red"}).content.decode()
    assert "No flags match these filters" in filtered


def test_filters_search_and_default_not_closed(risk_rules, as_user, adviser):
    red = make_flag(risk_rules["workforce-pressure"], severity="red")
    closed = make_flag(risk_rules["ofsted-inadequate"], status="closed")
    bradford = make_flag(risk_rules["workforce-pressure"], code=BRADFORD, owner=adviser)
    gone = make_flag(
        None, code=BRADFORD, raised_by=adviser, rationale="why", evidence_gone_at=red.raised_at
    )
    client, _ = as_user("adviser")

    def shown(**params):
        text = client.get(LIST, params).content.decode()
        return {f.pk for f in (red, closed, bradford, gone) if detail(f) in text}

    assert shown() == {red.pk, bradford.pk, gone.pk}
    assert shown(status="all") == {red.pk, closed.pk, bradford.pk, gone.pk}
    assert shown(status="closed") == {closed.pk}
    assert shown(severity="red") == {red.pk}
    assert shown(rule="workforce-pressure") == {red.pk, bradford.pk}
    assert shown(rule="person") == {gone.pk}
    assert shown(council=BRADFORD) == {bradford.pk, gone.pk}
    assert shown(q="brad") == {bradford.pk, gone.pk}
    assert shown(region="E12000002") == set()
    assert shown(mine="on") == {bradford.pk}
    assert shown(proposed="on") == {gone.pk}
    text = client.get(LIST).content.decode()
    assert "Proposed for closing" in text


def test_sorting(risk_rules, as_user):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    older = make_flag(
        risk_rules["workforce-pressure"], code=LEEDS, raised_at=now - timedelta(days=5)
    )
    newer = make_flag(
        risk_rules["workforce-pressure"], code=BRADFORD, severity="red", raised_at=now
    )
    client, _ = as_user("adviser")

    def order(sort):
        text = client.get(LIST, {"sort": sort}).content.decode()
        return [f.pk for f in sorted((older, newer), key=lambda f: text.index(detail(f)))]

    assert order("-raised") == [newer.pk, older.pk]
    assert order("raised") == [older.pk, newer.pk]
    assert order("council") == [newer.pk, older.pk]  # Bradford before Leeds
    assert order("-council") == [older.pk, newer.pk]
    assert order("-severity") == [newer.pk, older.pk]  # red first
    assert order("severity") == [older.pk, newer.pk]


def test_list_queries_do_not_grow_with_flags(risk_rules, as_user, adviser):
    client, _ = as_user("national_adviser")
    make_flag(risk_rules["workforce-pressure"], owner=adviser)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for code in (BRADFORD, MANCHESTER, "E08000036", "E08000033"):
        make_flag(risk_rules["workforce-pressure"], code=code, owner=adviser)
        make_flag(None, code=code, raised_by=adviser, rationale="r")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.context["page_obj"].paginator.count == 9
    assert len(many) == len(few)


def test_csv_export_guards_formulas(risk_rules, as_user, adviser):
    make_flag(risk_rules["workforce-pressure"], summary='=HYPERLINK("http://x")')
    make_flag(risk_rules["workforce-pressure"], code=MANCHESTER, summary="fine")
    client, _ = as_user("adviser")
    response = client.get(LIST, {"format": "csv", "council": LEEDS})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Flag", "Council code", "Council"]
    assert len(rows) == 2
    assert rows[1][1] == LEEDS and rows[1][-1].startswith("'=HYPERLINK")


def test_csv_export_is_only_what_the_user_may_see(risk_rules, as_user):
    make_flag(risk_rules["workforce-pressure"])
    make_flag(risk_rules["workforce-pressure"], code=MANCHESTER)
    client, _ = as_user("dcs")
    rows = list(csv.reader(io.StringIO(client.get(LIST, {"format": "csv"}).content.decode())))
    assert [r[1] for r in rows[1:]] == [LEEDS]
    outsider, _ = as_user("officer")
    assert outsider.get(LIST, {"format": "csv"}).status_code == 404


# --- The detail page -----------------------------------------------------------------------


def test_detail_shows_evidence_history_and_proposal(risk_rules, as_user, adviser):
    from django.utils import timezone

    flag = make_flag(risk_rules["workforce-pressure"], evidence_gone_at=timezone.now())
    client, _ = as_user("adviser")
    client.post(detail(flag) + "note/", {"note": "Called the DCS."})
    text = client.get(detail(flag)).content.decode()
    for words in (
        "the highest of its neighbours",
        "15.2 (10)",
        "140 of 153",
        "Leeds&#x27; ten statistical neighbours",
        "2023, 2024",
        "Proposed for closing: the evidence has gone",
        "Called the DCS.",
        "?reason=evidence_gone",
    ):
        assert words in text, words
    assert text.index("Raised</td>") < text.index("Called the DCS.")
    rule_link = f'href="/early-support/rules/{flag.rule.code}/"'
    assert rule_link in text  # the rule's page (earlysupport:rule_detail)
    close = client.get(step(flag, "close") + "?reason=evidence_gone").content.decode()
    assert "the evidence that raised the flag has gone" in close
    assert "cannot be reopened" in close


def test_detail_links_support(risk_rules, as_user, adviser):
    booking = make_booking(LEEDS)
    challenge = make_challenge(LEEDS)
    flag = make_flag(
        risk_rules["workforce-pressure"],
        status="support_agreed",
        support_kind="diagnostic",
        support_booking=booking,
    )
    other = make_flag(
        None,
        raised_by=adviser,
        rationale="r",
        status="support_agreed",
        support_kind="peer_challenge",
        support_challenge=challenge,
    )
    client, _ = as_user("adviser")
    assert f"/reviews/bookings/{booking.pk}/" in client.get(detail(flag)).content.decode()
    assert f"/challenges/{challenge.pk}/" in client.get(detail(other)).content.decode()


# --- Triage through the pages --------------------------------------------------------------


@pytest.mark.parametrize("who", PERMITTED)
def test_permitted_roles_triage_through_the_pages(flag, as_user, who):
    client, user = as_user(who)
    assert client.get(step(flag, "acknowledge")).status_code == 200
    response = client.post(step(flag, "acknowledge"), {"note": "Seen it."})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "acknowledged"
    assert flag.events.get(kind="status").actor == user


def test_agree_support_refuses_another_councils_booking(risk_rules, as_user):
    flag = make_flag(risk_rules["workforce-pressure"], status="acknowledged")
    own = make_booking(LEEDS)
    theirs = make_booking(BRADFORD)
    client, _ = as_user("adviser")
    page = client.get(step(flag, "support")).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{theirs.pk}"' not in page
    response = client.post(
        step(flag, "support"), {"support_kind": "diagnostic", "support_booking": theirs.pk}
    )
    assert response.status_code == 400
    assert "Choose one of the council" in response.content.decode()
    missing = client.post(step(flag, "support"), {"support_kind": "diagnostic"})
    assert missing.status_code == 400 and "Choose the council" in missing.content.decode()
    flag.refresh_from_db()
    assert flag.status == "acknowledged"
    ok = client.post(
        step(flag, "support"),
        {"support_kind": "diagnostic", "support_booking": own.pk, "support_note": "June"},
    )
    assert ok.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.support_booking, flag.support_note) == ("support_agreed", own, "June")


def test_a_wrong_step_is_refused_with_its_message(flag, as_user):
    client, _ = as_user("adviser")
    response = client.post(step(flag, "monitoring"), {"note": "x"})
    assert response.status_code == 409
    assert "A flag that is open cannot be moved to monitoring" in response.content.decode()
    assert client.get(step(flag, "nonsense")).status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


def test_closing_needs_a_note_and_is_final(flag, as_user):
    client, _ = as_user("adviser")
    refused = client.post(step(flag, "close"), {"note": ""})
    assert refused.status_code == 400 and "why the flag is being closed" in refused.content.decode()
    assert client.post(step(flag, "close"), {"note": "Sorted."}).status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLOSED and flag.closed_at is not None
    again = client.post(step(flag, "acknowledge"))
    assert again.status_code == 409 and "closed flag cannot change" in again.content.decode()
    assert "Raise a new flag" in client.get(detail(flag)).content.decode()


def test_assign_owner_offers_only_people_who_may_triage(
    flag, as_user, regional_lead, dcs, other_regional_lead
):
    client, _ = as_user("adviser")
    page = client.get(detail(flag) + "owner/").content.decode()
    assert f'value="{regional_lead.pk}"' in page
    assert f'value="{dcs.pk}"' not in page and f'value="{other_regional_lead.pk}"' not in page
    assert client.post(detail(flag) + "owner/", {"owner": dcs.pk}).status_code == 400
    assert client.post(detail(flag) + "owner/", {"owner": regional_lead.pk}).status_code == 302
    flag.refresh_from_db()
    assert flag.owner == regional_lead


def test_add_a_note(flag, as_user):
    client, _ = as_user("regional_lead")
    assert client.post(detail(flag) + "note/", {"note": ""}).status_code == 400
    assert client.post(detail(flag) + "note/", {"note": "Met the DCS."}).status_code == 302
    assert flag.events.get(kind="note").note == "Met the DCS."


# --- Raising -------------------------------------------------------------------------------


def test_raise_a_flag(as_user, reference_data):
    client, user = as_user("regional_lead")
    form = client.get(NEW, {"council": LEEDS})
    assert form.status_code == 200
    text = form.content.decode()
    assert f'value="{LEEDS}" selected' in text and f'value="{MANCHESTER}"' not in text
    assert client.get(NEW, {"council": MANCHESTER}).status_code == 404
    refused = client.post(
        NEW, {"council": LEEDS, "severity": "red", "summary": "Leaders have left", "rationale": " "}
    )
    assert refused.status_code == 200
    assert "Enter your reasons for raising the flag" in refused.content.decode()
    assert "Error: " in refused.content.decode()
    assert not Flag.objects.exists()
    other = client.post(
        NEW, {"council": MANCHESTER, "severity": "red", "summary": "s", "rationale": "r"}
    )
    assert other.status_code == 200 and not Flag.objects.exists()
    response = client.post(
        NEW,
        {"council": LEEDS, "severity": "red", "summary": "Leaders have left", "rationale": "Told."},
    )
    flag = Flag.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(flag)
    assert (flag.raised_by, flag.rule, flag.rationale) == (user, None, "Told.")
