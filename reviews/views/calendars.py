"""Calendars: a booking's on-site days as an .ics file, and a reviewer's private feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cib_portal import access
from cib_portal.downloads import content_disposition

from .. import calendars, permissions
from ..models import Booking

ICS_TYPE = "text/calendar; charset=utf-8"


@login_required
def booking_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's on-site days as an .ics file: for whoever may see the booking."""
    booking = get_object_or_404(Booking.objects.select_related("council", "product"), pk=pk)
    access.require(permissions.can_view_booking(request.user, booking))
    response = HttpResponse(calendars.booking_calendar(booking), content_type=ICS_TYPE)
    response["Content-Disposition"] = content_disposition(f"review-{booking.pk}.ics")
    return response


def reviewer_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the secret in the address is the only key (calendar apps cannot
    sign in), so a wrong, old or revoked one is a 404."""
    reviewer = calendars.reviewer_by_feed_token(token)
    if reviewer is None:
        raise Http404
    response = HttpResponse(calendars.reviewer_feed(reviewer), content_type=ICS_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
