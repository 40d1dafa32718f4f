"""Quarterly returns: the figures equal the ledger, the life cycle, frozen figures, reminders,
the PDF."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from funds.models import (
    Purpose,
    QuarterlyReturn,
    SpendEvidence,
    SpendRequest,
    quarter_bounds,
)
from funds.services import (
    FundsError,
    agreement_create,
    spend_request_approve,
    spend_request_mark_paid,
)
from funds.services import returns as svc
from regions.models import Region
from tests.conftest import YORKSHIRE

from .conftest import ALLOCATIONS

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def past_agreement(reference_data, cib_admin):
    """Yorkshire's agreement for a year whose four quarters have all ended."""
    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year - 2,
        allocations=ALLOCATIONS,
        second_approval_threshold_pence=500_000,
    )


@pytest.fixture
def ledger(agreement, submitted, regional_lead, programme_manager):
    """Requests of the 2027-28 agreement approved and paid at chosen moments (local time)."""

    def approve(amount, purpose, approved_at, paid_at=None):
        request = spend_request_approve(user=regional_lead, request=submitted(amount, purpose))
        SpendRequest.objects.filter(pk=request.pk).update(approved_at=approved_at)
        if paid_at is not None:
            SpendEvidence.objects.create(
                request=request,
                kind="payment",
                title="Invoice",
                file=SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test"),
                content_type="application/pdf",
                size=13,
                uploaded_by=programme_manager,
            )
            spend_request_mark_paid(
                user=programme_manager, request=request, payment_reference="INV", paid_on=paid_at
            )
        return request

    # Quarter 1 is April to June 2027 (British Summer Time: UTC+1).
    approve(10_000, "early_support", london(2027, 5, 10, 12, 0), paid_at=london(2027, 7, 15, 9))
    # Late evening on the quarter's last day: quarter 1.
    approve(20_000, "early_support", london(2027, 6, 30, 23, 30))
    # Half past midnight on the next day (still 30 June in UTC): quarter 2.
    approve(
        40_000, "project_management", london(2027, 7, 1, 0, 30), paid_at=london(2027, 9, 30, 23, 59)
    )
    # The first moment of the year, paid late on the last day of quarter 1.
    approve(
        80_000,
        "peer_challenge_programme",
        london(2027, 4, 1, 0, 0),
        paid_at=london(2027, 6, 30, 22, 0),
    )
    approve(160_000, "peer_challenger_training", london(2028, 1, 5, 10, 0))  # quarter 4
    submitted(5_000)  # submitted, never approved: not in any figure
    return agreement


def _independent(agreement, quarter: int) -> dict[str, dict[str, int]]:
    """The figures worked out in Python from the SpendRequest rows, one by one."""
    first, last = quarter_bounds(agreement.financial_year, quarter)
    out = {
        a.purpose: {
            "allocated": a.amount_pence,
            "approved_to_date": 0,
            "approved_in_quarter": 0,
            "paid_to_date": 0,
            "paid_in_quarter": 0,
        }
        for a in agreement.allocations.all()
    }
    for r in SpendRequest.objects.filter(agreement=agreement).select_related("allocation"):
        line = out[r.allocation.purpose]
        if r.status in ("approved", "paid") and r.approved_at:
            day = r.approved_at.astimezone(LONDON).date()
            if day <= last:
                line["approved_to_date"] += r.amount_pence
            if first <= day <= last:
                line["approved_in_quarter"] += r.amount_pence
        if r.status == "paid" and r.paid_at:
            day = r.paid_at.astimezone(LONDON).date()
            if day <= last:
                line["paid_to_date"] += r.amount_pence
            if first <= day <= last:
                line["paid_in_quarter"] += r.amount_pence
    for line in out.values():
        line["remaining"] = line["allocated"] - line["approved_to_date"]
    return out


