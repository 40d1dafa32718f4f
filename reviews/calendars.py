"""iCalendar (RFC 5545) for reviews: one file per booking, and a private feed per reviewer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import QuerySet

from cib_portal.ics import PRODID, UID_DOMAIN, ics_escape
from cib_portal.ics import fold as _fold

from .models import Booking, Reviewer, TeamAssignment


def _event(booking: Booking, stamp: str, role: str = "") -> list[str]:
    summary = f"{booking.product.name}: {booking.council.name}"
    description = (
        f"{booking.product.name} at {booking.council.name} ({booking.get_status_display()})."
    )
    if role:
        description += f" On the team as {role}."
    return [
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{booking.on_site.lower:%Y%m%d}",
        # DTEND of an all-day event is exclusive: the day after the last on-site day.
        f"DTEND;VALUE=DATE:{booking.on_site.upper:%Y%m%d}",
        f"SUMMARY:{ics_escape(summary)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"LOCATION:{ics_escape(booking.council.name)}",
        "STATUS:CANCELLED" if booking.status == "cancelled" else "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def calendar_text(events: Iterable[tuple[Booking, str]], name: str) -> str:
    """A VCALENDAR with one all-day event per (booking, role), lines ending CRLF."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(name)}",
    ]
    for booking, role in events:
        lines.extend(_event(booking, stamp, role))
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def booking_calendar(booking: Booking) -> str:
    """The .ics file of one booking's on-site days."""
    return calendar_text([(booking, "")], f"{booking.product.name}: {booking.council.name}")


def feed_assignments(reviewer: Reviewer) -> QuerySet[TeamAssignment]:
    """A reviewer's own active assignments, for their private feed."""
    return (
        TeamAssignment.objects.filter(reviewer=reviewer, is_active=True)
        .exclude(booking__status="cancelled")
        .select_related("booking__council", "booking__product")
        .order_by("on_site")
    )


def reviewer_feed(reviewer: Reviewer) -> str:
    """The private calendar feed of a reviewer's reviews."""
    events = [
        (a.booking, a.get_reviewer_type_display().lower()) for a in feed_assignments(reviewer)
    ]
    return calendar_text(events, f"Peer reviews: {reviewer.name}")


def reviewer_by_feed_token(token: str) -> Reviewer | None:
    """The active reviewer whose feed this secret opens (an empty or unknown one: nobody)."""
    if not token or len(token) < 20:
        return None
    return Reviewer.objects.filter(feed_token=token, is_active=True).first()
