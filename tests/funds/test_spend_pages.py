"""The spend request pages: who may see and do what, the whole life cycle through the pages,
refusals shown as messages, and the emails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from funds.models import SpendRequest
from funds.services import spend_request_approve, spend_request_create
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import make_member

from .conftest import THRESHOLD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SIGN_IN = "/accounts/login/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def nw_programme_manager(reference_data):
    return make_member(NORTH_WEST, "regional_programme_manager", email="pm@northwest.example")


def url(name: str, spend=None, **kw) -> str:
    if spend is None:
        return reverse(f"funds:{name}", kwargs=kw or None)
    return reverse(f"funds:{name}", kwargs={"pk": spend.pk, **kw})


def upload(client, spend, *, name="quote.pdf", content=PDF, title="Quote"):
    return client.post(
        url("request_evidence_add", spend),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def evidence_for(spend, programme_manager, kind="request"):
    from funds.models import SpendEvidence

    evidence = SpendEvidence(
        request=spend,
        kind=kind,
        title="Quote",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=programme_manager,
    )
    evidence.file.save("quote.pdf", SimpleUploadedFile("quote.pdf", PDF), save=False)
    evidence.save()
    return evidence


def errors_of(response) -> str:
    return response.content.decode()


# --- Who may see and do what -----------------------------------------------------------------

PM_ACTIONS = ["request_edit", "request_submit", "request_withdraw", "request_mark_paid"]
LEAD_ACTIONS = ["request_approve", "request_reject"]


def test_anonymous_is_sent_to_sign_in_everywhere(
    client_for, submitted, programme_manager, agreement
):
    spend = submitted(100_000)
    evidence = evidence_for(spend, programme_manager)
    client = client_for(None)
    paths = [
        url("request_list"),
        f"{url('request_create')}?agreement={agreement.pk}",
        url("request_detail", spend),
        url("request_evidence_add", spend),
        url("request_evidence_download", spend, evidence_pk=evidence.pk),
        *[url(name, spend) for name in PM_ACTIONS + LEAD_ACTIONS],
    ]
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(SIGN_IN), path
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"


@pytest.mark.parametrize("outsider", ["other_regional_lead", "officer", "nw_programme_manager"])
def test_outsiders_get_404_everywhere(
    request, outsider, client_for, submitted, programme_manager, agreement
):
    spend = submitted(100_000)
    evidence = evidence_for(spend, programme_manager)
    client = client_for(request.getfixturevalue(outsider))
    paths = [
        f"{url('request_create')}?agreement={agreement.pk}",
        url("request_detail", spend),
        url("request_evidence_add", spend),
        url("request_evidence_download", spend, evidence_pk=evidence.pk),
        *[url(name, spend) for name in PM_ACTIONS + LEAD_ACTIONS],
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"reason": "No", "payment_reference": "X"}).status_code == 404
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"
    assert spend.approvals.count() == 0


def test_a_council_officer_has_no_list(client_for, officer):
    assert client_for(officer).get(url("request_list")).status_code == 404


def test_outside_regional_staff_do_not_see_the_region_in_the_list(
    client_for, submitted, other_regional_lead, nw_programme_manager
):
    submitted(123_456, description="Yorkshire training day")
    for user in (other_regional_lead, nw_programme_manager):
        response = client_for(user).get(url("request_list"))
        assert response.status_code == 200
        assert "Yorkshire training day" not in response.content.decode()
        assert "There are no spend requests yet" in response.content.decode()
        assert "Raise a request" not in response.content.decode()


@pytest.mark.parametrize("viewer", ["adviser", "national_adviser", "cib_admin"])
def test_viewers_see_but_every_change_is_403(
    request, viewer, client_for, submitted, programme_manager, agreement
):
    spend = submitted(123_456, description="Yorkshire training day")
    evidence = evidence_for(spend, programme_manager)
    client = client_for(request.getfixturevalue(viewer))
    listing = client.get(url("request_list"))
    assert listing.status_code == 200 and "Yorkshire training day" in listing.content.decode()
    assert "Raise a request" not in listing.content.decode()
    detail = client.get(url("request_detail", spend))
    assert detail.status_code == 200 and "£1,234.56" in detail.content.decode()
    assert "What you can do" not in detail.content.decode()
    download = client.get(url("request_evidence_download", spend, evidence_pk=evidence.pk))
    assert download.status_code == 200
    assert client.get(f"{url('request_create')}?agreement={agreement.pk}").status_code == 403
    for path in [url(n, spend) for n in PM_ACTIONS + LEAD_ACTIONS + ["request_evidence_add"]]:
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"reason": "No", "payment_reference": "X"}).status_code == 403
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"


@pytest.mark.parametrize("lead", ["regional_lead", "second_lead"])
def test_leads_decide_but_cannot_raise_or_change(request, lead, client_for, submitted, agreement):
    spend = submitted(100_000)
    client = client_for(request.getfixturevalue(lead))
    detail = client.get(url("request_detail", spend)).content.decode()
    assert url("request_approve", spend) in detail and url("request_reject", spend) in detail
    assert url("request_withdraw", spend) not in detail
    for name in LEAD_ACTIONS:
        assert client.get(url(name, spend)).status_code == 200
    assert client.get(f"{url('request_create')}?agreement={agreement.pk}").status_code == 403
    for path in [url(n, spend) for n in PM_ACTIONS + ["request_evidence_add"]]:
        assert client.get(path).status_code == 403, path
        assert client.post(path).status_code == 403, path


def test_the_programme_manager_cannot_decide(client_for, submitted, programme_manager):
    spend = submitted(100_000)
    client = client_for(programme_manager)
    for name in LEAD_ACTIONS:
        assert client.get(url(name, spend)).status_code == 403
        assert client.post(url(name, spend), {"reason": "x"}).status_code == 403
    detail = client.get(url("request_detail", spend)).content.decode()
    assert url("request_withdraw", spend) in detail
    assert url("request_approve", spend) not in detail


def test_an_unknown_request_or_agreement_is_404(client_for, programme_manager, agreement):
    client = client_for(programme_manager)
    assert client.get(url("request_detail", pk=999_999)).status_code == 404
    assert client.get(f"{url('request_create')}?agreement=999999").status_code == 404


def test_raise_without_an_agreement_goes_to_the_managers_agreement(
    client_for, programme_manager, agreement, adviser
):
    response = client_for(programme_manager).get(url("request_create"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?agreement={agreement.pk}")
    assert client_for(adviser).get(url("request_create")).status_code == 404


# --- The life cycle --------------------------------------------------------------------------


def test_the_whole_life_cycle_through_the_pages(
    client_for,
    programme_manager,
    regional_lead,
    second_lead,
    agreement,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = client_for(programme_manager)
    listing = client.get(url("request_list")).content.decode()
    assert f"{url('request_create')}?agreement={agreement.pk}" in listing
    form = client.get(f"{url('request_create')}?agreement={agreement.pk}").content.decode()
    assert "Early support (£10,000.00 remaining)" in form
    response = client.post(
        f"{url('request_create')}?agreement={agreement.pk}",
        {
            "purpose": "early_support",
            "amount": "6,000.50",
            "description": "Support for Wakefield's front door",
            "supplier": "Acme Ltd",
        },
    )
    spend = SpendRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("request_detail", spend)
    assert spend.amount_pence == 600_050 and spend.status == "draft"
    assert spend.allocation.purpose == "early_support"

    # Change the draft.
    change = client.get(url("request_edit", spend)).content.decode()
    assert 'value="6000.50"' in change
    response = client.post(
        url("request_edit", spend),
        {"amount": "6000", "description": "Support for Wakefield", "supplier": ""},
    )
    assert response.status_code == 302
    spend.refresh_from_db()
    assert spend.amount_pence == 600_000 and spend.description == "Support for Wakefield"

    # A supporting file, then submit: the leads are told.
    assert upload(client, spend).status_code == 302
    assert spend.evidence.get().kind == "request"
    confirm = client.get(url("request_submit", spend)).content.decode()
    assert "two different regional leads" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_submit", spend))
    assert response.status_code == 302
    spend.refresh_from_db()
    assert spend.status == "submitted"
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([regional_lead.email, second_lead.email])
    assert "£6,000.00" in mailoutbox[0].subject
    assert client.get(url("request_edit", spend)).status_code == 302  # no longer a draft

    # First approval: a second lead is still needed.
    lead_client = client_for(regional_lead)
    confirm = lead_client.get(url("request_approve", spend)).content.decode()
    assert "a second regional lead’s approval will still be needed" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        assert lead_client.post(url("request_approve", spend)).status_code == 302
    spend.refresh_from_db()
    assert spend.status == "submitted" and spend.approvals.count() == 1
    assert mailoutbox[-1].to == [programme_manager.email]
    assert "first approval" in mailoutbox[-1].subject
    detail = lead_client.get(url("request_detail", spend)).content.decode()
    assert "A second lead’s approval is still needed" in detail
    # The same lead cannot approve twice.
    again = lead_client.post(url("request_approve", spend))
    assert again.status_code == 200
    assert "You have already approved this request" in again.content.decode()
    assert "There is a problem" in again.content.decode()

    # Second approval commits the money.
    second = client_for(second_lead)
    confirm = second.get(url("request_approve", spend)).content.decode()
    assert "yours is the second approval" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        assert second.post(url("request_approve", spend)).status_code == 302
    spend.refresh_from_db()
    assert spend.status == "approved"
    assert spend.allocation.approved_pence == 600_000
    assert mailoutbox[-1].to == [programme_manager.email]
    assert "approved" in mailoutbox[-1].subject

    # Paid: evidence of payment first.
    client = client_for(programme_manager)
    confirm = client.get(url("request_mark_paid", spend)).content.decode()
    assert "Upload evidence of payment" in confirm
    refused = client.post(url("request_mark_paid", spend), {"payment_reference": "INV-1"})
    assert refused.status_code == 200
    assert "Attach the evidence of payment first" in refused.content.decode()
    missing = client.post(url("request_mark_paid", spend), {"payment_reference": ""})
    assert "Enter the payment reference" in missing.content.decode()
    assert (
        upload(client, spend, name="paid.png", content=b"\x89PNG\r\n\x1a\nrest").status_code == 302
    )
    assert spend.evidence.filter(kind="payment").count() == 1
    assert (
        "Upload evidence of payment"
        not in client.get(url("request_mark_paid", spend)).content.decode()
    )
    response = client.post(url("request_mark_paid", spend), {"payment_reference": "INV-1"})
    assert response.status_code == 302
    spend.refresh_from_db()
    assert spend.status == "paid" and spend.payment_reference == "INV-1"
    assert spend.allocation.paid_pence == 600_000

    # The page tells the story.
    detail = client.get(url("request_detail", spend)).content.decode()
    for text in [
        "Paid",
        "INV-1",
        "Raised £6,000.50",
        "Submitted £6,000.00",
        "First of two",
        "Approved £6,000.00",
        "Paid £6,000.00",
        "Added evidence of payment: Quote",
    ]:
        assert text in detail, text
    assert "What you can do" not in detail
    assert client.get(url("request_evidence_add", spend)).status_code == 302  # closed


def test_rejection_needs_a_reason_and_tells_the_raiser(
    client_for,
    submitted,
    regional_lead,
    programme_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    spend = submitted(100_000)
    client = client_for(regional_lead)
    response = client.post(url("request_reject", spend), {"reason": "  "})
    assert response.status_code == 200
    assert "Enter the reason for rejecting the request" in response.content.decode()
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_reject", spend), {"reason": "Use the training budget"})
    assert response.status_code == 302
    spend.refresh_from_db()
    assert spend.status == "rejected" and spend.rejection_reason == "Use the training budget"
    assert mailoutbox[-1].to == [programme_manager.email]
    assert "Use the training budget" in mailoutbox[-1].body
    detail = client_for(programme_manager).get(url("request_detail", spend)).content.decode()
    assert "Why it was rejected" in detail and "Use the training budget" in detail
    # Deciding again is refused with a message, not a 500.
    again = client_for(regional_lead).post(url("request_approve", spend))
    assert again.status_code == 200 and "only a submitted request" in again.content.decode()


def test_withdrawal_asks_first_and_only_before_approval(
    client_for, submitted, programme_manager, regional_lead
):
    spend = submitted(100_000)
    client = client_for(programme_manager)
    page = client.get(url("request_withdraw", spend)).content.decode()
    assert "This cannot be undone" in page
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"
    assert client.post(url("request_withdraw", spend)).status_code == 302
    spend.refresh_from_db()
    assert spend.status == "withdrawn"
    assert AuditEvent.objects.filter(
        action="funds.spend_withdraw", object_id=str(spend.pk)
    ).exists()
    other = submitted(50_000)
    spend_request_approve(user=regional_lead, request=other)
    refused = client.post(url("request_withdraw", other))
    assert refused.status_code == 200
    assert "only a request not yet approved can be withdrawn" in refused.content.decode()


def test_a_lead_who_raised_the_request_is_refused_with_a_message(
    client_for, agreement, regional_lead
):
    both = make_member(YORKSHIRE, "regional_programme_manager", email="both@yorkshire.example")
    make_member(YORKSHIRE, "regional_lead_dcs", email="both@yorkshire.example")
    spend = spend_request_create(
        user=both,
        agreement=agreement,
        purpose="early_support",
        amount_pence=10_000,
        description="Room hire",
    )
    client = client_for(both)
    assert client.post(url("request_submit", spend)).status_code == 302
    response = client.post(url("request_approve", spend))
    assert response.status_code == 200
    assert "You raised this request: another regional lead must decide on it." in (
        response.content.decode()
    )
    response = client.post(url("request_reject", spend), {"reason": "No"})
    assert "You raised this request" in response.content.decode()
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"
    assert client_for(regional_lead).post(url("request_approve", spend)).status_code == 302


def test_an_overspend_is_refused_with_a_message(client_for, submitted, regional_lead, agreement):
    for _ in range(2):
        spend_request_approve(user=regional_lead, request=submitted(THRESHOLD))  # all of it
    spend = submitted(100)
    response = client_for(regional_lead).post(url("request_approve", spend))
    assert response.status_code == 200
    body = response.content.decode()
    assert "would overspend Early support: £0.00 of £10,000.00 remains" in body
    assert "There is a problem" in body
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"
    assert spend.approvals.count() == 0


def test_a_single_approval_below_the_threshold_says_so(client_for, submitted, regional_lead):
    spend = submitted(THRESHOLD)
    page = client_for(regional_lead).get(url("request_approve", spend)).content.decode()
    assert "Your approval commits the money" in page
    assert "second regional lead" not in page


def test_an_approved_request_does_not_still_say_it_needs_a_lead(
    client_for, submitted, regional_lead, adviser
):
    spend = submitted(100_000)
    spend_request_approve(user=regional_lead, request=spend)
    body = client_for(adviser).get(url("request_detail", spend)).content.decode()
    approvals = body[
        body.index('id="approvals"') : body.index("</dd>", body.index('id="approvals"'))
    ]
    assert "Needs one regional lead" not in approvals
    assert "Approved: it needed one regional lead." in approvals


def test_the_detail_page_shows_the_remaining_allocation_and_history(
    client_for, submitted, regional_lead, adviser
):
    spend = submitted(250_000)
    spend_request_approve(user=regional_lead, request=submitted(100_000))
    body = client_for(adviser).get(url("request_detail", spend)).content.decode()
    assert "£9,000.00 of £10,000.00 not yet approved" in body
    assert "Submitted for approval" in body
    assert "Submitted £2,500.00 for approval" in body
    assert "Needs one regional lead" in body
