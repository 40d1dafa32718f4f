"""A challenge's workspace: every page and download for the host's staff, the roles that may
see it, outsiders (404) and anonymous visitors (sign-in); the list of challenges; who may
change which part (403)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerchallenge.models import (
    Action,
    Attendee,
    ChallengeDocument,
    FeedbackLetter,
    LineOfEnquiry,
    SelfAssessment,
)

pytestmark = pytest.mark.django_db

HOST = ["officer", "dcs"]
LEADS = ["regional_lead", "programme_manager_region"]
VIEWERS = [*HOST, *LEADS, "adviser", "challenger"]
OUTSIDERS = ["other_officer", "other_challenger", "cib_admin", "other_regional_lead"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def full(challenge, officer, challenger, other_challenge):
    """The Leeds challenge with one of everything (a draft, unshared self-assessment and an
    unissued letter)."""
    SelfAssessment.objects.create(challenge=challenge, summary="Our front door", updated_by=officer)
    document = ChallengeDocument(
        challenge=challenge,
        title="Improvement plan",
        content_type="application/pdf",
        size=12,
        uploaded_by=officer,
    )
    document.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), save=False)
    document.save()
    line = LineOfEnquiry.objects.create(challenge=challenge, text="How good is supervision?")
    attendee = Attendee.objects.create(
        challenge=challenge, name="Ann Host", email="ann@leeds.example"
    )
    FeedbackLetter.objects.create(
        challenge=challenge, strengths="Strong leaders", updated_by=challenger
    )
    action = Action(
        challenge=challenge,
        title="Audit supervision",
        owner="Head of service",
        due_on=date(2027, 1, 31),
    )
    action.evidence_file.save("e.txt", SimpleUploadedFile("e.txt", b"done"), save=False)
    action.save()
    return {
        "challenge": challenge,
        "document": document,
        "line": line,
        "attendee": attendee,
        "action": action,
    }


def _urls(full) -> dict[str, str]:
    pk = full["challenge"].pk

    def u(name, **kw):
        return reverse(f"peerchallenge:{name}", kwargs={"pk": pk, **kw})

    return {
        "overview": u("challenge_detail"),
        "self_assessment": u("challenge_self_assessment"),
        "documents": u("challenge_documents"),
        "document_download": u("challenge_document_download", document_pk=full["document"].pk),
        "lines": u("challenge_lines"),
        "arrangements": u("challenge_arrangements"),
        "feedback": u("challenge_feedback"),
        "actions": u("challenge_actions"),
        "action_evidence": u("challenge_action_evidence", action_pk=full["action"].pk),
        "follow_up": u("challenge_follow_up"),
        # the host's side
        "document_delete": u("challenge_document_delete", document_pk=full["document"].pk),
        "onsite_dates": u("challenge_onsite_dates"),
        "attendee_add": u("challenge_attendee_add"),
        "attendee_edit": u("challenge_attendee_edit", attendee_pk=full["attendee"].pk),
        "attendee_delete": u("challenge_attendee_delete", attendee_pk=full["attendee"].pk),
        "action_add": u("challenge_action_add"),
        "action_edit": u("challenge_action_edit", action_pk=full["action"].pk),
        "action_delete": u("challenge_action_delete", action_pk=full["action"].pk),
        # either side
        "line_edit": u("challenge_line_edit", line_pk=full["line"].pk),
        "line_delete": u("challenge_line_delete", line_pk=full["line"].pk),
        # the challengers' side
        "feedback_issue": u("challenge_feedback_issue"),
    }


VIEW_PAGES = [
    "overview",
    "self_assessment",
    "documents",
    "document_download",
    "lines",
    "arrangements",
    "feedback",
    "actions",
    "action_evidence",
    "follow_up",
]
HOST_PAGES = [
    "document_delete",
    "onsite_dates",
    "attendee_add",
    "attendee_edit",
    "attendee_delete",
    "action_add",
    "action_edit",
    "action_delete",
]
EITHER_SIDE_PAGES = ["line_edit", "line_delete"]
CHALLENGER_PAGES = ["feedback_issue"]
ALL_PAGES = VIEW_PAGES + HOST_PAGES + EITHER_SIDE_PAGES + CHALLENGER_PAGES

# Who may open each kind of page (others who may see the challenge get a 403).
MAY_OPEN = {
    **{p: set(VIEWERS) for p in VIEW_PAGES},
    **{p: {*HOST, *LEADS} for p in HOST_PAGES},
    **{p: {*HOST, *LEADS, "challenger"} for p in EITHER_SIDE_PAGES},
    **{p: {"regional_lead", "challenger"} for p in CHALLENGER_PAGES},
}


@pytest.mark.parametrize("part", ALL_PAGES)
@pytest.mark.parametrize("who", VIEWERS)
def test_those_who_may_see_the_challenge_open_its_pages_or_get_403(
    part, who, full, request, client_for
):
    url = _urls(full)[part]
    response = client_for(request.getfixturevalue(who)).get(url)
    expected = 200 if who in MAY_OPEN[part] else 403
    assert response.status_code == expected, (part, who, response.status_code)


@pytest.mark.parametrize("part", ALL_PAGES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_page(part, who, full, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(_urls(full)[part])
    assert response.status_code == 404, (part, who)


@pytest.mark.parametrize("part", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(part, full, client_for):
    response = client_for(None).get(_urls(full)[part])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_downloads_are_attachments_never_sniffed(full, client_for, officer, challenger):
    urls = _urls(full)
    response = client_for(challenger).get(urls["document_download"])
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="improvement-plan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    evidence = client_for(officer).get(urls["action_evidence"])
    assert evidence["Content-Disposition"].startswith("attachment;")
    assert evidence["X-Content-Type-Options"] == "nosniff"
    assert b"".join(evidence.streaming_content) == b"done"


def test_a_document_of_another_challenge_is_404_through_this_one(
    full, other_challenge, client_for, officer
):
    pk = other_challenge.pk
    url = reverse(
        "peerchallenge:challenge_document_download",
        kwargs={"pk": pk, "document_pk": full["document"].pk},
    )
    assert client_for(officer).get(url).status_code == 404


@pytest.mark.parametrize(
    "who,part,data",
    [
        ("challenger", "documents", {"title": "x"}),
        ("adviser", "self_assessment", {"summary": "x"}),
        ("challenger", "self_assessment", {"summary": "x"}),
        ("officer", "feedback", {"strengths": "x"}),
        ("dcs", "follow_up", {"follow_up_months": "6"}),
        ("adviser", "lines", {"text": "x", "position": "1"}),
    ],
)
def test_a_change_by_someone_who_may_only_read_is_403(who, part, data, full, request, client_for):
    response = client_for(request.getfixturevalue(who)).post(_urls(full)[part], data)
    assert response.status_code == 403


def test_the_overview_shows_the_challenge_and_the_hosts_data(data_set, full, client_for, officer):
    response = client_for(officer).get(_urls(full)["overview"])
    text = response.content.decode()
    assert "Leeds" in text and "Bradford" in text and "Help and protection" in text
    assert "Ann Host" in text and "How good is supervision?" in text
    assert reverse("datasets:profile", kwargs={"gss_code": "E08000035"}) in text
    assert reverse("peerchallenge:challenge_dates", kwargs={"pk": full["challenge"].pk}) in text
    assert "Key indicators of Leeds" in text
    assert len(response.context["indicators"]) > 0
    assert "Statistical neighbours (mean)" in text


def test_the_overview_takes_as_many_queries_whatever_it_holds(data_set, full, client_for, officer):
    client = client_for(officer)
    url = _urls(full)["overview"]
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    challenge = full["challenge"]
    for n in range(5):
        LineOfEnquiry.objects.create(challenge=challenge, text=f"Line {n}")
        Attendee.objects.create(challenge=challenge, name=f"P {n}", email=f"p{n}@leeds.example")
        Action.objects.create(
            challenge=challenge, title=f"A {n}", owner="O", due_on=date(2026, 1, 1)
        )
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


# --- The list ---------------------------------------------------------------------------------


def _listed(client, query=""):
    response = client.get(reverse("peerchallenge:challenge_list") + query)
    assert response.status_code == 200
    return [c.host.name for c in response.context["page_obj"].object_list]


def test_the_list_shows_only_the_challenges_the_user_may_see(
    challenge, other_challenge, client_for, request
):
    assert _listed(client_for(request.getfixturevalue("officer"))) == ["Leeds"]
    assert _listed(client_for(request.getfixturevalue("challenger"))) == ["Leeds"]
    assert _listed(client_for(request.getfixturevalue("other_challenger"))) == ["Wakefield"]
    assert _listed(client_for(request.getfixturevalue("regional_lead"))) == ["Leeds", "Wakefield"]
    assert _listed(client_for(request.getfixturevalue("adviser"))) == ["Leeds", "Wakefield"]
    for outsider in ("other_officer", "cib_admin", "other_regional_lead"):
        client = client_for(request.getfixturevalue(outsider))
        assert _listed(client) == []
        assert (
            "You have no peer challenges to see yet" in client.get("/challenges/").content.decode()
        )


def test_the_list_filters_and_searches(challenge, other_challenge, client_for, regional_lead):
    client = client_for(regional_lead)
    assert _listed(client, "?q=wake") == ["Wakefield"]
    assert _listed(client, "?year=2026") == ["Leeds", "Wakefield"]
    other_challenge.status = "closed"
    other_challenge.save()
    assert _listed(client, "?status=closed") == ["Wakefield"]
    region = challenge.programme.region_id
    assert _listed(client, f"?region={region}") == ["Leeds", "Wakefield"]
    response = client.get("/challenges/?q=nowhere")
    assert "No challenges match these filters" in response.content.decode()


def test_the_list_is_paginated(programme, regional_lead, client_for):
    from peerchallenge.models import Challenge

    for council in programme.region.councils.order_by("name"):
        Challenge.objects.create(programme=programme, host=council)
    client = client_for(regional_lead)
    count = programme.region.councils.count()
    assert count > 0
    response = client.get("/challenges/")
    assert response.context["page_obj"].paginator.count == count
    assert len(response.context["page_obj"].object_list) == min(count, 25)


def test_the_list_is_for_members_only(client_for, no_role_user):
    assert client_for(None).get("/challenges/").status_code == 302
    assert client_for(no_role_user).get("/challenges/").status_code == 404


@pytest.mark.parametrize("name", ["challenge_self_assessment_share", "challenge_feedback_pdf"])
def test_the_post_only_steps_are_404_to_outsiders_and_ask_anonymous_to_sign_in(
    name, full, client_for, request
):
    target = reverse(f"peerchallenge:{name}", kwargs={"pk": full["challenge"].pk})
    for who in OUTSIDERS:
        assert client_for(request.getfixturevalue(who)).post(target).status_code == 404, who
    response = client_for(None).post(target)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not SelfAssessment.objects.filter(shared_at__isnull=False).exists()


def test_the_challenges_list_takes_as_many_queries_whatever_its_rows(
    challenge, other_challenge, programme, national_adviser, client_for
):
    from peerchallenge.models import Challenge, Challenger
    from regions.models import Council

    client = client_for(national_adviser)
    client.get("/challenges/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/challenges/").status_code == 200
    hosts = Council.objects.filter(region_id=programme.region_id).exclude(
        pk__in=[challenge.host_id, other_challenge.host_id]
    )[:6]
    for host in hosts:
        made = Challenge.objects.create(programme=programme, host=host, status="preparing")
        Challenger.objects.create(challenge=made, host=host, council=challenge.host)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/challenges/")
    assert response.status_code == 200
    assert len(many) == len(few)
