"""axe-core on a challenge's workspace (overview, the list, the self-assessment form, documents,
the feedback letter, the action plan and a form showing its errors), in real Chromium."""

from __future__ import annotations

from datetime import date

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS, BRADFORD, YORKSHIRE = "E08000035", "E08000032", "E12000003"


def _check(page, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _challenge(lead, officer, bradford_dcs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peerchallenge.models import (
        Action,
        Attendee,
        Challenge,
        ChallengeDocument,
        Challenger,
        FeedbackLetter,
        LineOfEnquiry,
        Programme,
        SelfAssessment,
    )
    from regions.models import Council, Region

    programme = Programme.objects.create(
        region=Region.objects.get(gss_code=YORKSHIRE),
        year=2026,
        model="pairs",
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
        status="published",
        created_by=lead,
    )
    leeds = Council.objects.get(gss_code=LEEDS)
    challenge = Challenge.objects.create(
        programme=programme, host=leeds, status="preparing", focus="Help and protection"
    )
    Challenger.objects.create(
        challenge=challenge,
        host=leeds,
        council=Council.objects.get(gss_code=BRADFORD),
        person=bradford_dcs,
    )
    SelfAssessment.objects.create(challenge=challenge, summary="Our front door", updated_by=officer)
    document = ChallengeDocument(
        challenge=challenge,
        title="Improvement plan",
        content_type="application/pdf",
        size=12,
        uploaded_by=officer,
    )
    document.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x"), save=False)
    document.save()
    LineOfEnquiry.objects.create(challenge=challenge, text="How good is supervision?")
    Attendee.objects.create(challenge=challenge, name="Ann Host", email="ann@leeds.example")
    FeedbackLetter.objects.create(
        challenge=challenge, strengths="Leaders know their children", updated_by=bradford_dcs
    )
    Action.objects.create(
        challenge=challenge, title="Audit supervision", owner="Head", due_on=date(2025, 1, 31)
    )
    return challenge


def test_challenge_workspace_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request, settings, tmp_path
):
    from tests.factories import make_member

    settings.MEDIA_ROOT = tmp_path
    officer = request.getfixturevalue("officer")
    lead = request.getfixturevalue("regional_lead")
    bradford_dcs = make_member(BRADFORD, "dcs", email="dcs.axe@bradford.example")
    challenge = _challenge(lead, officer, bradford_dcs)
    base = f"/challenges/{challenge.pk}"
    page = signed_in_page(officer)
    for path in [
        "/challenges/",
        "/challenges/?q=nowhere",
        f"{base}/",
        f"{base}/self-assessment/",
        f"{base}/documents/",
        f"{base}/lines-of-enquiry/",
        f"{base}/arrangements/",
        f"{base}/arrangements/on-site-dates/",
        f"{base}/feedback-letter/",
        f"{base}/actions/",
        f"{base}/actions/new/",
        f"{base}/follow-up/",
    ]:
        _check(page, path)
    # Forms showing their errors: an upload without a file, dates out of order.
    _check(page, f"{base}/documents/", act=_submit)
    assert "There is a problem" in page.content()
    assert_accessible(page)
    page.goto(f"{base}/arrangements/on-site-dates/")
    for part, value in [("0", "3"), ("1", "6"), ("2", "2026")]:
        page.fill(f"#id_starts_on_{part}", value)
    for part, value in [("0", "2"), ("1", "6"), ("2", "2026")]:
        page.fill(f"#id_ends_on_{part}", value)
    _submit(page)
    assert "The last on-site day must be the same as or after the first" in page.content()
    assert_styled(page)
    assert_accessible(page)
    # The challenger's side: the feedback letter form and the follow-up form.
    page = signed_in_page(bradford_dcs)
    for path in [f"{base}/feedback-letter/", f"{base}/follow-up/", f"{base}/self-assessment/"]:
        _check(page, path)
