"""The review report page: the lead reviewer writes it, the council publishes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cib_portal import access

from .. import permissions
from ..forms.report import ReportForm
from ..models import Booking, BookingStatus, ReviewReport
from ..services import report
from ..services.bookings import BookingError


def _booking(request: HttpRequest, pk: int) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("council__region", "product"), pk=pk)
    access.require(permissions.can_read_report(request.user, booking))
    return booking


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    existing = ReviewReport.objects.filter(booking=booking).first()
    writable = (
        permissions.can_write_report(request.user, booking) and booking.status in report.WRITABLE
    )
    form = ReportForm(
        request.POST or None,
        initial={
            "strengths": existing.strengths if existing else "",
            "areas_for_consideration": existing.areas_for_consideration if existing else "",
            "recommendations": existing.recommendations if existing else "",
        },
    )
    if request.method == "POST":
        access.require(writable)
        if form.is_valid():
            try:
                report.report_save(booking=booking, author=request.user, **form.cleaned_data)
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The report was saved.")
                return redirect("reviews:report", pk=booking.pk)
    return render(
        request,
        "reviews/report.html",
        {
            "booking": booking,
            "report": existing,
            "form": form if writable else None,
            "may_publish": existing is not None
            and booking.status == BookingStatus.REPORT_DRAFTED
            and permissions.can_move_booking_to(
                request.user, booking, BookingStatus.REPORT_PUBLISHED
            ),
            "may_download": permissions.can_download_report(request.user, booking),
        },
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    access.require(
        permissions.can_move_booking_to(request.user, booking, BookingStatus.REPORT_PUBLISHED)
    )
    try:
        report.report_publish(booking=booking, publisher=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The report is published.")
    return redirect("reviews:report", pk=booking.pk)


@login_required
@require_POST
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ..reports import report_request_review_report

    booking = _booking(request, pk)
    access.require(permissions.can_download_report(request.user, booking))
    job = report_request_review_report(user=request.user, booking=booking)
    return redirect("reports:job_detail", job_id=job.pk)