def _by_purpose(figures) -> dict[str, dict[str, int]]:
    return {line["purpose"]: {k: line[k] for k in svc.FIGURE_KEYS} for line in figures["purposes"]}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_the_figures_equal_the_ledger(ledger, quarter, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = svc.return_figures(ledger, quarter)
    assert [line["purpose"] for line in figures["purposes"]] == list(Purpose.values)
    expected = _independent(ledger, quarter)
    assert _by_purpose(figures) == expected
    for key in svc.FIGURE_KEYS:
        assert figures["total"][key] == sum(line[key] for line in expected.values())
        assert isinstance(figures["total"][key], int)


def test_the_quarter_boundary_is_the_local_date(ledger):
    q1 = _by_purpose(svc.return_figures(ledger, 1))
    q2 = _by_purpose(svc.return_figures(ledger, 2))
    # 30 June 23:30 is quarter 1; 1 July 00:30 (30 June 23:30 UTC) is quarter 2.
    assert q1["early_support"]["approved_in_quarter"] == 30_000
    assert q1["project_management"]["approved_to_date"] == 0
    assert q2["project_management"]["approved_in_quarter"] == 40_000
    # Approved at 00:00 on 1 April and paid at 22:00 on 30 June: both quarter 1.
    assert q1["peer_challenge_programme"]["approved_in_quarter"] == 80_000
    assert q1["peer_challenge_programme"]["paid_in_quarter"] == 80_000
    assert q2["peer_challenge_programme"]["paid_in_quarter"] == 0
    # Paid in quarter 2, approved in quarter 1.
    assert q1["early_support"]["paid_to_date"] == 0
    assert q2["early_support"]["paid_in_quarter"] == 10_000
    assert q2["early_support"]["approved_in_quarter"] == 0
    assert q2["early_support"]["remaining"] == ALLOCATIONS["early_support"] - 30_000
    q2_total = svc.return_figures(ledger, 2)["total"]
    assert q2_total["approved_to_date"] == 150_000
    assert q2_total["paid_to_date"] == 130_000
    assert q2_total["allocated"] == sum(ALLOCATIONS.values())


def test_the_boundaries_are_london_midnights():
    assert svc.local_midnight(date(2027, 7, 1)).astimezone(ZoneInfo("UTC")) == datetime(
        2027, 6, 30, 23, 0, tzinfo=ZoneInfo("UTC")
    )
    assert svc.local_midnight(date(2028, 1, 1)).utcoffset() == timedelta(0)


# --- Life cycle ------------------------------------------------------------------------------


def _ret(agreement, quarter=1) -> QuarterlyReturn:
    return agreement.returns.get(quarter=quarter)


def test_the_life_cycle(past_agreement, programme_manager, regional_lead, cib_admin):
    ret = _ret(past_agreement)
    ret = svc.return_save_draft(
        user=programme_manager, ret=ret, narrative=" We ran four challenges. ", outcomes="Better"
    )
    assert ret.status == "draft" and ret.drafted_by == programme_manager
    assert ret.narrative == "We ran four challenges."
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    assert ret.status == "signed_off" and ret.signed_off_by == regional_lead
    assert ret.figures["total"]["allocated"] == sum(ALLOCATIONS.values())
    ret = svc.return_submit(user=programme_manager, ret=ret)
    assert ret.status == "submitted" and ret.submitted_by == programme_manager
    assert ret.figures["computed_at"] and ret.figures["quarter"] == 1
    ret = svc.return_accept(user=cib_admin, ret=ret)
    assert ret.status == "accepted" and ret.reviewed_by == cib_admin
    events = list(
        AuditEvent.objects.filter(object_type="funds.quarterlyreturn", object_id=str(ret.pk))
        .order_by("at", "pk")
        .values_list("action", "actor", "before", "after")
    )
    assert [e[0] for e in events] == [
        "funds.return_save",
        "funds.return_sign_off",
        "funds.return_submit",
        "funds.return_accept",
    ]
    assert events[1][2] == {"status": "draft"} and events[1][3]["status"] == "signed_off"
    assert events[2][3]["figures"]["total"]["allocated"] == sum(ALLOCATIONS.values())
    assert events[3][1] == cib_admin.pk and events[3][2] == {"status": "submitted"}


def test_returned_with_comments_then_edited_signed_off_and_resubmitted(
    past_agreement, programme_manager, regional_lead, second_lead, cib_admin
):
    ret = svc.return_save_draft(
        user=programme_manager, ret=_ret(past_agreement), narrative="N", outcomes=""
    )
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    ret = svc.return_submit(user=regional_lead, ret=ret)
    with pytest.raises(FundsError, match="Say what the region needs to change"):
        svc.return_send_back(user=cib_admin, ret=ret, comments="  ")
    ret = svc.return_send_back(user=cib_admin, ret=ret, comments="Add the outcomes.")
    assert ret.status == "returned" and ret.review_comments == "Add the outcomes."
    with pytest.raises(FundsError, match="must sign it off"):
        svc.return_submit(user=programme_manager, ret=ret)
    ret = svc.return_save_draft(user=programme_manager, ret=ret, narrative="N", outcomes="More")
    ret = svc.return_sign_off(user=second_lead, ret=ret)
    assert ret.signed_off_by == second_lead
    ret = svc.return_submit(user=programme_manager, ret=ret)
    assert svc.return_accept(user=cib_admin, ret=ret).status == "accepted"


def test_wrong_steps_are_refused(
    past_agreement, programme_manager, regional_lead, adviser, other_regional_lead, cib_admin
):
    ret = _ret(past_agreement)
    with pytest.raises(FundsError, match="needs a narrative"):
        svc.return_sign_off(user=regional_lead, ret=ret)
    for user in (regional_lead, adviser, cib_admin, other_regional_lead):
        with pytest.raises(FundsError, match="Only the region's programme manager can edit"):
            svc.return_save_draft(user=user, ret=ret, narrative="N", outcomes="")
    ret = svc.return_save_draft(user=programme_manager, ret=ret, narrative="N", outcomes="")
    for user in (programme_manager, adviser, cib_admin, other_regional_lead):
        with pytest.raises(FundsError, match="Only a regional lead of the region"):
            svc.return_sign_off(user=user, ret=ret)
    with pytest.raises(FundsError, match="a regional lead must sign it off"):
        svc.return_submit(user=programme_manager, ret=ret)
    with pytest.raises(FundsError, match="only a submitted return can be accepted"):
        svc.return_accept(user=cib_admin, ret=ret)
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    with pytest.raises(FundsError, match="only a draft or a returned return can be changed"):
        svc.return_save_draft(user=programme_manager, ret=ret, narrative="X", outcomes="")
    for user in (adviser, cib_admin, other_regional_lead):
        with pytest.raises(FundsError, match="programme manager or a regional lead can submit"):
            svc.return_submit(user=user, ret=ret)
    ret = svc.return_submit(user=programme_manager, ret=ret)
    with pytest.raises(FundsError, match="cannot be submitted again"):
        svc.return_submit(user=programme_manager, ret=ret)
    for user in (programme_manager, regional_lead, adviser):
        with pytest.raises(FundsError, match="Only the CIB administrator"):
            svc.return_accept(user=user, ret=ret)
        with pytest.raises(FundsError, match="Only the CIB administrator"):
            svc.return_send_back(user=user, ret=ret, comments="No")
    ret = svc.return_accept(user=cib_admin, ret=ret)
    with pytest.raises(FundsError, match="only a submitted return can be returned"):
        svc.return_send_back(user=cib_admin, ret=ret, comments="Late")
    ret.refresh_from_db()
    assert ret.status == "accepted" and ret.narrative == "N"


def test_a_quarter_not_yet_ended_cannot_be_submitted(
    reference_data, cib_admin, programme_manager, regional_lead
):
    future = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year + 1,
        allocations=ALLOCATIONS,
    )
    ret = svc.return_save_draft(
        user=programme_manager, ret=_ret(future), narrative="N", outcomes=""
    )
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    with pytest.raises(FundsError, match="The quarter ends on 30 June"):
        svc.return_submit(user=programme_manager, ret=ret)
    ret.refresh_from_db()
    assert ret.status == "signed_off"


