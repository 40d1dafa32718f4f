"""The review report: structured findings drafted by the lead reviewer (or the programme
manager), published by the council's DCS or chief executive, and made as a PDF.

Who sees it: while a draft, its writers and the council's DCS and chief executive (who publish
it); once published, everyone who may see the booking (the council, its region's leads, the
advisers, the team).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .. import permissions
from ..audit_actions import Action
from ..models import Booking, BookingStatus, ReviewReport
from . import lifecycle
from .bookings import BookingError

# A report can be written once the team has been on site.
WRITABLE = (BookingStatus.ON_SITE, BookingStatus.REPORT_DRAFTED)


@transaction.atomic
def report_save(
    *,
    booking: Booking,
    author: Any,
    strengths: str,
    areas_for_consideration: str,
    recommendations: str,
) -> ReviewReport:
    """Write the findings; the first save moves the booking to "report drafted"."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not permissions.can_write_report(author, booking):
        raise BookingError("Only the lead reviewer or the programme manager can write the report.")
    if booking.status not in WRITABLE:
        raise BookingError(
            "The report can be written once the team has been on site, and until "
            "the council publishes it."
        )
    report, created = ReviewReport.objects.get_or_create(
        booking=booking, defaults={"drafted_by": author}
    )
    report.strengths = strengths.strip()
    report.areas_for_consideration = areas_for_consideration.strip()
    report.recommendations = recommendations.strip()
    report.save()
    audit_record(
        actor=author,
        action=Action.REVIEW_REPORT_SAVE,
        obj=report,
        summary=f"Report on {booking} {'drafted' if created else 'edited'}",
    )
    if booking.status == BookingStatus.ON_SITE:
        lifecycle.booking_advance(
            booking=booking, to_status=BookingStatus.REPORT_DRAFTED, actor=author
        )
    return report


@transaction.atomic
def report_publish(*, booking: Booking, publisher: Any) -> ReviewReport:
    """The council publishes its report (the booking moves to "report published")."""
    report = ReviewReport.objects.select_for_update().filter(booking=booking).first()
    if report is None:
        raise BookingError("There is no report to publish yet.")
    if not (report.strengths and report.areas_for_consideration and report.recommendations):
        raise BookingError(
            "The report needs strengths, areas for consideration and "
            "recommendations before it can be published."
        )
    lifecycle.booking_advance(
        booking=booking, to_status=BookingStatus.REPORT_PUBLISHED, actor=publisher
    )
    report.published_at, report.published_by = timezone.now(), publisher
    report.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=publisher,
        action=Action.REVIEW_REPORT_PUBLISH,
        obj=report,
        summary=f"Report on {booking} published",
    )
    return report
