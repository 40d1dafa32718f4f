"""A challenge of a draft (unpublished) programme is the regional team's working copy of the
pairings: its pages, document downloads, calendar entry, feedback letter PDF and API are 404
to the host's staff, to the challengers the optimiser placed and to advisers, until the
programme is published. Those preparing it (the region's leads and programme manager) see it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from peerchallenge.models import (
    Action,
    Challenge,
    ChallengeDocument,
    Challenger,
    FeedbackLetter,
    LineOfEnquiry,
    Participant,
    Programme,
)
from regions.models import Council, Region
from reports.models import ReportJob, ReportStatus
from tests.conftest import BRADFORD, LEEDS, YORKSHIRE

pytestmark = pytest.mark.django_db

PREPARERS = ["programme_manager_region", "regional_lead"]  # the owner and a permitted role
KEPT_OUT = ["officer", "dcs", "challenger", "adviser"]  # host staff, placed challenger, adviser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft_challenge(regional_lead, officer, challenger):
    """Leeds challenged by Bradford (its DCS placed) in Yorkshire's draft 2027 programme, with
    a document, a line of enquiry, a draft letter, an action and agreed dates."""
    region = Region.objects.get(gss_code=YORKSHIRE)
    programme = Programme.objects.create(
        region=region,
        year=2027,
        model="pairs",
        starts_on=date(2027, 4, 1),
        ends_on=date(2028, 3, 31),
        created_by=regional_lead,
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, council=c) for c in region.councils.all()
    )
    host = Council.objects.get(gss_code=LEEDS)
    challenge = Challenge.objects.create(
        programme=programme,
        host=host,
        focus="Draft focus",
        starts_on=date(2027, 10, 4),
        ends_on=date(2027, 10, 5),
    )
    Challenger.objects.create(
        challenge=challenge,
        host=host,
        council=Council.objects.get(gss_code=BRADFORD),
        person=challenger,
    )
    document = ChallengeDocument(
        challenge=challenge,
        title="Plan",
        content_type="application/pdf",
        size=12,
        uploaded_by=officer,
    )
    document.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), save=False)
    document.save()
    LineOfEnquiry.objects.create(challenge=challenge, text="A drafted line")
    FeedbackLetter.objects.create(challenge=challenge, strengths="Strong", updated_by=challenger)
    Action.objects.create(challenge=challenge, title="Audit", owner="Head", due_on=date(2028, 1, 1))
    challenge.document = document
    return challenge


def _pages(ch) -> list[str]:
    def u(name, **kw):
        return reverse(f"peerchallenge:{name}", kwargs={"pk": ch.pk, **kw})

    return [
        u("challenge_detail"),
        u("challenge_documents"),
        u("challenge_document_download", document_pk=ch.document.pk),
        u("challenge_lines"),
        u("challenge_feedback"),
        u("challenge_actions"),
        reverse("peerchallenge:challenge_dates", kwargs={"pk": ch.pk}),
        f"/challenges/{ch.pk}/calendar.ics",
    ]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _publish(ch) -> None:
    Programme.objects.filter(pk=ch.programme_id).update(status="published")


@pytest.mark.parametrize("who", PREPARERS)
def test_those_preparing_the_programme_open_every_page_and_file_of_a_draft(
    who, draft_challenge, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    for page in _pages(draft_challenge):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("who", KEPT_OUT)
def test_every_page_and_file_of_a_draft_is_404_to_everyone_else(
    who, draft_challenge, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    for page in _pages(draft_challenge):
        assert client.get(page).status_code == 404, page


@pytest.mark.parametrize("who", KEPT_OUT)
def test_once_published_the_host_challenger_and_adviser_see_it(
    who, draft_challenge, request, client_for
):
    _publish(draft_challenge)
    client = client_for(request.getfixturevalue(who))
    assert client.get(_pages(draft_challenge)[0]).status_code == 200


def test_a_placed_challenger_cannot_add_lines_of_enquiry_to_a_draft(
    draft_challenge, challenger, regional_lead, client_for
):
    url = reverse("peerchallenge:challenge_lines", kwargs={"pk": draft_challenge.pk})
    assert client_for(challenger).post(url, {"text": "Mine", "position": 1}).status_code == 404
    assert not LineOfEnquiry.objects.filter(text="Mine").exists()
    # A regional lead, preparing the programme, may.
    assert client_for(regional_lead).post(url, {"text": "Lead's", "position": 1}).status_code == 302
    assert LineOfEnquiry.objects.filter(challenge=draft_challenge, text="Lead's").exists()


@pytest.mark.parametrize(("who", "status"), [("regional_lead", 302), ("challenger", 404)])
def test_the_feedback_letter_pdf_of_a_draft_is_for_those_preparing_it(
    who, status, draft_challenge, request, client_for
):
    url = reverse("peerchallenge:challenge_feedback_pdf", kwargs={"pk": draft_challenge.pk})
    assert client_for(request.getfixturevalue(who)).post(url).status_code == status
    assert ReportJob.objects.exists() == (status == 302)


@pytest.mark.parametrize(("who", "status"), [("regional_lead", 200), ("challenger", 404)])
def test_a_made_feedback_letter_pdf_of_a_draft_downloads_only_for_those_preparing_it(
    who, status, draft_challenge, request, client_for
):
    user = request.getfixturevalue(who)
    job = ReportJob(
        kind="feedback_letter",
        requested_by=user,
        subject_council=draft_challenge.host,
        is_confidential=True,
        params={"challenge_id": draft_challenge.pk},
        status=ReportStatus.DONE,
    )
    job.file.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=False)
    job.save()
    response = client_for(user).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("who", PREPARERS)
def test_the_api_gives_a_draft_to_those_preparing_it(who, draft_challenge, request):
    api = _api(request.getfixturevalue(who))
    ids = [c["id"] for c in api.get("/api/v1/challenges/").json()["results"]]
    assert draft_challenge.pk in ids
    assert api.get(f"/api/v1/challenges/{draft_challenge.pk}/").status_code == 200
    assert api.get(f"/api/v1/challenges/{draft_challenge.pk}/actions/").status_code == 200


@pytest.mark.parametrize("who", KEPT_OUT)
def test_the_api_hides_a_draft_from_everyone_else(who, draft_challenge, request):
    api = _api(request.getfixturevalue(who))
    ids = [c["id"] for c in api.get("/api/v1/challenges/").json()["results"]]
    assert draft_challenge.pk not in ids
    assert api.get(f"/api/v1/challenges/{draft_challenge.pk}/").status_code == 404
    assert api.get(f"/api/v1/challenges/{draft_challenge.pk}/actions/").status_code == 404
    action = draft_challenge.actions.get()
    assert api.get(f"/api/v1/actions/{action.pk}/").status_code == 404
    added = api.post(
        f"/api/v1/challenges/{draft_challenge.pk}/actions/",
        {"title": "Mine", "owner": "Me", "due_on": "2028-01-01"},
        format="json",
    )
    assert added.status_code == 404
    _publish(draft_challenge)
    assert api.get(f"/api/v1/challenges/{draft_challenge.pk}/").status_code == 200


def test_the_challenges_list_page_shows_a_draft_only_to_those_preparing_it(
    draft_challenge, regional_lead, officer, challenger, client_for
):
    url = reverse("peerchallenge:challenge_detail", kwargs={"pk": draft_challenge.pk})
    listing = reverse("peerchallenge:challenge_list")
    assert url in client_for(regional_lead).get(listing).content.decode()
    for user in (officer, challenger):
        assert url not in client_for(user).get(listing).content.decode()