def test_the_figures_are_frozen_once_submitted(
    past_agreement, programme_manager, regional_lead, cib_admin
):
    from funds.services import spend_request_create, spend_request_submit

    first, last = quarter_bounds(past_agreement.financial_year, 1)

    def approved(amount, when):
        request = spend_request_create(
            user=programme_manager,
            agreement=past_agreement,
            purpose="early_support",
            amount_pence=amount,
            description="Training",
        )
        request = spend_request_submit(user=programme_manager, request=request)
        request = spend_request_approve(user=regional_lead, request=request)
        SpendRequest.objects.filter(pk=request.pk).update(approved_at=when)

    approved(25_000, london(first.year, first.month, 20, 12))
    ret = svc.return_save_draft(
        user=programme_manager, ret=_ret(past_agreement), narrative="N", outcomes=""
    )
    live, frozen = svc.figures_for_display(ret)
    assert not frozen and live["total"]["approved_in_quarter"] == 25_000
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    ret = svc.return_submit(user=programme_manager, ret=ret)
    # Spend recorded later against the same quarter changes the ledger, not the return.
    approved(1_000, london(last.year, last.month, last.day, 9))
    ret = QuarterlyReturn.objects.get(pk=ret.pk)
    shown, frozen = svc.figures_for_display(ret)
    assert frozen and shown["total"]["approved_in_quarter"] == 25_000
    assert svc.return_figures(past_agreement, 1)["total"]["approved_in_quarter"] == 26_000
    svc.return_accept(user=cib_admin, ret=ret)
    ret.refresh_from_db()
    assert svc.figures_for_display(ret) == (shown, True)


