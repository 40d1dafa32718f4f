"""Bookings: the list, a booking's page and the steps that change it (lifecycle, reschedule,
cancel, override).

A booking the user may not see is a 404; one they may see but not change is a 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.selectors import events_for
from cib_portal import access

from .. import permissions
from ..forms import bookings as f
from ..models import Booking, BookingStatus, ChargingBasis
from ..selectors.pipeline import STAGE_LABELS, STAGES
from ..services import lifecycle
from ..services.bookings import (
    BookingError,
    booking_override_free,
    money,
)

PAGE_SIZE = 25


def _visible(request: HttpRequest, pk: int) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("council", "council__region", "product", "requested_by"),
        pk=pk,
    )
    access.require(permissions.can_view_booking(request.user, booking))
    return booking


def bookings_visible(*, user: Any):
    """Bookings the user may see, with what the list shows."""
    return (
        Booking.objects.filter(permissions.bookings_visible_filter(user))
        .select_related("council", "council__region", "product")
        .order_by("-first_on_site_day", "-pk")
    )


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    bookings = bookings_visible(user=request.user)
    filters = f.BookingFilterForm(request.GET or None)
    stage_label, monday = None, None
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("status"):
            bookings = bookings.filter(status=data["status"])
        if data.get("product"):
            bookings = bookings.filter(product=data["product"])
        if data.get("region"):
            bookings = bookings.filter(council__region=data["region"])
        if data.get("stage"):
            bookings = bookings.filter(status__in=STAGES[data["stage"]])
            stage_label = STAGE_LABELS[data["stage"]]
        if data.get("week"):
            monday = data["week"] - timedelta(days=data["week"].weekday())
            bookings = bookings.filter(
                first_on_site_day__gte=monday, first_on_site_day__lt=monday + timedelta(days=7)
            )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/bookings/list.html",
        {
            "page_obj": page,
            "filters": filters,
            "stage_label": stage_label,
            "week": monday,
            "can_request": permissions.councils_user_may_book_for(request.user).exists(),
            "nav_section": "reviews",
        },
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _visible(request, pk)
    following = lifecycle.next_status(booking)
    history = events_for(booking).order_by("at", "pk")
    return render(
        request,
        "reviews/bookings/detail.html",
        {
            "booking": booking,
            "price": money(booking.price_pence) if booking.charging_basis != "free" else "Free",
            "next_status": following,
            "next_label": dict(BookingStatus.choices).get(following, ""),
            "next_who": permissions.WHO.get(following, ""),
            "may_advance": following is not None
            and permissions.can_move_booking_to(request.user, booking, following),
            "may_change": permissions.can_change_booking(request.user, booking),
            "may_manage_team": permissions.can_manage_reviewers(request.user),
            "may_cancel": permissions.can_change_booking(request.user, booking)
            and booking.status
            in (
                BookingStatus.REQUESTED,
                BookingStatus.SCOPING,
                BookingStatus.TEAM_ASSEMBLED,
                BookingStatus.SCHEDULED,
            ),
            "may_override": permissions.can_override_free(request.user, booking)
            and booking.charging_basis != ChargingBasis.FREE
            and booking.status != BookingStatus.CANCELLED,
            "history": history,
            "nav_section": "reviews",
        },
    )


# --- Changing a booking ---------------------------------------------------------------------


@login_required
@require_POST
def booking_advance(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _visible(request, pk)
    to_status = request.POST.get("to", "")
    if to_status in dict(BookingStatus.choices):
        access.require_permission(permissions.can_move_booking_to(request.user, booking, to_status))
    try:
        lifecycle.booking_advance(booking=booking, to_status=to_status, actor=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Booking marked {dict(BookingStatus.choices)[to_status].lower()}."
        )
    return redirect("reviews:booking_detail", pk=booking.pk)


def _changeable(request: HttpRequest, pk: int) -> Booking:
    booking = _visible(request, pk)
    access.require_permission(permissions.can_change_booking(request.user, booking))
    return booking


def _reason_form_page(
    request: HttpRequest,
    booking: Booking,
    form: forms.Form,
    *,
    field: str,
    act,
    success: str,
    **context,
) -> HttpResponse:
    """A one-question change to a booking: on a valid POST call `act(cleaned_data)`; a
    BookingError is shown on `field`; success goes back to the booking with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except BookingError as exc:
            form.add_error(field, str(exc))
        else:
            messages.success(request, success)
            return redirect("reviews:booking_detail", pk=booking.pk)
    return render(
        request,
        "reviews/bookings/reason_form.html",
        {"form": form, "booking": booking, **context},
    )


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@login_required
def booking_reschedule_page(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _changeable(request, pk)
    form = f.RescheduleForm(
        _posted(request), initial={"first_on_site_day": booking.first_on_site_day}
    )
    return _reason_form_page(
        request,
        booking,
        form,
        field="first_on_site_day",
        act=lambda data: lifecycle.booking_reschedule_and_notify(
            booking=booking, first_on_site_day=data["first_on_site_day"], changed_by=request.user
        ),
        success="The booking's dates have changed.",
        title="Change the on-site dates",
        button="Change the dates",
    )


@login_required
def booking_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _changeable(request, pk)
    form = f.ReasonForm(
        _posted(request),
        label="Why is the booking being cancelled?",
        required_message="Enter why the booking is being cancelled",
    )
    return _reason_form_page(
        request,
        booking,
        form,
        field="reason",
        act=lambda data: lifecycle.booking_cancel_and_notify(
            booking=booking, reason=data["reason"], cancelled_by=request.user
        ),
        success="The booking has been cancelled.",
        title="Are you sure you want to cancel this booking?",
        warning="A cancelled booking cannot be restarted. A cancelled free review gives the "
        "council its free review back.",
        button="Cancel the booking",
        button_class="govuk-button--warning",
    )


@login_required
def booking_override_page(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _visible(request, pk)
    access.require_permission(permissions.can_override_free(request.user, booking))
    form = f.ReasonForm(
        _posted(request),
        label="Why is this review being made free?",
        required_message="Enter why the review is being made free",
    )
    return _reason_form_page(
        request,
        booking,
        form,
        field="reason",
        act=lambda data: booking_override_free(
            booking=booking, reason=data["reason"], granted_by=request.user
        ),
        success="The booking is now free. The override has been recorded.",
        title="Grant a free review",
        warning="This overrides the three-year entitlement. Your name and reason are recorded.",
        button="Make the booking free",
    )