# --- Reminders and escalation ----------------------------------------------------------------


def test_reminder_once_when_due_within_14_days(
    agreement, programme_manager, regional_lead, second_lead, other_regional_lead, cib_admin
):
    # Quarter 1 of 2027-28 is due on 31 July 2027.
    q1 = _ret(agreement, 1)
    assert q1.due_on == date(2027, 7, 31)
    assert svc.returns_remind(today=date(2027, 7, 16)) == 0  # 15 days before: not yet
    assert svc.returns_remind(today=date(2027, 7, 17)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {
        programme_manager.email,
        regional_lead.email,
        second_lead.email,
    }
    assert "due on 31 July 2027" in message.subject
    q1.refresh_from_db()
    assert q1.reminder_sent_on == date(2027, 7, 17) and q1.escalated_on is None
    assert svc.returns_remind(today=date(2027, 7, 18)) == 0  # once only
    assert len(mail.outbox) == 1


def test_escalation_once_when_overdue(
    agreement, programme_manager, regional_lead, second_lead, cib_admin, other_regional_lead
):
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(
        reminder_sent_on=date(2027, 7, 17)
    )
    assert svc.returns_remind(today=date(2027, 7, 31)) == 0  # due today: not overdue
    assert svc.returns_remind(today=date(2027, 8, 1)) == 1
    message = mail.outbox[0]
    assert set(message.to) == {cib_admin.email, regional_lead.email, second_lead.email}
    assert message.subject.startswith("[CIB portal] Overdue")
    q1 = _ret(agreement, 1)
    assert q1.escalated_on == date(2027, 8, 1)
    assert svc.returns_remind(today=date(2027, 8, 2)) == 0
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="funds.return_escalation").count() == 1


def test_submitted_and_accepted_returns_are_neither_reminded_nor_escalated(agreement, cib_admin):
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(status="submitted")
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=2).update(status="accepted")
    assert svc.returns_remind(today=date(2027, 7, 20)) == 0
    assert svc.returns_remind(today=date(2027, 11, 5)) == 0  # both overdue were they open
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(
        status="returned", review_comments="Fix it"
    )
    assert svc.returns_remind(today=date(2027, 11, 5)) == 1  # returned: open again, overdue
    assert mail.outbox[0].to == [cib_admin.email]


def test_the_beat_task_escalates_overdue_returns(past_agreement, regional_lead, cib_admin):
    from funds.tasks import send_return_reminders

    assert send_return_reminders.apply().get() == 4
    assert len(mail.outbox) == 4
    assert all(r.escalated_on == timezone.localdate() for r in past_agreement.returns.all())
    assert send_return_reminders.apply().get() == 0


# --- PDF -------------------------------------------------------------------------------------


def test_the_return_pdf_renders(ledger, programme_manager, settings, tmp_path):
    from funds.reports import report_request_funds_return
    from reports.models import ReportJob
    from reports.services import report_render

    settings.MEDIA_ROOT = tmp_path
    ret = svc.return_save_draft(
        user=programme_manager,
        ret=_ret(ledger, 2),
        narrative="Four peer challenges ran.",
        outcomes="Two councils improved.",
    )
    job = report_request_funds_return(user=programme_manager, ret=ret)
    assert job.params == {"return_id": ret.pk} and job.is_confidential
    assert job.subject_council is None
    report_render(job_id=str(job.pk))
    job = ReportJob.objects.get(pk=job.pk)
    assert job.status == "done"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    text = " ".join(text.split())
    assert "Yorkshire and The Humber" in text
    assert "2027-28" in text and "quarter 2" in text
    assert "£1,500.00" in text  # approved to date in quarter 2, in total
    assert "Four peer challenges ran." in text and "Two councils improved." in text
